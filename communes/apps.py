from django.apps import AppConfig


class CommunesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communes"
