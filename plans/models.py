"""Yearly plans of a commune, work items split across villages, and weekly village reports."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province, Village
from criteria.models import CriteriaSet, Criterion

from . import deadlines, target_status


class DeadlineRule(models.Model):
    """When the weekly village report is due, set for a district or for a whole province (a
    district's rule wins; without any rule the default is Thursday 14:30)."""

    province = models.OneToOneField(
        Province, verbose_name=_("tỉnh"), on_delete=models.CASCADE, null=True, blank=True
    )
    district = models.OneToOneField(
        District, verbose_name=_("huyện"), on_delete=models.CASCADE, null=True, blank=True
    )
    weekday = models.PositiveSmallIntegerField(
        _("thứ trong tuần"),
        default=deadlines.DEFAULT_WEEKDAY,
        choices=[
            (0, _("Thứ Hai")),
            (1, _("Thứ Ba")),
            (2, _("Thứ Tư")),
            (3, _("Thứ Năm")),
            (4, _("Thứ Sáu")),
            (5, _("Thứ Bảy")),
            (6, _("Chủ nhật")),
        ],
    )
    time = models.TimeField(_("giờ"), default=deadlines.DEFAULT_TIME)

    class Meta:
        verbose_name = _("hạn báo cáo tuần")
        verbose_name_plural = _("hạn báo cáo tuần")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, district__isnull=True)
                | Q(province__isnull=True, district__isnull=False),
                name="plans_deadlinerule_one_unit",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="plans_deadlinerule_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.district or self.province}: {self.get_weekday_display()} {self.time:%H:%M}"

    @classmethod
    def for_commune(cls, commune: Commune) -> tuple[int, time]:
        """The weekday and time that apply to the villages of `commune` (one query): the rule
        of `annotations`, read for one commune."""
        rows = Commune.objects.filter(pk=commune.pk).annotate(**cls.annotations(commune=""))
        return rows.values_list("deadline_weekday", "deadline_time").get()

    @classmethod
    def annotations(cls, commune: str = "commune") -> dict:
        """`deadline_weekday` and `deadline_time` for the commune at `commune` (a field path of
        the annotated rows; "" when the rows are communes): its district's rule, else its
        province's, else the default. No query of their own."""
        prefix = f"{commune}__" if commune else ""

        def rule(field: str, default):
            district = cls.objects.filter(district_id=OuterRef(f"{prefix}district_id")).values(field)[:1]
            province = cls.objects.filter(province_id=OuterRef(f"{prefix}province_id")).values(field)[:1]
            return Coalesce(Subquery(district), Subquery(province), Value(default))

        return {
            "deadline_weekday": rule("weekday", deadlines.DEFAULT_WEEKDAY),
            "deadline_time": rule("time", deadlines.DEFAULT_TIME),
        }


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programmes of the units the user sees (a village head sees its commune's)."""
        return self.filter(
            Q(commune__in=Commune.objects.visible_to(user))
            | Q(commune__in=Village.objects.visible_to(user).values("commune_id"))
            | Q(district__in=District.objects.visible_to(user))
            | Q(province__in=Province.objects.visible_to(user))
        )

    def covering(self, year: int):
        """The programmes whose span includes `year`."""
        return self.filter(start_year__lte=year, end_year__gte=year)


class Programme(models.Model):
    """A programme over several years (Liên Minh's 2021-2025 action programme; a province's
    programme to 2025 and 2030) of exactly one commune, district (2021-2025 map) or province.
    It holds title targets by year, unit targets and numeric targets; the yearly plans of a
    commune belong to it and inherit its targets for their year."""

    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programmes",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("huyện"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programmes",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programmes",
    )
    name = models.CharField(_("tên chương trình"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Demo programmes placed on units the seed does not name (seed 002's commune, seed 003's
    # province) say so.
    is_illustrative = models.BooleanField(_("minh họa"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(commune__isnull=False, district__isnull=True, province__isnull=True)
                    | Q(commune__isnull=True, district__isnull=False, province__isnull=True)
                    | Q(commune__isnull=True, district__isnull=True, province__isnull=False)
                ),
                name="plans_programme_exactly_one_unit",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plans_programme_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}-{self.end_year})"

    @property
    def label(self) -> str:
        """The name with its period, unless the name already says it."""
        period = f"{self.start_year}-{self.end_year}"
        return self.name if period in self.name else str(self)

    @property
    def unit(self):
        return self.commune or self.district or self.province

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans of the communes the user sees, and of the commune of a village head's village."""
        return self.filter(
            Q(commune__in=Commune.objects.visible_to(user))
            | Q(commune__in=Village.objects.visible_to(user).values("commune_id"))
        )

    def reporting_spans(self) -> dict[int, deadlines.ReportingSpan]:
        """Plan id → when its villages owe weekly reports. Two queries however many plans:
        the plans with their communes and deadline rules, all their campaign waves."""
        return {plan.pk: span for plan, span in self.with_spans()}

    def due_weeks(self, now: datetime, among: Iterable[date] | None = None) -> dict[int, list[date]]:
        """Plan id → the Mondays whose report was due at `now` (only those of `among` when
        given). Two queries (see reporting_spans)."""
        return {plan.pk: span.due_weeks(now, among) for plan, span in self.with_spans()}

    def due_commune_weeks(self, now: datetime, weeks: Iterable[date]) -> set[tuple[int, date]]:
        """The (commune id, Monday) pairs among `weeks` for which the commune's villages owed
        a report at `now`, for counting expected and missing reports over many communes and
        years (filter the plans to the communes, and to the years of `weeks`, first). Two
        queries (see with_spans)."""
        return self.due_pairs(self.with_spans(), now, weeks)

    @staticmethod
    def due_pairs(
        plans: list[tuple[Plan, deadlines.ReportingSpan]], now: datetime, weeks: Iterable[date]
    ) -> set[tuple[int, date]]:
        """due_commune_weeks over plans already read with their spans."""
        weeks = sorted(set(weeks))
        if not weeks:
            return set()
        return {(plan.commune_id, monday) for plan, span in plans for monday in span.due_weeks(now, weeks)}

    def with_spans(self) -> list[tuple[Plan, deadlines.ReportingSpan]]:
        """The plans, each with its reporting span: two queries (the plans with their deadline
        rule, the campaign waves), one when no plan has waves."""
        has_waves = Exists(CampaignWave.objects.filter(plan=OuterRef("pk")))
        plans = list(
            self.select_related("commune")
            .annotate(has_waves=has_waves, **DeadlineRule.annotations())
            .order_by()
        )
        waves: dict[int, list[tuple[date, date]]] = {plan.pk: [] for plan in plans}
        with_waves = [plan.pk for plan in plans if plan.has_waves]
        if with_waves:
            rows = CampaignWave.objects.filter(plan_id__in=with_waves).order_by("start")
            for plan_id, start, end in rows.values_list("plan_id", "start", "end"):
                waves[plan_id].append((start, end))
        return [
            (plan, plan.reporting_span(plan.deadline_weekday, plan.deadline_time, waves=waves[plan.pk]))
            for plan in plans
        ]


class Plan(models.Model):
    class Title(models.TextChoices):
        KEEP_NTM = "keep_ntm", _("Giữ vững xã nông thôn mới")
        REACH_NTM = "reach_ntm", _("Đạt chuẩn nông thôn mới")
        ADVANCED = "advanced", _("Đạt chuẩn nông thôn mới nâng cao")
        MODEL = "model", _("Đạt chuẩn nông thôn mới kiểu mẫu")

    commune = models.ForeignKey(Commune, verbose_name=_("xã"), on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    # The programme the plan carries out for its year (its commune's, or the district's or
    # province's programme the commune takes part in).
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("thuộc chương trình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    target_title = models.CharField(_("danh hiệu phấn đấu"), max_length=20, choices=Title.choices)
    target_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ tiêu chí mục tiêu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"unit_level": CriteriaSet.UnitLevel.COMMUNE},
    )
    target_criteria_met = models.PositiveSmallIntegerField(
        _("số tiêu chí phấn đấu đạt"), null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # Not auto_now_add, so imports and generated data can record when a plan really began.
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "commune__name"]
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="plans_plan_unique_commune_year"),
            models.CheckConstraint(
                condition=Q(target_criteria_met__isnull=True) | Q(target_set__isnull=False),
                name="plans_plan_target_needs_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} — {self.year}"

    @property
    def adopted_on(self) -> date:
        """The day the plan took effect: its document's date, else the day it was created."""
        return self.document_date or deadlines.local_today(self.created_at)

    def reporting_span(
        self,
        weekday: int = deadlines.DEFAULT_WEEKDAY,
        at: time = deadlines.DEFAULT_TIME,
        waves: list[tuple[date, date]] | None = None,
    ) -> deadlines.ReportingSpan:
        """When the plan's villages owe weekly reports, under the deadline rule (`weekday`,
        `at`) of its commune. Reads the waves (one query unless prefetched) unless given as
        (start, end) pairs."""
        if waves is None:
            waves = [(wave.start, wave.end) for wave in self.waves.all()]
        return deadlines.ReportingSpan(self.adopted_on, self.year, tuple(waves), weekday, at)


class CriterionDeadline(models.Model):
    """A criterion the plan wants met by a quarter of its year ("criterion 08 by Q4")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="criterion_deadlines")
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE)
    quarter = models.PositiveSmallIntegerField(
        _("hoàn thành trong quý"), choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
    )

    class Meta:
        ordering = ["quarter", "criterion__order"]
        verbose_name = _("hạn hoàn thành tiêu chí")
        verbose_name_plural = _("hạn hoàn thành tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["plan", "criterion"], name="plans_criteriondeadline_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="plans_criteriondeadline_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} — Q{self.quarter}"


class VillageTarget(models.Model):
    class Kind(models.TextChoices):
        KEEP_MODEL = "keep_model", _("Giữ vững thôn kiểu mẫu")
        REACH_MODEL = "reach_model", _("Đạt chuẩn thôn kiểu mẫu")
        KEEP_NTM = "keep_ntm", _("Giữ vững thôn nông thôn mới")
        REACH_NTM = "reach_ntm", _("Đạt chuẩn thôn nông thôn mới")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="village_targets")
    village = models.ForeignKey(Village, verbose_name=_("thôn"), on_delete=models.CASCADE)
    kind = models.CharField(_("mục tiêu"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "village__name"]
        verbose_name = _("mục tiêu của thôn")
        verbose_name_plural = _("mục tiêu của thôn")
        constraints = [
            models.UniqueConstraint(fields=["plan", "village"], name="plans_villagetarget_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.village}: {self.get_kind_display()}"


class SocioTargetQuerySet(models.QuerySet):
    def of_plan(self, plan: Plan):
        """The plan's own targets and those of its programme when the programme is its
        commune's (a district's or province's programme counts over many communes)."""
        owners = Q(plan=plan)
        if plan.programme_id:
            owners |= Q(programme_id=plan.programme_id, programme__commune_id=plan.commune_id)
        return self.filter(owners)


class ProgrammeTitleTarget(models.Model):
    """The title a programme wants its commune to reach in a year (Liên Minh: advanced in
    2022, model in 2024). `criteria_set` names the set whose title is meant; without it the
    target is shown but cannot be checked against an assessment."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="title_targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("danh hiệu"), max_length=20, choices=Plan.Title.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ tiêu chí của danh hiệu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("mục tiêu danh hiệu của chương trình")
        verbose_name_plural = _("mục tiêu danh hiệu của chương trình")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "criteria_set"],
                name="plans_programmetitletarget_unique_year_set",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year}: {self.title}"


class ProgrammeUnitTarget(models.Model):
    """A programme's target for its villages in a year: one village reaching or keeping a
    title, or a count ("4/4 khu dân cư giữ vững kiểu mẫu": `value` villages holding the title
    of `criteria_set`)."""

    # A village's own target (VillageTarget's kinds), or a count of villages with a title.
    COUNT = "count"
    KINDS = [*VillageTarget.Kind.choices, (COUNT, _("Số thôn có danh hiệu"))]
    KEEP_KINDS = frozenset({VillageTarget.Kind.KEEP_MODEL, VillageTarget.Kind.KEEP_NTM})

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="unit_targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("mục tiêu"), max_length=20, choices=KINDS)
    village = models.ForeignKey(
        Village, verbose_name=_("thôn"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("số thôn"), null=True, blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ tiêu chí của danh hiệu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "kind", "pk"]
        verbose_name = _("mục tiêu thôn của chương trình")
        verbose_name_plural = _("mục tiêu thôn của chương trình")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="count", village__isnull=True, value__isnull=False))
                | (~Q(kind="count") & Q(village__isnull=False, value__isnull=True)),
                name="plans_programmeunittarget_village_or_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year}: {self.kind}"

    @property
    def is_count(self) -> bool:
        return self.kind == self.COUNT

    @property
    def is_keep(self) -> bool:
        return self.kind in self.KEEP_KINDS


class SocioTarget(models.Model):
    """A numeric target of a plan or of a programme: an indicator, its direction (at least, at
    most, down or up by at least x a year), a baseline, a target value and year, and actual values
    per period; a counted target ("5 vườn mẫu") counts the objects that meet it. Its status is
    computed (plans.target_status through plans.selectors.target_rows), never typed."""

    Direction = target_status.Direction
    Change = target_status.Change

    class Kind(models.TextChoices):
        NUMERIC = "numeric", _("Chỉ tiêu số")
        COUNTED = "counted", _("Đếm số đối tượng đạt")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="socio_targets"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("chương trình"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="socio_targets",
    )
    name = models.CharField(_("chỉ tiêu"), max_length=300)
    kind = models.CharField(_("loại chỉ tiêu"), max_length=10, choices=Kind.choices, default=Kind.NUMERIC)
    direction = models.CharField(
        _("chiều"), max_length=12, choices=Direction.choices, default=Direction.AT_LEAST
    )
    change = models.CharField(_("mức thay đổi tính theo"), max_length=10, choices=Change.choices, blank=True)
    baseline_value = models.DecimalField(
        _("giá trị mốc"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("năm mốc"), null=True, blank=True)
    # The target value; for "down / up by at least x a year" the yearly step x.
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=3)
    # Empty: the plan's year, or the programme's end year.
    target_year = models.PositiveSmallIntegerField(_("năm đạt"), null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=40, blank=True)
    # When set, the commune's assessment value of the indicator for a year is an actual of the
    # target (as of the end of that year).
    indicator = models.ForeignKey(
        "criteria.Indicator",
        verbose_name=_("chỉ tiêu trong bộ tiêu chí"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Demo values the seeds do not give (a baseline, a commune) say so.
    is_illustrative = models.BooleanField(_("minh họa"), default=False)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = SocioTargetQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("chỉ tiêu kinh tế - xã hội")
        verbose_name_plural = _("chỉ tiêu kinh tế - xã hội")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, programme__isnull=True)
                | Q(plan__isnull=True, programme__isnull=False),
                name="plans_sociotarget_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_year__isnull=True)
                | Q(baseline_value__isnull=False, baseline_year__isnull=False),
                name="plans_sociotarget_baseline_with_year",
            ),
            models.CheckConstraint(
                condition=~Q(direction__in=target_status.STEPS)
                | (Q(baseline_value__isnull=False) & ~Q(change="")),
                name="plans_sociotarget_step_needs_baseline_and_change",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=target_status.STEPS) | Q(change=""),
                name="plans_sociotarget_change_only_for_steps",
            ),
            models.CheckConstraint(
                condition=Q(kind="numeric") | Q(direction="at_least", indicator__isnull=True),
                name="plans_sociotarget_counted_at_least",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(target_year__isnull=True)
                | Q(target_year__gt=models.F("baseline_year")),
                name="plans_sociotarget_target_after_baseline",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="plans_sociotarget_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.unit}"

    @property
    def owner(self):
        return self.plan or self.programme

    @property
    def year(self) -> int:
        """The year by whose end the target is due."""
        if self.target_year:
            return self.target_year
        return self.plan.year if self.plan_id else self.programme.end_year

    @property
    def commune_id(self) -> int | None:
        return self.plan.commune_id if self.plan_id else self.programme.commune_id

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"

    def statement(self) -> str:
        """The target in words: "Tỷ lệ hộ nghèo: giảm ít nhất 1 điểm % mỗi năm, từ 5,2 %
        (2020)", "Tỷ lệ người dân có bảo hiểm y tế: ≥ 98 % (2021)"."""
        from criteria.evaluation import format_number

        def amount(number) -> str:
            return f"{format_number(number)} {self.unit}".strip()

        year = self.year
        if self.direction in target_status.STEPS:
            step = format_number(self.value)
            step += " " + (_("điểm %") if self.change == self.Change.POINTS else "%")
            if self.direction == self.Direction.REDUCE_BY:
                text = _("giảm ít nhất %(step)s mỗi năm") % {"step": step}
            else:
                text = _("tăng ít nhất %(step)s mỗi năm") % {"step": step}
            text += ", " + _("từ %(value)s (%(year)s) đến %(target_year)s") % {
                "value": amount(self.baseline_value),
                "year": self.baseline_year,
                "target_year": year,
            }
        elif self.kind == self.Kind.COUNTED:
            text = _("ít nhất %(value)s (%(year)s)") % {"value": amount(self.value), "year": year}
        else:
            text = f"{self.get_direction_display()} {amount(self.value)} ({year})"
            if self.baseline_value is not None:
                text += ", " + _("mốc %(value)s (%(year)s)") % {
                    "value": amount(self.baseline_value),
                    "year": self.baseline_year,
                }
        return f"{self.name}: {text}"

    def spec(self) -> target_status.Spec:
        return target_status.Spec(
            direction=self.direction,
            value=self.value,
            target_year=self.year,
            change=self.change,
            baseline_value=self.baseline_value,
            baseline_year=self.baseline_year,
        )


class TargetActual(models.Model):
    """The value of a target's indicator as of a day (the end of a period)."""

    class Source(models.TextChoices):
        TARGET = "target", _("nhập trên chỉ tiêu")
        PERIODIC_REPORT = "periodic_report", _("báo cáo định kỳ")
        ASSESSMENT = "assessment", _("lấy từ phiếu đánh giá")

    target = models.ForeignKey(SocioTarget, on_delete=models.CASCADE, related_name="actuals")
    as_of = models.DateField(_("số liệu tính đến ngày"))
    period_label = models.CharField(_("kỳ"), max_length=60, blank=True)
    value = models.DecimalField(_("giá trị thực hiện"), max_digits=14, decimal_places=4)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    source = models.CharField(
        _("nguồn số liệu"), max_length=20, choices=Source.choices, default=Source.TARGET
    )
    is_illustrative = models.BooleanField(_("minh họa"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)

    class Meta:
        ordering = ["as_of"]
        verbose_name = _("số liệu thực hiện")
        verbose_name_plural = _("số liệu thực hiện")
        constraints = [
            models.UniqueConstraint(fields=["target", "as_of"], name="plans_targetactual_unique_as_of"),
            models.CheckConstraint(condition=Q(value__gte=0), name="plans_targetactual_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} @ {self.as_of}: {self.value}"


class CountedObject(models.Model):
    """One object a counted target counts: a model garden, an OCOP product."""

    target = models.ForeignKey(SocioTarget, on_delete=models.CASCADE, related_name="counted_objects")
    name = models.CharField(_("tên"), max_length=300)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    meets = models.BooleanField(_("đã đạt"), default=False)
    recognised_on = models.DateField(_("ngày công nhận"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("đối tượng được đếm")
        verbose_name_plural = _("đối tượng được đếm")
        constraints = [
            models.UniqueConstraint(fields=["target", "name"], name="plans_countedobject_unique_name"),
            models.CheckConstraint(
                condition=Q(recognised_on__isnull=True) | Q(meets=True),
                name="plans_countedobject_recognised_needs_meets",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignWave(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(_("đợt"), max_length=120)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("đợt cao điểm")
        verbose_name_plural = _("đợt cao điểm")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="plans_campaignwave_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"

    def contains_week(self, monday: date) -> bool:
        return self.start <= monday + timedelta(days=6) and monday <= self.end


class WorkItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_items")
    name = models.CharField(_("nội dung công việc"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    quantity = models.DecimalField(_("khối lượng"), max_digits=14, decimal_places=3)
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí liên quan"), on_delete=models.SET_NULL, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("hạng mục công việc")
        verbose_name_plural = _("hạng mục công việc")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="plans_workitem_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.quantity} {self.unit})"


class Allocation(models.Model):
    """The part of a work item assigned to one village."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="allocations")
    village = models.ForeignKey(Village, verbose_name=_("thôn"), on_delete=models.CASCADE)
    quantity = models.DecimalField(_("khối lượng giao"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("phân bổ cho thôn")
        verbose_name_plural = _("phân bổ cho thôn")
        constraints = [
            models.UniqueConstraint(fields=["work_item", "village"], name="plans_allocation_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="plans_allocation_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item.name} → {self.village}: {self.quantity}"


class WeeklyReport(models.Model):
    """One village's report for one ISO week (identified by its Monday)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="weekly_reports")
    village = models.ForeignKey(Village, verbose_name=_("thôn"), on_delete=models.CASCADE)
    week = models.DateField(_("tuần (thứ Hai)"))
    notes = models.TextField(_("kết quả, ghi chú"), blank=True)
    next_week_plan = models.TextField(_("kế hoạch tuần tới"), blank=True)
    # The deadline in force when the report was first submitted, so later rule changes do not
    # rewrite history; timeliness is always judged from the first submission.
    deadline = models.DateTimeField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("sửa lần cuối"))
    # Bumped by every edit that changes something: a save from an older copy is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        ordering = ["-week", "village__name"]
        verbose_name = _("báo cáo tuần của thôn")
        verbose_name_plural = _("báo cáo tuần của thôn")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "village", "week"], name="plans_weeklyreport_unique_week"
            ),
        ]
        indexes = [models.Index(fields=["plan", "week"])]

    def __str__(self) -> str:
        return f"{self.village} — {deadlines.iso_label(self.week)}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at >= self.deadline

    def state(self, now: datetime) -> deadlines.ReportState:
        return deadlines.report_state(self.submitted_at, self.deadline, now)


class ReportLine(models.Model):
    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="lines")
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="report_lines")
    quantity = models.DecimalField(_("khối lượng thực hiện"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("kết quả theo hạng mục")
        verbose_name_plural = _("kết quả theo hạng mục")
        constraints = [
            models.UniqueConstraint(fields=["report", "work_item"], name="plans_reportline_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="plans_reportline_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.work_item_id}: {self.quantity}"


class ReportEdit(models.Model):
    """An edit of a report after its first submission: who, when, whether after the deadline,
    and the old and new values of what changed."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="edits")
    edited_at = models.DateTimeField(_("sửa lúc"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    after_deadline = models.BooleanField(_("sửa sau hạn"))
    changes = models.JSONField(_("thay đổi"), default=dict)

    class Meta:
        ordering = ["edited_at"]
        verbose_name = _("lần sửa báo cáo")
        verbose_name_plural = _("lần sửa báo cáo")

    def __str__(self) -> str:
        return f"{self.report} @ {self.edited_at:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """Claims one reminder per village and week, so a rerun of the task sends nothing twice."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE)
    week = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nhắc báo cáo đã gửi")
        verbose_name_plural = _("nhắc báo cáo đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["village", "week"], name="plans_remindersent_unique_week"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} — {deadlines.iso_label(self.week)}"


class FundLine(models.Model):
    """One source of the funds a programme or a plan (a campaign is a plan with waves) mobilises
    (seed 000 "huy động tổng nguồn vốn", seed 004 "kinh phí thực hiện"): the amount planned,
    when the document states one, and the amounts mobilised per period (FundActual)."""

    class Source(models.TextChoices):
        CENTRAL_BUDGET = "central_budget", _("Ngân sách trung ương")
        PROVINCE_BUDGET = "province_budget", _("Ngân sách tỉnh")
        DISTRICT_BUDGET = "district_budget", _("Ngân sách huyện")
        COMMUNE_BUDGET = "commune_budget", _("Ngân sách xã")
        INTEGRATED = "integrated", _("Vốn lồng ghép các chương trình, dự án")
        CREDIT = "credit", _("Vốn tín dụng")
        BUSINESSES = "businesses", _("Doanh nghiệp, nhà hảo tâm")
        PEOPLE = "people", _("Nhân dân đóng góp")
        OTHER = "other", _("Nguồn khác")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="fund_lines"
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="fund_lines")
    source = models.CharField(_("nguồn vốn"), max_length=20, choices=Source.choices)
    detail = models.CharField(
        _("diễn giải"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: tiền thưởng khi khu dân cư mẫu đạt chuẩn."),
    )
    basis = models.CharField(
        _("căn cứ"), max_length=300, blank=True, help_text=_("Ví dụ: Nghị quyết 44/2021/NQ-HĐND.")
    )
    # In million VND; empty where the document leaves the amount blank ("…… tỷ đồng").
    planned = models.DecimalField(
        _("kế hoạch (triệu đồng)"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("nguồn vốn huy động")
        verbose_name_plural = _("nguồn vốn huy động")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False, plan__isnull=True)
                | Q(programme__isnull=True, plan__isnull=False),
                name="plans_fundline_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(planned__isnull=True) | Q(planned__gte=0),
                name="plans_fundline_planned_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        name = self.get_source_display()
        return f"{name}: {self.detail}" if self.detail else name


class FundActual(models.Model):
    """What a source mobilised in one period, as of the period's last day (in million VND)."""

    # Said by the form, and by the service when two saves race past it.
    DUPLICATE_PERIOD = _("Nguồn vốn này đã có số liệu tính đến ngày %(day)s; xóa dòng cũ trước khi ghi lại.")

    line = models.ForeignKey(FundLine, on_delete=models.CASCADE, related_name="actuals")
    period_end = models.DateField(_("tính đến ngày"))
    amount = models.DecimalField(_("số vốn huy động trong kỳ (triệu đồng)"), max_digits=16, decimal_places=3)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("minh họa"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("ghi lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["period_end", "pk"]
        verbose_name = _("vốn đã huy động")
        verbose_name_plural = _("vốn đã huy động")
        constraints = [
            models.UniqueConstraint(fields=["line", "period_end"], name="plans_fundactual_unique_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="plans_fundactual_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.period_end}: {self.amount}"


# --- Daily photo reports of a campaign (seed 004: "báo cáo kết quả hằng ngày bằng hình ảnh"
# from the village development boards, the organisations and the steering-committee members),
# and the reporters other than a village's own board.


class PlanReporter(models.Model):
    """Someone who posts daily reports for a plan besides the village boards: an organisation
    (đoàn thể) or a steering-committee member, assigned to villages and/or a topic. A village's
    own board needs no row: its village head posts for the village."""

    class Kind(models.TextChoices):
        VILLAGE_BOARD = "village_board", _("Ban phát triển thôn")
        ORGANISATION = "organisation", _("Tổ chức đoàn thể")
        COMMITTEE_MEMBER = "committee_member", _("Thành viên Ban chỉ đạo")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporters")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    villages = models.ManyToManyField(Village, verbose_name=_("thôn phụ trách"), blank=True, related_name="+")
    topic = models.CharField(_("lĩnh vực phụ trách"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("người báo cáo hằng ngày")
        verbose_name_plural = _("người báo cáo hằng ngày")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "name"], name="plans_planreporter_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


def _photo_path(instance: DailyReport, filename: str) -> str:
    """A safe stored name; the user's file name is never kept (photos are re-encoded as JPEG)."""
    return f"daily/{instance.plan_id}/{uuid.uuid4().hex}.jpg"


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=Plan.objects.visible_to(user))

    def week_sums(self, *, plan: Plan, village: Village, monday: date) -> dict[int, Decimal]:
        """Work item id → the sum of the village's daily quantities in the ISO week starting
        `monday` (every report tagged with the village, whoever posted it). One query."""
        rows = (
            self.filter(plan=plan, village=village, day__gte=monday, day__lte=monday + timedelta(days=6))
            .exclude(work_item=None)
            .exclude(quantity=None)
            .values("work_item_id")
            .annotate(total=Sum("quantity"))
        )
        return {row["work_item_id"]: row["total"] for row in rows}

    def per_criterion(self) -> list[Criterion]:
        """The criteria served by the work items of these reports, each with `photos`, the
        number of its photos among them. One query."""
        reports = Q(workitem__daily_reports__in=self.values("pk"))
        return list(
            Criterion.objects.annotate(photos=Count("workitem__daily_reports", filter=reports))
            .filter(photos__gt=0)
            .order_by("order", "pk")
        )


class DailyReport(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="daily_reports")
    # Who posted: an organisation or committee member, or (reporter empty) the village's board.
    reporter = models.ForeignKey(
        PlanReporter,
        verbose_name=_("người báo cáo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("thôn"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("ngày"))
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("hạng mục"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="daily_reports",
    )
    quantity = models.DecimalField(
        _("khối lượng thực hiện"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    photo = models.FileField(_("ảnh"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("ảnh thu nhỏ"), upload_to=_photo_path, max_length=200, blank=True)
    photo_width = models.PositiveIntegerField(_("chiều rộng ảnh"), default=0)
    photo_height = models.PositiveIntegerField(_("chiều cao ảnh"), default=0)
    # From the photo's EXIF DateTimeOriginal, read as Vietnam time (cameras store no zone).
    photo_taken_at = models.DateTimeField(_("chụp lúc"), null=True, blank=True)
    keep_location = models.BooleanField(_("giữ vị trí chụp ảnh"), default=False)
    # Kept only when the user ticked keep_location; never written into the stored file.
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("gửi lúc"))
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-posted_at", "-pk"]
        verbose_name = _("báo cáo hằng ngày")
        verbose_name_plural = _("báo cáo hằng ngày")
        constraints = [
            models.CheckConstraint(
                condition=Q(reporter__isnull=False) | Q(village__isnull=False),
                name="plans_dailyreport_reporter_or_village",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="plans_dailyreport_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(work_item__isnull=False),
                name="plans_dailyreport_quantity_needs_item",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(keep_location=True, latitude__isnull=False, longitude__isnull=False),
                name="plans_dailyreport_location_only_when_kept",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="plans_dailyreport_location_range",
            ),
        ]
        indexes = [models.Index(fields=["plan", "day"])]

    def __str__(self) -> str:
        return f"{self.sender_name} — {self.day:%d/%m/%Y}"

    @property
    def sender_name(self) -> str:
        if self.reporter_id:
            return self.reporter.name
        return str(_("Ban phát triển thôn %(village)s") % {"village": self.village.name})
