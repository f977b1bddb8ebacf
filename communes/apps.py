from django.apps import AppConfig
from django.urls import register_converter


class CommunesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communes"

    def ready(self) -> None:
        from .converters import CodeConverter

        # Registered once, before any URL configuration is read: every app's urls.py uses it.
        register_converter(CodeConverter, "code")
