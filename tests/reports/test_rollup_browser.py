"""Browser journeys in real headless Chromium at phone size (390×844): a district member asks
for a week's roll-up and reads it; a commune officer uploads an edited self-assessment table,
previews the change and applies it. Tasks run eagerly in the live server's thread."""

import io

import pytest
from django.urls import reverse

from criteria.models import Indicator, IndicatorValue
from reports.excel import commune_table

from ..conftest import log_in
from ..excel_helpers import assess, rows_by_key, workbook
from .test_import import export

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-123"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.body.scrollWidth <= window.innerWidth + 1")


def test_a_district_member_builds_and_reads_a_weekly_rollup_on_a_phone(
    browser_page, cast, catalogue, transactional_db
):
    assess(catalogue, cast.commune_a)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "district_a", PASSWORD)
    page.goto(page.base_url + reverse("reports:rollups"))
    page.fill("input[name=week]", "2024-W10")
    page.get_by_role("button", name="Tổng hợp ngay").click()
    page.wait_for_url("**/reports/rollups/*/")
    assert page.get_by_test_id("rollup-status").inner_text() == "Hoàn thành"
    assert page.get_by_test_id("total-communes").inner_text() == "1"
    assert page.get_by_test_id(f"met-{cast.commune_a.code}").inner_text().endswith("/19")
    assert page.get_by_test_id("rollup-download").is_visible()
    page.screenshot(path="/tmp/ntm-rollup-phone.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("rollup-download").click()
    assert download.value.suggested_filename == f"tong-hop-tuan_{cast.district_a.code}_2024-W10.xlsx"
    page.get_by_test_id("rollup-rebuild").click()
    page.wait_for_url("**/reports/rollups/*/")
    assert page.get_by_test_id("rollup-status").inner_text() == "Hoàn thành"


def test_a_commune_officer_imports_an_edited_table_on_a_phone(
    browser_page, cast, catalogue, transactional_db
):
    assessment = assess(catalogue, cast.commune_a)
    code = Indicator.objects.filter(criterion__criteria_set=catalogue, kind="percent_min").first().code
    wb = workbook(export(cast.commune_a, catalogue))
    ws = wb[wb.sheetnames[0]]
    ws.cell(row=rows_by_key(ws, commune_table.KEY_COLUMN)[f"ind:{code}"], column=5).value = 0.955
    buffer = io.BytesIO()
    wb.save(buffer)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "officer_a", PASSWORD)
    page.goto(page.base_url + reverse("reports:import", args=[cast.commune_a.key]))
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "bieu.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}],
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    row = page.get_by_test_id(f"change-{code}")
    assert "90 %" in row.inner_text() and "95,5 %" in row.inner_text()
    assert fits_the_phone(page) or page.locator(".table-responsive").count()
    page.screenshot(path="/tmp/ntm-import-preview-phone.png", full_page=True)
    page.get_by_test_id("import-apply").click()
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    assert "Đã nhập 1 chỉ tiêu từ tệp Excel." in page.content()
    value = IndicatorValue.objects.get(assessment=assessment, indicator__code=code)
    assert str(value.number) == "95.5000"
