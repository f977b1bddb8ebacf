"""The synthetic dataset generator: bulk, idempotent, and spread over every band."""

from bench.synthetic import generate
from communes.models import Commune, Village
from criteria.models import Assessment, IndicatorValue
from plans.models import Plan, ReportLine, WeeklyReport
from reports.models import EvaluationSnapshot

MODELS = (
    Commune,
    Village,
    Assessment,
    IndicatorValue,
    IndicatorValue.history.model,
    Plan,
    WeeklyReport,
    ReportLine,
    EvaluationSnapshot,
)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def test_the_generator_is_idempotent_and_every_band_occurs(db):
    first = generate("province", log=lambda _: None)
    before = counts()
    assert generate("province", log=lambda _: None) == first
    assert counts() == before
    assert before[:6] == (150, 1050, 150, 150 * 57, 150 * 57, 150)
    # Twelve weeks for every village, about one in ten missing; three lines a report.
    assert 0.8 * 1050 * 12 < before[6] < 1050 * 12 and before[7] == 3 * before[6]
    assert before[8] == 2 * 150
    bands = {
        a.criteria_set.band_of(a.criteria_met, a.criteria_total).code
        for a in Assessment.objects.select_related("criteria_set")
    }
    assert bands == {"all", "15-18", "10-14", "5-9", "under5"}
