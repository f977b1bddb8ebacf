"""The synthetic dataset generator: bulk, idempotent, and spread over every band."""

from communes.models import Commune, Village
from criteria.models import Assessment, IndicatorValue
from plans.models import Plan, ReportLine, WeeklyReport
from reports.models import EvaluationSnapshot
from ntm.synthetic import generate


def test_the_generator_is_idempotent_and_every_band_occurs(db):
    first = generate("province", log=lambda _: None)
    counts = (
        Commune.objects.count(),
        Village.objects.count(),
        Assessment.objects.count(),
        IndicatorValue.objects.count(),
    )
    assert generate("province", log=lambda _: None) == first
    assert (
        Commune.objects.count(),
        Village.objects.count(),
        Assessment.objects.count(),
        IndicatorValue.objects.count(),
    ) == counts
    assert counts == (150, 1050, 150, 150 * 57)
    assert {a.band.code for a in Assessment.objects.all()} == {"all", "15-18", "10-14", "5-9", "under5"}
