"""Thin Celery tasks: each takes ids and calls the service of the same name."""

from celery import shared_task

from . import services
from .models import Assessment


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def reevaluate_assessment(assessment_id: int) -> int:
    """Recompute one assessment's stored evaluation; returns its criteria met."""
    assessment = Assessment.objects.select_related(
        "criteria_set", "commune__province", "village__commune__province"
    ).get(pk=assessment_id)
    return services.assessment_reevaluate(assessment=assessment).criteria_met


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def assessments_reevaluate(
    criteria_set_ids: list[int] | None, commune_ids: list[int] | None, province_id: int | None
) -> int:
    """Recompute the stored evaluations a catalogue or classification change can alter;
    idempotent (running it twice stores the same results); returns how many."""
    return services.assessments_reevaluate(
        criteria_set_ids=criteria_set_ids, commune_ids=commune_ids, province_id=province_id
    )
