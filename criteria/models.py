"""The criteria catalogue (sets, criteria, indicators, thresholds) and assessments.

Catalogue rows are data loaded from the versioned files in `criteria/catalogue/` by
`manage.py load_catalogue`; nothing here names a particular criterion.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, Province, Region, Village

from . import evaluation
from .evaluation import Kind, Status


class BilingualName(models.Model):
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


def unit_year_error(commune: Commune, unit: Commune | Village, year: int) -> str | None:
    """Why `unit` (of `commune`) cannot be assessed for `year`: its commune did not exist in
    any part of that year (old communes end on 30 June 2025, new ones start on 1 July 2025)."""
    if commune.valid_to and year > commune.valid_to.year:
        text = _("%(unit)s chỉ tồn tại đến ngày %(day)s (đã sắp xếp); không đánh giá được cho năm %(year)s.")
        day = commune.valid_to
    elif commune.valid_from and year < commune.valid_from.year:
        text = _("%(unit)s được thành lập từ ngày %(day)s; không đánh giá được cho năm %(year)s.")
        day = commune.valid_from
    else:
        return None
    return str(text) % {"unit": unit.name, "day": day.strftime("%d/%m/%Y"), "year": year}


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """The sets in force in `year` (a missing bound of the period is open)."""
        return self.filter(
            Q(valid_from_year__isnull=True) | Q(valid_from_year__lte=year),
            Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year),
        )

    def for_province(self, province_id: int):
        """The national sets and the sets of this province on either map: a province's set is
        confined to it, to the province it became part of in 2025 and to the one it succeeds
        (`CriteriaSet.applies_in`). The province is named in a subquery: no join, no duplicates."""
        return self.filter(Q(province__isnull=True) | Q(province_id__in=same_province(province_id)))


def same_province(province_id: int):
    """The ids of the province on either map (itself, the old provinces it succeeds and its
    successor), as a subquery."""
    return Province.objects.filter(
        Q(pk=province_id) | Q(successor_id=province_id) | Q(predecessors__id=province_id)
    ).values("pk")


class CriteriaSet(BilingualName):
    class UnitLevel(models.TextChoices):
        COMMUNE = "commune", _("Xã")
        VILLAGE = "village", _("Thôn / khu dân cư")

    class Classifier(models.TextChoices):
        REGION = "region", _("Vùng kinh tế - xã hội")
        COMMUNE_GROUP = "commune_group", _("Nhóm xã")
        NONE = "none", _("Không phân loại")

    code = models.SlugField(_("mã bộ tiêu chí"), max_length=80, unique=True)
    unit_level = models.CharField(_("cấp áp dụng"), max_length=10, choices=UnitLevel.choices)
    classifier = models.CharField(_("ngưỡng phân theo"), max_length=20, choices=Classifier.choices)
    title_vi = models.CharField(_("danh hiệu"), max_length=200, blank=True)
    title_en = models.CharField(_("danh hiệu (tiếng Anh)"), max_length=200, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    # The years the set is in force, as its catalogue file declares them: an assessment's year
    # must fall in them (an empty bound is open).
    valid_from_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"), null=True, blank=True)
    valid_to_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    # A pilot framework (khung thí điểm) is a title whose content each province sets; it is
    # never the set a scope is counted against by default.
    is_pilot = models.BooleanField(_("khung thí điểm"), default=False)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh ban hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Để trống với bộ tiêu chí quốc gia."),
    )
    prerequisite = models.ForeignKey(
        "self",
        verbose_name=_("bộ tiêu chí phải đạt trước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # What the set implies, as its catalogue file states it: the reporting bands
    # ([{"code", "min_met" (null: all criteria), "label_vi", "label_en"}], highest first) and
    # the title rule ({"min_met": null} = all criteria; empty: the set confers no title).
    bands = models.JSONField(_("nhóm báo cáo theo số tiêu chí đạt"), default=list, blank=True)
    title_rule = models.JSONField(_("điều kiện đạt danh hiệu"), default=dict, blank=True)
    # Special rules as data: [{"flags": [...], "use": "tdmnpb"}] (the ĐBKK rule).
    flag_rules = models.JSONField(_("quy tắc đặc biệt"), default=list, blank=True)
    status_note = models.TextField(_("ghi chú về mức độ tin cậy"), blank=True)
    source_file = models.CharField(_("tệp nguồn"), max_length=200, blank=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from_year__isnull=True)
                | Q(valid_to_year__isnull=True)
                | Q(valid_from_year__lte=F("valid_to_year")),
                name="criteria_criteriaset_period_ordered",
            )
        ]

    def is_in_force(self, year: int) -> bool:
        """Whether the set applies in `year` (see `CriteriaSetQuerySet.in_force`)."""
        return (self.valid_from_year is None or self.valid_from_year <= year) and (
            self.valid_to_year is None or year <= self.valid_to_year
        )

    def period_error(self, year: int) -> str | None:
        """Why the set cannot be used for `year`, or None when it can."""
        if self.is_in_force(year):
            return None
        names = {"set": self.name, "start": self.valid_from_year, "end": self.valid_to_year, "year": year}
        if self.valid_to_year is None:
            text = _("%(set)s áp dụng từ năm %(start)s; không dùng được cho năm %(year)s.")
        elif self.valid_from_year is None:
            text = _("%(set)s áp dụng đến năm %(end)s; không dùng được cho năm %(year)s.")
        else:
            text = _("%(set)s áp dụng cho các năm %(start)s–%(end)s; không dùng được cho năm %(year)s.")
        return str(text) % names

    def province_error(self, commune: Commune, unit: Commune | Village) -> str | None:
        """Why the set cannot be used for `unit` (of `commune`): a province's set is confined
        to that province. None when it can."""
        if self.applies_in(commune.province):
            return None
        return str(_("%(set)s chỉ áp dụng cho tỉnh %(province)s; %(unit)s thuộc tỉnh %(other)s.")) % {
            "set": self.name,
            "province": self.province.name,
            "unit": unit.name,
            "other": commune.province.name,
        }

    def applies_in(self, province: Province) -> bool:
        """Whether a unit of `province` may use the set: a national set anywhere, a province's
        set in its province on either map (itself, its successor on the new map, or the old
        province it succeeds: Hà Tĩnh before and after 1 July 2025)."""
        if self.province_id is None:
            return True
        return self.province_id in (province.pk, province.successor_id) or (
            self.province.successor_id == province.pk
        )

    def check_use(self, *, unit: Commune | Village, year: int) -> None:
        """Refuse (ValidationError naming the field) a unit of the wrong level, a unit of
        another province for a province's set, and a year outside the set's period."""
        is_village = isinstance(unit, Village)
        if is_village != (self.unit_level == self.UnitLevel.VILLAGE):
            message = (
                _("Bộ tiêu chí này dành cho xã, không dùng cho thôn.")
                if is_village
                else _("Bộ tiêu chí này dành cho thôn, không dùng cho xã.")
            )
            raise ValidationError({"criteria_set": str(message)})
        commune = unit.commune if is_village else unit
        errors = {}
        if problem := self.province_error(commune, unit):
            errors["criteria_set"] = problem
        if problem := self.period_error(year) or unit_year_error(commune, unit, year):
            errors["year"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_vi

    def rules(self) -> list[evaluation.FlagRule]:
        return [evaluation.FlagRule(frozenset(rule["flags"]), rule["use"]) for rule in self.flag_rules]

    def band_list(self) -> list[evaluation.Band]:
        """The set's reporting bands, highest first (empty: the set declares none)."""
        return [
            evaluation.Band(item["code"], item.get("min_met"), item["label_vi"], item.get("label_en", ""))
            for item in self.bands
        ]

    def band_of(self, criteria_met: int, criteria_total: int) -> evaluation.Band | None:
        return evaluation.band_of(criteria_met, criteria_total, self.band_list())

    def title_requirement(self) -> evaluation.TitleRule | None:
        if not self.title_rule:
            return None
        return evaluation.TitleRule(self.title_rule.get("min_met"))


class CriterionGroup(BilingualName):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã nhóm"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="criteria_criteriongroup_unique_code"
            )
        ]


class Criterion(BilingualName):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(
        CriterionGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="criteria"
    )
    code = models.CharField(_("số tiêu chí"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)
    # False where the sources name a criterion but not its content: it is shown as such and
    # never evaluated as met.
    is_detailed = models.BooleanField(_("đã có nội dung chi tiết"), default=True)
    # True where the national set leaves the criterion's content to each province (the model
    # commune's outstanding field, QĐ 319/QĐ-TTg): its stand-in has no threshold and the
    # criterion has no content in a province until the province enters its own indicators.
    province_defined = models.BooleanField(_("nội dung do tỉnh quy định"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence_checklist = models.JSONField(_("hồ sơ minh chứng cần có"), default=list, blank=True)

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteria_criterion_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class IndicatorQuerySet(models.QuerySet):
    def national(self):
        return self.filter(province__isnull=True)

    def of_province(self, province_id: int):
        """The province's own indicators, on either map (see `same_province`)."""
        return self.filter(province_id__in=same_province(province_id))

    def for_province(self, province_id: int | None):
        """The national indicators and the province's own (none with no province)."""
        if province_id is None:
            return self.national()
        return self.filter(Q(province__isnull=True) | Q(province_id__in=same_province(province_id)))

    def in_catalogue_of(self, province_id: int | None):
        """The indicators a unit of the province is evaluated on, in one query: the active
        national ones and the province's own active ones, where a stand-in gives way under a
        criterion in which the province has an active indicator of its own."""
        active = self.filter(is_active=True).for_province(province_id)
        if province_id is None:
            return active
        replaced = Indicator.objects.of_province(province_id).filter(is_active=True).values("criterion_id")
        return active.exclude(is_placeholder=True, criterion_id__in=replaced)


class Indicator(BilingualName):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã chỉ tiêu"), max_length=12)
    kind = models.CharField(
        _("loại giá trị"),
        max_length=20,
        choices=[
            (Kind.BOOL.value, _("Có / không")),
            (Kind.PERCENT_MIN.value, _("Tỷ lệ % tối thiểu")),
            (Kind.PERCENT_MAX.value, _("Tỷ lệ % tối đa")),
            (Kind.NUMBER_MIN.value, _("Số tối thiểu")),
            (Kind.NUMBER_MAX.value, _("Số tối đa")),
            (Kind.LEVEL.value, _("Mức chọn từ danh sách")),
        ],
    )
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    levels = models.JSONField(_("các mức (từ thấp đến cao)"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # True for the stand-in "meets the province's implementing decision" indicator of a
    # criterion whose real indicators are not known yet.
    is_placeholder = models.BooleanField(_("chỉ tiêu tạm"), default=False)
    confidence = models.CharField(_("độ tin cậy của nội dung"), max_length=60, blank=True)
    provisional = models.JSONField(
        _("giá trị tham khảo (không phải ngưỡng pháp lý)"), default=dict, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # A province's own indicator, entered by its office under a criterion whose national
    # content is a stand-in; it counts for that province's units only (see
    # `IndicatorQuerySet.in_catalogue_of`). Null for the national catalogue's indicators.
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh ban hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_indicators",
    )
    # A deactivated indicator no longer counts; the values entered for it stay stored.
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    source = models.CharField(_("nguồn / quyết định"), max_length=300, blank=True)
    # Who added or changed a province's indicator and when, with the decision it cited.
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__criteria_set", "criterion__order", "order"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "code"],
                name="criteria_indicator_unique_code",
                condition=Q(province__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["criterion", "province", "code"],
                name="criteria_indicator_unique_province_code",
                condition=Q(province__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in Kind]),
                name="criteria_indicator_known_kind",
            ),
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(is_placeholder=False),
                name="criteria_indicator_province_not_placeholder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def applies_in(self, province: Province) -> bool:
        """Whether a unit of `province` is evaluated on the indicator: a national one anywhere,
        a province's own in that province on either map (as `CriteriaSet.applies_in`)."""
        if self.province_id is None:
            return True
        return self.province_id in (province.pk, province.successor_id) or (
            self.province.successor_id == province.pk
        )

    @property
    def value_kind(self) -> Kind:
        return Kind(self.kind)


class Threshold(models.Model):
    """The level an indicator must reach for units of one classifier value.

    A blank classifier value applies to every value; no year applies to every year; a
    province marks a province's own (usually stricter) value, citing its decision.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="thresholds")
    classifier_value = models.CharField(_("giá trị phân loại"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.CASCADE, null=True, blank=True
    )
    value = models.DecimalField(_("ngưỡng số"), max_digits=14, decimal_places=4, null=True, blank=True)
    level = models.CharField(_("mức tối thiểu"), max_length=100, blank=True)
    flag = models.BooleanField(_("yêu cầu (có/không)"), null=True, blank=True)
    source = models.CharField(_("nguồn / quyết định"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("giá trị minh họa"), default=False)
    # Who changed a threshold and when, with the decision it cited (its source) at the time:
    # province offices' entries through their page, national ones through `load_catalogue`.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngưỡng")
        verbose_name_plural = _("ngưỡng")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "classifier_value", "year", "province"],
                name="criteria_threshold_unique_scope",
                condition=Q(year__isnull=False, province__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "classifier_value", "year"],
                name="criteria_threshold_unique_national_year",
                condition=Q(year__isnull=False, province__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["indicator", "classifier_value", "province"],
                name="criteria_threshold_unique_province_all_years",
                condition=Q(year__isnull=True, province__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "classifier_value"],
                name="criteria_threshold_unique_national_all_years",
                condition=Q(year__isnull=True, province__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} [{self.classifier_value or '*'}] {self.as_row()}"

    def clean(self) -> None:
        """A province's row: within the set's own province, with a value, and never looser
        than the national row it replaces (a province may only be as strict or stricter)."""
        super().clean()
        if self.province_id is None or self.indicator_id is None:
            return
        indicator = Indicator.objects.select_related("criterion__criteria_set__province", "province").get(
            pk=self.indicator_id
        )
        criteria_set = indicator.criterion.criteria_set
        if indicator.province_id is not None and not indicator.applies_in(self.province):
            raise ValidationError(
                {
                    "province": _("Chỉ tiêu %(code)s là chỉ tiêu riêng của tỉnh %(province)s.")
                    % {"code": indicator.code, "province": indicator.province.name}
                }
            )
        if not criteria_set.applies_in(self.province):
            raise ValidationError(
                {
                    "province": _("%(set)s chỉ áp dụng cho tỉnh %(province)s.")
                    % {"set": criteria_set.name, "province": criteria_set.province.name}
                }
            )
        kind = Kind(indicator.kind)
        field = "flag" if kind is Kind.BOOL else "level" if kind is Kind.LEVEL else "value"
        row = self.as_row()
        if not evaluation.threshold_is_set(kind, row):
            raise ValidationError(
                {field: _("Chỉ tiêu %(code)s: cần nhập ngưỡng của tỉnh.") % {"code": indicator.code}}
            )
        if kind is Kind.LEVEL and self.level not in indicator.levels:
            raise ValidationError(
                {field: _("Chỉ tiêu %(code)s: mức không có trong danh sách.") % {"code": indicator.code}}
            )
        national = [item.as_row() for item in indicator.thresholds.filter(province__isnull=True)]
        stricter = evaluation.looser_than_national(kind, row, national, indicator.levels)
        if stricter is not None:
            raise ValidationError({field: looser_message(indicator, criteria_set, row, stricter)})

    def as_row(self) -> evaluation.ThresholdRow:
        return evaluation.ThresholdRow(
            classifier_value=self.classifier_value,
            year=self.year,
            province_id=self.province_id,
            value=self.value,
            level=self.level,
            flag=self.flag,
            source=self.source,
        )


def looser_message(
    indicator: Indicator,
    criteria_set: CriteriaSet,
    row: evaluation.ThresholdRow,
    national: evaluation.ThresholdRow,
) -> str:
    """ "Chỉ tiêu 15.4: ngưỡng của tỉnh ≥ 45 % lỏng hơn ngưỡng quốc gia ≥ 50 % (Trung du và miền núi
    phía Bắc); ..." — which indicator, and the national value it would loosen."""
    kind = Kind(indicator.kind)
    where = [_classifier_label(criteria_set, national.classifier_value)]
    if national.year is not None:
        where.append(str(_("năm %(year)s")) % {"year": national.year})
    where = [item for item in where if item]
    return str(
        _(
            "Chỉ tiêu %(code)s: ngưỡng của tỉnh %(province)s lỏng hơn ngưỡng quốc gia %(national)s%(where)s; "
            "tỉnh chỉ được quy định bằng hoặc chặt hơn mức quốc gia."
        )
    ) % {
        "code": indicator.code,
        "province": evaluation.format_threshold(kind, row, indicator.unit),
        "national": evaluation.format_threshold(kind, national, indicator.unit),
        "where": f" ({', '.join(where)})" if where else "",
    }


def _classifier_label(criteria_set: CriteriaSet, value: str) -> str:
    if not value:
        return ""
    if criteria_set.classifier == CriteriaSet.Classifier.REGION:
        region = Region.objects.filter(code=value).first()
        return region.name if region else value
    if criteria_set.classifier == CriteriaSet.Classifier.COMMUNE_GROUP:
        return str(_("nhóm %(group)s")) % {"group": value}
    return value


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            Q(commune__in=Commune.objects.visible_to(user)) | Q(village__in=Village.objects.visible_to(user))
        )

    def of_commune_and_villages(self, commune: Commune, village_ids: list[int]):
        # The village ids are passed in (the caller has the villages already): a join or a
        # subquery inside the OR makes PostgreSQL scan every assessment of the country.
        return self.filter(Q(commune=commune) | Q(village_id__in=village_ids))

    def for_scope(self, commune_ids: list[int]):
        """The communes' own assessments (not their villages')."""
        return self.filter(commune_id__in=commune_ids)

    def in_period(self, year: int, *, carry_forward: bool = False):
        """The assessments of `year`; with `carry_forward`, of `year` or any earlier year
        (the caller keeps each unit's latest)."""
        return self.filter(year__lte=year) if carry_forward else self.filter(year=year)

    def affected_by(
        self,
        *,
        criteria_set_ids: list[int] | None = None,
        commune_ids: list[int] | None = None,
        province_id: int | None = None,
    ):
        """The assessments whose evaluation a change can alter: of these sets, of these communes
        (and their villages), of this province (a province threshold); every given filter holds."""
        scope = self
        if criteria_set_ids is not None:
            scope = scope.filter(criteria_set_id__in=criteria_set_ids)
        if commune_ids is not None:
            scope = scope.filter(Q(commune_id__in=commune_ids) | Q(village__commune_id__in=commune_ids))
        if province_id is not None:
            scope = scope.filter(
                Q(commune__province_id=province_id) | Q(village__commune__province_id=province_id)
            )
        return scope

    def awaiting_committee(self, *, district_id: int | None = None, province_id: int | None = None):
        """Submitted assessments that wait for this committee (`communes.access.is_committee`):
        a district's committee reviews its communes and their villages; a province office the
        communes (and villages) of the province that have no district."""
        if district_id is not None:
            units = Q(commune__district_id=district_id) | Q(village__commune__district_id=district_id)
        else:
            units = Q(commune__province_id=province_id, commune__district__isnull=True) | Q(
                village__commune__province_id=province_id, village__commune__district__isnull=True
            )
        return self.filter(units, status=Assessment.State.SUBMITTED)

    def pending_reevaluation(self):
        """Assessments whose stored evaluation waits for a re-evaluation task."""
        return self.filter(reevaluation_requested_at__isnull=False)

    def returned_first(self):
        """Returned assessments first (the commune has work to do), then newest years."""
        returned = models.Case(models.When(status="returned", then=0), default=1)
        return self.alias(returned_rank=returned).order_by("returned_rank", "-year", "village__name", "pk")


class Assessment(models.Model):
    """One unit's values for one criteria set and year, with the stored evaluation."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi huyện")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã phê duyệt")

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("năm"))
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("thôn"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # Stored evaluation, refreshed on every save; dashboards read these, never recompute.
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    criteria_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"), default=0)
    indicators_met = models.PositiveSmallIntegerField(_("số chỉ tiêu đạt"), default=0)
    indicators_total = models.PositiveSmallIntegerField(_("tổng số chỉ tiêu"), default=0)
    title_qualified = models.BooleanField(_("đủ điều kiện đạt chuẩn"), default=False)
    # Demo data: values made up to show the product, never a unit's real figures.
    illustrative = models.BooleanField(_("số liệu minh họa"), default=False, editable=False)
    # Set when a change of the catalogue or of the unit's classification asks for the stored
    # evaluation above to be recomputed; the task clears it only if nothing asked again since.
    reevaluation_requested_at = models.DateTimeField(
        _("chờ đánh giá lại từ"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "reevaluation_requested_at"])

    class Meta:
        ordering = ["-year"]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False, village__isnull=True)
                | Q(commune__isnull=True, village__isnull=False),
                name="criteria_assessment_one_unit",
            ),
            models.UniqueConstraint(
                fields=["commune", "criteria_set", "year"],
                name="criteria_assessment_unique_commune_year",
                condition=Q(commune__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["village", "criteria_set", "year"],
                name="criteria_assessment_unique_village_year",
                condition=Q(village__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["criteria_set", "year"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.criteria_set.code} — {self.year}"

    @property
    def unit(self):
        return self.commune or self.village

    def clean(self) -> None:
        """The set must be of the unit's level, of the unit's province if a province's, and in
        force in the year (see `CriteriaSet.check_use`)."""
        super().clean()
        if self.criteria_set_id is None or self.year is None or self.unit is None:
            return
        self.criteria_set.check_use(unit=self.unit, year=self.year)

    @property
    def is_locked(self) -> bool:
        return self.status == self.State.APPROVED

    @property
    def reevaluation_pending(self) -> bool:
        return self.reevaluation_requested_at is not None

    @property
    def is_editable(self) -> bool:
        """Values change only while the commune holds the assessment (draft or returned)."""
        return self.status in (self.State.DRAFT, self.State.RETURNED)

    @property
    def commune_of_unit(self) -> Commune:
        return self.commune or self.village.commune


class IndicatorValue(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    number = models.DecimalField(_("giá trị số"), max_digits=14, decimal_places=4, null=True, blank=True)
    flag = models.BooleanField(_("giá trị có/không"), null=True, blank=True)
    level = models.CharField(_("mức"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("kết quả"),
        max_length=12,
        choices=[(status.value, label) for status, label in evaluation.STATUS_LABELS.items()],
        default=Status.NO_VALUE.value,
    )
    # The assessment version this value last changed in: a refused save lists the values
    # changed after the version the user started from.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "status"])

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="criteria_indicatorvalue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator_id}: {self.value}"

    @property
    def value(self):
        return evaluation.stored_value(self.indicator.kind, self)


class CriterionResult(models.Model):
    """Stored evaluation of one criterion in one assessment (read by dashboards)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(max_length=12, default=Status.NO_VALUE.value)
    indicators_met = models.PositiveSmallIntegerField(default=0)
    indicators_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("kết quả tiêu chí")
        verbose_name_plural = _("kết quả tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="criteria_criterionresult_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}: {self.status}"

    @property
    def met(self) -> bool:
        return self.status == Status.MET


def _evidence_path(instance: Evidence, filename: str) -> str:
    """A safe stored name: the user's file name is kept only in `original_name`."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file that documents one indicator's value; served only through a permission check."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    # SHA-256 of the content, hex: the same file twice for one indicator is refused. Files
    # stored before the column existed keep it empty and are not compared.
    sha256 = models.CharField(_("mã SHA-256"), max_length=64, blank=True, default="", editable=False)
    # The item of the criterion's evidence checklist this file documents, if any.
    checklist_item = models.CharField(_("mục hồ sơ"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "sha256"],
                condition=~Q(sha256=""),
                name="criteria_evidence_unique_content",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Transition(models.Model):
    """One workflow step of an assessment: who moved it from which status to which, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=Assessment.State.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=Assessment.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("chuyển trạng thái")
        verbose_name_plural = _("chuyển trạng thái")
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status="returned") | ~Q(reason=""),
                name="criteria_transition_return_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_status} → {self.to_status}"


class RecognitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            Q(commune__in=Commune.objects.visible_to(user)) | Q(village__in=Village.objects.visible_to(user))
        )

    def active(self):
        """Not revoked (a revocation dated in the future still ends it on that day)."""
        return self.filter(revoked_on__isnull=True)

    def revoked(self):
        return self.filter(revoked_on__isnull=False)

    def in_force(self, on: date):
        """Recognitions decided on or before `on` and not revoked by then."""
        return self.filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on), decision_date__lte=on)

    def for_communes(self, ids):
        return self.filter(commune_id__in=ids)

    def for_villages(self, ids):
        return self.filter(village_id__in=ids)

    def in_province(self, province_id: int):
        return self.filter(Q(commune__province_id=province_id) | Q(village__commune__province_id=province_id))

    def commune_set_pairs(self) -> set[tuple[int, int]]:
        """(commune id, criteria set id) of the communes among these rows, in one query: what a
        figure asks `recognised` of, commune by commune."""
        rows = self.filter(commune__isnull=False).values_list("commune_id", "criteria_set_id")
        return set(rows)

    def village_set_pairs(self) -> set[tuple[int, int]]:
        rows = self.filter(village__isnull=False).values_list("village_id", "criteria_set_id")
        return set(rows)


class Recognition(models.Model):
    """The province's decision recognising a unit's title for a criteria set (công nhận), and
    its revocation (thu hồi). Recorded by the province office; the title state "recognised"
    (`criteria.titles`) comes from these rows only."""

    class Level(models.TextChoices):
        PROVINCE_CHAIR = "province_chair", _("Chủ tịch UBND tỉnh")
        DISTRICT_CHAIR = "district_chair", _("Chủ tịch UBND huyện")

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="recognitions"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("thôn"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    level = models.CharField(_("cấp công nhận"), max_length=20, choices=Level.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký / cơ quan ban hành"), max_length=200, blank=True)
    # Demo rows from the seed documents, which say a title is held but give no decision.
    illustrative = models.BooleanField(_("số liệu minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_number = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = RecognitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False, village__isnull=True)
                | Q(commune__isnull=True, village__isnull=False),
                name="criteria_recognition_one_unit",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["province_chair", "district_chair"]),
                name="criteria_recognition_known_level",
            ),
            models.CheckConstraint(
                condition=Q(illustrative=True) | ~Q(decision_number=""),
                name="criteria_recognition_number_unless_illustrative",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("decision_date")),
                name="criteria_recognition_revoked_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True, revocation_number="")
                | (Q(revoked_on__isnull=False) & ~Q(revocation_number="")),
                name="criteria_recognition_revocation_has_number",
            ),
            models.UniqueConstraint(
                fields=["commune", "criteria_set"],
                name="criteria_recognition_unique_active_commune",
                condition=Q(commune__isnull=False, revoked_on__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["village", "criteria_set"],
                name="criteria_recognition_unique_active_village",
                condition=Q(village__isnull=False, revoked_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.criteria_set.code} — {self.decision_number or '?'}"

    @property
    def unit(self):
        return self.commune or self.village

    @property
    def commune_of_unit(self) -> Commune:
        return self.commune or self.village.commune

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    def in_force_on(self, day: date) -> bool:
        return self.decision_date <= day and (self.revoked_on is None or self.revoked_on > day)
