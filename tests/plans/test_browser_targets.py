"""Browser journey in real headless Chromium at phone width (360 px): the officer of seed 002's
demo commune opens its 2021 plan, sees its directional targets with their status, enters the
health insurance actual and sees the status change."""

import pytest

from plans.models import Plan, SocioTarget, TargetActual

from ..browser_helpers import assert_no_horizontal_scroll, check_page
from ..conftest import log_in

pytestmark = pytest.mark.browser


def test_the_officer_sees_the_target_status_and_enters_an_actual(browser_page, demo):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    plan = Plan.objects.get(commune__code="07408", commune__map="legacy", year=2021)
    poverty = SocioTarget.objects.get(plan=plan, name="Tỷ lệ hộ nghèo")
    insurance = SocioTarget.objects.get(plan=plan, name="Tỷ lệ người dân tham gia bảo hiểm y tế")
    log_in(page, "canbo.duongduc")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{page.base_url}/plans/{plan.pk}/")
    row = page.get_by_test_id(f"target-{poverty.pk}")
    assert "giảm ít nhất 1 điểm % mỗi năm, từ 5,2 % (2020)" in row.inner_text()
    assert row.get_by_test_id("target-status").get_attribute("data-status") == "met"
    row = page.get_by_test_id(f"target-{insurance.pk}")
    assert row.get_by_test_id("target-status").get_attribute("data-status") == "no_data"
    assert_no_horizontal_scroll(page)
    check_page(page)

    row.get_by_test_id("target-enter").click()
    page.wait_for_url(f"**/plans/{plan.pk}/targets/{insurance.pk}/actual/")
    page.fill("input[name=as_of]", "2021-12-31")
    page.fill("input[name=value]", "abc")
    page.get_by_test_id("actual-save").click()
    assert "Giá trị thực hiện: “abc” không phải là số." in page.content()
    assert not TargetActual.objects.filter(target=insurance).exists()
    page.fill("input[name=value]", "98,6")
    page.fill("input[name=period_label]", "Năm 2021")
    check_page(page)
    page.get_by_test_id("actual-save").click()
    page.wait_for_url(f"**/plans/{plan.pk}/**")
    row = page.get_by_test_id(f"target-{insurance.pk}")
    assert row.get_by_test_id("target-status").get_attribute("data-status") == "met"
    assert "98,6 %" in row.inner_text() and "31/12/2021" in row.inner_text()
    assert_no_horizontal_scroll(page)
