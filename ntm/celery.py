import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")
# Django's system checks run where the project is deployed (`manage.py migrate`, `check`).
# Run again at a worker's start, they would import every view, and with them the Word and
# Excel builders, into the worker's parent process, which never builds anything (about 35 MB
# of its memory); each worker process loads the builders when it first runs a task.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("ntm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class QueueUnavailable(Exception):
    """The broker (or the result store) could not take a task."""


def queue_unavailable_text() -> str:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("vi"):
        return _(
            "Hàng đợi xử lý tạm thời không hoạt động nên yêu cầu chưa được gửi. Hãy thử lại sau ít phút."
        )


def enqueue(task, *args, on_failure) -> bool:
    """Send `task` (a task, or a registered task's name such as "reports.tasks.rollup_build",
    so that a service need not import its task module) to the broker. The request's rows are
    already committed when this runs (from `transaction.on_commit`), so when Redis is
    unreachable the row is marked through `on_failure(QueueUnavailable)` for the user to see
    and retry, instead of a server error."""
    if isinstance(task, str):
        task = app.tasks[task]
    if task.app.conf.task_always_eager:  # in-process: a failing task is the task's error
        task.delay(*args)
        return True
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - kombu, redis and Celery's result store each raise their own
        logging.getLogger("ntm.queue").exception("Could not queue %s%r", task.name, args)
        on_failure(QueueUnavailable(queue_unavailable_text()))
        return False
    return True
