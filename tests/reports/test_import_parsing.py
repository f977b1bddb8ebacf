"""The Excel import reads a number typed as text exactly as the entry form reads it, percent
rule included; numbers Excel stores as numbers are taken as they are."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from criteria.forms import value_field
from criteria.models import Indicator, IndicatorValue
from reports import services
from reports.excel import commune_table
from reports.excel.importer import parse_cell

from ..excel_helpers import assess, rows_by_key, workbook

TEXTS = [
    "1.234",
    "12.345",
    "2,21",
    "1.234,5",
    "1,234.5",
    "  95 %",
    "0,5",
    ",5",
    "1\u00a0234",
    "-3",
    "abc",
    "1.2.3",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def indicator_of(criteria_set, kind: str) -> Indicator:
    return Indicator.objects.filter(criterion__criteria_set=criteria_set, kind=kind).order_by("pk").first()


def through_the_form(indicator: Indicator, text: str) -> Decimal | None:
    try:
        return value_field(indicator).clean(text)
    except forms.ValidationError:
        return None


def through_the_import(indicator: Indicator, value) -> Decimal | None:
    cell = openpyxl.Workbook().active["E5"]
    cell.value = value
    cell.number_format = "General"
    try:
        return parse_cell(cell, indicator)
    except ValueError:
        return None


@pytest.mark.parametrize("kind", ["percent_min", "number_min"])
@pytest.mark.parametrize("text", TEXTS)
def test_the_same_text_gives_the_same_number_in_the_form_and_the_import(catalogue, kind, text):
    indicator = indicator_of(catalogue, kind)
    assert through_the_import(indicator, text) == through_the_form(indicator, text)


def test_a_lone_dot_with_three_decimals_is_a_decimal_in_a_percent_cell(catalogue):
    percent, number = indicator_of(catalogue, "percent_min"), indicator_of(catalogue, "number_min")
    assert through_the_import(percent, "1.234") == Decimal("1.234")
    assert through_the_import(number, "1.234") == Decimal("1234")


def test_numbers_excel_stores_as_numbers_are_kept_as_they_are(catalogue):
    indicator = indicator_of(catalogue, "percent_min")
    assert through_the_import(indicator, 1.234) == Decimal("1.234")
    assert through_the_import(indicator, 95) == Decimal("95")


def exported_with(commune, criteria_set, code: str, text: str) -> bytes:
    """Commune's table as a Vietnamese user downloads it, with `text` typed into the value cell
    of indicator `code` formatted as text."""
    with translation.override("vi"):
        content = services.commune_table_export(commune=commune, criteria_set=criteria_set, year=2024)[1]
    wb = workbook(content)
    ws = wb.worksheets[0]  # the visible table; the hidden "_meta" sheet comes after it
    row = rows_by_key(ws, commune_table.KEY_COLUMN)[f"ind:{code}"]
    cell = ws.cell(row=row, column=commune_table.VALUE_COLUMN)
    cell.value, cell.number_format = text, "@"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_an_upload_with_1_234_typed_in_a_percent_cell_stores_1_234(client, cast, catalogue):
    assessment = assess(catalogue, cast.commune_a)
    indicator = indicator_of(catalogue, "percent_min")
    content = exported_with(cast.commune_a, catalogue, indicator.code, "1.234")
    client.force_login(cast.officer_a)
    file = SimpleUploadedFile("bieu.xlsx", content, content_type="application/octet-stream")
    response = client.post(reverse("reports:import", args=[cast.commune_a.key]), {"file": file})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-changes"' in page
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("reports:import_apply", args=[cast.commune_a.key]), {"token": token})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(assessment=assessment, indicator=indicator).number == Decimal("1.234")
