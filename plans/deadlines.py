"""Pure calculations for plans and weekly reports: ISO weeks, report deadlines, timeliness,
the weeks a plan owes reports for, criterion deadline status and allocation totals. No ORM
here. Typed numbers are read by criteria/parsing.py."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

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

    @property
    def label(self) -> str:
        return str(TIMELINESS_LABELS[self])


# The words of each timeliness code, on every page, workbook and e-mail.
TIMELINESS_LABELS = {
    Timeliness.ON_TIME: _("Đúng hạn"),
    Timeliness.LATE: _("Muộn"),
    Timeliness.MISSING: _("Chưa nộp"),
    Timeliness.PENDING: _("Chưa đến hạn"),
    Timeliness.NOT_DUE: _("Ngoài kỳ báo cáo"),
}


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


# Weeks a plan's villages owe a report --------------------------------------------------------


@dataclass(frozen=True)
class ReportingSpan:
    """When the villages of a plan owe weekly reports: from its adoption to the end of its
    year, and, for a plan with campaign waves, only during its waves.

    The report of the ISO week starting on Monday `m` is due on its deadline day
    `d = m + weekday` (at `at`, Vietnam time) and covers the seven days ending on `d`. The week
    is *covered* by the span when all three hold:

    - `m`'s ISO year is the plan's year (the year closes with its last ISO week, as the report
      form only takes weeks of the plan's year, so 30/12/2024 belongs to a plan of 2025);
    - the plan was adopted before the deadline day (`adopted_on < d`): the week containing
      the adoption day counts only when its deadline day comes after it, so a plan adopted on
      a Thursday first owes the next Thursday's report (it may have been entered after that
      day's 14:30 deadline);
    - without waves, nothing more; with waves, the seven days ending on `d` overlap a wave
      (`start <= d` and `end >= d - 6`), so the report after a wave's last days is owed and
      no report is owed for a deadline that passes before a wave starts.

    A covered week is *due* at `now` once its deadline moment has come (`deadline <= now`),
    the moment `report_state` turns a missing report from pending into missing."""

    adopted_on: date
    year: int
    waves: tuple[tuple[date, date], ...] = ()
    weekday: int = DEFAULT_WEEKDAY
    at: time = DEFAULT_TIME

    def deadline(self, monday: date) -> datetime:
        return report_deadline(monday, self.weekday, self.at)

    def covers(self, monday: date) -> bool:
        day = monday + timedelta(days=self.weekday)
        if monday.isocalendar().year != self.year or day <= self.adopted_on:
            return False
        return not self.waves or any(
            start <= day and end >= day - timedelta(days=6) for start, end in self.waves
        )

    def covers_day(self, day: date) -> bool:
        """A day of the campaign, when daily reports may be posted: inside one of the waves
        for a plan with waves, else from the adoption day to the end of the plan's ISO year."""
        if self.waves:
            return any(start <= day <= end for start, end in self.waves)
        return day.isocalendar().year == self.year and day >= self.adopted_on

    def is_due(self, monday: date, now: datetime) -> bool:
        return self.covers(monday) and self.deadline(monday) <= now

    def weeks(self) -> list[date]:
        """Every Monday of the plan's ISO year, oldest first."""
        first = iso_week_monday(self.year, 1)
        count = date(self.year, 12, 28).isocalendar().week  # 28 December is always in the last week
        return [first + timedelta(weeks=offset) for offset in range(count)]

    def due_weeks(self, now: datetime, among: Iterable[date] | None = None) -> list[date]:
        """The Mondays due at `now`, oldest first; only those of `among` when given."""
        weeks = self.weeks() if among is None else sorted(set(among))
        return [monday for monday in weeks if self.is_due(monday, now)]


def due_weeks(
    *,
    adopted_on: date,
    year: int,
    now: datetime,
    waves: Iterable[tuple[date, date]] = (),
    weekday: int = DEFAULT_WEEKDAY,
    at: time = DEFAULT_TIME,
) -> list[date]:
    """The Mondays of the weeks whose report was due at `now` (see ReportingSpan)."""
    span = ReportingSpan(adopted_on, year, tuple(waves), weekday, at)
    return span.due_weeks(now)


def day_end(day: date) -> datetime:
    """The last moment of `day` in Vietnam, for callers that count "as of" a day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=VN_TZ) - timedelta(microseconds=1)


# Criterion deadlines -------------------------------------------------------------------------


class DeadlineStatus(enum.StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return str(DEADLINE_LABELS[self])


# The words of each criterion-deadline status, on every page, workbook and e-mail.
DEADLINE_LABELS = {
    DeadlineStatus.MET: _("Đã đạt"),
    DeadlineStatus.ON_TRACK: _("Đúng tiến độ"),
    DeadlineStatus.AT_RISK: _("Có nguy cơ chậm"),
    DeadlineStatus.OVERDUE: _("Quá hạn"),
}


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


# Allocation totals ---------------------------------------------------------------------------


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
