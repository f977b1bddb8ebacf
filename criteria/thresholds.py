"""A province's own thresholds, set by the province office with the decision that sets them.

A province may only be as strict as the national table or stricter (`Threshold.clean`, through
`evaluation.looser_than_national`); every change asks for the province's assessments of the
set to be re-evaluated. The catalogue loader never touches these rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from communes.models import Province, Region

from .evaluation import Kind, format_threshold
from .models import CriteriaSet, Indicator, Threshold
from .reevaluation import catalogue_reevaluation_request


class ThresholdRefused(ValueError):
    """The office may not set this threshold here; the message says why."""


def decision_source(number: str, on: datetime.date) -> str:
    """The citation stored as the threshold's source. It is data, shown as written in every
    language, like the national thresholds' sources."""
    return f"Quyết định số {number.strip()} ngày {on:%d/%m/%Y}"


def classifier_choices(criteria_set: CriteriaSet) -> list[tuple[str, str]]:
    """The values a threshold of the set may be keyed by ("" for all of them), with labels."""
    labels = classifier_labels(criteria_set)
    return [("", _("Tất cả"))] + sorted(labels.items())


def classifier_labels(criteria_set: CriteriaSet) -> dict[str, str]:
    if criteria_set.classifier == CriteriaSet.Classifier.REGION:
        return {region.code: region.name for region in Region.objects.order_by("code")}
    if criteria_set.classifier == CriteriaSet.Classifier.COMMUNE_GROUP:
        return {value: _("Nhóm %(group)s") % {"group": value} for value in ("1", "2", "3")}
    return {}


@dataclass
class ThresholdLine:
    """One indicator with its national rows and the province's own rows."""

    indicator: Indicator
    national: list[tuple[Threshold, str]] = field(default_factory=list)  # (row, its text)
    province: list[tuple[Threshold, str]] = field(default_factory=list)


def threshold_lines(criteria_set: CriteriaSet, province: Province) -> list[ThresholdLine]:
    """Every indicator of the set a unit of the province is evaluated on (the province's own
    included) with its thresholds, national and the province's: three queries (indicators,
    thresholds, regions) whatever the number of rows."""
    indicators = (
        Indicator.objects.in_catalogue_of(province.pk)
        .filter(criterion__criteria_set=criteria_set)
        .select_related("criterion")
    )
    lines = {
        item.pk: ThresholdLine(indicator=item)
        for item in indicators.order_by("criterion__order", "order", "pk")
    }
    rows = Threshold.objects.filter(
        Q(province__isnull=True) | Q(province=province), indicator__criterion__criteria_set=criteria_set
    )
    labels = classifier_labels(criteria_set)
    for row in rows.order_by("classifier_value", "year", "pk"):
        line = lines.get(row.indicator_id)
        if line is None:  # a stand-in the province's own indicators replace
            continue
        text = _row_text(line.indicator, row, labels)
        (line.national if row.province_id is None else line.province).append((row, text))
    return list(lines.values())


def _row_text(indicator: Indicator, row: Threshold, labels: dict[str, str]) -> str:
    where = [labels.get(row.classifier_value, row.classifier_value) if row.classifier_value else ""]
    if row.year is not None:
        where.append(_("năm %(year)s") % {"year": row.year})
    where = [item for item in where if item]
    text = format_threshold(Kind(indicator.kind), row.as_row(), indicator.unit)
    return f"{', '.join(where)}: {text}" if where else text


@transaction.atomic
def province_threshold_set(
    *,
    province: Province,
    indicator: Indicator,
    classifier_value: str,
    year: int | None,
    threshold: Decimal | bool | str,
    decision_number: str,
    decision_date: datetime.date,
) -> Threshold:
    """Set the province's threshold of `indicator` for `classifier_value` ("" for all) and
    `year` (None for every year), citing its decision; raises Django's ValidationError (from
    `Threshold.clean`) for a value looser than the national one."""
    row = Threshold.objects.select_for_update().filter(
        indicator=indicator, province=province, classifier_value=classifier_value, year=year
    ).first() or Threshold(
        indicator=indicator, province=province, classifier_value=classifier_value, year=year
    )
    kind = Kind(indicator.kind)
    row.value = threshold if kind.is_numeric else None
    row.flag = threshold if kind is Kind.BOOL else None
    row.level = threshold if kind is Kind.LEVEL else ""
    row.source = decision_source(decision_number, decision_date)
    row.is_illustrative = False
    row.full_clean()
    row.save()
    catalogue_reevaluation_request(scopes=[(indicator.criterion.criteria_set_id, province.pk)])
    return row


@transaction.atomic
def province_threshold_remove(*, province: Province, threshold: Threshold) -> None:
    """Remove one of the province's own thresholds: the national one applies again."""
    if threshold.province_id != province.pk:
        raise ThresholdRefused(
            _("Ngưỡng này không phải của tỉnh %(province)s.") % {"province": province.name}
        )
    set_id = threshold.indicator.criterion.criteria_set_id
    threshold.delete()
    catalogue_reevaluation_request(scopes=[(set_id, province.pk)])
