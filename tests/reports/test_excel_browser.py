"""Browser journeys in real headless Chromium: downloading the Excel tables, and the downloads
page following a job's progress through static/js/downloads.js under the strict CSP."""

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from reports import services
from reports.models import ExportJob

from ..conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return errors


def test_the_district_committee_downloads_the_summary_from_the_district_page(browser_page, demo, tmp_path):
    page = browser_page
    log_in(page, "bcd.huongson")
    page.wait_for_url("**/districts/legacy-439/")
    page.goto(page.base_url + "/reports/districts/legacy-439/?year=2024")  # the demo's year
    with page.expect_download() as info:
        page.get_by_test_id("export-district").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "tong-hop_439_xa_ntm_2021_2025_2024.xlsx"
    assert openpyxl.load_workbook(path).worksheets[0]["A1"].value == "UBND HUYỆN HƯƠNG SƠN"


def test_the_downloads_page_follows_a_job_until_its_file_is_ready(browser_page, demo, tmp_path):
    page = browser_page
    errors = csp_errors(page)
    office = get_user_model().objects.get(username="vpdp.hatinh")
    job = ExportJob.objects.create(
        user=office,
        kind=ExportJob.Kind.PROVINCE_SUMMARY,
        title="Tỉnh Hà Tĩnh — 2024",
        parameters={"unit": "legacy-42", "set": "xa_ntm_2021_2025", "year": 2024},
    )
    log_in(page, "vpdp.hatinh")
    page.wait_for_url("**/provinces/42/")
    page.goto(page.base_url + "/reports/downloads/")
    row = page.locator(f'[data-job="{job.pk}"]')
    assert row.locator('[data-role="status"]').inner_text() == "Đang chờ"

    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=60)
    # Playwright's string predicates need eval, which the CSP forbids: wait on the text.
    expect(row.locator('[data-role="status"]')).to_have_text("Đang tạo", timeout=15_000)
    assert row.locator("progress").evaluate("element => element.value") == 60

    services.export_job_run(job_id=job.pk)
    link = row.get_by_role("link", name="Tải về")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "province.xlsx"
    info.value.save_as(path)
    assert openpyxl.load_workbook(path).worksheets[0]["A1"].value == "UBND TỈNH HÀ TĨNH"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/ntm-downloads-phone.png", full_page=True)
    assert errors == []


def test_the_province_office_starts_the_province_summary_from_its_page(browser_page, demo):
    page = browser_page
    log_in(page, "vpdp.hatinh")
    page.wait_for_url("**/provinces/42/")
    page.get_by_test_id("export-province").click()
    page.wait_for_url("**/reports/downloads/")
    # Tasks run eagerly here, so the file is ready when the page opens.
    page.get_by_role("link", name="Tải về").first.wait_for()
    assert ExportJob.objects.get().status == ExportJob.State.DONE
