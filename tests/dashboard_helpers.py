"""Helpers for the dashboard tests: communes with a full set of stored rows behind every
dashboard figure (assessment, criterion results, snapshot, plan, deadline, village report)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from criteria.models import Criterion
from plans import deadlines
from plans.models import CriterionDeadline, Plan, ReportLine, WeeklyReport, WorkItem
from reports.snapshots import snapshots_take

from .factories import CommuneFactory, VillageFactory
from .reports.test_pages import assess


def last_week() -> datetime.date:
    return deadlines.week_monday(timezone.localdate()) - datetime.timedelta(weeks=1)


def populate(criteria_set, commune, year: int, villages: int = 1):
    """An assessment of `commune`, a plan with a criterion deadline and a work item, and one
    on-time report per village in the last complete week."""
    assessment = assess(criteria_set, commune, year=year)
    plan = Plan.objects.create(
        commune=commune,
        year=year,
        name="Kế hoạch",
        target_title=Plan.Title.KEEP_NTM,
        target_set=criteria_set,
        target_criteria_met=criteria_set.criteria.count(),
    )
    # Criterion 17 of the 2021-2025 set, the last criterion of a set that has fewer.
    criterion = Criterion.objects.filter(criteria_set=criteria_set, code="17").first()
    CriterionDeadline.objects.create(
        plan=plan, criterion=criterion or criteria_set.criteria.last(), quarter=4
    )
    item = WorkItem.objects.create(plan=plan, name="Hàng rào xanh", unit="m", quantity=Decimal(100))
    week = last_week()
    deadline = deadlines.report_deadline(week)
    for _ in range(villages):
        village = VillageFactory(commune=commune)
        report = WeeklyReport.objects.create(
            plan=plan,
            village=village,
            week=week,
            deadline=deadline,
            submitted_at=deadline - datetime.timedelta(hours=1),
            updated_at=deadline,
        )
        ReportLine.objects.create(report=report, work_item=item, quantity=Decimal(10))
    return assessment


def add_communes(criteria_set, district, count: int, year: int) -> None:
    for _ in range(count):
        populate(criteria_set, CommuneFactory(district=district), year)


def snapshot_last_week() -> None:
    iso_year, iso_week, _day = last_week().isocalendar()
    snapshots_take(iso_year=iso_year, iso_week=iso_week)
