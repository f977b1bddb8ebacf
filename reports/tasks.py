"""The Celery tasks of the reports app. Each is thin: it takes ids or plain values and calls the
service of the same name. `ReportsConfig.ready()` imports this module, so every process that
sets up Django has them registered, and services enqueue them by name (`ntm.celery.enqueue`)
without importing this module."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import rollups, snapshots

ROLLUP_MAX_RETRIES = 5


@shared_task
def snapshots_take(iso_year: int | None = None, iso_week: int | None = None) -> int:
    """Freeze every assessment's stored evaluation for one ISO week (default: the current
    week in the project's time zone). Idempotent: taking a week again replaces it."""
    if iso_year is None or iso_week is None:
        iso_year, iso_week, _day = timezone.localdate().isocalendar()
    return snapshots.snapshots_take(iso_year=iso_year, iso_week=iso_week)


@shared_task
def rollups_request_all(iso_year: int | None = None, iso_week: int | None = None) -> int:
    """The scheduled fan-out: one `rollup_build` per district (per province where communes
    have no district) for the week whose report deadline has just passed."""
    if iso_year is None or iso_week is None:
        iso_year, iso_week = rollups.rollup_default_week(timezone.now())
    return rollups.rollups_request_all(iso_year=iso_year, iso_week=iso_week)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=ROLLUP_MAX_RETRIES)
def rollup_build(self, rollup_id: int) -> str:
    """Build one roll-up; transient database or connection errors retry with a growing delay,
    and the last failure is recorded on the roll-up."""
    try:
        return rollups.rollup_build(rollup_id=rollup_id).status
    except rollups.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            rollups.rollup_fail(rollup_id=rollup_id, error=error)
            raise
        raise self.retry(exc=error, countdown=min(600, 2 ** (self.request.retries + 1))) from error


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def export_job_run(job_id: int) -> str:
    """Build one export job's file; returns its final status. The export builders (openpyxl,
    which brings numpy when installed) load in the worker process that first runs one, not in
    every process that registers the tasks (the worker's parent never builds anything)."""
    from . import services

    return services.export_job_run(job_id=job_id).status


@shared_task
def periodic_reminders_send() -> int:
    """The daily reminder to units whose periodic report is due soon or overdue and not
    submitted; returns the number of e-mails sent."""
    from . import periodic

    return periodic.periodic_reminders_send()
