"""What the exported tables show, loaded in a fixed number of queries.

The commune table evaluates the commune's current values exactly as its page does; the summary
tables read the stored evaluation (Assessment totals and CriterionResult rows), never
recomputing it, so a province of a thousand communes costs the same queries as a district of
five.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from communes.models import Commune, District, Province
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult
from criteria.services import Evaluation, evaluate, regions_by_code, set_catalogue, unit_context


@dataclass
class CommuneTableData:
    commune: Commune
    criteria_set: CriteriaSet
    year: int
    assessment: Assessment | None
    outcome: Evaluation
    notes: dict[int, str]
    classifier_label: str
    today: datetime.date


def commune_table_data(*, commune: Commune, criteria_set: CriteriaSet, year: int) -> CommuneTableData:
    """Queries: criteria, indicators, thresholds (the catalogue); the assessment; its values;
    the regions. `commune` comes with its province, district and region selected."""
    catalogue = set_catalogue(criteria_set, commune.province_id)
    assessment = Assessment.objects.filter(commune=commune, criteria_set=criteria_set, year=year).first()
    rows = {row.indicator_id: row for row in assessment.values.all()} if assessment else {}
    context = unit_context(criteria_set, commune, regions_by_code())
    values = {
        indicator.pk: _value(indicator.kind, rows.get(indicator.pk)) for indicator in catalogue.indicators
    }
    return CommuneTableData(
        commune=commune,
        criteria_set=criteria_set,
        year=year,
        assessment=assessment,
        outcome=evaluate(catalogue, context, year, values),
        notes={indicator_id: row.note for indicator_id, row in rows.items()},
        classifier_label=context.classifier_label,
        today=timezone.localdate(),
    )


def _value(kind: str, row) -> object:
    """An IndicatorValue's value without loading its indicator again (`IndicatorValue.value`
    would, once per row)."""
    if row is None:
        return None
    if kind == evaluation.Kind.BOOL:
        return row.flag
    if kind == evaluation.Kind.LEVEL:
        return row.level or None
    return row.number


@dataclass
class SummaryLine:
    commune: Commune
    assessment: Assessment | None
    # criterion id → stored status ("met", "not_met", …)
    statuses: dict[int, str] = field(default_factory=dict)


@dataclass
class SummaryData:
    unit: District | Province
    criteria_set: CriteriaSet
    year: int
    criteria: list[Criterion]
    lines: list[SummaryLine]
    with_district: bool
    today: datetime.date

    @property
    def assessed(self) -> list[SummaryLine]:
        return [line for line in self.lines if line.assessment is not None]


def summary_data(*, unit: District | Province, criteria_set: CriteriaSet, year: int) -> SummaryData:
    """Queries: the set's criteria; the unit's communes; their assessments of the set and year;
    the criterion results of those assessments. Joins, not id lists, keep each query the same
    size whatever the number of communes."""
    scope = Q(district=unit) if isinstance(unit, District) else Q(province=unit)
    communes = list(
        Commune.objects.filter(scope).select_related("district").order_by("district__name", "name")
    )
    assessments = {
        assessment.commune_id: assessment
        for assessment in Assessment.objects.filter(
            criteria_set=criteria_set, year=year, commune__in=Commune.objects.filter(scope)
        )
    }
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    results = CriterionResult.objects.filter(
        assessment__criteria_set=criteria_set,
        assessment__year=year,
        assessment__commune__in=Commune.objects.filter(scope),
    ).values_list("assessment_id", "criterion_id", "status")
    for assessment_id, criterion_id, status in results:
        statuses[assessment_id][criterion_id] = status
    lines = [
        SummaryLine(commune, assessments.get(commune.pk), statuses.get(_pk(assessments.get(commune.pk)), {}))
        for commune in communes
    ]
    return SummaryData(
        unit=unit,
        criteria_set=criteria_set,
        year=year,
        criteria=list(criteria_set.criteria.order_by("order")),
        lines=lines,
        with_district=isinstance(unit, Province) and any(c.district_id for c in communes),
        today=timezone.localdate(),
    )


def _pk(assessment: Assessment | None) -> int | None:
    return assessment.pk if assessment else None


@dataclass(frozen=True)
class BandCount:
    code: str
    label: str
    communes: int


def band_counts(met_counts: list[int], criteria_total: int) -> list[BandCount]:
    """Communes per official band (19 / 15-18 / 10-14 / 5-9 / under 5), every band listed."""
    bands = [evaluation.band(lower, criteria_total) for lower in (criteria_total, 15, 10, 5, 0)]
    found = [evaluation.band(met, criteria_total).code for met in met_counts]
    return [BandCount(band.code, band.label, found.count(band.code)) for band in bands]


def average(numbers: list[int]) -> float | None:
    return round(sum(numbers) / len(numbers), 2) if numbers else None
