"""A task runs on a real Celery worker against the real Redis."""

import pytest

from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.tasks import reevaluate_assessment

from ..factories import CommuneFactory


@pytest.mark.redis
def test_a_real_worker_reevaluates_an_assessment(celery_worker_on_redis, catalogue):
    assessment = Assessment.objects.create(criteria_set=catalogue, commune=CommuneFactory(), year=2024)
    planning = Indicator.objects.filter(criterion__criteria_set=catalogue, criterion__code="1")
    IndicatorValue.objects.bulk_create(
        IndicatorValue(assessment=assessment, indicator=i, flag=True) for i in planning
    )

    result = reevaluate_assessment.delay(assessment.pk)

    assert result.get(timeout=30) == 1
    assessment.refresh_from_db()
    assert assessment.criteria_met == 1 and assessment.indicators_met == 2


def test_tasks_run_eagerly_in_unit_tests(catalogue):
    assessment = Assessment.objects.create(criteria_set=catalogue, commune=CommuneFactory(), year=2024)
    assert reevaluate_assessment.delay(assessment.pk).get() == 0
