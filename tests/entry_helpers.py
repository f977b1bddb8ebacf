"""Helpers shared by the entry, workflow and history tests."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from criteria.models import Assessment, Indicator

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def docx(name: str = "bao-cao.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def new_assessment(criteria_set, *, commune=None, village=None, year: int = 2025) -> Assessment:
    return Assessment.objects.create(criteria_set=criteria_set, commune=commune, village=village, year=year)


def indicator(criteria_set, code: str) -> Indicator:
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)


def full_values(criteria_set, number: Decimal = Decimal(90)) -> dict[int, dict]:
    """A value for every indicator of the set (True for yes/no, the top level, else `number`)."""
    values = {}
    for item in Indicator.objects.filter(criterion__criteria_set=criteria_set):
        if item.kind == "bool":
            value = True
        elif item.kind == "level":
            value = item.levels[-1]
        else:
            value = number
        values[item.pk] = {"value": value, "note": ""}
    return values


def post_data(assessment: Assessment, entries: dict[str, str], version: int | None = None) -> dict:
    """Form data for the entry page: every indicator empty except `entries` (code → text)."""
    data = {"version": str(assessment.version if version is None else version), "reason": ""}
    for item in Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set):
        data[f"v_{item.pk}"] = entries.get(item.code, "")
        data[f"n_{item.pk}"] = ""
    return data
