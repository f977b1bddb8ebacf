"""A province's own indicators, entered by its office where a national set leaves a criterion's
content to the province (the criterion's national indicator is a stand-in, "Đạt theo hướng dẫn
của tỉnh").

Each indicator belongs to one province (on either map) and counts only for that province's
units: under a criterion where the province has an active indicator of its own, the stand-in no
longer counts there (`Indicator.objects.in_catalogue_of`, read by `services.set_catalogue`).
Its thresholds, by the set's classifier value, are the province's rows (`Threshold.province`)
and cite the same decision. A deactivated indicator stops counting; its values stay stored.
Every change is kept in the history (who, when, the decision) and asks for the province's
assessments of the set to be re-evaluated. `load_catalogue` never reads or writes these rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils.translation import gettext as _

from communes.models import Province

from .evaluation import Kind, format_threshold
from .models import CriteriaSet, Criterion, Indicator, IndicatorValue, Threshold, same_province
from .reevaluation import catalogue_reevaluation_request
from .thresholds import classifier_labels, decision_source


class IndicatorRefused(ValueError):
    """The office may not add or change an indicator here; the message says why."""


@dataclass(frozen=True)
class IndicatorSpec:
    """What the office entered: the indicator and its thresholds by classifier value ("" for
    every value), already typed for its kind; a value left out has no threshold."""

    code: str
    name_vi: str
    name_en: str
    kind: Kind
    unit: str
    levels: list[str]
    thresholds: dict[str, Decimal | bool | str]


@dataclass
class CriterionLine:
    """A criterion whose national content is a stand-in (or, in a province's own set, a
    criterion the sources do not detail: no stand-in), with the province's own indicators
    (active or not) and their thresholds as text."""

    criterion: Criterion
    stand_in: Indicator | None
    own: list[tuple[Indicator, list[tuple[Threshold, str]]]] = field(default_factory=list)

    @property
    def replaced(self) -> bool:
        """Whether the province's own indicators replace the stand-in in its units."""
        return any(indicator.is_active for indicator, _rows in self.own)


def open_sets(province: Province, year: int) -> list[CriteriaSet]:
    """The sets a unit of the province may use whose period has not ended by `year` (an office
    prepares a set about to come into force too), newest first."""
    sets = (
        CriteriaSet.objects.for_province(province.pk)
        .filter(Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year))
        .select_related("province")
        .order_by("-valid_from_year", "unit_level", "code")
    )
    return [item for item in sets if item.applies_in(province)]


def undetailed_criteria(province: Province) -> list[Criterion]:
    """The criteria of the province's own sets (on either map, whatever their period: their
    assessments stay) that the sources do not detail, for its office to complete: one query.
    A national set's criteria are never among them."""
    criteria = (
        Criterion.objects.filter(is_detailed=False, criteria_set__province_id__in=same_province(province.pk))
        .select_related("criteria_set__province")
        .order_by("-criteria_set__valid_from_year", "criteria_set__code", "order")
    )
    return [item for item in criteria if item.criteria_set.applies_in(province)]


def content_lines(
    province: Province, sets: list[CriteriaSet], undetailed: list[Criterion]
) -> tuple[dict[int, list[CriterionLine]], dict[int, list[CriterionLine]]]:
    """By set id, the stand-in lines of `sets` (`stand_in_lines`) and the lines of the
    `undetailed` criteria, with the province's own indicators: two queries in all."""
    lines = stand_in_lines(province, sets, undetailed)
    by_criterion = {item.pk for item in undetailed}
    stand_ins: dict[int, list[CriterionLine]] = defaultdict(list)
    to_complete: dict[int, list[CriterionLine]] = defaultdict(list)
    for set_id, of_set in lines.items():
        for line in of_set:
            target = to_complete if line.criterion.pk in by_criterion else stand_ins
            target[set_id].append(line)
    return stand_ins, to_complete


def stand_in_lines(
    province: Province, sets: list[CriteriaSet], undetailed: list[Criterion] = ()
) -> dict[int, list[CriterionLine]]:
    """By set id, the criteria of `sets` whose national content is a stand-in, and the
    `undetailed` criteria, with the province's own indicators: two queries (indicators, the
    province's thresholds)."""
    lines: dict[int, CriterionLine] = {item.pk: CriterionLine(item, None) for item in undetailed}
    indicators = list(
        Indicator.objects.filter(
            Q(criterion__criteria_set__in=sets) | Q(criterion__in=[item.pk for item in undetailed])
        )
        .filter(Q(is_placeholder=True, province__isnull=True) | Q(province_id__in=same_province(province.pk)))
        .select_related("criterion")
        .prefetch_related(
            Prefetch(
                "thresholds",
                queryset=Threshold.objects.filter(province=province).order_by(
                    "classifier_value", "year", "pk"
                ),
                to_attr="own_thresholds",
            )
        )
        .order_by("criterion__criteria_set_id", "criterion__order", "order", "pk")
    )
    for indicator in indicators:
        if indicator.province_id is None and indicator.is_placeholder:
            lines[indicator.criterion_id] = CriterionLine(indicator.criterion, indicator)
    labels = {item.pk: classifier_labels(item) for item in sets}
    labels.update({item.criteria_set_id: classifier_labels(item.criteria_set) for item in undetailed})
    for indicator in indicators:
        line = lines.get(indicator.criterion_id)
        if indicator.province_id is not None and line is not None:
            names = labels[indicator.criterion.criteria_set_id]
            rows = [(row, threshold_text(indicator, row, names)) for row in indicator.own_thresholds]
            line.own.append((indicator, rows))
    by_set: dict[int, list[CriterionLine]] = defaultdict(list)
    for line in lines.values():
        by_set[line.criterion.criteria_set_id].append(line)
    return by_set


def threshold_text(indicator: Indicator, row: Threshold, labels: dict[str, str]) -> str:
    text = format_threshold(Kind(indicator.kind), row.as_row(), indicator.unit)
    if row.classifier_value:
        return f"{labels.get(row.classifier_value, row.classifier_value)}: {text}"
    return text


def stand_in_of(criterion: Criterion) -> Indicator | None:
    return Indicator.objects.national().filter(criterion=criterion, is_placeholder=True).first()


def check_criterion(province: Province, criterion: Criterion) -> None:
    """Refuse a criterion whose national content is not a stand-in, or of a set the province
    may not use: the province adds its own indicators only where the national set leaves the
    content to it, or completes a criterion of its own set that the sources do not detail;
    national content changes only through the catalogue files."""
    criteria_set = criterion.criteria_set
    if not criteria_set.applies_in(province):
        raise IndicatorRefused(
            _("%(set)s chỉ áp dụng cho tỉnh %(province)s.")
            % {"set": criteria_set.name, "province": criteria_set.province.name}
        )
    if not criterion.is_detailed:
        if criteria_set.province_id is None:
            raise IndicatorRefused(
                _(
                    "%(set)s là bộ tiêu chí quốc gia: nội dung tiêu chí %(criterion)s chỉ được bổ sung "
                    "theo văn bản của Trung ương, tỉnh không sửa được."
                )
                % {"set": criteria_set.name, "criterion": criterion}
            )
        return
    if stand_in_of(criterion) is None:
        raise IndicatorRefused(
            _(
                "Tiêu chí %(criterion)s đã có chỉ tiêu quốc gia; tỉnh chỉ thêm chỉ tiêu riêng ở tiêu chí "
                "mà bộ tiêu chí quốc gia để tỉnh hướng dẫn (chỉ tiêu tạm)."
            )
            % {"criterion": criterion}
        )


def _check_own(province: Province, indicator: Indicator) -> None:
    if indicator.province_id is None or not indicator.applies_in(province):
        raise IndicatorRefused(
            _("Chỉ tiêu %(code)s không phải chỉ tiêu riêng của tỉnh %(province)s.")
            % {"code": indicator.code, "province": province.name}
        )


def _check_code(province: Province, criterion: Criterion, code: str, indicator: Indicator | None) -> None:
    """A code is unique in the set among the national indicators and the province's own: the
    tables and their imports name an indicator by its code."""
    taken = Indicator.objects.for_province(province.pk).filter(
        criterion__criteria_set_id=criterion.criteria_set_id, code=code
    )
    if indicator is not None:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise ValidationError({"code": _("Mã chỉ tiêu %(code)s đã có trong bộ tiêu chí.") % {"code": code}})


def _check_kind_kept(indicator: Indicator, spec: IndicatorSpec) -> None:
    """Values already entered are read by the indicator's kind and levels: those stay."""
    if indicator.kind == spec.kind.value and list(indicator.levels) == spec.levels:
        return
    if IndicatorValue.objects.filter(indicator=indicator).exists():
        raise ValidationError(
            {
                "kind": _(
                    "Đã có số liệu nhập cho chỉ tiêu %(code)s: không đổi được loại giá trị hay các mức."
                )
                % {"code": indicator.code}
            }
        )


@transaction.atomic
def province_indicator_save(
    *,
    by,
    province: Province,
    criterion: Criterion,
    indicator: Indicator | None = None,
    spec: IndicatorSpec,
    decision_number: str,
    decision_date: datetime.date,
) -> Indicator:
    """Add (no `indicator`) or change one of the province's own indicators under `criterion`
    with its thresholds, citing the decision. Raises IndicatorRefused (the criterion or the
    indicator is not the province's to change) or ValidationError naming the field."""
    check_criterion(province, criterion)
    if indicator is not None:
        _check_own(province, indicator)
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.criterion_id != criterion.pk:
            raise IndicatorRefused(_("Chỉ tiêu này thuộc tiêu chí khác."))
        _check_kind_kept(indicator, spec)
    _check_code(province, criterion, spec.code, indicator)
    if indicator is None:
        last = Indicator.objects.filter(criterion=criterion).aggregate(last=Max("order"))["last"] or 0
        indicator = Indicator(criterion=criterion, province=province, order=last + 1)
    source = decision_source(decision_number, decision_date)
    kind_changed = indicator.pk is not None and indicator.kind != spec.kind.value
    for name in ("code", "name_vi", "name_en", "unit", "levels"):
        setattr(indicator, name, getattr(spec, name))
    indicator.kind = spec.kind.value
    indicator.source = source
    indicator._history_user = by
    indicator.save()
    _save_thresholds(by, province, indicator, spec, source, kind_changed)
    _reevaluate(province, criterion.criteria_set_id)
    return indicator


def _save_thresholds(
    by, province: Province, indicator: Indicator, spec: IndicatorSpec, source: str, kind_changed: bool
) -> None:
    """Make the province's all-years rows of the indicator those of `spec`: each value set is
    written only if it changed, each value left out removes its row."""
    existing = {
        row.classifier_value: row
        for row in Threshold.objects.filter(indicator=indicator, province=province, year__isnull=True)
    }
    kind = spec.kind
    for classifier_value, value in spec.thresholds.items():
        row = existing.pop(classifier_value, None) or Threshold(
            indicator=indicator, province=province, classifier_value=classifier_value, year=None
        )
        wanted = {
            "value": value if kind.is_numeric else None,
            "flag": value if kind is Kind.BOOL else None,
            "level": value if kind is Kind.LEVEL else "",
        }
        if row.pk is not None and all(getattr(row, name) == item for name, item in wanted.items()):
            continue
        for name, item in wanted.items():
            setattr(row, name, item)
        row.source, row.is_illustrative = source, False
        row.full_clean()
        row._history_user = by
        row.save()
    for row in existing.values():
        row._history_user = by
        row.delete()
    if kind_changed:
        # Rows for one year only (set on the thresholds page) mean nothing for another kind.
        for row in Threshold.objects.filter(indicator=indicator, province=province, year__isnull=False):
            row._history_user = by
            row.delete()


@transaction.atomic
def province_indicator_set_active(
    *,
    by,
    province: Province,
    indicator: Indicator,
    active: bool,
    decision_number: str,
    decision_date: datetime.date,
) -> bool:
    """Deactivate (or activate again) one of the province's own indicators, citing the
    decision: a deactivated one stops counting, its stored values stay. Returns whether it
    changed."""
    _check_own(province, indicator)
    indicator = Indicator.objects.select_for_update().select_related("criterion").get(pk=indicator.pk)
    if indicator.is_active == active:
        return False
    indicator.is_active = active
    indicator.source = decision_source(decision_number, decision_date)
    indicator._history_user = by
    indicator.save(update_fields=["is_active", "source"])
    _reevaluate(province, indicator.criterion.criteria_set_id)
    return True


def _reevaluate(province: Province, set_id: int) -> None:
    """The province's assessments of the set, on either map, are evaluated again."""
    provinces = sorted(
        set(Province.objects.filter(pk__in=same_province(province.pk)).values_list("pk", flat=True))
    )
    catalogue_reevaluation_request(scopes=[(set_id, province_id) for province_id in provinces])
