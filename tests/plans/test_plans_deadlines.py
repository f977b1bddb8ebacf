"""Pure functions of the plans app: weeks, deadlines, timeliness, criterion deadline status
and allocation row totals. No database."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from plans import deadlines
from plans.deadlines import VN_TZ, DeadlineStatus, Timeliness
from plans.templatetags.plans_tags import duration


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def test_the_deadline_is_thursday_1430_in_vietnam_by_default():
    monday = date(2023, 3, 20)
    assert deadlines.report_deadline(monday) == vn(2023, 3, 23, 14, 30)
    assert deadlines.report_deadline(monday, 4, time(9, 0)) == vn(2023, 3, 24, 9, 0)


def test_a_report_at_142959_is_on_time_and_at_1430_late():
    deadline = vn(2023, 3, 23, 14, 30)
    assert (
        deadlines.report_state(vn(2023, 3, 23, 14, 29, 59), deadline, deadline).timeliness
        is Timeliness.ON_TIME
    )
    at_deadline = deadlines.report_state(deadline, deadline, deadline)
    assert at_deadline.timeliness is Timeliness.LATE and at_deadline.late_by == timedelta(0)
    later = deadlines.report_state(vn(2023, 3, 24, 16, 45), deadline, deadline)
    assert later.timeliness is Timeliness.LATE and later.late_by == timedelta(days=1, hours=2, minutes=15)


def test_no_report_is_pending_before_the_deadline_and_missing_from_it():
    deadline = vn(2023, 3, 23, 14, 30)
    assert (
        deadlines.report_state(None, deadline, vn(2023, 3, 23, 14, 29, 59)).timeliness is Timeliness.PENDING
    )
    assert deadlines.report_state(None, deadline, deadline).timeliness is Timeliness.MISSING


def test_lateness_reads_in_days_hours_and_minutes():
    assert duration(timedelta(days=1, hours=2, minutes=15, seconds=59)) == "1 ngày 2 giờ 15 phút"
    assert duration(timedelta(hours=3)) == "3 giờ"
    assert duration(timedelta(seconds=0)) == "dưới 1 phút"


@pytest.mark.parametrize(
    "day, monday, label",
    [
        (date(2021, 1, 3), date(2020, 12, 28), "2020-W53"),  # Sunday of the 53rd week
        (date(2021, 1, 4), date(2021, 1, 4), "2021-W01"),
        (date(2024, 12, 31), date(2024, 12, 30), "2025-W01"),  # ISO week 1 starts in December
        (date(2023, 1, 1), date(2022, 12, 26), "2022-W52"),
    ],
)
def test_weeks_cross_year_boundaries_the_iso_way(day, monday, label):
    assert deadlines.week_monday(day) == monday
    assert deadlines.iso_label(monday) == label


def test_the_deadline_of_week_53_falls_on_new_years_eve():
    assert deadlines.report_deadline(deadlines.iso_week_monday(2020, 53)) == vn(2020, 12, 31, 14, 30)
    assert deadlines.report_deadline(deadlines.iso_week_monday(2025, 1)) == vn(2025, 1, 2, 14, 30)
    with pytest.raises(ValueError):
        deadlines.iso_week_monday(2023, 53)


def test_a_week_that_has_not_started_in_vietnam_is_in_the_future():
    # 2021-01-03 23:30 in Vietnam is still Sunday of 2020-W53; 17:00 UTC is already Monday there.
    week_1 = deadlines.iso_week_monday(2021, 1)
    assert deadlines.is_future_week(week_1, vn(2021, 1, 3, 23, 59, 59))
    assert not deadlines.is_future_week(week_1, datetime(2021, 1, 3, 17, 0, tzinfo=deadlines.ZoneInfo("UTC")))
    assert not deadlines.is_future_week(deadlines.iso_week_monday(2020, 53), vn(2021, 1, 3, 12, 0))


@pytest.mark.parametrize(
    "met, today, expected",
    [
        (True, date(2025, 3, 1), DeadlineStatus.MET),
        (False, date(2024, 9, 30), DeadlineStatus.ON_TRACK),
        (False, date(2024, 10, 1), DeadlineStatus.AT_RISK),
        (False, date(2024, 12, 31), DeadlineStatus.AT_RISK),
        (False, date(2025, 1, 1), DeadlineStatus.OVERDUE),
    ],
)
def test_criterion_08_due_by_q4_is_on_track_at_risk_overdue_or_met(met, today, expected):
    assert deadlines.criterion_deadline_status(met, 2024, 4, today) is expected


def test_row_differences_name_only_the_rows_that_do_not_add_up():
    totals = {1: Decimal("3200"), 2: Decimal("0.38")}
    cells = {(1, 10): Decimal("3000"), (1, 11): Decimal("100"), (2, 10): Decimal("0.38")}
    assert deadlines.row_differences(totals, cells) == {1: Decimal("-100")}


def test_progress_is_a_percentage_of_the_allocation():
    assert deadlines.percent(Decimal("160"), Decimal("800")) == Decimal("20.0")
    assert deadlines.percent(Decimal("1"), Decimal("0")) is None
