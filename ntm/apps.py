from django.apps import AppConfig


class NtmConfig(AppConfig):
    """The site app: home, about and health pages, project-wide commands, the security audit."""

    name = "ntm"

    def ready(self) -> None:
        from . import audit

        audit.log_bulk_admin_actions()
