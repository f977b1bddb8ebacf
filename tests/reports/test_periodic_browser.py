"""The demo's quarterly report journey in real headless Chromium: the commune officer opens the
current quarter's report from the landing page, writes the sections and submits; the province
office (the reviewer of a commune without a district) accepts it; the committee view shows who
has not submitted. Each screen is checked at 360 and 1280 px with axe-core."""

import pytest
from django.utils import timezone

from reports.documents.models import OutgoingDocument
from reports.models import PeriodicReport
from reports.periods import period_of
from reports.services import export_job_run

from ..browser_helpers import check_page
from ..conftest import log_in
from ..document_helpers import assert_official_layout, docx_lines

pytestmark = pytest.mark.browser


def test_the_demo_officer_submits_the_quarterly_report_and_the_office_accepts_it(browser_page, demo):
    page = browser_page
    quarter = period_of("quarter", timezone.localdate())
    # The demo's previous quarter is accepted already (illustrative).
    assert PeriodicReport.objects.get(commune__code="18133", illustrative=True).status == "accepted"
    log_in(page, "canbo.huongson")
    page.get_by_test_id("next-periodic").click()
    page.wait_for_url("**/periodic/commune/18133/")
    row = page.get_by_test_id(f"period-{quarter.slug}")
    assert "Hạn nộp" in row.inner_text()
    check_page(page)
    row.locator("a").click()
    page.wait_for_url(f"**/periodic/commune/18133/quarter/{quarter.year}/{quarter.number}/")
    assert "Số tiêu chí đạt hiện tại" in page.get_by_test_id("periodic-content").inner_text()
    # The demo's illustrative funds mobilised so far this quarter, by source.
    assert "Ngân sách tỉnh: 120 triệu đồng" in page.get_by_test_id("periodic-funds").inner_text()
    page.fill("textarea[name=difficulties]", "Thiếu vốn đối ứng cho đường giao thông nội đồng")
    page.fill("textarea[name=next_tasks]", "Hoàn thành tiêu chí 2 và 8 trong quý tới")
    check_page(page)
    page.get_by_test_id("periodic-submit").click()
    page.wait_for_selector("[data-testid=periodic-written]")
    assert page.get_by_test_id("periodic-state").inner_text() == "Đã nộp"
    check_page(page)
    report = PeriodicReport.objects.get(
        commune__code="18133", kind="quarter", year=quarter.year, number=quarter.number
    )
    assert report.status == "submitted" and report.submitted_by.username == "canbo.huongson"

    # The officer produces the report as Word and PDF: the worker's job runs here, as a worker would.
    page.get_by_test_id("periodic-make-document").click()
    page.wait_for_selector("[data-testid=periodic-document] li")
    document = OutgoingDocument.objects.get(source=f"periodic_report:{report.pk}")
    export_job_run(job_id=document.job_id)
    page.reload()
    with page.expect_download() as download:
        page.get_by_test_id("periodic-document").get_by_text("Tải Word").click()
    lines = docx_lines(open(download.value.path(), "rb").read())
    assert_official_layout(lines, body="ỦY BAN NHÂN DÂN XÃ HƯƠNG SƠN", signature="CHỦ TỊCH")
    assert report.document_summary() in lines and "Thiếu vốn đối ứng cho đường giao thông nội đồng" in lines
    assert page.get_by_test_id("periodic-document").get_by_text("Tải PDF").is_visible()

    page.context.clear_cookies()
    log_in(page, "vpdp.hatinh")
    page.goto(page.base_url + f"/reports/periodic/commune/18133/quarter/{quarter.year}/{quarter.number}/")
    check_page(page)
    page.get_by_test_id("periodic-accept").click()
    page.wait_for_selector("[data-testid=periodic-written]")
    assert page.get_by_test_id("periodic-state").inner_text() == "Đã tiếp nhận"
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by.username == "vpdp.hatinh"

    page.goto(page.base_url + "/reports/provinces/42/")
    page.get_by_test_id("periodic-submissions-link").click()
    page.wait_for_url("**/periodic/province/42/submissions/")
    missing = page.get_by_test_id("submissions-missing").inner_text()
    assert "Xã Đức Minh" in missing and "Xã Hương Sơn" not in missing
    assert "Đã tiếp nhận" in page.get_by_test_id("submission-commune-18133").inner_text()
    check_page(page)
    page.screenshot(path="/tmp/ntm-periodic-submissions.png", full_page=True)
