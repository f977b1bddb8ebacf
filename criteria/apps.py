from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "criteria"

    def ready(self) -> None:
        from communes.signals import classification_changed

        from .reevaluation import classification_changed_receiver

        classification_changed.connect(
            classification_changed_receiver, dispatch_uid="criteria_reevaluate_communes"
        )
