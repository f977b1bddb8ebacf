"""The plans forms read typed numbers with the one parser of criteria/parsing.py: the same
text gives the same number as in the entry form; negatives and non-numbers are refused."""

from decimal import Decimal

import pytest
from django import forms

from criteria.parsing import parse_number
from plans.forms import VNDecimalField


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.200", Decimal("3200")),
        ("0,38", Decimal("0.38")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("3200", Decimal("3200")),
        ("0.7", Decimal("0.7")),
        (" 883 ", Decimal("883")),
        ("1\u00a0000", Decimal("1000")),
        ("1.000.000", Decimal("1000000")),
        ("", None),
    ],
)
def test_it_reads_numbers_typed_the_vietnamese_or_the_english_way(text, expected):
    assert VNDecimalField(required=False).clean(text) == expected


@pytest.mark.parametrize("text", ["3.200", "0,38", "1.234", "1,234.5", "12,5"])
def test_it_reads_the_same_number_as_the_entry_form(text):
    assert VNDecimalField(required=False).clean(text) == parse_number(text)


@pytest.mark.parametrize("text", ["abc", "3,2,0", "-5", "1.23.4", "3 m", "1e5"])
def test_it_refuses_what_is_not_a_non_negative_number(text):
    field = VNDecimalField(required=False)
    with pytest.raises(forms.ValidationError) as error:
        field.clean(text)
    assert error.value.code == "invalid"
