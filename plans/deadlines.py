"""Pure calculations for plans and weekly reports: ISO weeks, report deadlines, timeliness,
criterion deadline status, Vietnamese number input and allocation totals. No ORM here."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WEEKDAY = 3  # Thursday (Monday is 0), as in seed 004.
DEFAULT_TIME = time(14, 30)


# Weeks ---------------------------------------------------------------------------------------


def week_monday(day: date) -> date:
    """The Monday of the ISO week that contains `day`."""
    return day - timedelta(days=day.weekday())


def iso_week_monday(iso_year: int, iso_week: int) -> date:
    """The Monday of ISO week `iso_week` of `iso_year`; ValueError for a week that does not exist."""
    return date.fromisocalendar(iso_year, iso_week, 1)


def iso_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> tuple[int, int]:
    """Parse an ISO week such as 2024-W10 into (2024, 10); ValueError with a Vietnamese message."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        year, week = int(year_text), int(week_text)
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"Tuần không hợp lệ: {text!r} (đúng dạng: 2024-W10).") from error
    return year, week


def local_today(now: datetime) -> date:
    return now.astimezone(VN_TZ).date()


def current_week(now: datetime) -> date:
    return week_monday(local_today(now))


def is_future_week(monday: date, now: datetime) -> bool:
    """A week that has not started yet in Vietnam cannot be reported."""
    return monday > current_week(now)


def weeks_ending(last: date, count: int) -> list[date]:
    """`count` consecutive week Mondays ending with `last`, oldest first."""
    return [last - timedelta(weeks=offset) for offset in range(count - 1, -1, -1)]


# Deadlines and timeliness --------------------------------------------------------------------


def report_deadline(
    monday: date, weekday: int = DEFAULT_WEEKDAY, at: time = DEFAULT_TIME, tz: ZoneInfo = VN_TZ
) -> datetime:
    """The aware moment by which the report of the week starting `monday` is due."""
    return datetime.combine(monday + timedelta(days=weekday), at, tzinfo=tz)


class Timeliness(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"  # not submitted, but the deadline has not passed yet
    NOT_DUE = "not_due"  # a week outside the plan's reporting period


@dataclass(frozen=True)
class ReportState:
    timeliness: Timeliness
    late_by: timedelta | None = None


def report_state(submitted_at: datetime | None, deadline: datetime, now: datetime) -> ReportState:
    """On time up to and including the last second before the deadline; late from the deadline
    itself (14:29:59 on time, 14:30:00 late); missing once the deadline passed without a report."""
    if submitted_at is None:
        return ReportState(Timeliness.MISSING if now >= deadline else Timeliness.PENDING)
    if submitted_at < deadline:
        return ReportState(Timeliness.ON_TIME)
    return ReportState(Timeliness.LATE, submitted_at - deadline)


def duration_parts(delta: timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of a positive duration, minutes rounded down."""
    minutes = int(delta.total_seconds() // 60)
    return minutes // 1440, minutes % 1440 // 60, minutes % 60


# Criterion deadlines -------------------------------------------------------------------------


class DeadlineStatus(enum.StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def criterion_deadline_status(met: bool, year: int, quarter: int, today: date) -> DeadlineStatus:
    """Met in the live evaluation → met; otherwise on track before the due quarter, at risk
    during it (less than a quarter left), overdue after it."""
    if met:
        return DeadlineStatus.MET
    first, last = quarter_bounds(year, quarter)
    if today > last:
        return DeadlineStatus.OVERDUE
    if today >= first:
        return DeadlineStatus.AT_RISK
    return DeadlineStatus.ON_TRACK


# Numbers -------------------------------------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^\d+([,.]\d+)?$")


def parse_vn_number(text: str) -> Decimal | None:
    """A non-negative number as Vietnamese officials type it: "3.200" (thousands dot),
    "0,38" (decimal comma), "1.234,5", "3200", also "0.38". None for blank; ValueError when
    it is not a number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _PLAIN.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    else:
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the patterns only let digits through
        raise ValueError(text) from error


def row_differences(
    totals: Mapping[int, Decimal], cells: Mapping[tuple[int, int], Decimal]
) -> dict[int, Decimal]:
    """For each item whose allocated cells do not add up to its total: allocated − total."""
    allocated: dict[int, Decimal] = dict.fromkeys(totals, Decimal(0))
    for (item_id, _village_id), quantity in cells.items():
        allocated[item_id] = allocated.get(item_id, Decimal(0)) + quantity
    return {
        item_id: allocated[item_id] - total
        for item_id, total in totals.items()
        if allocated[item_id] != total
    }


def percent(done: Decimal, target: Decimal) -> Decimal | None:
    """Progress as a percentage with one decimal, None when nothing was allocated."""
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(Decimal("0.1"))


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))
