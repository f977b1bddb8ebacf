"""The weekly roll-up workbook keeps formula-like text as text, with the quote prefix, like
every other export (reports/excel/styles.py `safe_text`)."""

import pytest

from reports import rollups

from ..excel_helpers import workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_commune_name_that_looks_like_a_formula_stays_text_in_the_rollup(cast):
    cast.commune_a.name = '=HYPERLINK("http://example.invalid","Sơn Bằng")'
    cast.commune_a.save()
    rollup = rollups.rollup_build(
        rollup_id=rollups.rollup_request(
            unit=rollups.unit_ref(cast.district_a), iso_year=2024, iso_week=10, enqueue=False
        ).pk,
        send_mail=False,
    )
    rollup.refresh_from_db()
    with rollup.file.open("rb") as handle:
        ws = workbook(handle.read()).worksheets[0]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value == cast.commune_a.name]
    assert cells
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix
