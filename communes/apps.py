from django.apps import AppConfig


class CommunesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communes"

    def ready(self) -> None:
        from . import audit

        audit.log_bulk_admin_actions()
