from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        # Registers the tasks with Celery in every process, the web's included: services
        # enqueue them by name. (A worker's autodiscovery would import the module too.)
        from . import tasks  # noqa: F401
