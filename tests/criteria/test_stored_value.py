"""One function reads a stored indicator value back by kind, for rows and history records."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from criteria.evaluation import Kind, stored_value
from criteria.models import Assessment, Indicator, IndicatorValue


def row(number=None, flag=None, level=""):
    return SimpleNamespace(number=number, flag=flag, level=level)


@pytest.mark.parametrize(
    "kind, stored, expected",
    [
        (Kind.BOOL, row(flag=False, number=Decimal(5)), False),
        (Kind.BOOL, row(), None),
        (Kind.LEVEL, row(level="Tốt", flag=True), "Tốt"),
        (Kind.LEVEL, row(level=""), None),
        (Kind.PERCENT_MIN, row(number=Decimal("92.5"), flag=True), Decimal("92.5")),
        ("number_max", row(number=Decimal(3), level="x"), Decimal(3)),
        (Kind.NUMBER_MIN, None, None),
    ],
)
def test_it_reads_the_field_that_holds_the_kind(kind, stored, expected):
    assert stored_value(kind, stored) == expected


def test_a_row_and_its_history_record_read_back_the_same_value(catalogue, cast):
    indicator = Indicator.objects.filter(criterion__criteria_set=catalogue, kind=Kind.PERCENT_MIN).first()
    assessment = Assessment.objects.create(criteria_set=catalogue, commune=cast.commune_a, year=2024)
    value = IndicatorValue.objects.create(assessment=assessment, indicator=indicator, number=Decimal("97.5"))
    record = IndicatorValue.history.get(id=value.pk)
    assert value.value == stored_value(indicator.kind, record) == Decimal("97.5")
