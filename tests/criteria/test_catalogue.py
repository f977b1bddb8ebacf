"""The criteria catalogue loads from the project's data files and evaluates."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from criteria.evaluation import Status
from criteria.loader import load_catalogue_file
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, IndicatorValue, Threshold
from criteria.services import assessment_reevaluate

from ..conftest import ADVANCED_SET
from ..factories import CommuneFactory, ProvinceFactory

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_2021_2025_set_has_19_criteria_in_5_groups_and_57_indicators(catalogue):
    assert catalogue.criteria.count() == 19
    assert catalogue.groups.count() == 5
    assert Indicator.objects.filter(criterion__criteria_set=catalogue).count() == 57
    assert catalogue.classifier == CriteriaSet.Classifier.REGION
    assert catalogue.rules()[0].use == "tdmnpb"


def test_loading_twice_changes_nothing(catalogue):
    counts = (Criterion.objects.count(), Indicator.objects.count(), Threshold.objects.count())
    call_command("load_catalogue", verbosity=0)
    assert (Criterion.objects.count(), Indicator.objects.count(), Threshold.objects.count()) == counts


def test_unknown_thresholds_stay_empty_and_known_ones_are_loaded(catalogue):
    stunting = Indicator.objects.get(criterion__criteria_set=catalogue, code="15.3")
    assert stunting.kind == "percent_max"
    assert {t.classifier_value: t.value for t in stunting.thresholds.all()}["dbsh"] == Decimal("16.5")
    roads = Indicator.objects.get(criterion__criteria_set=catalogue, code="2.1")
    assert not roads.thresholds.exists()
    assert roads.provisional == {"all_years": {"tdmnpb": 100, "dnb": 100}}
    health_book = Indicator.objects.get(criterion__criteria_set=catalogue, code="15.4")
    assert set(health_book.thresholds.values_list("classifier_value", flat=True)) == {"tdmnpb", "dbsh"}


def test_the_advanced_set_gets_one_yes_no_stand_in_per_criterion(catalogue):
    advanced = CriteriaSet.objects.get(code=ADVANCED_SET)
    assert advanced.prerequisite == catalogue
    indicators = Indicator.objects.filter(criterion__criteria_set=advanced)
    assert indicators.count() == 19
    assert all(indicator.is_placeholder and indicator.kind == "bool" for indicator in indicators)


def test_province_sets_load_once_their_province_exists(catalogue):
    ProvinceFactory(code="42", name="Hà Tĩnh")
    call_command("load_catalogue", verbosity=0)
    village_set = CriteriaSet.objects.get(code="ha_tinh_kdc_kieu_mau_2022")
    assert village_set.unit_level == "village"
    assert village_set.criteria.count() == 10
    assert village_set.criteria.filter(is_detailed=False).count() == 5
    road = Indicator.objects.get(criterion__criteria_set=village_set, code="3.1")
    assert road.thresholds.get().value == 6


def make_assessment(criteria_set, commune, year, values):
    assessment = Assessment.objects.create(criteria_set=criteria_set, commune=commune, year=year)
    indicators = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=criteria_set)}
    for code, value in values.items():
        indicator = indicators[code]
        field = "flag" if indicator.kind == "bool" else "level" if indicator.kind == "level" else "number"
        IndicatorValue.objects.create(assessment=assessment, indicator=indicator, **{field: value})
    assessment_reevaluate(assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def test_a_set_keyed_by_commune_group_loads_and_evaluates(db):
    (group_set,) = load_catalogue_file(DATA / "commune_group_set.yaml")
    group_1 = CommuneFactory(commune_group=1)
    group_3 = CommuneFactory(commune_group=3)
    values = {"1.1": Decimal(70), "1.2": "Mức 2"}
    assert make_assessment(group_set, group_1, 2026, values).criteria_met == 0
    assert make_assessment(group_set, group_3, 2026, values).criteria_met == 1


def test_stored_evaluation_counts_criteria_and_qualifies_titles(catalogue):
    commune = CommuneFactory()
    indicators = Indicator.objects.filter(criterion__criteria_set=catalogue, kind="bool")
    values = {indicator.code: True for indicator in indicators} | {"2.1": Decimal(100)}
    assessment = make_assessment(catalogue, commune, 2024, values)
    bool_only = (
        Criterion.objects.filter(criteria_set=catalogue)
        .exclude(indicators__kind__in=["percent_min", "percent_max", "number_min", "number_max"])
        .count()
    )
    assert assessment.criteria_met == bool_only
    assert not assessment.title_qualified
    results = {r.criterion.code: r.status for r in assessment.results.select_related("criterion")}
    assert results["1"] == Status.MET
    assert results["2"] == Status.NO_THRESHOLD  # road thresholds are unknown nationally
    assert results["11"] == Status.NO_VALUE


@pytest.mark.parametrize(("flagged", "expected"), [(False, Status.MET), (True, Status.NOT_MET)])
def test_an_especially_difficult_commune_is_held_to_the_northern_mountain_level(catalogue, flagged, expected):
    # The province's region (btb) allows stunting up to 25 %, the northern mountains 24 %.
    commune = CommuneFactory(is_especially_difficult=flagged)
    assessment = make_assessment(catalogue, commune, 2024, {"15.3": Decimal("24.5")})
    assert assessment.values.get(indicator__code="15.3").status == expected


def test_a_province_override_beats_the_national_threshold(catalogue):
    commune = CommuneFactory()
    indicator = Indicator.objects.get(criterion__criteria_set=catalogue, code="3.1")
    Threshold.objects.create(indicator=indicator, province=commune.province, value=90, source="QĐ thử")
    assessment = make_assessment(catalogue, commune, 2024, {"3.1": Decimal(85)})
    assert assessment.values.get().status == Status.NOT_MET
