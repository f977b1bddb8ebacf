"""The documents journeys in real headless Chromium, as a new commune officer would walk them:
the commune's letterhead settings, a recognition file started from the commune page, its facts
entered, its parts made into documents and listed in the register of documents sent; and the
province office's templates page. Each screen is checked at 360 and 1280 px with axe-core."""

import pytest

from criteria.models import CriteriaSet
from reports.documents.models import OutgoingDocument, RecognitionFile
from reports.services import export_job_run

from ..browser_helpers import check_page
from ..conftest import log_in

pytestmark = pytest.mark.browser


def test_a_commune_officer_assembles_a_recognition_file_and_finds_it_in_the_register(browser_page, demo):
    page = browser_page
    log_in(page, "canbo.sonbang")
    page.wait_for_url("**/reports/communes/legacy-18190/assessments/")
    page.get_by_test_id("recognition-files").click()
    page.wait_for_url("**/recognition-files/communes/legacy-18190/")
    check_page(page)
    ntm = CriteriaSet.objects.get(code="xa_ntm_2021_2025")
    page.select_option("select[name=criteria_set]", str(ntm.pk))
    page.select_option("select[name=year]", "2023")
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_selector("form.recognition-facts")
    text = page.inner_text("main")
    assert "Còn thiếu trước khi gửi" in text and "chưa nhập ngày họp và kết quả biểu quyết" in text
    check_page(page)
    page.fill("input[name=meeting_date]", "2023-11-20")
    page.fill("input[name=members_total]", "25")
    page.fill("input[name=members_present]", "30")
    page.fill("input[name=votes_for]", "20")
    page.get_by_role("button", name="Lưu").click()
    assert "Số thành viên tham dự lớn hơn tổng số thành viên" in page.inner_text("main")
    assert page.input_value("input[name=members_present]") == "30"  # what was typed stays
    page.fill("input[name=members_present]", "23")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector(".alert-success")
    page.get_by_role("button", name="Tạo văn bản các phần đủ dữ liệu").click()
    page.wait_for_selector(".alert-success")
    recognition_file = RecognitionFile.objects.get(commune__code="18190")
    for document in OutgoingDocument.objects.filter(source__startswith=recognition_file.source_prefix):
        export_job_run(job_id=document.job_id)  # as the worker does
    page.reload()
    assert page.get_by_role("link", name="PDF").count() == 2  # the report and the minutes
    check_page(page)

    page.get_by_role("link", name="Sổ văn bản đi").first.click()
    page.wait_for_url("**/documents/communes/legacy-18190/")
    assert page.get_by_role("link", name="Tải Word").count() == 2
    check_page(page)
    page.get_by_role("link", name="Thể thức văn bản của đơn vị").click()
    page.wait_for_selector("input[name=body]")
    assert page.input_value("input[name=body]") == "ỦY BAN NHÂN DÂN XÃ SƠN BẰNG"
    check_page(page)
    page.fill("input[name=signer_name]", "Nguyễn Văn An")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/documents/communes/legacy-18190/")
    page.screenshot(path="/tmp/ntm-documents-register.png", full_page=True)


def test_the_province_office_sees_its_templates(browser_page, demo):
    page = browser_page
    log_in(page, "vpdp.hatinh")
    page.goto(page.base_url + "/reports/document-templates/42/")
    assert "Đang dùng mẫu mặc định" in page.inner_text("main")
    check_page(page)
