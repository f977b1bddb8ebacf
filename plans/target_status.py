"""The status of a numeric target: pure functions, no ORM, unit-tested without a database.

A target says which way its indicator must go (`Direction`): at least or at most a value by the
end of its target year, or down (up) by at least x a year from a baseline, x in percentage
points or relative to the previous year (`Change`). Its actual values are (as-of date, value)
points. `target_status` is the one place that decides met / on track / at risk / missed; every
page, workbook and report takes the status from it (through plans.selectors.target_rows), and
the labels come from `TargetStatus`.

Rules:
- the goal is the value required at the end of the target year: the target value itself for
  at least / at most; baseline − x·years (points) or baseline·(1 − x/100)^years (relative) for
  reduce by, and the symmetric + for increase by, years counted from the baseline year;
- only actuals as of the end of the target year or earlier count; the latest of them decides;
- met: the latest actual reaches the goal;
- missed: the target year has ended and the latest actual does not reach the goal;
- otherwise, with a baseline, the required value at the latest actual's date is on the straight
  line (for reduce / increase: the yearly curve) from the baseline at the end of its year to the
  goal at the end of the target year: on track when the actual is at or beyond it, at risk when
  behind it;
- without a baseline there is no line to compare with: `no_baseline` ("chưa có mốc để so
  sánh"), never a guess;
- no actual at all: `no_data`, even after the target year (nothing is known, nothing is
  invented).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

PLACES = Decimal("0.0001")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("≥")
    AT_MOST = "at_most", _("≤")
    REDUCE_BY = "reduce_by", _("giảm ít nhất x mỗi năm")
    INCREASE_BY = "increase_by", _("tăng ít nhất x mỗi năm")


class Change(models.TextChoices):
    POINTS = "points", _("điểm %")
    RELATIVE = "relative", _("% (so với năm trước)")


class TargetStatus(models.TextChoices):
    MET = "met", _("Đã đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    AT_RISK = "at_risk", _("Chậm so với tiến độ")
    MISSED = "missed", _("Không đạt")
    NO_BASELINE = "no_baseline", _("Chưa có mốc để so sánh")
    NO_DATA = "no_data", _("Chưa có số liệu thực hiện")


STEPS = (Direction.REDUCE_BY, Direction.INCREASE_BY)
# Directions whose indicator must stay low.
DOWNWARD = (Direction.AT_MOST, Direction.REDUCE_BY)


@dataclass(frozen=True)
class Spec:
    direction: str
    value: Decimal
    target_year: int
    change: str = ""
    baseline_value: Decimal | None = None
    baseline_year: int | None = None

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_year is not None


@dataclass(frozen=True)
class Point:
    as_of: date
    value: Decimal


@dataclass(frozen=True)
class Result:
    status: TargetStatus
    latest: Point | None
    # The value required at the latest actual's date (None without a baseline or an actual).
    expected: Decimal | None
    # The value required at the end of the target year (None when it needs a missing baseline).
    goal: Decimal | None

    @property
    def label(self) -> str:
        return str(self.status.label)


def year_end(year: int) -> date:
    return date(year, 12, 31)


def _rounded(number: Decimal) -> Decimal:
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


def _stepped(spec: Spec, years: Decimal) -> Decimal:
    """The value required `years` after the baseline for reduce / increase by."""
    sign = -1 if spec.direction == Direction.REDUCE_BY else 1
    if spec.change == Change.RELATIVE:
        factor = 1 + sign * spec.value / 100
        return spec.baseline_value * (factor**years if years else Decimal(1))
    # A rate or count reduced by points stops at zero: nothing is left to reduce below it.
    return max(Decimal(0), spec.baseline_value + sign * spec.value * years)


def goal(spec: Spec) -> Decimal | None:
    """The value required at the end of the target year."""
    if spec.direction not in STEPS:
        return spec.value
    if not spec.has_baseline:
        return None
    return _rounded(_stepped(spec, Decimal(spec.target_year - spec.baseline_year)))


def expected_at(spec: Spec, on: date) -> Decimal | None:
    """The value required on `on`: on the line from the baseline (end of its year) to the goal
    (end of the target year); the baseline before it starts, the goal after it ends."""
    if not spec.has_baseline:
        return None
    start, end = year_end(spec.baseline_year), year_end(spec.target_year)
    span_days = (end - start).days
    if span_days <= 0:
        return goal(spec)
    elapsed = min(max((on - start).days, 0), span_days)
    years = Decimal(spec.target_year - spec.baseline_year) * elapsed / span_days
    if spec.direction in STEPS:
        return _rounded(_stepped(spec, years))
    return _rounded(
        spec.baseline_value
        + (spec.value - spec.baseline_value) * years / (spec.target_year - spec.baseline_year)
    )


def reaches(direction: str, actual: Decimal, required: Decimal) -> bool:
    """Whether `actual` is at or beyond `required` in the target's direction."""
    return actual <= required if direction in DOWNWARD else actual >= required


def target_status(spec: Spec, actuals: Iterable[Point], today: date) -> Result:
    end = year_end(spec.target_year)
    counted = [point for point in actuals if point.as_of <= end]
    final = goal(spec)
    if not counted:
        return Result(TargetStatus.NO_DATA, None, None, final)
    latest = max(counted, key=lambda point: point.as_of)
    expected = expected_at(spec, latest.as_of)
    if final is not None and reaches(spec.direction, latest.value, final):
        status = TargetStatus.MET
    elif today > end:
        status = TargetStatus.MISSED
    elif expected is None:
        status = TargetStatus.NO_BASELINE
    elif reaches(spec.direction, latest.value, expected):
        status = TargetStatus.ON_TRACK
    else:
        status = TargetStatus.AT_RISK
    return Result(status, latest, expected, final)
