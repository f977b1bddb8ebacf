"""Thin Celery tasks of the reports app: each takes plain values and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from .snapshots import snapshots_take


@shared_task
def take_weekly_snapshots(iso_year: int | None = None, iso_week: int | None = None) -> int:
    """Freeze every assessment's stored evaluation for one ISO week (default: the current
    week in the project's time zone). Idempotent: taking a week again replaces it."""
    if iso_year is None or iso_week is None:
        iso_year, iso_week, _day = timezone.localdate().isocalendar()
    return snapshots_take(iso_year=iso_year, iso_week=iso_week)


def parse_iso_week(text: str) -> tuple[int, int]:
    """Parse an ISO week such as 2024-W10 into (2024, 10); ValueError with a Vietnamese message."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        year, week = int(year_text), int(week_text)
        datetime.date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"Tuần không hợp lệ: {text!r} (đúng dạng: 2024-W10).") from error
    return year, week


# --- Weekly roll-ups ------------------------------------------------------------------------

ROLLUP_MAX_RETRIES = 5


@shared_task
def build_weekly_rollups(iso_year: int | None = None, iso_week: int | None = None) -> int:
    """The scheduled fan-out: one `build_rollup` per district (per province where communes
    have no district) for the week whose report deadline has just passed."""
    from .rollups import rollup_default_week, rollups_request_all

    if iso_year is None or iso_week is None:
        iso_year, iso_week = rollup_default_week(timezone.now())
    return rollups_request_all(iso_year=iso_year, iso_week=iso_week)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=ROLLUP_MAX_RETRIES)
def build_rollup(self, rollup_id: int) -> str:
    """Build one roll-up; transient database or connection errors retry with a growing delay,
    and the last failure is recorded on the roll-up."""
    from .rollups import TRANSIENT_ERRORS, rollup_build, rollup_fail

    try:
        return rollup_build(rollup_id=rollup_id).status
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            rollup_fail(rollup_id=rollup_id, error=error)
            raise
        raise self.retry(exc=error, countdown=min(600, 2 ** (self.request.retries + 1))) from error
