"""The reports tasks took the names of the services they call: the periodic tasks already
written by `setup_schedule` (whose times may have been edited in the admin) follow them."""

from django.db import migrations
from django.utils import timezone

RENAMED = {
    "reports.tasks.take_weekly_snapshots": "reports.tasks.snapshots_take",
    "reports.tasks.build_weekly_rollups": "reports.tasks.rollups_request_all",
}


def rename(apps, schema_editor, names: dict[str, str]) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in names.items():
        PeriodicTask.objects.filter(task=old).update(task=new)
    # A running beat re-reads its schedule when this stamp moves (update() sends no signal).
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(forwards, backwards)]
