"""The one status function of numeric targets, without a database: every direction and both kinds
of change, on and off the line, exactly on it, met, missed after the target year, no actuals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from plans.target_status import (
    Change,
    Direction,
    Point,
    Spec,
    TargetStatus,
    expected_at,
    goal,
    target_status,
)

MID_2021 = date(2021, 12, 31)  # half-way from the end of 2020 to the end of 2022 (365 of 730 days)
IN_2022 = date(2022, 6, 1)
AFTER = date(2023, 3, 1)


def status(spec: Spec, *points: tuple[date, str], today: date = IN_2022) -> TargetStatus:
    return target_status(spec, [Point(day, D(value)) for day, value in points], today).status


# --- at least ----------------------------------------------------------------------------------

AT_LEAST = Spec(Direction.AT_LEAST, D("98"), 2022, baseline_value=D("90"), baseline_year=2020)


def test_at_least_met_when_reached():
    assert status(AT_LEAST, (date(2022, 3, 31), "98")) == TargetStatus.MET


def test_at_least_on_track_exactly_on_the_line():
    # Half-way: 90 + (98 - 90) / 2 = 94.
    assert expected_at(AT_LEAST, MID_2021) == D("94")
    assert status(AT_LEAST, (MID_2021, "94")) == TargetStatus.ON_TRACK


def test_at_least_at_risk_just_behind_the_line():
    assert status(AT_LEAST, (MID_2021, "93.99")) == TargetStatus.AT_RISK


def test_at_least_missed_after_the_year():
    assert status(AT_LEAST, (date(2022, 12, 31), "97"), today=AFTER) == TargetStatus.MISSED


def test_at_least_met_stays_met_after_the_year():
    assert status(AT_LEAST, (date(2022, 12, 31), "98.5"), today=AFTER) == TargetStatus.MET


def test_the_latest_actual_decides():
    points = [(date(2021, 3, 31), "99"), (MID_2021, "93")]
    assert status(AT_LEAST, *points) == TargetStatus.AT_RISK


def test_actuals_after_the_target_year_do_not_count():
    result = target_status(AT_LEAST, [Point(date(2023, 1, 15), D("99"))], AFTER)
    assert result.status == TargetStatus.NO_DATA


def test_no_actuals_is_no_data_even_after_the_year():
    assert status(AT_LEAST) == TargetStatus.NO_DATA
    assert status(AT_LEAST, today=AFTER) == TargetStatus.NO_DATA


def test_without_a_baseline_there_is_no_line():
    spec = Spec(Direction.AT_LEAST, D("98"), 2022)
    result = target_status(spec, [Point(MID_2021, D("95"))], IN_2022)
    assert result.status == TargetStatus.NO_BASELINE and result.expected is None
    assert status(spec, (MID_2021, "98")) == TargetStatus.MET
    assert status(spec, (MID_2021, "95"), today=AFTER) == TargetStatus.MISSED
    assert TargetStatus.NO_BASELINE.label == "Chưa có mốc để so sánh"


# --- at most -----------------------------------------------------------------------------------

AT_MOST = Spec(Direction.AT_MOST, D("2.21"), 2022, baseline_value=D("4.21"), baseline_year=2020)


def test_at_most_met_on_track_at_risk_missed():
    assert status(AT_MOST, (date(2022, 9, 30), "2.21")) == TargetStatus.MET
    assert expected_at(AT_MOST, MID_2021) == D("3.21")
    assert status(AT_MOST, (MID_2021, "3.21")) == TargetStatus.ON_TRACK
    assert status(AT_MOST, (MID_2021, "3.3")) == TargetStatus.AT_RISK
    assert status(AT_MOST, (date(2022, 12, 31), "2.5"), today=AFTER) == TargetStatus.MISSED


# --- reduce by at least x a year ---------------------------------------------------------------

REDUCE_POINTS = Spec(
    Direction.REDUCE_BY, D("1"), 2022, change=Change.POINTS, baseline_value=D("5.2"), baseline_year=2020
)
REDUCE_RELATIVE = Spec(
    Direction.REDUCE_BY, D("1"), 2022, change=Change.RELATIVE, baseline_value=D("5.2"), baseline_year=2020
)


def test_reduce_by_one_point_a_year_against_a_baseline():
    assert goal(REDUCE_POINTS) == D("3.2")
    assert expected_at(REDUCE_POINTS, MID_2021) == D("4.2")
    assert status(REDUCE_POINTS, (MID_2021, "4.2")) == TargetStatus.ON_TRACK
    assert status(REDUCE_POINTS, (MID_2021, "4.3")) == TargetStatus.AT_RISK
    assert status(REDUCE_POINTS, (date(2022, 9, 30), "3.1")) == TargetStatus.MET
    assert status(REDUCE_POINTS, (date(2022, 12, 31), "3.5"), today=AFTER) == TargetStatus.MISSED


def test_reduce_by_one_percent_a_year_relative():
    # 5.2 × 0.99² = 5.09652; after one year 5.2 × 0.99 = 5.148.
    assert goal(REDUCE_RELATIVE) == D("5.0965")
    assert expected_at(REDUCE_RELATIVE, MID_2021) == D("5.148")
    assert status(REDUCE_RELATIVE, (MID_2021, "5.148")) == TargetStatus.ON_TRACK
    assert status(REDUCE_RELATIVE, (MID_2021, "5.15")) == TargetStatus.AT_RISK
    assert status(REDUCE_RELATIVE, (date(2022, 12, 31), "5.09"), today=AFTER) == TargetStatus.MET
    assert status(REDUCE_RELATIVE, (date(2022, 12, 31), "5.1"), today=AFTER) == TargetStatus.MISSED


def test_reduce_by_in_the_year_after_the_baseline():
    # Seed 002: poverty down by at least 1 % in 2021, from an end-2020 baseline.
    spec = Spec(
        Direction.REDUCE_BY, D("1"), 2021, change=Change.POINTS, baseline_value=D("5.2"), baseline_year=2020
    )
    assert goal(spec) == D("4.2")
    result = target_status(spec, [Point(date(2021, 7, 2), D("4.8"))], date(2021, 7, 10))
    # 183 of 365 days: 5.2 - 183/365 ≈ 4.6986.
    assert result.expected == D("4.6986") and result.status == TargetStatus.AT_RISK


# --- increase by at least x a year -------------------------------------------------------------

INCREASE_POINTS = Spec(
    Direction.INCREASE_BY, D("2"), 2022, change=Change.POINTS, baseline_value=D("80"), baseline_year=2020
)
INCREASE_RELATIVE = Spec(
    Direction.INCREASE_BY, D("10"), 2022, change=Change.RELATIVE, baseline_value=D("50"), baseline_year=2020
)


def test_increase_by_points():
    assert goal(INCREASE_POINTS) == D("84")
    assert status(INCREASE_POINTS, (MID_2021, "82")) == TargetStatus.ON_TRACK
    assert status(INCREASE_POINTS, (MID_2021, "81.9")) == TargetStatus.AT_RISK
    assert status(INCREASE_POINTS, (date(2022, 10, 1), "84")) == TargetStatus.MET
    assert status(INCREASE_POINTS, (date(2022, 12, 31), "83"), today=AFTER) == TargetStatus.MISSED


def test_increase_by_relative():
    assert goal(INCREASE_RELATIVE) == D("60.5")
    assert expected_at(INCREASE_RELATIVE, MID_2021) == D("55")
    assert status(INCREASE_RELATIVE, (MID_2021, "55")) == TargetStatus.ON_TRACK
    assert status(INCREASE_RELATIVE, (MID_2021, "54.9")) == TargetStatus.AT_RISK
    assert status(INCREASE_RELATIVE, (date(2022, 12, 31), "60.5"), today=AFTER) == TargetStatus.MET


@pytest.mark.parametrize("day", [date(2020, 6, 1), date(2020, 12, 31)])
def test_before_the_line_starts_the_baseline_is_required(day):
    assert expected_at(REDUCE_POINTS, day) == D("5.2")


def test_a_reduction_by_points_stops_at_zero():
    # Liên Minh: multidimensional poverty from 4,5 % (2020) down by at least 1 point a year to
    # 2025 would be -0,5 %: the goal is zero, and so is the line once it reaches it.
    spec = Spec(
        Direction.REDUCE_BY, D("1"), 2025, change=Change.POINTS, baseline_value=D("4.5"), baseline_year=2020
    )
    assert goal(spec) == D(0)
    assert expected_at(spec, date(2025, 9, 30)) == D(0)
    assert status(spec, (date(2025, 12, 31), "0"), today=date(2026, 1, 5)) == TargetStatus.MET
