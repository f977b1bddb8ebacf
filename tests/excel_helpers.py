"""Helpers shared by the Excel export tests."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.services import assessment_reevaluate


def assess(criteria_set, commune, year=2024, value=Decimal(90), note=""):
    """An assessment with every indicator filled (yes for yes/no, `value` for numbers)."""
    assessment = Assessment.objects.create(criteria_set=criteria_set, commune=commune, year=year)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            assessment=assessment,
            indicator=indicator,
            flag=True if indicator.kind == "bool" else None,
            number=None if indicator.kind == "bool" else value,
            note=note,
        )
        for indicator in Indicator.objects.filter(criterion__criteria_set=criteria_set)
    )
    assessment_reevaluate(assessment=assessment)
    return assessment


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_by_key(ws, key_column: int) -> dict[str, int]:
    """Row numbers by the hidden machine-readable key ("ind:17.1", "commune:18190", …)."""
    keys = {}
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=key_column).value
        if isinstance(value, str) and ":" in value:
            keys[value] = row
    return keys


def metadata(wb) -> dict[str, object]:
    ws = wb["_meta"]
    return {
        ws.cell(row=row, column=1).value: ws.cell(row=row, column=2).value for row in range(1, ws.max_row + 1)
    }
