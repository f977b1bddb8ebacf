"""The ISO weeks the reports app works in (the plans app's week helpers underneath)."""

from __future__ import annotations

import datetime

from plans import deadlines


def week_bounds(iso_year: int, iso_week: int) -> tuple[datetime.date, datetime.date]:
    """The Monday and the Sunday of an ISO week."""
    monday = deadlines.iso_week_monday(iso_year, iso_week)
    return monday, monday + datetime.timedelta(days=6)


def rollup_default_week(now: datetime.datetime) -> tuple[int, int]:
    """The week a scheduled run rolls up: the latest week whose default report deadline
    (Thursday 14:30) has passed, i.e. the current week from Thursday afternoon on (Friday's
    run) and the previous week before that."""
    monday = deadlines.current_week(now)
    if now < deadlines.report_deadline(monday):
        monday -= datetime.timedelta(weeks=1)
    iso_year, iso_week, _day = monday.isocalendar()
    return iso_year, iso_week
