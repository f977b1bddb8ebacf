"""Thin Celery tasks: each takes ids and calls the service of the same name."""

from celery import shared_task

from .models import Assessment, CriteriaSet
from .services import assessment_reevaluate


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def reevaluate_assessment(assessment_id: int) -> int:
    """Recompute one assessment's stored evaluation; returns its criteria met."""
    assessment = Assessment.objects.select_related(
        "criteria_set", "commune__province", "village__commune__province"
    ).get(pk=assessment_id)
    return assessment_reevaluate(assessment=assessment).criteria_met


@shared_task
def reevaluate_criteria_set(criteria_set_id: int) -> int:
    """Fan out one re-evaluation per assessment of a set, after its thresholds changed."""
    ids = list(CriteriaSet.objects.get(pk=criteria_set_id).assessment_set.values_list("pk", flat=True))
    for assessment_id in ids:
        reevaluate_assessment.delay(assessment_id)
    return len(ids)
