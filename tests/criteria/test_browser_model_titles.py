"""On a phone, Bắc Giang's province office completes the stand-in criterion of its
model-village set, and Cống Phên's assessment then has content to be assessed on."""

import pytest
from django.urls import reverse

from criteria.models import Assessment, Indicator
from criteria.services import assessment_evaluation, assessment_open

from ..browser_helpers import PHONE, check_page
from ..conftest import log_in
from .test_model_titles import BAC_GIANG_SET, bac_giang  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-123"


def test_the_bac_giang_office_completes_the_stand_in_criterion_at_360_px(browser_page, bac_giang):  # noqa: F811
    assessment = assessment_open(
        user=bac_giang.village_head, criteria_set=bac_giang.set, unit=bac_giang.village, year=2024
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, "office_bg", PASSWORD)
    page.wait_for_load_state()
    page.goto(page.base_url + reverse("criteria:province_indicators", args=[bac_giang.province.key]))
    check_page(page)
    section = page.get_by_test_id(f"complete-{BAC_GIANG_SET}")
    assert section.get_by_test_id("no-content-1").inner_text() == "chưa có nội dung"
    section.get_by_test_id("add-1").click()
    page.wait_for_url("**/new/")
    check_page(page)
    page.fill("#id_code", "1.1")
    page.fill("#id_name_vi", "Tỷ lệ hộ gia đình đạt danh hiệu gia đình văn hóa")
    page.select_option("#id_kind", "percent_min")
    page.fill("#id_unit", "%")
    page.fill("#id_t_all", "90")
    page.fill("#id_decision_number", "12/2024/QĐ-UBND")
    page.fill("#id_decision_date", "2024-03-01")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/indicators/#criterion-*")
    assert "Đã lưu chỉ tiêu 1.1 của tỉnh." in page.content()
    section = page.get_by_test_id(f"complete-{BAC_GIANG_SET}")
    assert "đã có nội dung do tỉnh bổ sung" in section.inner_text()
    check_page(page)
    indicator = Indicator.objects.get(criterion__criteria_set=bac_giang.set)
    assert (indicator.code, indicator.province_id) == ("1.1", bac_giang.province.pk)
    outcome = assessment_evaluation(Assessment.objects.get(pk=assessment.pk))
    assert outcome.content_complete and outcome.indicators_total == 1
