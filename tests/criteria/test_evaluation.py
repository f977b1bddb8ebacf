"""Evaluation rules, as pure functions (no database)."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from criteria import evaluation as ev
from criteria.evaluation import Kind, Status, ThresholdRow


def row(value=None, classifier="", year=None, province=None, flag=None, level=""):
    number = None if value is None else Decimal(str(value))
    return ThresholdRow(classifier, year, province, number, level, flag)


def evaluate(kind, value, threshold, **kwargs):
    return ev.evaluate_indicator(code="x", kind=kind, value=value, threshold=threshold, **kwargs)


@pytest.mark.parametrize(
    ("kind", "threshold", "met_value", "failed_value"),
    [
        (Kind.PERCENT_MIN, 95, 95, Decimal("94.99")),
        (Kind.PERCENT_MAX, Decimal("16.5"), Decimal("16.5"), Decimal("16.51")),
        (Kind.NUMBER_MIN, 55, 55, Decimal("54.9")),
        (Kind.NUMBER_MAX, 4, 4, Decimal("4.01")),
    ],
)
def test_it_meets_numeric_thresholds_exactly_at_the_boundary_and_fails_just_past_it(
    kind, threshold, met_value, failed_value
):
    assert evaluate(kind, Decimal(met_value), row(threshold)).status is Status.MET
    assert evaluate(kind, failed_value, row(threshold)).status is Status.NOT_MET


def test_it_evaluates_yes_no_indicators_both_ways():
    assert evaluate(Kind.BOOL, True, row(flag=True)).status is Status.MET
    assert evaluate(Kind.BOOL, False, row(flag=True)).status is Status.NOT_MET


def test_it_evaluates_levels_by_their_order():
    levels = ["Mức 1", "Mức 2", "Mức 3"]
    threshold = row(level="Mức 2")
    assert evaluate(Kind.LEVEL, "Mức 3", threshold, levels=levels).status is Status.MET
    assert evaluate(Kind.LEVEL, "Mức 2", threshold, levels=levels).status is Status.MET
    assert evaluate(Kind.LEVEL, "Mức 1", threshold, levels=levels).status is Status.NOT_MET


def test_a_missing_value_is_no_value_and_a_missing_threshold_is_not_set():
    assert evaluate(Kind.PERCENT_MIN, None, row(80)).status is Status.NO_VALUE
    assert evaluate(Kind.PERCENT_MIN, Decimal(90), None).status is Status.NO_THRESHOLD
    assert evaluate(Kind.PERCENT_MIN, Decimal(90), row(None)).status is Status.NO_THRESHOLD
    assert evaluate(Kind.BOOL, True, row(flag=None)).status is Status.NO_THRESHOLD


def test_it_explains_the_result_in_vietnamese():
    with translation.override("vi"):
        result = ev.evaluate_indicator(
            code="17.1",
            kind=Kind.PERCENT_MIN,
            value=Decimal(92),
            threshold=row(95),
            classifier_label="Đồng bằng sông Hồng",
        )
    assert result.explanation == "17.1: 92 % < 95 % (Đồng bằng sông Hồng) → chưa đạt"


def test_it_writes_decimals_the_vietnamese_way():
    with translation.override("vi"):
        result = evaluate(Kind.PERCENT_MAX, Decimal("16.5"), row("16.5"))
        assert ev.format_number(Decimal("1234.5")) == "1.234,5"
    assert result.explanation == "x: 16,5 % ≤ 16,5 % → đạt"


REGIONS = ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"]
STUNTING = {"tdmnpb": 24, "dbsh": 16.5, "btb": 25, "dhntb": 22, "tn": 26.5, "dnb": 14.5, "dbscl": 19}


@pytest.mark.parametrize("region", REGIONS)
def test_it_picks_the_threshold_of_each_region(region):
    rows = [row(value, classifier=key) for key, value in STUNTING.items()]
    chosen = ev.pick_threshold(rows, region, 2024, province_id=1)
    assert chosen.value == Decimal(str(STUNTING[region]))


def test_a_province_override_beats_the_national_value():
    rows = [row(80, classifier="btb"), row(90, province=7)]
    assert ev.pick_threshold(rows, "btb", 2024, 7).value == 90
    assert ev.pick_threshold(rows, "btb", 2024, 8).value == 80


def test_a_threshold_for_the_year_beats_the_all_years_one_and_other_years_do_not_apply():
    rows = [row(39, classifier="tdmnpb", year=2022), row(45, classifier="tdmnpb", year=2023)]
    assert ev.pick_threshold(rows, "tdmnpb", 2022, None).value == 39
    assert ev.pick_threshold(rows, "tdmnpb", 2023, None).value == 45
    assert ev.pick_threshold(rows, "tdmnpb", 2024, None) is None


def test_the_especially_difficult_rule_picks_the_northern_mountain_level():
    rules = [ev.FlagRule(frozenset({"dac_biet_kho_khan", "atk_huyen_ngheo_2018_2020"}), "tdmnpb")]
    assert ev.classifier_value_for("btb", {"dac_biet_kho_khan"}, rules) == "tdmnpb"
    assert ev.classifier_value_for("btb", {"atk_huyen_ngheo_2018_2020"}, rules) == "tdmnpb"
    assert ev.classifier_value_for("btb", set(), rules) == "btb"


def test_a_criterion_is_met_only_when_every_indicator_is_met():
    assert ev.criterion_status([Status.MET, Status.MET]) is Status.MET
    assert ev.criterion_status([Status.MET, Status.NOT_MET, Status.NO_VALUE]) is Status.NOT_MET
    assert ev.criterion_status([Status.MET, Status.NO_THRESHOLD]) is Status.NO_THRESHOLD
    assert ev.criterion_status([Status.MET, Status.NO_VALUE]) is Status.NO_VALUE
    assert ev.criterion_status([]) is Status.NO_THRESHOLD


@pytest.mark.parametrize(
    ("met", "code"),
    [
        (19, "all"),
        (18, "15-18"),
        (15, "15-18"),
        (14, "10-14"),
        (10, "10-14"),
        (9, "5-9"),
        (5, "5-9"),
        (4, "under5"),
        (0, "under5"),
    ],
)
def test_it_puts_communes_in_the_bands_the_set_declares(met, code):
    bands = [ev.Band("all", None, "19"), ev.Band("15-18", 15, "15-18"), ev.Band("10-14", 10, "10-14")]
    bands += [ev.Band("5-9", 5, "5-9"), ev.Band("under5", 0, "<5")]
    assert ev.band_of(met, 19, bands).code == code


def test_a_set_without_bands_puts_nobody_in_a_band():
    assert ev.band_of(10, 10, []) is None


def test_a_title_needs_what_the_set_requires_and_the_prerequisite_title():
    every = ev.TitleRule(None)
    assert ev.title_qualified(every, 19, 19, None)
    assert not ev.title_qualified(every, 18, 19, None)
    assert ev.title_qualified(every, 10, 10, True)
    assert not ev.title_qualified(every, 10, 10, False)
    assert not ev.title_qualified(every, 0, 0, None)
    assert ev.title_qualified(ev.TitleRule(8), 8, 10, None)
    assert not ev.title_qualified(None, 19, 19, None)


numbers = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@given(threshold=numbers, low=numbers, high=numbers, kind=st.sampled_from(sorted(ev.NUMERIC_KINDS)))
def test_evaluation_is_monotone_in_the_value(threshold, low, high, kind):
    low, high = sorted((low, high))
    kind = Kind(kind)
    low_met = evaluate(kind, low, row(threshold)).met
    high_met = evaluate(kind, high, row(threshold)).met
    if kind.is_ceiling:
        assert not (high_met and not low_met)
    else:
        assert not (low_met and not high_met)
