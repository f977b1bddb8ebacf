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
