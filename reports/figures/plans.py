"""The plans app's figures on the dashboards: each commune's yearly target against its stored
evaluation, its criterion deadlines, its work items and its villages' weekly report
compliance. A fixed number of queries for any number of communes or villages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from criteria.models import Assessment
from plans import deadlines
from plans.deadlines import DeadlineStatus
from plans.models import Allocation, CriterionDeadline, Plan, ReportLine, WeeklyReport, WorkItem

COMPLIANCE_WEEKS = 8


def reference_day(year: int, today: datetime.date) -> datetime.date:
    """The day a year's dashboard is read at: today for the current year, its last day for a
    past year (so "this quarter" of a past year is its fourth quarter)."""
    return min(today, datetime.date(year, 12, 31))


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass
class DueItem:
    deadline: CriterionDeadline
    status: DeadlineStatus


@dataclass
class PlanProgress:
    """A commune's yearly plan read against its stored evaluation."""

    plan: Plan
    actual_met: int | None
    actual_total: int | None
    title_qualified: bool
    deadlines: list[DueItem] = field(default_factory=list)
    quarter: int = 0
    track: str = "on_track"

    @property
    def due_now(self) -> list[DueItem]:
        return [item for item in self.deadlines if item.deadline.quarter == self.quarter]

    @property
    def reached(self) -> bool:
        if self.plan.target_criteria_met is not None:
            return self.actual_met is not None and self.actual_met >= self.plan.target_criteria_met
        return self.title_qualified


def plan_track(progress: PlanProgress, year: int, today: datetime.date) -> str:
    """reached / on_track / off_track: off track once a criterion deadline passed unmet, or
    the year ended without reaching the target."""
    if progress.reached:
        return "reached"
    if today > datetime.date(year, 12, 31):
        return "off_track"
    if any(item.status is DeadlineStatus.OVERDUE for item in progress.deadlines):
        return "off_track"
    return "on_track"


def scope_plans(commune_ids: list[int], years: set[int]) -> list[tuple[Plan, deadlines.ReportingSpan]]:
    """The communes' plans of `years`, each with its reporting span: the plans a scope's
    progress and due weeks are read from, with their deadline rules, fetched once (two
    queries, one when no plan has campaign waves)."""
    plans = Plan.objects.filter(commune_id__in=commune_ids, year__in=years).select_related("target_set")
    return plans.with_spans()


def plan_progress_by_commune(
    plans: list[Plan],
    year: int,
    assessments: list[Assessment],
    today: datetime.date,
    met: set[tuple[int, int]],
) -> dict[int, PlanProgress]:
    """Each commune's plan of `year` (`plans`) with its progress (one query); `met` holds the
    (commune, criterion) pairs met in the year's stored evaluations."""
    items = list(
        CriterionDeadline.objects.filter(plan__in=[plan.pk for plan in plans])
        .select_related("criterion")
        .order_by("quarter", "criterion__order")
    )
    by_key = {(a.commune_id, a.criteria_set_id): a for a in assessments}
    quarter = quarter_of(reference_day(year, today))
    progress = {}
    for plan in plans:
        own = by_key.get((plan.commune_id, plan.target_set_id))
        item = PlanProgress(
            plan=plan,
            actual_met=own.criteria_met if own else None,
            actual_total=own.criteria_total if own else None,
            title_qualified=bool(own and own.title_qualified),
            quarter=quarter,
            deadlines=[
                DueItem(
                    d,
                    deadlines.criterion_deadline_status(
                        (plan.commune_id, d.criterion_id) in met, year, d.quarter, today
                    ),
                )
                for d in items
                if d.plan_id == plan.pk
            ],
        )
        item.track = plan_track(item, year, today)
        progress[plan.commune_id] = item
    return progress


def due_commune_weeks(
    plans: list[tuple[Plan, deadlines.ReportingSpan]], weeks: list[datetime.date]
) -> set[tuple[int, datetime.date]]:
    """The (commune, Monday) pairs of `weeks` for which the commune's villages owed a report
    under one of `plans` (see scope_plans): weeks after the plan was adopted, inside its year
    or its campaign waves, whose deadline has passed (plans.deadlines.ReportingSpan)."""
    return Plan.objects.due_pairs(plans, now=timezone.now(), weeks=weeks)


@dataclass
class Compliance:
    """Weekly village reports over the last weeks: expected, on time, late, missing."""

    weeks: list[datetime.date] = field(default_factory=list)
    expected: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.on_time - self.late)

    @property
    def on_time_percent(self) -> Decimal | None:
        return deadlines.percent(Decimal(self.on_time), Decimal(self.expected))


def last_report_week(year: int):
    """The Monday of the last weekly report under the commune's plan of `year` (an annotation
    of communes, one index probe each): what a scope's communes carry so that a past year's
    compliance weeks cost no query of their own (`compliance_weeks_ending`)."""
    return Subquery(
        WeeklyReport.objects.filter(plan__commune_id=OuterRef("pk"), plan__year=year)
        .order_by("-week")
        .values("week")[:1]
    )


def compliance_weeks_ending(
    last_report: datetime.date | None, year: int, today: datetime.date
) -> list[datetime.date]:
    """The weeks (Mondays, oldest first) a year's dashboard counts reports over: the last
    complete weeks during the current year; for a past year, the weeks ending with the last
    week any village of the scope reported in (`last_report`, as the plans app's weekly
    overview opens), else the year's last weeks."""
    if year >= today.year:
        last = deadlines.week_monday(today) - datetime.timedelta(weeks=1)
    else:
        last = last_report or deadlines.week_monday(datetime.date(year, 12, 28))
    return deadlines.weeks_ending(last, COMPLIANCE_WEEKS)


def report_compliance(
    villages: QuerySet,
    weeks: list[datetime.date],
    key: str,
    due: set[tuple[int, datetime.date]],
    counts: dict[tuple[object, int], int] | None = None,
) -> dict:
    """Compliance per group of villages (`key` is a Village field path: "commune__district_id",
    "commune_id", "pk"), over the weeks each village owed a report: `due` holds the (commune,
    Monday) pairs that were due (see due_commune_weeks); a report for a week that was not due
    is not counted. Two queries; one when `counts` gives the villages per (group, commune)."""
    result: dict = {}
    if counts is None:
        rows = villages.order_by().values(key, "commune_id").annotate(n=Count("pk"))
        counts = {(row[key], row["commune_id"]): row["n"] for row in rows}
    for (group, commune_id), number in counts.items():
        item = result.setdefault(group, Compliance(weeks=weeks))
        item.expected += number * sum(1 for week in weeks if (commune_id, week) in due)
    reports = (
        WeeklyReport.objects.filter(village__in=villages, week__in=weeks)
        .order_by()
        .values(f"village__{key}", "village__commune_id", "week")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_at__lt=F("deadline"))),
            late=Count("pk", filter=Q(submitted_at__gte=F("deadline"))),
        )
    )
    for row in reports:
        if (row["village__commune_id"], row["week"]) not in due:
            continue
        item = result.setdefault(row[f"village__{key}"], Compliance(weeks=weeks))
        item.on_time += row["on_time"]
        item.late += row["late"]
    return result


def week_years(weeks: list[datetime.date]) -> set[int]:
    """The (ISO) years of the weeks: the plans that can owe a report in them."""
    return {week.isocalendar()[0] for week in weeks}


def total_compliance(weeks: list[datetime.date], groups: dict) -> Compliance:
    total = Compliance(weeks=weeks)
    for item in groups.values():
        total.expected += item.expected
        total.on_time += item.on_time
        total.late += item.late
    return total


@dataclass
class WorkProgress:
    item: WorkItem
    allocated: Decimal
    villages: int
    done: Decimal

    @property
    def percent(self) -> Decimal | None:
        return deadlines.percent(self.done, self.item.quantity)


def work_progress(plan: Plan | None) -> list[WorkProgress]:
    """The plan's work items with the quantity allocated to villages and done (three queries)."""
    if plan is None:
        return []
    items = list(WorkItem.objects.filter(plan=plan).order_by("order", "pk"))
    allocated = {
        row["work_item_id"]: row
        for row in Allocation.objects.filter(work_item__plan=plan)
        .values("work_item_id")
        .annotate(total=Sum("quantity"), villages=Count("village_id", distinct=True))
    }
    done = dict(
        ReportLine.objects.filter(work_item__plan=plan)
        .values("work_item_id")
        .annotate(total=Sum("quantity"))
        .values_list("work_item_id", "total")
    )
    return [
        WorkProgress(
            item,
            allocated.get(item.pk, {}).get("total") or Decimal(0),
            allocated.get(item.pk, {}).get("villages") or 0,
            done.get(item.pk) or Decimal(0),
        )
        for item in items
    ]
