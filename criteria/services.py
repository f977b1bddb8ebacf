"""Services of the criteria app: loading a set's catalogue for evaluation, evaluating a unit's
values, and storing the evaluation that dashboards read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Prefetch

from communes.models import Commune, Region

from . import evaluation
from .evaluation import Kind, Result, Status
from .models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Threshold,
)


@dataclass
class SetCatalogue:
    """A criteria set with its criteria, indicators and thresholds, loaded in three queries."""

    criteria_set: CriteriaSet
    criteria: list[Criterion]
    thresholds: dict[int, list[evaluation.ThresholdRow]]

    @property
    def indicators(self) -> list[Indicator]:
        return [indicator for criterion in self.criteria for indicator in criterion.indicator_list]


def set_catalogue(criteria_set: CriteriaSet) -> SetCatalogue:
    criteria = list(
        criteria_set.criteria.select_related("group").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order"), to_attr="indicator_list")
        )
    )
    thresholds: dict[int, list[evaluation.ThresholdRow]] = defaultdict(list)
    for threshold in Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set):
        thresholds[threshold.indicator_id].append(threshold.as_row())
    return SetCatalogue(criteria_set, criteria, thresholds)


@dataclass(frozen=True)
class UnitContext:
    """What a unit's thresholds depend on, resolved for one criteria set."""

    province_id: int
    classifier_value: str
    classifier_label: str


def unit_context(criteria_set: CriteriaSet, commune: Commune, regions: dict[str, Region]) -> UnitContext:
    """The classifier value (after special rules) of `commune`, or of a village's commune."""
    classifier = criteria_set.classifier
    if classifier == CriteriaSet.Classifier.REGION:
        region = commune.region_id and commune.region or commune.province.region
        own = region.code if region else ""
    elif classifier == CriteriaSet.Classifier.COMMUNE_GROUP:
        own = str(commune.commune_group or "")
    else:
        own = ""
    value = evaluation.classifier_value_for(own, commune.flags, criteria_set.rules())
    if classifier == CriteriaSet.Classifier.REGION:
        label = regions[value].name if value in regions else ""
    elif value:
        label = f"nhóm {value}"
    else:
        label = ""
    return UnitContext(commune.province_id, value, label)


def regions_by_code() -> dict[str, Region]:
    return {region.code: region for region in Region.objects.all()}


@dataclass
class CriterionEvaluation:
    criterion: Criterion
    status: Status
    results: list[tuple[Indicator, object, Result]]
    indicators_met: int
    indicators_total: int

    @property
    def met(self) -> bool:
        return self.status is Status.MET


@dataclass
class Evaluation:
    criteria: list[CriterionEvaluation] = field(default_factory=list)

    @property
    def criteria_met(self) -> int:
        return sum(1 for item in self.criteria if item.met)

    @property
    def criteria_total(self) -> int:
        return len(self.criteria)

    @property
    def indicators_met(self) -> int:
        return sum(item.indicators_met for item in self.criteria)

    @property
    def indicators_total(self) -> int:
        return sum(item.indicators_total for item in self.criteria)

    @property
    def all_met(self) -> bool:
        return bool(self.criteria) and self.criteria_met == self.criteria_total

    def result_for(self, indicator_id: int) -> Result | None:
        for item in self.criteria:
            for indicator, _value, result in item.results:
                if indicator.pk == indicator_id:
                    return result
        return None


def evaluate(
    catalogue: SetCatalogue, context: UnitContext, year: int, values: dict[int, object]
) -> Evaluation:
    """Evaluate `values` (indicator id → value) for a unit; no database access."""
    outcome = Evaluation()
    for criterion in catalogue.criteria:
        results = []
        for indicator in criterion.indicator_list:
            value = values.get(indicator.pk)
            threshold = evaluation.pick_threshold(
                catalogue.thresholds.get(indicator.pk, ()),
                context.classifier_value,
                year,
                context.province_id,
            )
            result = evaluation.evaluate_indicator(
                code=indicator.code,
                kind=Kind(indicator.kind),
                value=value,
                threshold=threshold,
                classifier_label=context.classifier_label,
                unit=indicator.unit,
                levels=indicator.levels,
            )
            results.append((indicator, value, result))
        if criterion.is_detailed:
            status = evaluation.criterion_status(result.status for _i, _v, result in results)
        else:
            status = Status.NO_THRESHOLD
        met = sum(1 for _i, _v, result in results if result.met)
        outcome.criteria.append(CriterionEvaluation(criterion, status, results, met, len(results)))
    return outcome


def assessment_values(assessment: Assessment) -> dict[int, IndicatorValue]:
    return {row.indicator_id: row for row in assessment.values.select_related("indicator")}


def assessment_context(assessment: Assessment, regions: dict[str, Region] | None = None) -> UnitContext:
    commune = assessment.commune or assessment.village.commune
    return unit_context(
        assessment.criteria_set, commune, regions if regions is not None else regions_by_code()
    )


def assessment_evaluation(assessment: Assessment, catalogue: SetCatalogue | None = None) -> Evaluation:
    catalogue = catalogue or set_catalogue(assessment.criteria_set)
    rows = assessment_values(assessment)
    return evaluate(
        catalogue,
        assessment_context(assessment),
        assessment.year,
        {indicator_id: row.value for indicator_id, row in rows.items()},
    )


@transaction.atomic
def assessment_store_evaluation(
    *, assessment: Assessment, outcome: Evaluation, rows: dict[int, IndicatorValue]
) -> None:
    """Write the evaluation (indicator statuses, criterion results, totals, title) in bulk."""
    changed = []
    for item in outcome.criteria:
        for indicator, _value, result in item.results:
            row = rows.get(indicator.pk)
            if row is not None and row.status != result.status.value:
                row.status = result.status.value
                changed.append(row)
    IndicatorValue.objects.bulk_update(changed, ["status"])
    CriterionResult.objects.bulk_create(
        [
            CriterionResult(
                assessment=assessment,
                criterion=item.criterion,
                status=item.status.value,
                indicators_met=item.indicators_met,
                indicators_total=item.indicators_total,
            )
            for item in outcome.criteria
        ],
        update_conflicts=True,
        unique_fields=["assessment", "criterion"],
        update_fields=["status", "indicators_met", "indicators_total"],
    )
    assessment.criteria_met = outcome.criteria_met
    assessment.criteria_total = outcome.criteria_total
    assessment.indicators_met = outcome.indicators_met
    assessment.indicators_total = outcome.indicators_total
    assessment.title_qualified = evaluation.title_qualified(
        outcome.all_met, _prerequisite_qualified(assessment)
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        criteria_met=assessment.criteria_met,
        criteria_total=assessment.criteria_total,
        indicators_met=assessment.indicators_met,
        indicators_total=assessment.indicators_total,
        title_qualified=assessment.title_qualified,
    )
    _refresh_dependent_titles(assessment)


def _prerequisite_qualified(assessment: Assessment) -> bool | None:
    prerequisite_id = assessment.criteria_set.prerequisite_id
    if prerequisite_id is None:
        return None
    return Assessment.objects.filter(
        criteria_set_id=prerequisite_id,
        commune=assessment.commune,
        village=assessment.village,
        year=assessment.year,
        title_qualified=True,
    ).exists()


def _refresh_dependent_titles(assessment: Assessment) -> None:
    """A set that others require (NTM before advanced) changes their title when it changes."""
    dependents = Assessment.objects.filter(
        criteria_set__prerequisite_id=assessment.criteria_set_id,
        commune=assessment.commune,
        village=assessment.village,
        year=assessment.year,
    )
    if assessment.title_qualified:
        dependents.filter(criteria_met=F("criteria_total"), criteria_total__gt=0).update(title_qualified=True)
    else:
        dependents.update(title_qualified=False)


def assessment_reevaluate(*, assessment: Assessment) -> Evaluation:
    """Recompute and store the evaluation of `assessment` from its current values."""
    catalogue = set_catalogue(assessment.criteria_set)
    rows = assessment_values(assessment)
    outcome = evaluate(
        catalogue,
        assessment_context(assessment),
        assessment.year,
        {indicator_id: row.value for indicator_id, row in rows.items()},
    )
    assessment_store_evaluation(assessment=assessment, outcome=outcome, rows=rows)
    return outcome
