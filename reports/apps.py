from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        # Registers the export task with Celery; autodiscovery only imports `tasks.py`.
        from . import export_tasks  # noqa: F401
