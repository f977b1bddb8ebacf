"""Evaluation of indicator values against thresholds: pure functions, no ORM.

The callers pass plain values (kinds, thresholds, a unit's classifier value and flags); the
models turn rows into these values and store the results, which the dashboards then read.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


class Kind(enum.StrEnum):
    BOOL = "bool"
    PERCENT_MIN = "percent_min"
    PERCENT_MAX = "percent_max"
    NUMBER_MIN = "number_min"
    NUMBER_MAX = "number_max"
    LEVEL = "level"

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC_KINDS

    @property
    def is_percent(self) -> bool:
        return self in (Kind.PERCENT_MIN, Kind.PERCENT_MAX)

    @property
    def is_ceiling(self) -> bool:
        return self in (Kind.PERCENT_MAX, Kind.NUMBER_MAX)


NUMERIC_KINDS = frozenset({Kind.PERCENT_MIN, Kind.PERCENT_MAX, Kind.NUMBER_MIN, Kind.NUMBER_MAX})


class Status(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_VALUE = "no_value"
    NO_THRESHOLD = "no_threshold"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


# The words of each status, on every page, workbook and e-mail (translated when shown, so a
# status frozen as its code reads in the reader's language).
STATUS_LABELS = {
    Status.MET: gettext_lazy("Đạt"),
    Status.NOT_MET: gettext_lazy("Chưa đạt"),
    Status.NO_VALUE: gettext_lazy("Chưa nhập"),
    Status.NO_THRESHOLD: gettext_lazy("Chưa có ngưỡng"),
}


def status_label(code: str) -> str:
    """The words of a status code; anything else (no result yet) reads as no value, as the
    pages always showed it."""
    try:
        return Status(code).label
    except ValueError:
        return Status.NO_VALUE.label


@dataclass(frozen=True)
class ThresholdRow:
    """One stored threshold. Blank classifier value and None year/province mean "any"."""

    classifier_value: str
    year: int | None
    province_id: int | None
    value: Decimal | None = None
    level: str = ""
    flag: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class FlagRule:
    """A special rule: units with any of `flags` are evaluated as if their value were `use`."""

    flags: frozenset[str]
    use: str


@dataclass(frozen=True)
class Result:
    status: Status
    explanation: str
    threshold: ThresholdRow | None = None
    threshold_text: str = ""
    value_text: str = ""

    @property
    def met(self) -> bool:
        return self.status is Status.MET


def classifier_value_for(own_value: str, flags: Iterable[str], rules: Sequence[FlagRule]) -> str:
    """The classifier value a unit is evaluated under (the ĐBKK rule picks another region)."""
    flag_set = frozenset(flags)
    for rule in rules:
        if rule.flags & flag_set:
            return rule.use
    return own_value


def pick_threshold(
    rows: Iterable[ThresholdRow], classifier_value: str, year: int, province_id: int | None
) -> ThresholdRow | None:
    """The threshold that applies: a province override beats the national row, then a row for
    the exact year beats an all-years row, then an exact classifier value beats "any"."""
    best, best_rank = None, None
    for row in rows:
        if row.classifier_value not in ("", classifier_value):
            continue
        if row.year is not None and row.year != year:
            continue
        if row.province_id is not None and row.province_id != province_id:
            continue
        rank = (row.province_id is not None, row.year is not None, row.classifier_value != "")
        if best_rank is None or rank > best_rank:
            best, best_rank = row, rank
    return best


def stored_value(kind: Kind | str, row) -> bool | Decimal | str | None:
    """The value stored in `row` (an IndicatorValue, one of its history records, or anything with
    `flag`, `level` and `number`) for an indicator of `kind`; None for no row or no value. The one
    place that knows which field holds which kind."""
    if row is None:
        return None
    kind = Kind(kind)
    if kind is Kind.BOOL:
        return row.flag
    if kind is Kind.LEVEL:
        return row.level or None
    return row.number


def compare(kind: Kind, value, threshold: ThresholdRow, levels: Sequence[str] = ()) -> bool:
    """True when `value` meets `threshold` for an indicator of `kind`."""
    if kind is Kind.BOOL:
        return bool(value) == bool(threshold.flag)
    if kind is Kind.LEVEL:
        return levels.index(value) >= levels.index(threshold.level)
    if kind.is_ceiling:
        return Decimal(value) <= threshold.value
    return Decimal(value) >= threshold.value


def threshold_value(kind: Kind, threshold: ThresholdRow):
    """The level a threshold row requires, as a value of an indicator of `kind` (so that a
    threshold can itself be compared with another threshold)."""
    if kind is Kind.BOOL:
        return threshold.flag
    if kind is Kind.LEVEL:
        return threshold.level or None
    return threshold.value


def _overlaps(one: ThresholdRow, other: ThresholdRow) -> bool:
    """Whether some unit and year fall under both rows (blank classifier / no year: any)."""
    same_class = "" in (one.classifier_value, other.classifier_value) or (
        one.classifier_value == other.classifier_value
    )
    same_year = None in (one.year, other.year) or one.year == other.year
    return same_class and same_year


def looser_than_national(
    kind: Kind, province_row: ThresholdRow, national: Iterable[ThresholdRow], levels: Sequence[str] = ()
) -> ThresholdRow | None:
    """The national row that a province's row would replace (`pick_threshold` prefers the
    province's) and that is stricter than it, or None. A province may only be as strict as the
    national table or stricter: its own level must meet the national threshold by `compare`
    (≥ for "at least", ≤ for "at most", the same yes/no, a level as high in the list)."""
    value = threshold_value(kind, province_row)
    unset = not threshold_is_set(kind, province_row)  # it would replace a value with none
    for row in national:
        if row.province_id is not None or not threshold_is_set(kind, row):
            continue
        if _overlaps(province_row, row) and (unset or not compare(kind, value, row, levels)):
            return row
    return None


def format_number(value: Decimal | int | float) -> str:
    """A number in the active language's format, without trailing zeros (2,21 / 1.234,5)."""
    number = Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_value(kind: Kind, value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if kind is Kind.BOOL:
        return _("Đạt") if value else _("Chưa đạt")
    if kind is Kind.LEVEL:
        return str(value)
    suffix = " %" if kind.is_percent else (f" {unit}" if unit else "")
    return f"{format_number(value)}{suffix}"


def format_threshold(kind: Kind, threshold: ThresholdRow | None, unit: str = "") -> str:
    if threshold is None or not threshold_is_set(kind, threshold):
        return _("chưa có ngưỡng")
    if kind is Kind.BOOL:
        return _("Đạt") if threshold.flag else _("Không")
    if kind is Kind.LEVEL:
        return f"≥ {threshold.level}"
    sign = "≤" if kind.is_ceiling else "≥"
    return f"{sign} {format_value(kind, threshold.value, unit)}"


def threshold_is_set(kind: Kind, threshold: ThresholdRow) -> bool:
    if kind is Kind.BOOL:
        return threshold.flag is not None
    if kind is Kind.LEVEL:
        return bool(threshold.level)
    return threshold.value is not None


def evaluate_indicator(
    *,
    code: str,
    kind: Kind,
    value,
    threshold: ThresholdRow | None,
    classifier_label: str = "",
    unit: str = "",
    levels: Sequence[str] = (),
) -> Result:
    """Evaluate one value; the explanation reads like "17.1: 92 % < 95 % (Đồng bằng sông Hồng)
    → chưa đạt"."""
    where = f" ({classifier_label})" if classifier_label else ""
    threshold_text = format_threshold(kind, threshold, unit)
    if value is None or value == "":
        text = _("%(code)s: chưa nhập giá trị") % {"code": code}
        return Result(Status.NO_VALUE, text, threshold, threshold_text, "—")
    shown = format_value(kind, value, unit)
    if threshold is None or not threshold_is_set(kind, threshold):
        text = _("%(code)s: %(value)s — chưa có ngưỡng%(where)s") % {
            "code": code,
            "value": shown,
            "where": where,
        }
        return Result(Status.NO_THRESHOLD, text, threshold, threshold_text, shown)
    met = compare(kind, value, threshold, levels)
    text = "%(code)s: %(value)s %(op)s %(threshold)s%(where)s → %(verdict)s" % {
        "code": code,
        "value": shown,
        "op": _operator(kind, met),
        "threshold": threshold_text.lstrip("≥≤ "),
        "where": where,
        "verdict": _("đạt") if met else _("chưa đạt"),
    }
    return Result(Status.MET if met else Status.NOT_MET, text, threshold, threshold_text, shown)


def _operator(kind: Kind, met: bool) -> str:
    if kind is Kind.BOOL:
        return "=" if met else "≠"
    if kind.is_ceiling:
        return "≤" if met else ">"
    return "≥" if met else "<"


def criterion_status(statuses: Iterable[Status]) -> Status:
    """A criterion is met when all its indicators are met; otherwise the worst reason shows:
    a failed indicator, then a missing threshold, then a missing value."""
    statuses = list(statuses)
    if not statuses:
        return Status.NO_THRESHOLD
    for status in (Status.NOT_MET, Status.NO_THRESHOLD, Status.NO_VALUE):
        if status in statuses:
            return status
    return Status.MET


def criterion_has_content(*, is_detailed: bool, province_defined: bool, has_own: bool) -> bool:
    """Whether a criterion has content a unit can be assessed on: the province's own active
    indicators give it content; otherwise the catalogue's, unless the sources do not detail
    it or the national set leaves it to the province (its stand-in only says so)."""
    return has_own or (is_detailed and not province_defined)


@dataclass(frozen=True)
class Band:
    """A reporting band of a criteria set: `min_met` criteria met or more, or all
    of the set's criteria when `min_met` is None. Bands are data of the set (its catalogue
    file); a set without bands is reported as "x/N"."""

    code: str
    min_met: int | None
    label_vi: str
    label_en: str = ""

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" and self.label_en else self.label_vi

    def holds(self, criteria_met: int, criteria_total: int) -> bool:
        if self.min_met is None:
            return criteria_total > 0 and criteria_met >= criteria_total
        return criteria_met >= self.min_met


def band_of(criteria_met: int, criteria_total: int, bands: Sequence[Band]) -> Band | None:
    """The first of the set's bands (highest first) that the count falls in, or None."""
    return next((item for item in bands if item.holds(criteria_met, criteria_total)), None)


@dataclass(frozen=True)
class TitleRule:
    """What a set's title requires, as its catalogue file states it: `min_met` criteria met,
    or all of them when None; and the prerequisite set's title where the set has one."""

    min_met: int | None

    def holds(self, criteria_met: int, criteria_total: int) -> bool:
        if self.min_met is None:
            return criteria_total > 0 and criteria_met >= criteria_total
        return criteria_met >= self.min_met


def title_qualified(
    rule: TitleRule | None,
    criteria_met: int,
    criteria_total: int,
    prerequisite_qualified: bool | None,
    *,
    content_complete: bool = True,
) -> bool:
    """A unit qualifies for a set's title when its count meets the set's title rule and, where
    the set requires another set first (advanced requires NTM), it qualifies for that one too.
    A set without a title rule confers no title, and a set some of whose criteria still lack
    content (`content_complete` false) confers none whatever the count."""
    if rule is None or not content_complete or not rule.holds(criteria_met, criteria_total):
        return False
    return prerequisite_qualified is None or prerequisite_qualified
