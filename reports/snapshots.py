"""Weekly snapshots of the stored evaluation (services and pure helpers)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction

from criteria.models import Assessment, CriterionResult

from .models import EvaluationSnapshot


def week_start(iso_year: int, iso_week: int) -> datetime.date:
    return datetime.date.fromisocalendar(iso_year, iso_week, 1)


@transaction.atomic
def snapshots_take(*, iso_year: int, iso_week: int, assessments=None) -> int:
    """Freeze the current stored evaluation of `assessments` (default: all) for one ISO week.
    Taking the same week again replaces its snapshots; returns how many were written."""
    assessments = list(
        (assessments if assessments is not None else Assessment.objects.all()).only(
            "pk", "criteria_met", "criteria_total", "indicators_met", "title_qualified", "status"
        )
    )
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    for assessment_id, criterion_id, status in CriterionResult.objects.filter(
        assessment__in=[a.pk for a in assessments]
    ).values_list("assessment_id", "criterion_id", "status"):
        statuses[assessment_id][str(criterion_id)] = status
    start = week_start(iso_year, iso_week)
    EvaluationSnapshot.objects.bulk_create(
        [
            EvaluationSnapshot(
                assessment_id=a.pk,
                iso_year=iso_year,
                iso_week=iso_week,
                week_start=start,
                criteria_met=a.criteria_met,
                criteria_total=a.criteria_total,
                indicators_met=a.indicators_met,
                title_qualified=a.title_qualified,
                status=a.status,
                criterion_statuses=statuses[a.pk],
            )
            for a in assessments
        ],
        update_conflicts=True,
        unique_fields=["assessment", "iso_year", "iso_week"],
        update_fields=[
            "week_start",
            "criteria_met",
            "criteria_total",
            "indicators_met",
            "title_qualified",
            "status",
            "criterion_statuses",
        ],
        batch_size=2000,
    )
    return len(assessments)


def regressions(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Criterion ids met in the previous snapshot and not met now."""
    return sorted(key for key, status in previous.items() if status == "met" and current.get(key) != "met")
