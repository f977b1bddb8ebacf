"""The content of a periodic report ("Báo cáo kết quả thực hiện Chương trình xây dựng nông thôn
mới quý IV năm 2026"), as plain values the report page and the document layer render.

Every figure comes from the functions the dashboards use: the scope's rows (`scope.scope_rows`:
stored evaluation, bands, title states, plan progress and criterion deadlines), the evaluation
snapshots for "at the start of the period", `plans.selectors.plan_progress` for work items,
`report_compliance` over the weeks of the period that were due, and the recognition decisions
dated in the period. Nothing is computed in a view or template. A fixed number of queries
whatever the number of communes, villages, items or reports.

Where the project holds no data (no funds recorded), the content says so instead of a figure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, District, Province, Village
from criteria.evaluation import Status
from criteria.models import CriteriaSet, Recognition
from plans import deadlines
from plans.models import SocioTarget
from plans.selectors import FundSourceTotal, funds_mobilised, plan_progress, target_rows, unit_fund_lines

from ..models import EvaluationSnapshot, PeriodicReport, PeriodicReportDue, report_timeliness
from ..periods import Period
from .plans import report_compliance, total_compliance
from .scope import Scope, group_figures, main_set, province_sets, scope_rows, total_figures

TIMELINESS_LABELS = {"on_time": gettext_lazy("Đúng hạn"), "late": gettext_lazy("Nộp muộn")}


@dataclass
class CriterionLine:
    code: str
    name: str


@dataclass
class DeadlineLine:
    code: str
    name: str
    quarter: int
    status: str
    status_label: str


@dataclass
class WorkLine:
    name: str
    unit: str
    target: Decimal
    done: Decimal
    percent: Decimal | None


@dataclass
class TargetLine:
    """A numeric target of the plan (or of its commune's programme) with its latest actual as of
    the report's day and its status (plans.target_status through plans.selectors.target_rows)."""

    statement: str
    unit: str
    actual: Decimal | None
    actual_on: datetime.date | None
    source_label: str
    status: str
    status_label: str


@dataclass
class ComplianceLine:
    weeks: int
    expected: int
    on_time: int
    late: int
    missing: int
    on_time_percent: Decimal | None


@dataclass
class RecognitionLine:
    unit_name: str
    set_name: str
    decision_number: str
    decision_date: datetime.date
    illustrative: bool
    revoked: bool


@dataclass
class CountLine:
    code: str
    label: str
    count: int


@dataclass
class SubmissionLine:
    """One unit of a committee's scope and where its report of the period stands."""

    level: str
    unit_name: str
    unit_key: str
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    timeliness: str | None
    timeliness_label: str
    report_id: int | None


@dataclass
class PeriodicContent:
    summary: str
    level: str
    unit_name: str
    period_label: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    due_date: datetime.date | None
    due_note: str
    criteria_set_code: str = ""
    criteria_set_name: str = ""
    criteria_total: int | None = None
    met_now: int | None = None
    met_at_start: int | None = None
    start_note: str = ""
    band_label: str = ""
    newly_met: list[CriterionLine] = field(default_factory=list)
    lost: list[CriterionLine] = field(default_factory=list)
    plan_name: str = ""
    plan_target_met: int | None = None
    plan_reached: bool | None = None
    plan_note: str = ""
    deadlines: list[DeadlineLine] = field(default_factory=list)
    work: list[WorkLine] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    compliance: ComplianceLine | None = None
    recognitions: list[RecognitionLine] = field(default_factory=list)
    funds: list[FundSourceTotal] = field(default_factory=list)
    funds_note: str = ""
    communes: int | None = None
    assessed: int | None = None
    bands: list[CountLine] = field(default_factory=list)
    titles: list[CountLine] = field(default_factory=list)
    submissions: list[SubmissionLine] = field(default_factory=list)
    illustrative: bool = False


def period_weeks(period: Period, today: datetime.date) -> list[datetime.date]:
    """The Mondays of the weeks that start in the period, up to this week: the weeks whose
    village reports the period's compliance counts (only those that were due count)."""
    monday = deadlines.week_monday(period.start)
    if monday < period.start:
        monday += datetime.timedelta(weeks=1)
    last = min(period.end, today)
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += datetime.timedelta(weeks=1)
    return weeks


def periodic_report_content(report: PeriodicReport, today: datetime.date | None = None) -> PeriodicContent:
    """The content of `report` (saved or not), read from the figures layer as of today, or as
    of the end of the period once it is over."""
    today = today or timezone.localdate()
    period = report.period
    as_of = min(today, period.end)
    due = PeriodicReportDue.objects.filter(
        province_id=report.province_id, kind=period.kind, year=period.year, number=period.number
    ).first()
    content = PeriodicContent(
        summary=report.document_summary(),
        level=report.level,
        unit_name=unit_title(report.unit),
        period_label=period.label,
        start=period.start,
        end=period.end,
        as_of=as_of,
        due_date=due.due_date if due else None,
        due_note="" if due else _("chưa có hạn nộp"),
    )
    if report.level == PeriodicReport.Level.COMMUNE:
        _commune_figures(content, report.commune, period, as_of)
        communes = Commune.objects.filter(pk=report.commune_id)
    else:
        _scope_figures(content, report, period, as_of)
        communes = Commune.objects.filter(**_scope_filter(report))
    _funds(content, communes, report, period)
    return content


def _scope_filter(report: PeriodicReport) -> dict:
    if report.level == PeriodicReport.Level.DISTRICT:
        return {"district_id": report.district_id}
    return {"province_id": report.province_id}


def _funds(content: PeriodicContent, communes, report: PeriodicReport, period: Period) -> None:
    """Funds mobilised in the period by source (one query), or why there is no figure."""
    lines = unit_fund_lines(
        communes=communes, year=period.year, district_id=report.district_id, province_id=report.province_id
    )
    content.funds = funds_mobilised(lines, period.start, period.end)
    if not content.funds:
        content.funds_note = _("chưa có số liệu nguồn vốn trong kỳ")


def unit_title(unit) -> str:
    if isinstance(unit, Commune):
        return _("Xã %(name)s") % {"name": unit.name}
    if isinstance(unit, District):
        return _("Huyện %(name)s") % {"name": unit.name}
    return _("Tỉnh %(name)s") % {"name": unit.name}


def _selected_set(province_id: int, year: int) -> tuple[CriteriaSet | None, list[CriteriaSet]]:
    sets, _village_sets = province_sets(province_id)
    return (main_set(sets, year) or (sets[0] if sets else None)), sets


def _commune_figures(
    content: PeriodicContent, commune: Commune, period: Period, as_of: datetime.date
) -> None:
    """Twenty queries at most, whatever the commune's size."""
    criteria_set, sets = _selected_set(commune.province_id, period.year)
    if criteria_set is None:
        return
    weeks = period_weeks(period, as_of)
    scope = scope_rows(Commune.objects.filter(pk=commune.pk), criteria_set, period.year, sets, as_of, weeks)
    row = scope.rows[0]
    _set_figures(content, criteria_set, scope)
    assessment = row.assessment
    if assessment is not None:
        content.met_now = assessment.criteria_met
        content.illustrative = assessment.illustrative
        content.band_label = row.band.label if row.band else ""
    current = {str(cell.criterion.pk): cell.status for cell in row.cells}
    _start_figures(content, commune, criteria_set, period, scope, current if assessment else None)
    _plan_figures(content, row, period, as_of)
    villages = Village.objects.filter(commune=commune)
    _compliance(content, villages, weeks, "commune_id", scope)
    _recognitions(content, Q(commune=commune) | Q(village__commune=commune), period)


def _set_figures(content: PeriodicContent, criteria_set: CriteriaSet, scope: Scope) -> None:
    content.criteria_set_code = criteria_set.code
    content.criteria_set_name = criteria_set.name
    content.criteria_total = len(scope.criteria)


def _start_figures(content, commune, criteria_set, period, scope, current: dict[str, str] | None) -> None:
    """Criteria met in the snapshot of the week containing the period's first day (of the
    commune's latest assessment of the set that has one), and what changed since (one query)."""
    monday = deadlines.week_monday(period.start)
    snapshot = (
        EvaluationSnapshot.objects.filter(
            assessment__commune=commune, assessment__criteria_set=criteria_set, week_start=monday
        )
        .order_by("-assessment__year")
        .first()
    )
    if snapshot is None:
        content.start_note = _("không có số liệu đầu kỳ")
        return
    content.met_at_start = snapshot.criteria_met
    if current is None:
        return
    before = snapshot.criterion_statuses or {}
    met = Status.MET.value
    for criterion in scope.criteria:
        key = str(criterion.pk)
        was, now = before.get(key) == met, current.get(key) == met
        if now and not was:
            content.newly_met.append(CriterionLine(criterion.code, criterion.name))
        elif was and not now:
            content.lost.append(CriterionLine(criterion.code, criterion.name))


def _plan_figures(content: PeriodicContent, row, period: Period, as_of: datetime.date) -> None:
    progress = row.progress
    if progress is None:
        content.plan_note = _("Chưa có kế hoạch năm %(year)s.") % {"year": period.year}
        return
    plan = progress.plan
    content.plan_name = plan.name
    content.plan_target_met = plan.target_criteria_met
    content.plan_reached = progress.reached
    for item in progress.deadlines:
        first, last = deadlines.quarter_bounds(plan.year, item.deadline.quarter)
        if first <= period.end and last >= period.start:
            criterion = item.deadline.criterion
            content.deadlines.append(
                DeadlineLine(
                    criterion.code,
                    criterion.name,
                    item.deadline.quarter,
                    item.status.value,
                    item.status.label,
                )
            )
    content.work = [
        WorkLine(line.item.name, line.item.unit, line.target, line.done, line.percent)
        for line in plan_progress(plan)
    ]
    content.targets = [
        TargetLine(
            target.target.statement(),
            target.target.unit,
            target.result.latest.value if target.result.latest else None,
            target.result.latest.as_of if target.result.latest else None,
            target.source_label,
            target.status.value,
            target.result.label,
        )
        for target in target_rows(SocioTarget.objects.of_plan(plan), as_of)
    ]


def _compliance(content: PeriodicContent, villages, weeks, key: str, scope: Scope) -> None:
    groups = report_compliance(villages, weeks, key, scope.due)
    total = total_compliance(weeks, groups)
    content.compliance = ComplianceLine(
        len(weeks), total.expected, total.on_time, total.late, total.missing, total.on_time_percent
    )


def _recognitions(content: PeriodicContent, units: Q, period: Period) -> None:
    rows = (
        Recognition.objects.filter(units, decision_date__gte=period.start, decision_date__lte=period.end)
        .select_related("criteria_set", "commune", "village")
        .order_by("decision_date", "pk")
    )
    content.recognitions = [
        RecognitionLine(
            (item.commune or item.village).name,
            item.criteria_set.name,
            item.decision_number,
            item.decision_date,
            item.illustrative,
            item.revoked_on is not None,
        )
        for item in rows
    ]


def _scope_figures(
    content: PeriodicContent, report: PeriodicReport, period: Period, as_of: datetime.date
) -> None:
    """A district's or a province's content: counts over its communes and who submitted."""
    criteria_set, sets = _selected_set(report.province_id, period.year)
    communes = Commune.objects.filter(**_scope_filter(report))
    if report.level == PeriodicReport.Level.DISTRICT:
        villages = Village.objects.filter(commune__district_id=report.district_id)
        districts: list[District] = []
    else:
        villages = Village.objects.filter(commune__province_id=report.province_id)
        districts = list(District.objects.filter(province_id=report.province_id).order_by("name"))
    content.submissions = period_submissions(
        list(communes.order_by("name", "code")), districts, period, report.province_id
    )
    if criteria_set is None:
        return
    weeks = period_weeks(period, as_of)
    scope = scope_rows(communes, criteria_set, period.year, sets, as_of, weeks)
    _set_figures(content, criteria_set, scope)
    figures = total_figures(group_figures(communes, scope, period.year, "district_id"))
    content.communes, content.assessed = figures.communes, figures.assessed
    content.illustrative = any(a.illustrative for a in scope.assessments)
    content.bands = [
        CountLine(band.code, band.label, figures.bands.get(band.code, 0)) for band in scope.bands
    ]
    for item in sets:
        for state, count in figures.titles.get(item.pk, {}).items():
            if count:
                label = f"{item.name}: {_title_label(state)}"
                content.titles.append(CountLine(f"{item.code}:{state}", label, count))
    _compliance(content, villages, weeks, "commune__province_id", scope)
    unit_q = (
        Q(commune__district_id=report.district_id) | Q(village__commune__district_id=report.district_id)
        if report.level == PeriodicReport.Level.DISTRICT
        else Q(commune__province_id=report.province_id) | Q(village__commune__province_id=report.province_id)
    )
    _recognitions(content, unit_q, period)


def _title_label(state: str) -> str:
    from criteria.titles import TitleState

    return TitleState(state).label


def period_submissions(
    communes: list[Commune], districts: list[District], period: Period, province_id: int
) -> list[SubmissionLine]:
    """Each commune (and district) with its report of the period, its status and whether it came
    on time against the province's due date. Two queries."""
    due = PeriodicReportDue.objects.filter(
        province_id=province_id, kind=period.kind, year=period.year, number=period.number
    ).first()
    due_date = due.due_date if due else None
    reports = PeriodicReport.objects.of_period(period).filter(
        Q(level="commune", commune_id__in=[c.pk for c in communes])
        | Q(level="district", district_id__in=[d.pk for d in districts])
    )
    by_unit = {(r.level, r.unit_id): r for r in reports}
    lines = []
    for level, units in (("district", districts), ("commune", communes)):
        for unit in units:
            report = by_unit.get((level, unit.pk))
            status = report.status if report else "none"
            label = report.get_status_display() if report else _("Chưa mở báo cáo")
            timeliness = report_timeliness(report.submitted_at, due_date) if report else None
            lines.append(
                SubmissionLine(
                    level,
                    unit_title(unit),
                    unit.key,
                    status,
                    str(label),
                    report.submitted_at if report else None,
                    timeliness,
                    str(TIMELINESS_LABELS[timeliness]) if timeliness else "",
                    report.pk if report else None,
                )
            )
    return lines


def province_of(unit) -> Province:
    return unit if isinstance(unit, Province) else unit.province
