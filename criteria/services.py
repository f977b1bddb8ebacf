"""Services of the criteria app: loading a set's catalogue for evaluation, evaluating a unit's
values, and storing the evaluation that dashboards read."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communes.models import Commune, Province, Region, Village

from . import evaluation, files, merge
from .access import can_edit, can_review
from .evaluation import Kind, Result, Status
from .merge import FieldMerge
from .models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evidence,
    Indicator,
    IndicatorValue,
    Threshold,
    Transition,
    same_province,
)
from .parsing import check_value, rounded


@dataclass
class SetCatalogue:
    """A criteria set with its criteria, indicators and thresholds, loaded in three queries."""

    criteria_set: CriteriaSet
    criteria: list[Criterion]
    thresholds: dict[int, list[evaluation.ThresholdRow]]

    @property
    def indicators(self) -> list[Indicator]:
        return [indicator for criterion in self.criteria for indicator in criterion.indicator_list]


def set_catalogue(criteria_set: CriteriaSet, province_id: int | None = None) -> SetCatalogue:
    """The set's criteria, indicators and thresholds as a unit of the province is evaluated on
    them, in three queries: the national indicators and the province's own (on either map), a
    stand-in giving way where the province has its own indicators (`Indicator.objects.
    in_catalogue_of`). With `province_id`, only the thresholds that can apply there (national
    rows and that province's): at national scale every province has its own rows, and one unit
    needs only its own. With no province, no province's own indicator is included."""
    indicators = Indicator.objects.in_catalogue_of(province_id).order_by("order", "pk")
    criteria = list(
        criteria_set.criteria.select_related("group").prefetch_related(
            Prefetch("indicators", queryset=indicators, to_attr="indicator_list")
        )
    )
    thresholds: dict[int, list[evaluation.ThresholdRow]] = defaultdict(list)
    rows = Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set)
    if province_id is None:
        rows = rows.filter(indicator__province__isnull=True)
    else:
        own = Q(indicator__province_id__in=same_province(province_id))
        rows = rows.filter(
            Q(indicator__province__isnull=True, province__isnull=True) | Q(province_id=province_id) | own
        )
    own_ids = {item.pk for criterion in criteria for item in criterion.indicator_list if item.province_id}
    for threshold in rows:
        row = threshold.as_row()
        if threshold.indicator_id in own_ids:
            # The province's own indicator counts in the province on either map: its rows
            # apply to the unit's province whichever map entered them.
            row = replace(row, province_id=province_id)
        thresholds[threshold.indicator_id].append(row)
    return SetCatalogue(criteria_set, criteria, thresholds)


def set_catalogues(criteria_set: CriteriaSet, provinces: list[Province]) -> dict[int, SetCatalogue]:
    """By province id, the catalogue `set_catalogue` gives a unit of each province, in three
    queries whatever their number (a re-evaluation batch holds units of many provinces). The
    rule is `Indicator.objects.in_catalogue_of`'s, applied here to rows read once."""
    ids = [province.pk for province in provinces]
    family = set(ids) | {province.successor_id for province in provinces if province.successor_id}
    own = Q(province_id__in=family) | Q(province__successor_id__in=ids)
    indicators = (
        Indicator.objects.filter(Q(province__isnull=True) | own, is_active=True)
        .select_related("province")
        .order_by("order", "pk")
    )
    criteria = list(
        criteria_set.criteria.select_related("group").prefetch_related(
            Prefetch("indicators", queryset=indicators, to_attr="indicator_list")
        )
    )
    rows = Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set).filter(
        Q(indicator__province__isnull=True, province__isnull=True)
        | Q(indicator__province__isnull=True, province_id__in=ids)
        | Q(indicator__province_id__in=family)
        | Q(indicator__province__successor_id__in=ids)
    )
    by_indicator: dict[int, list[evaluation.ThresholdRow]] = defaultdict(list)
    for threshold in rows:
        by_indicator[threshold.indicator_id].append(threshold.as_row())
    return {
        province.pk: _province_view(criteria_set, criteria, by_indicator, province) for province in provinces
    }


def _province_view(
    criteria_set: CriteriaSet,
    criteria: list[Criterion],
    by_indicator: dict[int, list[evaluation.ThresholdRow]],
    province: Province,
) -> SetCatalogue:
    own = {item.pk for criterion in criteria for item in criterion.indicator_list if _is_own(item, province)}
    replaced = {
        item.criterion_id for criterion in criteria for item in criterion.indicator_list if item.pk in own
    }
    views, thresholds = [], {}
    for criterion in criteria:
        view = copy.copy(criterion)
        view.indicator_list = [
            item
            for item in criterion.indicator_list
            if item.pk in own
            or (item.province_id is None and not (item.is_placeholder and criterion.pk in replaced))
        ]
        for item in view.indicator_list:
            found = by_indicator.get(item.pk, [])
            # As in `set_catalogue`: a province's own rows apply to the unit's province.
            thresholds[item.pk] = (
                [replace(row, province_id=province.pk) for row in found] if item.pk in own else found
            )
        views.append(view)
    return SetCatalogue(criteria_set, views, thresholds)


def _is_own(indicator: Indicator, province: Province) -> bool:
    return indicator.province_id is not None and indicator.applies_in(province)


@dataclass(frozen=True)
class UnitContext:
    """What a unit's thresholds depend on, resolved for one criteria set."""

    province_id: int
    classifier_value: str
    classifier_label: str


def unit_context(
    criteria_set: CriteriaSet, commune: Commune, regions: dict[str, Region] | None = None
) -> UnitContext:
    """The classifier value (after special rules) of `commune`, or of a village's commune.
    `regions` (code → region) names a region other than the commune's own that a special rule
    gives; read when needed if not given."""
    classifier = criteria_set.classifier
    region = None
    if classifier == CriteriaSet.Classifier.REGION:
        region = commune.region_id and commune.region or commune.province.region
        own = region.code if region else ""
    elif classifier == CriteriaSet.Classifier.COMMUNE_GROUP:
        own = str(commune.commune_group or "")
    else:
        own = ""
    value = evaluation.classifier_value_for(own, commune.flags, criteria_set.rules())
    if classifier == CriteriaSet.Classifier.REGION:
        if region is not None and value == region.code:
            label = region.name
        else:
            regions = regions if regions is not None else regions_by_code()
            label = regions[value].name if value in regions else ""
    elif value:
        label = _("nhóm %(group)s") % {"group": value}
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
    # False for a criterion the sources do not detail or whose content the province has not
    # entered yet: it is never met, and the set's title cannot be met while one lacks content.
    has_content: bool = True

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
    def criteria_with_content(self) -> int:
        return sum(1 for item in self.criteria if item.has_content)

    @property
    def content_complete(self) -> bool:
        """Whether every criterion has content: otherwise the set's title cannot be met."""
        return self.criteria_with_content == self.criteria_total

    @property
    def unmet(self) -> list[CriterionEvaluation]:
        """The criteria not met (not met, without a value or without a threshold), in order."""
        return [item for item in self.criteria if not item.met]

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
        has_content = criterion_has_content(criterion)
        if has_content:
            status = evaluation.criterion_status(result.status for _i, _v, result in results)
        else:
            status = Status.NO_THRESHOLD
        met = sum(1 for _i, _v, result in results if result.met)
        outcome.criteria.append(
            CriterionEvaluation(criterion, status, results, met, len(results), has_content)
        )
    return outcome


def criterion_has_content(criterion: Criterion) -> bool:
    """Whether the criterion, as a catalogue view gives it (`indicator_list`: the indicators a
    unit of one province is evaluated on), has content (`evaluation.criterion_has_content`)."""
    return evaluation.criterion_has_content(
        is_detailed=criterion.is_detailed,
        province_defined=criterion.province_defined,
        has_own=any(item.province_id is not None for item in criterion.indicator_list),
    )


def assessment_values(assessment: Assessment) -> dict[int, IndicatorValue]:
    return {row.indicator_id: row for row in assessment.values.select_related("indicator")}


def assessment_context(assessment: Assessment, regions: dict[str, Region] | None = None) -> UnitContext:
    commune = assessment.commune or assessment.village.commune
    return unit_context(assessment.criteria_set, commune, regions)


def assessment_evaluation(assessment: Assessment, catalogue: SetCatalogue | None = None) -> Evaluation:
    return _evaluate_rows(assessment, catalogue, assessment_values(assessment))


def _evaluate_rows(assessment: Assessment, catalogue: SetCatalogue | None, rows: dict) -> Evaluation:
    return evaluate(
        catalogue or set_catalogue(assessment.criteria_set, assessment.commune_of_unit.province_id),
        assessment_context(assessment),
        assessment.year,
        {indicator_id: row.value for indicator_id, row in rows.items()},
    )


# No savepoint of their own: a failure rolls back the caller's block (or this one, outermost).
@transaction.atomic(savepoint=False)
def assessment_store_evaluation(
    *, assessment: Assessment, outcome: Evaluation, rows: dict[int, IndicatorValue]
) -> None:
    """Write the evaluation (indicator statuses, criterion results, totals, title) in bulk."""
    assessments_store_evaluations(evaluated=[(assessment, outcome, rows)])


Evaluated = tuple[Assessment, Evaluation, dict[int, IndicatorValue]]

# The stored evaluation on an assessment's row.
TOTAL_FIELDS = ["criteria_met", "criteria_total", "indicators_met", "indicators_total", "title_qualified"]


@transaction.atomic(savepoint=False)
def assessments_store_evaluations(*, evaluated: list[Evaluated]) -> None:
    """Write the evaluations of several assessments in a fixed number of queries, whatever their
    number. Give an assessment after the assessment of the set it requires (NTM before
    advanced): its title reads the stored title of the other."""
    changed = []
    results = []
    for assessment, outcome, rows in evaluated:
        for item in outcome.criteria:
            for indicator, _value, result in item.results:
                row = rows.get(indicator.pk)
                if row is not None and row.status != result.status.value:
                    row.status = result.status.value
                    changed.append(row)
            results.append(
                CriterionResult(
                    assessment=assessment,
                    criterion=item.criterion,
                    status=item.status.value,
                    indicators_met=item.indicators_met,
                    indicators_total=item.indicators_total,
                )
            )
    IndicatorValue.objects.bulk_update(changed, ["status"])
    CriterionResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["assessment", "criterion"],
        update_fields=["status", "indicators_met", "indicators_total"],
    )
    qualified = _qualified_prerequisites([assessment for assessment, _outcome, _rows in evaluated])
    for assessment, outcome, _rows in evaluated:
        assessment.criteria_met = outcome.criteria_met
        assessment.criteria_total = outcome.criteria_total
        assessment.indicators_met = outcome.indicators_met
        assessment.indicators_total = outcome.indicators_total
        prerequisite_id = assessment.criteria_set.prerequisite_id
        assessment.title_qualified = evaluation.title_qualified(
            assessment.criteria_set.title_requirement(),
            outcome.criteria_met,
            outcome.criteria_total,
            None if prerequisite_id is None else (prerequisite_id, *_unit_key(assessment)) in qualified,
            content_complete=outcome.content_complete,
        )
    if len(evaluated) == 1:
        # One assessment: a plain UPDATE, not a CASE per column.
        assessment = evaluated[0][0]
        Assessment.objects.filter(pk=assessment.pk).update(
            **{name: getattr(assessment, name) for name in TOTAL_FIELDS}
        )
    else:
        Assessment.objects.bulk_update(
            [assessment for assessment, _outcome, _rows in evaluated], TOTAL_FIELDS
        )
    _refresh_dependent_titles([assessment for assessment, _outcome, _rows in evaluated])


def _unit_key(assessment: Assessment) -> tuple[int | None, int | None, int]:
    return assessment.commune_id, assessment.village_id, assessment.year


def _same_units(assessments: list[Assessment]) -> Q:
    """The assessments of the same unit and year as one of `assessments` (any set)."""
    by_year: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_year[assessment.year].append(assessment)
    condition = Q(pk__in=[])
    for year, group in by_year.items():
        communes = [assessment.commune_id for assessment in group if assessment.commune_id]
        villages = [assessment.village_id for assessment in group if assessment.village_id]
        condition |= Q(year=year) & (Q(commune_id__in=communes) | Q(village_id__in=villages))
    return condition


def _by_set(assessments: list[Assessment], set_id=lambda item: item.criteria_set_id) -> dict:
    groups: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        if set_id(assessment) is not None:
            groups[set_id(assessment)].append(assessment)
    return groups


def _qualified_prerequisites(assessments: list[Assessment]) -> set[tuple]:
    """(set id, commune id, village id, year) of the qualified assessments that the sets of
    `assessments` require; one query per required set."""
    qualified = set()
    for prerequisite_id, group in _by_set(
        assessments, lambda item: item.criteria_set.prerequisite_id
    ).items():
        rows = Assessment.objects.filter(
            _same_units(group), criteria_set_id=prerequisite_id, title_qualified=True
        ).values_list("commune_id", "village_id", "year")
        qualified |= {(prerequisite_id, *row) for row in rows}
    return qualified


def _refresh_dependent_titles(assessments: list[Assessment]) -> None:
    """A set that others require (NTM before advanced) changes their title when it changes."""
    for title_qualified in (True, False):
        group = [assessment for assessment in assessments if assessment.title_qualified is title_qualified]
        if not group:
            continue
        condition = Q(pk__in=[])
        for set_id, of_set in _by_set(group).items():
            condition |= Q(criteria_set__prerequisite_id=set_id) & _same_units(of_set)
        dependents = Assessment.objects.filter(condition)
        if not title_qualified:
            dependents.update(title_qualified=False)
            continue
        # The prerequisite is met: each dependent qualifies when its own set's rule holds.
        changed, recheck = [], []
        for dependent in dependents.select_related("criteria_set"):
            rule = dependent.criteria_set.title_requirement()
            if rule is not None and rule.min_met is not None and _may_lack_content(dependent.criteria_set):
                # The stored counts do not say whether every criterion has content; a rule of
                # "all" needs no check (a criterion without content is never met).
                recheck.append(dependent)
                continue
            qualified = evaluation.title_qualified(
                rule, dependent.criteria_met, dependent.criteria_total, True
            )
            if qualified != dependent.title_qualified:
                dependent.title_qualified = qualified
                changed.append(dependent)
        Assessment.objects.bulk_update(changed, ["title_qualified"])
        for dependent in recheck:
            assessment_reevaluate(assessment=dependent)


def _may_lack_content(criteria_set: CriteriaSet) -> bool:
    """Whether some criterion of the set may lack content in a province (not detailed in the
    sources, or left to the province)."""
    return criteria_set.criteria.filter(Q(is_detailed=False) | Q(province_defined=True)).exists()


def assessment_reevaluate(*, assessment: Assessment) -> Evaluation:
    """Recompute and store the evaluation of `assessment` from its current values."""
    rows = assessment_values(assessment)
    outcome = _evaluate_rows(assessment, None, rows)
    assessment_store_evaluation(assessment=assessment, outcome=outcome, rows=rows)
    return outcome


REEVALUATION_BATCH = 200


def assessments_reevaluate(
    *,
    criteria_set_ids: list[int] | None = None,
    commune_ids: list[int] | None = None,
    province_id: int | None = None,
) -> int:
    """Recompute and store the evaluation of every assessment in the scope (see
    `AssessmentQuerySet.affected_by`), in batches of a fixed number of queries, the sets that
    others require first; returns how many were re-evaluated. Each assessment's pending mark is
    cleared unless a newer change asked again while it was being re-evaluated."""
    scope = Assessment.objects.affected_by(
        criteria_set_ids=criteria_set_ids, commune_ids=commune_ids, province_id=province_id
    )
    sets = CriteriaSet.objects.filter(pk__in=scope.values("criteria_set_id"))
    regions = regions_by_code()
    count = 0
    for criteria_set in _prerequisites_first(list(sets)):
        ids = list(scope.filter(criteria_set=criteria_set).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REEVALUATION_BATCH):
            batch = ids[start : start + REEVALUATION_BATCH]
            count += _reevaluate_batch(criteria_set, batch, regions)
    return count


def _prerequisites_first(sets: list[CriteriaSet]) -> list[CriteriaSet]:
    by_id = {criteria_set.pk: criteria_set for criteria_set in sets}

    def depth(criteria_set: CriteriaSet) -> int:
        steps, current = 0, criteria_set
        while current.prerequisite_id in by_id and steps < len(by_id):
            steps, current = steps + 1, by_id[current.prerequisite_id]
        return steps

    return sorted(sets, key=lambda criteria_set: (depth(criteria_set), criteria_set.pk))


@transaction.atomic
def _reevaluate_batch(criteria_set: CriteriaSet, ids: list[int], regions: dict[str, Region]) -> int:
    # The rows are locked before the catalogue is read: a change committed while this batch
    # waited is then both read here and seen in the pending mark, which stays set otherwise.
    assessments = list(
        Assessment.objects.filter(pk__in=ids)
        .select_related(
            "commune__province__region",
            "commune__region",
            "village__commune__province__region",
            "village__commune__region",
        )
        .select_for_update(of=("self",))
    )
    # A batch holds units of several provinces, each evaluated on its province's catalogue.
    provinces = {item.commune_of_unit.province_id: item.commune_of_unit.province for item in assessments}
    catalogues = set_catalogues(criteria_set, list(provinces.values()))
    indicators = {item.pk: item for catalogue in catalogues.values() for item in catalogue.indicators}
    rows: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    for row in IndicatorValue.objects.filter(assessment_id__in=ids, indicator_id__in=indicators):
        row.indicator = indicators[row.indicator_id]
        rows[row.assessment_id][row.indicator_id] = row
    evaluated = []
    for assessment in assessments:
        assessment.criteria_set = criteria_set
        values = {indicator_id: row.value for indicator_id, row in rows[assessment.pk].items()}
        context = assessment_context(assessment, regions)
        catalogue = catalogues[assessment.commune_of_unit.province_id]
        evaluated.append(
            (assessment, evaluate(catalogue, context, assessment.year, values), rows[assessment.pk])
        )
    assessments_store_evaluations(evaluated=evaluated)
    _clear_pending(assessments)
    return len(assessments)


def _clear_pending(assessments: list[Assessment]) -> None:
    """Clear each pending mark only where it is still the one read with the row (a conditional
    update): a change that asked again meanwhile keeps its mark until its own task runs."""
    read: dict[object, list[int]] = defaultdict(list)
    for assessment in assessments:
        if assessment.reevaluation_requested_at is not None:
            read[assessment.reevaluation_requested_at].append(assessment.pk)
    condition = Q(pk__in=[])
    for requested_at, ids in read.items():
        condition |= Q(pk__in=ids, reevaluation_requested_at=requested_at)
    if read:
        Assessment.objects.filter(condition).update(reevaluation_requested_at=None)


def assessments_mark_pending(
    *,
    criteria_set_ids: list[int] | None = None,
    commune_ids: list[int] | None = None,
    province_id: int | None = None,
) -> int:
    """Mark the assessments of the scope as waiting for a re-evaluation; returns how many."""
    scope = Assessment.objects.affected_by(
        criteria_set_ids=criteria_set_ids, commune_ids=commune_ids, province_id=province_id
    )
    return scope.update(reevaluation_requested_at=timezone.now())


# --- Entry, workflow and evidence -------------------------------------------------------


class AssessmentLocked(Exception):
    """The assessment is not held by the commune (submitted or approved): values are frozen."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        super().__init__(
            _("Hồ sơ đã phê duyệt và bị khóa.")
            if assessment.is_locked
            else _("Hồ sơ đang chờ huyện xem xét, không sửa được.")
        )


@dataclass(frozen=True)
class OtherChange:
    """A value another user changed after the version the refused save started from."""

    indicator_code: str
    indicator_name: str
    old: str
    new: str
    note_changed: bool
    by: str
    at: object


class AssessmentConflict(Exception):
    """A save started from an older version; `changes` lists what the others changed since."""

    def __init__(self, assessment: Assessment, changes: list[OtherChange]):
        self.assessment = assessment
        self.changes = changes
        super().__init__(_("Người khác đã lưu hồ sơ này sau khi bạn mở trang."))


class InvalidTransition(Exception):
    pass


UNKNOWN = object()
NO_ENTRY = {"value": None, "note": ""}


def assessment_merge(
    *,
    catalogue: SetCatalogue,
    rows: dict[int, IndicatorValue],
    base: dict[int, dict] | None,
    mine: dict[int, dict],
    changes: list[OtherChange],
) -> list[FieldMerge]:
    """The values and notes the others changed since `base` (what the refused page started
    from; None when unknown), each with the original, their value and the user's (`mine`, as
    the form read it). Both changed to different values: the user chooses. No queries."""
    latest = {change.indicator_code: change for change in changes}
    merged = []
    for indicator in catalogue.indicators:
        row = rows.get(indicator.pk)
        started = UNKNOWN if base is None else base.get(indicator.pk, NO_ENTRY)
        for part in ("value", "note"):
            field = _field_merge(
                indicator, part, row, started, mine.get(indicator.pk, NO_ENTRY), latest.get(indicator.code)
            )
            if field is not None:
                merged.append(field)
    return merged


def _field_merge(indicator, part: str, row, started, typed: dict, change) -> FieldMerge | None:
    kind = Kind(indicator.kind)
    if part == "value":
        key, label, theirs = f"v_{indicator.pk}", f"{indicator.code} {indicator.name}", row and row.value
        normal = partial(comparable, kind)
        shown = partial(evaluation.format_value, kind, unit=indicator.unit)
        text = partial(input_text, kind)
    else:
        key, label, theirs = f"n_{indicator.pk}", f"{indicator.code} — {_('ghi chú')}", row and row.note

        def normal(note):
            return (note or "").strip()

        shown, text = (lambda note: note or "—"), normal
    theirs, ours = normal(theirs), normal(typed.get(part))
    original = UNKNOWN if started is UNKNOWN else normal(started[part])
    if theirs == (ours if original is UNKNOWN else original):
        return None  # nobody else changed it (or, the original unknown, both hold the same)
    return FieldMerge(
        key=key,
        label=label,
        base=shown(None if original is UNKNOWN else original),
        theirs=shown(theirs),
        mine=shown(ours),
        theirs_input=text(theirs),
        mine_input=text(ours),
        choose=merge.changed_by(original, ours, theirs) is merge.Side.BOTH,
        by=change.by if change else "—",
        at=change.at if change else None,
    )


def input_text(kind: Kind, value) -> str:
    """A stored value as the entry form's input shows it, numbers in the active language."""
    if value is None:
        return ""
    if kind is Kind.BOOL:
        return "1" if value else "0"
    if kind.is_numeric:
        return evaluation.format_number(value).replace("\u00a0", "")
    return str(value)


def comparable(kind: Kind, value) -> bool | Decimal | str | None:
    """A value (typed, stored or sent back by the page) as it would be stored, so that two
    values of an indicator compare equal exactly when saving one over the other changes nothing."""
    if value is None or value == "":
        return None
    if kind is Kind.BOOL:
        return bool(value)
    if kind is Kind.LEVEL:
        return str(value)
    return parse_rounded(value)


def _assign(row: IndicatorValue, kind: Kind, value) -> None:
    row.flag = value if kind is Kind.BOOL else None
    row.level = (value or "") if kind is Kind.LEVEL else ""
    row.number = parse_rounded(value) if kind.is_numeric and value is not None else None


def parse_rounded(value) -> Decimal:
    return rounded(Decimal(value))


def _check_values(catalogue: SetCatalogue, values: dict[int, dict]) -> dict[int, Indicator]:
    """The indicators of `values`; raise ValidationError naming each bad indicator."""
    indicators = {indicator.pk: indicator for indicator in catalogue.indicators}
    errors = {}
    for indicator_id, entry in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            errors[str(indicator_id)] = _("Chỉ tiêu không thuộc bộ tiêu chí này.")
            continue
        problem = check_value(Kind(indicator.kind), entry.get("value"), indicator.levels)
        if problem:
            errors[indicator.code] = f"{indicator.code}: {problem}"
    if errors:
        raise ValidationError(errors)
    return indicators


def _other_changes(assessment: Assessment, since_version: int) -> list[OtherChange]:
    records = (
        IndicatorValue.history.filter(assessment_id=assessment.pk, version__gt=since_version)
        .select_related("indicator", "history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    for record in records:
        previous = record.prev_record
        kind = Kind(record.indicator.kind)
        old = evaluation.format_value(kind, evaluation.stored_value(kind, previous), record.indicator.unit)
        new = evaluation.format_value(kind, evaluation.stored_value(kind, record), record.indicator.unit)
        changes.append(
            OtherChange(
                indicator_code=record.indicator.code,
                indicator_name=record.indicator.name,
                old=old,
                new=new,
                note_changed=(previous.note if previous else "") != record.note,
                by=_user_label(record.history_user),
                at=record.history_date,
            )
        )
    return changes


def _user_label(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def assessment_save(
    *,
    assessment: Assessment,
    user,
    values: dict[int, dict],
    expected_version: int | None,
    reason: str = "",
    catalogue: SetCatalogue | None = None,
) -> Evaluation:
    """Write typed values (indicator id → {"value", "note"}; a part left out stays as stored)
    in bulk, in one transaction.

    Refuses a frozen assessment (AssessmentLocked) and a save started from an older version
    (AssessmentConflict, listing what the others changed); bumps the version, keeps history
    with `reason`, and stores the new evaluation.
    """
    catalogue = catalogue or set_catalogue(assessment.criteria_set, assessment.commune_of_unit.province_id)
    indicators = _check_values(catalogue, values)
    with transaction.atomic():
        current = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not current.is_editable:
            assessment.status = current.status
            raise AssessmentLocked(current)
        if expected_version is not None and expected_version != current.version:
            raise AssessmentConflict(current, _other_changes(current, expected_version))
        new_version = current.version + 1
        rows = {row.indicator_id: row for row in IndicatorValue.objects.filter(assessment=assessment)}
        created, updated, fields = _apply(assessment, indicators, rows, values, new_version)
        common = {"default_user": user, "default_change_reason": reason or None}
        if created:
            for row in bulk_create_with_history(created, IndicatorValue, **common):
                rows[row.indicator_id] = row
        if updated:
            bulk_update_with_history(updated, IndicatorValue, fields, **common)
            # The new version is the same for every row: one plain UPDATE, not one CASE.
            IndicatorValue.objects.filter(pk__in=[row.pk for row in updated]).update(version=new_version)
        for row in rows.values():
            row.indicator = indicators.get(row.indicator_id) or row.indicator
        outcome = evaluate(
            catalogue,
            assessment_context(assessment),
            assessment.year,
            {indicator_id: row.value for indicator_id, row in rows.items()},
        )
        assessment_store_evaluation(assessment=assessment, outcome=outcome, rows=rows)
        if created or updated:
            assessment.version = new_version
            assessment.status = current.status
            assessment.updated_by = user
            assessment._change_reason = reason or None
            assessment.save(update_fields=["version", "updated_by", "updated_at"])
    return outcome


VALUE_FIELDS = ("number", "flag", "level", "note")


def _apply(assessment, indicators, rows, values, new_version) -> tuple[list, list, list[str]]:
    """The rows to create, the rows to update and the fields that changed in any of them."""
    created, updated, changed = [], [], set()
    for indicator_id, entry in values.items():
        indicator = indicators[indicator_id]
        kind = Kind(indicator.kind)
        row = rows.get(indicator_id)
        note = (entry.get("note") or "").strip()
        if row is None:
            if entry.get("value") is None and not note:
                continue
            row = IndicatorValue(assessment=assessment, indicator=indicator)
            target = created
        else:
            target = updated
        before = [getattr(row, name) for name in VALUE_FIELDS]
        # An entry may hold only the part the user changed: the other part stays as stored.
        if "value" in entry:
            _assign(row, kind, entry["value"])
        if "note" in entry:
            row.note = note
        after = [getattr(row, name) for name in VALUE_FIELDS]
        if row.pk is None or before != after:
            row.version = new_version
            target.append(row)
            if row.pk is not None:
                changed.update(
                    name for name, old, new in zip(VALUE_FIELDS, before, after, strict=True) if old != new
                )
    # Only the changed columns are written: each costs one CASE over every updated row.
    return created, updated, [name for name in VALUE_FIELDS if name in changed]


def _transition(
    *, assessment: Assessment, user, to: str, allowed_from: tuple[str, ...], reason: str = ""
) -> None:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status not in allowed_from:
        raise InvalidTransition(
            _("Không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.")
            % {"from": current.get_status_display(), "to": Assessment.State(to).label}
        )
    Transition.objects.create(
        assessment=assessment, from_status=current.status, to_status=to, by=user, reason=reason
    )
    assessment.status = to
    assessment.version = current.version + 1
    assessment.updated_by = user
    assessment._change_reason = reason or None
    assessment.save(update_fields=["status", "version", "updated_by", "updated_at"])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do.")})
    return reason


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> None:
    _require(can_edit(user, assessment))
    S = Assessment.State
    _transition(assessment=assessment, user=user, to=S.SUBMITTED, allowed_from=(S.DRAFT, S.RETURNED))


@transaction.atomic
def assessment_approve(*, assessment: Assessment, user, reason: str = "") -> None:
    _require(can_review(user, assessment))
    S = Assessment.State
    _transition(assessment=assessment, user=user, to=S.APPROVED, allowed_from=(S.SUBMITTED,), reason=reason)


@transaction.atomic
def assessment_return(*, assessment: Assessment, user, reason: str) -> None:
    reason = _require_reason(reason)
    _require(can_review(user, assessment))
    S = Assessment.State
    _transition(assessment=assessment, user=user, to=S.RETURNED, allowed_from=(S.SUBMITTED,), reason=reason)


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, user, reason: str) -> None:
    """An approved assessment goes back to the commune (as returned, so the reason shows)."""
    reason = _require_reason(reason)
    _require(can_review(user, assessment))
    S = Assessment.State
    _transition(assessment=assessment, user=user, to=S.RETURNED, allowed_from=(S.APPROVED,), reason=reason)


@transaction.atomic
def assessment_withdraw(*, assessment: Assessment, user, reason: str) -> None:
    """The unit takes back a submission nobody has reviewed yet: it is a draft again, and the
    reason stays in the workflow history. Once the committee approved or returned it, the
    assessment is no longer "submitted" and the withdrawal is refused."""
    reason = _require_reason(reason)
    _require(can_edit(user, assessment))
    S = Assessment.State
    _transition(assessment=assessment, user=user, to=S.DRAFT, allowed_from=(S.SUBMITTED,), reason=reason)


@transaction.atomic
def assessment_bulk_approve(*, assessments: list[Assessment], user, reason: str = "") -> int:
    """Approve several submitted assessments at once; all or none."""
    for assessment in assessments:
        assessment_approve(assessment=assessment, user=user, reason=reason)
    return len(assessments)


class DuplicateEvidence(ValidationError):
    """The same content is already stored for this indicator; `existing` is that file."""

    def __init__(self, existing: Evidence):
        self.existing = existing
        super().__init__(
            {
                "file": _("Tệp này đã được tải lên cho chỉ tiêu này: %(name)s.")
                % {"name": existing.original_name}
            }
        )


def evidence_add(
    *, assessment: Assessment, indicator: Indicator, user, upload, checklist_item: str = ""
) -> Evidence:
    """Store an uploaded file after checking its size and its type by content. The file is
    stored, named and served under the extension of its content (a JPEG named ".pdf" becomes
    ".jpg"); the same content twice for one indicator is refused (DuplicateEvidence)."""
    _require(can_edit(user, assessment))
    if not assessment.is_editable:
        raise AssessmentLocked(assessment)
    if indicator.criterion.criteria_set_id != assessment.criteria_set_id:
        raise ValidationError({"file": _("Chỉ tiêu không thuộc bộ tiêu chí này.")})
    detected = files.check_upload(upload)
    name = files.display_name(upload.name)
    detected = files.true_type(name, detected)
    digest = files.sha256(upload)
    existing = Evidence.objects.filter(assessment=assessment, indicator=indicator, sha256=digest).first()
    if existing is not None:
        raise DuplicateEvidence(existing)
    evidence = Evidence(
        assessment=assessment,
        indicator=indicator,
        original_name=files.renamed(name, detected),
        content_type=detected.content_type,
        size=upload.size,
        sha256=digest,
        checklist_item=checklist_item if checklist_item in checklist_names(indicator.criterion) else "",
        uploaded_by=user,
    )
    evidence._history_user = user
    upload.seek(0)
    evidence.file.save(f"upload{detected.extension}", File(upload), save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError:
        # The same file sent twice at once: the constraint kept one.
        evidence.file.delete(save=False)
        raise DuplicateEvidence(
            Evidence.objects.get(assessment=assessment, indicator=indicator, sha256=digest)
        ) from None
    return evidence


def evidence_remove(*, evidence: Evidence, user) -> None:
    _require(can_edit(user, evidence.assessment))
    if not evidence.assessment.is_editable:
        raise AssessmentLocked(evidence.assessment)
    evidence._history_user = user
    # The stored file stays: the history of the assessment still names it.
    evidence.delete()


def checklist_names(criterion: Criterion) -> list[str]:
    return [item["name"] for item in checklist_items(criterion)]


def checklist_items(criterion: Criterion) -> list[dict]:
    """The criterion's dossier checklist as [{"name", "illustrative"}]; plain strings allowed."""
    items = []
    for item in criterion.evidence_checklist or []:
        if isinstance(item, str):
            items.append({"name": item, "illustrative": False})
        elif isinstance(item, dict) and item.get("name"):
            items.append({"name": str(item["name"]), "illustrative": bool(item.get("illustrative"))})
    return items


@transaction.atomic
def assessment_open(*, user, criteria_set: CriteriaSet, unit: Commune | Village, year: int) -> Assessment:
    """The assessment of `unit` for `criteria_set` and `year`, created if new. Refuses
    (ValidationError naming the field) a set outside its years, a province's set for a unit of
    another province and a set of the other unit level; PermissionDenied outside the user's units."""
    field = "village" if isinstance(unit, Village) else "commune"
    _require(can_edit(user, Assessment(criteria_set=criteria_set, **{field: unit})))
    criteria_set.check_use(unit=unit, year=year)
    assessment, _created = Assessment.objects.get_or_create(
        criteria_set=criteria_set, year=year, **{field: unit}
    )
    return assessment
