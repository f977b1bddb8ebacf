"""Thin Celery tasks: each calls the service of the same name."""

from celery import shared_task

from .services import weekly_reminders_send


@shared_task
def send_weekly_reminders() -> int:
    """Thursday morning: remind the heads of villages that owe this week's report and have not
    sent it."""
    return weekly_reminders_send()
