"""Reporting periods of the periodic reports (quarter, half-year, year; 3 and 5 years for a
province's programme): their bounds, their words and the periods a list page offers. Pure
functions, no models."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUARTER, HALF, YEAR, THREE_YEARS, FIVE_YEARS = "quarter", "half", "year", "3years", "5years"

KIND_CHOICES = [
    (QUARTER, gettext_lazy("Quý")),
    (HALF, gettext_lazy("6 tháng")),
    (YEAR, gettext_lazy("Năm")),
    (THREE_YEARS, gettext_lazy("3 năm")),
    (FIVE_YEARS, gettext_lazy("5 năm")),
]
# How many periods of a kind a year has (the number runs 1..N); the multi-year kinds are
# numbered by the year they end in, with the number 1.
NUMBERS = {QUARTER: 4, HALF: 2, YEAR: 1, THREE_YEARS: 1, FIVE_YEARS: 1}
# Only a province reports over its programme's 3 and 5 years (seed 003).
PROVINCE_ONLY = frozenset({THREE_YEARS, FIVE_YEARS})
SPAN_YEARS = {THREE_YEARS: 3, FIVE_YEARS: 5}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    number: int

    @property
    def start(self) -> datetime.date:
        if self.kind == QUARTER:
            return datetime.date(self.year, 3 * self.number - 2, 1)
        if self.kind == HALF:
            return datetime.date(self.year, 1 if self.number == 1 else 7, 1)
        return datetime.date(self.year - SPAN_YEARS.get(self.kind, 1) + 1, 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == QUARTER:
            after = datetime.date(self.year, 3 * self.number + 1, 1) if self.number < 4 else None
        elif self.kind == HALF:
            after = datetime.date(self.year, 7, 1) if self.number == 1 else None
        else:
            after = None
        return (after or datetime.date(self.year + 1, 1, 1)) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        """The period in the words of a report's summary: "quý IV năm 2026"."""
        if self.kind == QUARTER:
            return _("quý %(roman)s năm %(year)s") % {"roman": ROMAN[self.number], "year": self.year}
        if self.kind == HALF:
            if self.number == 1:
                return _("6 tháng đầu năm %(year)s") % {"year": self.year}
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        if self.kind == YEAR:
            return _("năm %(year)s") % {"year": self.year}
        return _("%(span)s năm %(first)s-%(last)s") % {
            "span": SPAN_YEARS[self.kind],
            "first": self.start.year,
            "last": self.year,
        }

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.year}-{self.number}"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def is_valid(kind: str, year: int, number: int, *, province: bool = False) -> bool:
    """Whether the kind, year and number name a period a unit of that level reports on."""
    if kind not in NUMBERS or not (MIN_YEAR <= year <= MAX_YEAR):
        return False
    if kind in PROVINCE_ONLY and not province:
        return False
    return 1 <= number <= NUMBERS[kind]


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of `kind` containing `day` (a multi-year period ends in `day`'s year)."""
    if kind == QUARTER:
        return Period(kind, day.year, (day.month - 1) // 3 + 1)
    if kind == HALF:
        return Period(kind, day.year, 1 if day.month <= 6 else 2)
    return Period(kind, day.year, 1)


def previous(period: Period) -> Period:
    if period.number > 1:
        return Period(period.kind, period.year, period.number - 1)
    return Period(period.kind, period.year - SPAN_YEARS.get(period.kind, 1), NUMBERS[period.kind])


def listed_periods(today: datetime.date, *, province: bool = False, back: int = 4) -> list[Period]:
    """The periods a unit's list offers, the current quarter first: the current period of
    each kind, then the `back` previous quarters and the previous half-year and year."""
    kinds = [QUARTER, HALF, YEAR] + ([THREE_YEARS, FIVE_YEARS] if province else [])
    current = [period_of(kind, today) for kind in kinds]
    past = []
    quarter = current[0]
    for _step in range(back):
        quarter = previous(quarter)
        past.append(quarter)
    past += [previous(current[1]), previous(current[2])]
    return current + past
