"""The synthetic dataset generator: bulk, idempotent, spread over every band, on both maps."""

from bench.synthetic import NEW_SET, NTM_SET, generate, today_weeks
from communes.models import AdminMap, Commune, Village
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
    # 150 communes of 2024 on the old map (57 indicators) and 150 of today (10 stand-ins).
    assert first["communes"] == first["new_communes"] == 150
    assert before[:6] == (300, 2100, 300, 150 * 57 + 150 * 10, 150 * 57 + 150 * 10, 300)
    legacy = Commune.objects.filter(map=AdminMap.LEGACY)
    assert legacy.count() == 150 and not legacy.filter(district__isnull=True).exists()
    today = Commune.objects.filter(map=AdminMap.CURRENT)
    assert today.count() == 150 and not today.filter(district__isnull=False).exists()
    assert not today.filter(latitude__isnull=True).exists()
    # Twelve weeks for every village, about one in ten missing; three lines a report.
    reports_2024 = WeeklyReport.objects.filter(plan__year=2024).count()
    assert 0.8 * 1050 * 12 < reports_2024 < 1050 * 12 and before[7] == 3 * before[6]
    assert before[8] == 2 * 300
    bands = {
        a.criteria_set.band_of(a.criteria_met, a.criteria_total).code
        for a in Assessment.objects.filter(criteria_set__code=NTM_SET).select_related("criteria_set")
    }
    assert bands == {"all", "15-18", "10-14", "5-9", "under5"}
    # Today's data: this year's assessment on the 2026-2030 set and reports up to last week.
    year, last_week = today_weeks()
    assert Assessment.objects.filter(criteria_set__code=NEW_SET, year=year).count() == 150
    assert WeeklyReport.objects.filter(plan__year=year, week=last_week).exists()
    assert not WeeklyReport.objects.filter(plan__year=year, week__gt=last_week).exists()
