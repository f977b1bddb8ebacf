"""Reads of the plans app: progress, the weekly overview grid and criterion deadline status, each
in a fixed number of queries whatever the number of villages, items and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Sum, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communes.models import Province, Village
from criteria.evaluation import stored_value
from criteria.models import (
    Assessment,
    CriteriaSet,
    CriterionResult,
    IndicatorValue,
    Recognition,
    same_province,
)
from criteria.titles import TitleState, title_state

from . import deadlines, target_status
from .access import feed_villages
from .feed import feed_scope
from .models import (
    Allocation,
    CampaignWave,
    CriterionDeadline,
    DailyReport,
    DeadlineRule,
    FundActual,
    FundLine,
    Plan,
    Programme,
    ProgrammeTitleTarget,
    ProgrammeUnitTarget,
    ReportEdit,
    ReportLine,
    SocioTarget,
    TargetActual,
    VillageTarget,
    WeeklyReport,
    WorkItem,
)

OVERVIEW_WEEKS = 8


@dataclass
class ItemProgress:
    item: WorkItem
    target: Decimal
    done: Decimal

    @property
    def percent(self) -> Decimal | None:
        return deadlines.percent(self.done, self.target)


def _done_by_item(lines) -> dict[int, Decimal]:
    return {row["work_item"]: row["done"] for row in lines.values("work_item").annotate(done=Sum("quantity"))}


def plan_progress(plan: Plan) -> list[ItemProgress]:
    """Per work item of the commune: quantity done over all villages and weeks (two queries)."""
    done = _done_by_item(ReportLine.objects.filter(report__plan=plan))
    return [
        ItemProgress(item, item.quantity, done.get(item.pk, Decimal(0)))
        for item in plan.work_items.select_related("criterion")
    ]


def village_progress(plan: Plan, village: Village) -> list[ItemProgress]:
    """Per work item allocated to the village: quantity done against its allocation."""
    done = _done_by_item(ReportLine.objects.filter(report__plan=plan, report__village=village))
    allocations = Allocation.objects.filter(work_item__plan=plan, village=village, quantity__gt=0)
    return [
        ItemProgress(allocation.work_item, allocation.quantity, done.get(allocation.work_item_id, Decimal(0)))
        for allocation in allocations.select_related("work_item").order_by("work_item__order", "work_item_id")
    ]


@dataclass
class Cell:
    week: date
    state: deadlines.ReportState
    report: WeeklyReport | None = None

    @property
    def edited_late(self) -> bool:
        return bool(self.report and self.report.edited_late)


@dataclass
class OverviewRow:
    village: Village
    cells: list[Cell]


@dataclass
class Overview:
    weeks: list[date]
    rows: list[OverviewRow]
    totals: list[tuple[WorkItem, Decimal]]
    counts: dict[str, int] = field(default_factory=dict)
    waves: list[CampaignWave] = field(default_factory=list)

    @property
    def last_week(self) -> date:
        return self.weeks[0]


def plan_default_week(plan: Plan, now: datetime) -> date:
    """The week the overview opens on: this week during the plan's year, otherwise the last
    week with a report, otherwise the plan's first week."""
    current = deadlines.current_week(now)
    if current.isocalendar().year == plan.year:
        return current
    latest = plan.weekly_reports.order_by("-week").values_list("week", flat=True).first()
    if latest:
        return latest
    wave = plan.waves.first()
    return deadlines.week_monday(wave.start) if wave else deadlines.iso_week_monday(plan.year, 1)


def weekly_overview(plan: Plan, last_week: date, now: datetime, count: int = OVERVIEW_WEEKS) -> Overview:
    """Villages × `count` weeks ending with `last_week`: on time / late / missing / pending,
    or not due for a week outside the plan's reporting span (before its adoption, outside its
    year or its waves) without a report; and the quantities reported for `last_week` per
    work item."""
    # Newest week first: on a phone the week that matters is visible without scrolling.
    weeks = deadlines.weeks_ending(last_week, count)[::-1]
    weekday, at = DeadlineRule.for_commune(plan.commune)
    reports = {
        (report.village_id, report.week): report
        for report in plan.weekly_reports.filter(week__range=(weeks[-1], weeks[0])).annotate(
            edited_late=Exists(ReportEdit.objects.filter(report=OuterRef("pk"), after_deadline=True))
        )
    }
    prefetch_related_objects([plan], "waves")
    waves = list(plan.waves.all())
    span = plan.reporting_span(weekday, at)
    rows = []
    for village in plan.commune.villages.all():
        cells = []
        for week in weeks:
            report = reports.get((village.pk, week))
            if report is not None:
                state = report.state(now)
            elif not span.covers(week):
                state = deadlines.ReportState(deadlines.Timeliness.NOT_DUE)
            else:
                state = deadlines.report_state(None, span.deadline(week), now)
            cells.append(Cell(week, state, report))
        rows.append(OverviewRow(village, cells))
    done = _done_by_item(ReportLine.objects.filter(report__plan=plan, report__week=last_week))
    totals = [(item, done.get(item.pk, Decimal(0))) for item in plan.work_items.all()]
    counts = {kind.value: 0 for kind in deadlines.Timeliness}
    for row in rows:
        counts[row.cells[0].state.timeliness.value] += 1
    return Overview(weeks, rows, totals, counts, waves)


@dataclass
class ThisWeek:
    """The village's report of the current week: what the village landing page leads to."""

    plan: Plan
    week: date
    deadline: datetime
    state: deadlines.ReportState
    report: WeeklyReport | None
    # Whether the plan asks for a report this week (its adoption, year and campaign waves).
    is_due: bool


def village_this_week(village: Village, now: datetime) -> ThisWeek | None:
    """This week's report of the village under its commune's plan of the week's year, or None
    when the commune has no plan for that year. Four queries: the plan, the deadline rule, the
    waves, the report."""
    week = deadlines.current_week(now)
    plan = Plan.objects.filter(commune_id=village.commune_id, year=week.isocalendar().year).first()
    if plan is None:
        return None
    weekday, at = DeadlineRule.for_commune(village.commune)
    deadline = deadlines.report_deadline(week, weekday, at)
    is_due = plan.reporting_span(weekday, at).covers(week)
    report = WeeklyReport.objects.filter(plan=plan, village=village, week=week).first()
    state = report.state(now) if report else deadlines.report_state(None, deadline, now)
    return ThisWeek(plan, week, report.deadline if report else deadline, state, report, is_due)


@dataclass
class VillageWeek:
    week: date
    state: deadlines.ReportState
    report: WeeklyReport | None = None


def village_weeks(plan: Plan, village: Village, now: datetime) -> list[VillageWeek]:
    """The village's reports and the weeks it owed a report for and sent none, newest first.
    Weeks the plan did not cover (before its adoption, outside its year or its waves) appear
    only when the village reported them anyway. Four queries: the deadline rule, the waves,
    the reports and their edits."""
    weekday, at = DeadlineRule.for_commune(plan.commune)
    due = plan.reporting_span(weekday, at).due_weeks(now)
    reports = {
        report.week: report
        for report in WeeklyReport.objects.filter(plan=plan, village=village).prefetch_related("edits")
    }
    missing = deadlines.ReportState(deadlines.Timeliness.MISSING)
    return [
        VillageWeek(week, reports[week].state(now), reports[week])
        if week in reports
        else VillageWeek(week, missing)
        for week in sorted(set(reports) | set(due), reverse=True)
    ]


@dataclass
class DeadlineRow:
    deadline: CriterionDeadline
    status: deadlines.DeadlineStatus


def plan_criterion_status(plan: Plan, today: date) -> tuple[list[DeadlineRow], Assessment | None]:
    """Each criterion deadline with its status from the live stored evaluation of the
    commune's assessment of the plan's set and year (three queries)."""
    assessment = None
    if plan.target_set_id:
        assessment = Assessment.objects.filter(
            commune_id=plan.commune_id, criteria_set_id=plan.target_set_id, year=plan.year
        ).first()
    met = set()
    if assessment is not None:
        met = set(
            CriterionResult.objects.filter(assessment=assessment, status="met").values_list(
                "criterion_id", flat=True
            )
        )
    rows = [
        DeadlineRow(
            item,
            deadlines.criterion_deadline_status(item.criterion_id in met, plan.year, item.quarter, today),
        )
        for item in plan.criterion_deadlines.select_related("criterion")
    ]
    return rows, assessment


@dataclass
class CommuneWeek:
    """The commune's plan of this week's year and how many of its villages reported this week:
    what the commune officer's landing page leads to."""

    plan: Plan | None
    week: date
    deadline: datetime
    is_due: bool
    reported: int
    villages: int


def commune_this_week(
    commune, now: datetime, *, plan: Plan | None = None, village_count: int | None = None
) -> CommuneWeek:
    """Five queries: the plan, the deadline rule, the waves, the villages, this week's reports;
    fewer when the caller already holds the plan of the week's year (`plan`) or the number of
    the commune's villages."""
    week = deadlines.current_week(now)
    weekday, at = DeadlineRule.for_commune(commune)
    deadline = deadlines.report_deadline(week, weekday, at)
    year = week.isocalendar().year
    if plan is None or plan.commune_id != commune.pk or plan.year != year:
        plan = Plan.objects.filter(commune=commune, year=year).first()
    is_due = plan is not None and plan.reporting_span(weekday, at).covers(week)
    reported = WeeklyReport.objects.filter(plan=plan, week=week).count() if plan else 0
    villages = commune.villages.count() if village_count is None else village_count
    return CommuneWeek(plan, week, deadline, is_due, reported, villages)


@dataclass
class FundRow:
    line: FundLine
    actuals: list[FundActual]

    @property
    def mobilised(self) -> Decimal:
        return deadlines.total(actual.amount for actual in self.actuals)

    @property
    def percent(self) -> Decimal | None:
        return deadlines.percent(self.mobilised, self.line.planned) if self.line.planned else None


@dataclass
class FundSummary:
    """The funds of a programme or a plan by source: planned, mobilised so far, and the share of
    the plan mobilised where the planned amount is known. The one place these sums are made:
    the plan page, the funds page and the periodic reports read them from here."""

    rows: list[FundRow]

    @property
    def planned(self) -> Decimal | None:
        """The total planned, when every source states its amount; None otherwise (a total of
        the known amounts alone would read as the whole plan)."""
        if not self.rows or any(row.line.planned is None for row in self.rows):
            return None
        return deadlines.total(row.line.planned for row in self.rows)

    @property
    def mobilised(self) -> Decimal:
        return deadlines.total(row.mobilised for row in self.rows)

    @property
    def percent(self) -> Decimal | None:
        planned = self.planned
        return deadlines.percent(self.mobilised, planned) if planned else None

    @property
    def is_illustrative(self) -> bool:
        return any(
            row.line.is_illustrative or any(a.is_illustrative for a in row.actuals) for row in self.rows
        )


def fund_summary(lines, start: date | None = None, end: date | None = None) -> FundSummary:
    """The fund lines of `lines` (a FundLine queryset) with their actuals whose period ends
    within [start, end] (all when not given): two queries."""
    actuals = FundActual.objects.order_by("period_end", "pk")
    if start:
        actuals = actuals.filter(period_end__gte=start)
    if end:
        actuals = actuals.filter(period_end__lte=end)
    rows = list(lines.prefetch_related(Prefetch("actuals", queryset=actuals)).order_by("order", "pk"))
    return FundSummary([FundRow(line, list(line.actuals.all())) for line in rows])


def plan_funds(plan: Plan, start: date | None = None, end: date | None = None) -> FundSummary:
    return fund_summary(FundLine.objects.filter(plan=plan), start, end)


@dataclass
class FundSourceTotal:
    source: str
    label: str
    amount: Decimal


def funds_mobilised(lines, start: date, end: date) -> list[FundSourceTotal]:
    """What the fund lines of `lines` (a FundLine queryset: a commune's plans and programmes,
    or all those of a district's or province's communes) mobilised in the periods ending
    within [start, end], by source, in the order of the sources: one query."""
    rows = (
        FundActual.objects.filter(line__in=lines, period_end__gte=start, period_end__lte=end)
        .values("line__source")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    amounts = {row["line__source"]: row["amount"] for row in rows}
    return [
        FundSourceTotal(source.value, source.label, amounts[source.value])
        for source in FundLine.Source
        if source.value in amounts
    ]


def unit_fund_lines(*, communes, year: int, district_id: int | None = None, province_id: int | None = None):
    """The fund lines of the plans of `year` of `communes` (a queryset), of the programmes of
    those communes covering the year, and of the district's or province's own programmes."""
    programmes = Q(programme__commune__in=communes)
    if district_id:
        programmes |= Q(programme__district_id=district_id)
    if province_id:
        programmes |= Q(programme__province_id=province_id)
    return FundLine.objects.filter(
        Q(plan__commune__in=communes, plan__year=year)
        | (programmes & Q(programme__start_year__lte=year, programme__end_year__gte=year))
    )


@dataclass
class TargetRow:
    """A numeric target with its actual values and its computed status."""

    target: SocioTarget
    result: target_status.Result
    # The source of the latest actual (a TargetActual.Source), "" without one.
    source: str = ""
    counted_objects: list = field(default_factory=list)

    @property
    def status(self) -> target_status.TargetStatus:
        return self.result.status

    @property
    def source_label(self) -> str:
        return str(TargetActual.Source(self.source).label) if self.source else ""

    @property
    def from_assessment(self) -> bool:
        return self.source == TargetActual.Source.ASSESSMENT


def target_rows(targets, today: date) -> list[TargetRow]:
    """Each target of the `targets` queryset with its status, from its entered actuals, the
    commune's assessment values of its linked indicator (as of the end of each assessment's
    year, or today within it; they win over an entry of the same day) and, for a counted target, the number of its
    objects that meet it (as of today, or of the end of the target year once it has passed). Four queries however many targets: the targets with
    their owners, their actuals, their counted objects, the assessment values."""
    targets = list(
        targets.select_related("plan", "programme", "indicator").prefetch_related(
            "actuals", "counted_objects"
        )
    )
    assessed = _assessment_points(targets, today)
    rows = []
    for target in targets:
        points = {actual.as_of: (actual.value, actual.source) for actual in target.actuals.all()}
        points.update(assessed.get(target.pk, {}))
        # Nothing known after `today` counts (a report for a past period sees its period only).
        points = {day: point for day, point in points.items() if day <= today}
        objects = list(target.counted_objects.all())
        if target.kind == SocioTarget.Kind.COUNTED and objects:
            # The count as of today, or as of the end of the target year once it has passed:
            # the objects that meet, recognised by then (or with no day recorded).
            day = min(today, target_status.year_end(target.year))
            met = sum(
                obj.meets and (obj.recognised_on is None or obj.recognised_on <= day) for obj in objects
            )
            points[day] = (Decimal(met), TargetActual.Source.TARGET)
        result = target_status.target_status(
            target.spec(), [target_status.Point(day, value) for day, (value, _s) in points.items()], today
        )
        source = points[result.latest.as_of][1] if result.latest else ""
        rows.append(TargetRow(target, result, source, objects))
    return rows


def _assessment_points(targets: list[SocioTarget], today: date) -> dict[int, dict[date, tuple[Decimal, str]]]:
    """Target id → {end of year, or today within the year: (value, "assessment")} from the
    commune assessments of each
    indicator-linked target's commune, read through the one stored-value reader. One query."""
    linked = [t for t in targets if t.indicator_id and t.commune_id]
    if not linked:
        return {}
    wanted = Q()
    for target in linked:
        wanted |= Q(assessment__commune_id=target.commune_id, indicator_id=target.indicator_id)
    values = (
        IndicatorValue.objects.filter(wanted)
        .select_related("indicator")
        .annotate(year=F("assessment__year"), commune_id=F("assessment__commune_id"))
    )
    by_key: dict[tuple[int, int], dict[date, tuple[Decimal, str]]] = {}
    for row in values:
        value = stored_value(row.indicator.kind, row)
        if isinstance(value, Decimal):
            day = min(target_status.year_end(row.year), today)
            by_key.setdefault((row.commune_id, row.indicator_id), {})[day] = (
                value,
                TargetActual.Source.ASSESSMENT,
            )
    return {t.pk: by_key.get((t.commune_id, t.indicator_id), {}) for t in linked}


# --- Programmes: title and unit targets with their state -----------------------------------

# The code of Bắc Giang's model-village set in the catalogue (added separately; may be absent).
BAC_GIANG_VILLAGE_SET = "bac_giang_thon_kieu_mau"
MODEL_VILLAGE_KINDS = frozenset({VillageTarget.Kind.KEEP_MODEL, VillageTarget.Kind.REACH_MODEL})


@dataclass
class TargetState:
    """Where a programme or plan target stands: the title state it has (None: not reached),
    the assessment that decides it (None: none yet), or why the app cannot follow it."""

    state: TitleState | None = None
    assessment: Assessment | None = None
    untracked: str = ""
    # For a count target: how many villages hold the title (recognised), and the villages.
    count: int | None = None

    @property
    def reached(self) -> bool:
        return self.state is TitleState.RECOGNISED

    @property
    def label(self) -> str:
        return self.state.label if self.state else ""


@dataclass
class TitleTargetLine:
    target: ProgrammeTitleTarget
    status: TargetState


@dataclass
class UnitTargetLine:
    target: ProgrammeUnitTarget | VillageTarget
    status: TargetState
    criteria_set: CriteriaSet | None = None


@dataclass
class ProgrammeTargets:
    programme: Programme
    titles: list[TitleTargetLine]
    units: list[UnitTargetLine]

    def by_year(self) -> list[tuple[int, list[TitleTargetLine], list[UnitTargetLine]]]:
        years = sorted({line.target.year for line in self.titles} | {line.target.year for line in self.units})
        return [
            (
                year,
                [line for line in self.titles if line.target.year == year],
                [line for line in self.units if line.target.year == year],
            )
            for year in years
        ]


def _states(
    *, commune_ids: set[int], village_ids: set[int], set_ids: set[int], years: set[int]
) -> tuple[dict[tuple[str, int, int, int], Assessment], set[tuple[str, int, int, int]]]:
    """The assessments of the communes and villages for the sets and years, keyed ("c" or "v",
    unit id, set id, year), and the recognitions in force at each year's end under the same
    keys. Two queries (none when nothing is asked)."""
    if not set_ids or not years or not (commune_ids or village_ids):
        return {}, set()
    units = Q(commune_id__in=commune_ids) | Q(village_id__in=village_ids)
    assessments = {}
    for item in Assessment.objects.filter(units, criteria_set_id__in=set_ids, year__in=years).order_by():
        kind, unit = ("v", item.village_id) if item.village_id else ("c", item.commune_id)
        assessments[(kind, unit, item.criteria_set_id, item.year)] = item
    recognised = set()
    for decision in Recognition.objects.filter(units, criteria_set_id__in=set_ids).order_by():
        kind, unit = ("v", decision.village_id) if decision.village_id else ("c", decision.commune_id)
        for year in years:
            if decision.in_force_on(date(year, 12, 31)):
                recognised.add((kind, unit, decision.criteria_set_id, year))
    return assessments, recognised


def _state(key, assessments, recognised) -> TargetState:
    assessment = assessments.get(key)
    state = title_state(
        qualified=bool(assessment and assessment.title_qualified),
        approved=bool(assessment and assessment.status == Assessment.State.APPROVED),
        recognised=key in recognised,
    )
    return TargetState(state=state, assessment=assessment)


def village_set_for(provinces: set[int], year: int, sets: list[CriteriaSet]) -> CriteriaSet | None:
    """The model-village set that applies in `year` among `sets` (the village sets read once)
    for the province whose ids on either map are `provinces`: Bắc Giang's stand-in looked up
    by its code first, else the province's own set in force."""
    in_force = [
        item
        for item in sets
        if item.is_in_force(year) and (item.province_id is None or item.province_id in provinces)
    ]
    by_code = next((item for item in in_force if item.code == BAC_GIANG_VILLAGE_SET), None)
    return by_code or next(iter(in_force), None)


def _provinces(province_id: int) -> set[int]:
    return set(Province.objects.filter(pk__in=same_province(province_id)).values_list("pk", flat=True))


def _village_sets(province_id: int) -> list[CriteriaSet]:
    """The village sets of the province (one query)."""
    return list(
        CriteriaSet.objects.for_province(province_id).filter(unit_level=CriteriaSet.UnitLevel.VILLAGE)
    )


NO_VILLAGE_SET = _("chưa có bộ tiêu chí thôn kiểu mẫu của tỉnh")


def programme_targets(programme: Programme, year: int | None = None) -> ProgrammeTargets:
    """The programme's title and unit targets (of `year` only when given), each with the state
    of its commune or villages: recognised by a decision in force at the year's end, confirmed
    by an approved assessment, or eligible by the unit's own data. Bounded whatever the number
    of targets: the targets (2), the village sets (1) and the province's ids (1) when a target
    needs them, the assessments and recognitions (2)."""
    titles = programme.title_targets.select_related("criteria_set")
    units = programme.unit_targets.select_related("criteria_set", "village")
    if year is not None:
        titles, units = titles.filter(year=year), units.filter(year=year)
    titles, units = list(titles), list(units)
    commune = programme.commune
    province_id = commune.province_id if commune else None
    # A village target without a set of its own counts the province's model-village set.
    village_sets = (
        _village_sets(province_id) if province_id and any(not u.criteria_set_id for u in units) else []
    )
    provinces = _provinces(province_id) if village_sets else set()

    def unit_set(target):
        if target.criteria_set_id:
            return target.criteria_set
        return village_set_for(provinces, target.year, village_sets)

    sets_of_units = [(target, unit_set(target)) for target in units]
    village_ids = set(commune.villages.values_list("pk", flat=True)) if commune and units else set()
    assessments, recognised = _states(
        commune_ids={commune.pk} if commune else set(),
        village_ids=village_ids,
        set_ids={t.criteria_set_id for t in titles if t.criteria_set_id}
        | {s.pk for _t, s in sets_of_units if s is not None},
        years={t.year for t in titles} | {t.year for t in units},
    )
    title_lines = []
    for target in titles:
        if commune is None:
            status = TargetState(untracked=_("danh hiệu của huyện, tỉnh không được đánh giá trong ứng dụng"))
        elif target.criteria_set_id is None:
            status = TargetState(untracked=_("chưa có bộ tiêu chí của danh hiệu này trong danh mục"))
        else:
            status = _state(("c", commune.pk, target.criteria_set_id, target.year), assessments, recognised)
        title_lines.append(TitleTargetLine(target, status))
    unit_lines = []
    for target, criteria_set in sets_of_units:
        if criteria_set is None:
            status = TargetState(untracked=NO_VILLAGE_SET)
        elif target.is_count:
            count = sum(
                1
                for village_id in village_ids
                if ("v", village_id, criteria_set.pk, target.year) in recognised
            )
            status = TargetState(
                state=TitleState.RECOGNISED if count >= (target.value or 0) else None, count=count
            )
        else:
            status = _state(("v", target.village_id, criteria_set.pk, target.year), assessments, recognised)
        unit_lines.append(UnitTargetLine(target, status, criteria_set))
    return ProgrammeTargets(programme, title_lines, unit_lines)


def plan_village_target_lines(plan: Plan) -> list[UnitTargetLine]:
    """The plan's village targets, each with the state of its village for the province's
    model-village set in the plan's year and the village assessment that decides it; without
    such a set a model-village target says what is missing. Four queries: the targets, the
    village sets, the province's ids, the assessments and recognitions (two)."""
    targets = list(plan.village_targets.select_related("village"))
    if not targets:
        return []
    sets = _village_sets(plan.commune.province_id)
    criteria_set = village_set_for(_provinces(plan.commune.province_id), plan.year, sets) if sets else None
    assessments, recognised = _states(
        commune_ids=set(),
        village_ids={t.village_id for t in targets},
        set_ids={criteria_set.pk} if criteria_set else set(),
        years={plan.year},
    )
    lines = []
    for target in targets:
        if criteria_set is None:
            status = TargetState(untracked=NO_VILLAGE_SET)
        else:
            status = _state(("v", target.village_id, criteria_set.pk, plan.year), assessments, recognised)
        lines.append(UnitTargetLine(target, status, criteria_set))
    return lines


@dataclass
class CommuneStrip:
    """The plan and programme a commune landing page leads to, one click away."""

    plan: Plan | None
    programme: Programme | None


def commune_strip(commune, year: int) -> CommuneStrip:
    """The commune's plan of `year` (else its latest earlier plan) and the programme covering
    that year: the plan's own, else the commune's or its district's or province's programme.
    Two queries."""
    plan = (
        Plan.objects.filter(commune=commune, year__lte=year)
        .select_related("programme")
        .order_by("-year")
        .first()
    )
    programme = plan.programme if plan else None
    if programme is None:
        programme = (
            Programme.objects.filter(
                Q(commune=commune) | Q(district_id=commune.district_id) | Q(province_id=commune.province_id)
            )
            .covering(plan.year if plan else year)
            .order_by("commune_id", "-start_year")
            .first()
        )
    return CommuneStrip(plan, programme)


# --- Daily photos as evidence on an assessment's page ---------------------------------------

EVIDENCE_THUMBS = 3


@dataclass
class CriterionPhotos:
    """The daily photos that count as evidence of one criterion: how many the user may see,
    the plan's feed filtered by the criterion, and the latest few to show."""

    count: int
    feed_url: str
    latest: list[DailyReport] = field(default_factory=list)


def assessment_daily_photos(user, assessment: Assessment) -> dict[int, CriterionPhotos]:
    """Criterion id → the daily photos of a commune assessment's criterion: those posted on the
    commune's plan of the assessment's year (its campaign) against a work item serving the
    criterion, among the posts the user sees in that plan's feed (plans.access.feed_villages).
    The counts are the feed's (DailyReportQuerySet.per_criterion). Empty for a village's
    assessment, or when the commune has no plan that year the user sees. Queries: the plan (1),
    the feed's scope (1-2), the counts (1), the latest photos of every criterion (1)."""
    if not assessment.commune_id:
        return {}
    plan = (
        Plan.objects.visible_to(user).filter(commune_id=assessment.commune_id, year=assessment.year).first()
    )
    if plan is None:
        return {}
    scope = feed_scope(plan, feed_villages(user, plan))
    counts = {criterion.pk: criterion.photos for criterion in scope.per_criterion()}
    if not counts:
        return {}
    feed_url = reverse("plans:daily", args=[plan.pk])
    photos = {
        pk: CriterionPhotos(count, f"{feed_url}?criterion={pk}#criterion-posts")
        for pk, count in counts.items()
    }
    latest = (
        scope.filter(work_item__criterion_id__in=list(counts))
        .annotate(
            criterion_id=F("work_item__criterion_id"),
            rank=Window(
                RowNumber(),
                partition_by=F("work_item__criterion_id"),
                order_by=[F("day").desc(), F("posted_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=EVIDENCE_THUMBS)
        .select_related("work_item")
        .order_by("work_item__criterion_id", "rank")
    )
    for report in latest:
        photos[report.criterion_id].latest.append(report)
    return photos
