"""Browser journey in real headless Chromium at phone size (390×844): a village head submits a
weekly report, the commune overview shows it on time, and a report after the deadline shows late.

The clock is moved forward (never back) with time-machine, so the session cookies the server
sets stay valid for the browser's real clock."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from plans import deadlines
from plans.deadlines import VN_TZ

from ..browser_helpers import assert_no_horizontal_scroll, check_page
from ..conftest import log_in
from ..plans_helpers import make_plan

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-123"


def next_monday_at(hour: int) -> datetime:
    today = timezone.now().astimezone(VN_TZ).date()
    monday = deadlines.week_monday(today) + timedelta(weeks=1)
    return datetime.combine(monday, time(hour, 0), tzinfo=VN_TZ)


def report_this_week(page, plan, village, quantity: str, notes: str) -> None:
    page.goto(f"{page.base_url}/plans/{plan.pk}/villages/{village.code}/")
    check_page(page)
    page.get_by_test_id("report-this-week").click()
    item = plan.work_items.get()
    page.fill(f"input[name=item_{item.pk}]", quantity)
    page.fill("textarea[name=notes]", notes)
    page.fill("textarea[name=next_week_plan]", "Tiếp tục trồng hàng rào xanh")
    check_page(page)
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(f"**/plans/{plan.pk}/villages/{village.code}/")


def overview_state(page, plan, village, week) -> str:
    page.goto(f"{page.base_url}/plans/{plan.pk}/weekly/?week={deadlines.iso_label(week)}")
    cell = page.locator(
        f"tr[data-testid='village-{village.code}'] td[data-week='{deadlines.iso_label(week)}'] .timeliness"
    )
    return cell.get_attribute("data-state")


def test_a_village_head_reports_on_a_phone_on_time_then_late(browser_page, cast, transactional_db):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    monday = next_monday_at(9)
    plan = make_plan(cast.commune_a, year=monday.date().isocalendar().year)
    first_week = monday.date()

    with time_machine.travel(monday, tick=True):
        log_in(page, "village_head_a", PASSWORD)
        report_this_week(page, plan, cast.village_a, "1.200", "Ra quân tuần đầu")
        assert "đúng hạn" in page.locator(".alert").first.inner_text()
        assert_no_horizontal_scroll(page)
        check_page(page)
        page.screenshot(path="/tmp/ntm-weekly-village-phone.png", full_page=True)

        log_in(page, "officer_a", PASSWORD)
        assert overview_state(page, plan, cast.village_a, first_week) == "on_time"
        check_page(page)
        page.screenshot(path="/tmp/ntm-weekly-overview-phone.png", full_page=True)

    # Friday of the following week: that week's Thursday 14:30 deadline has passed.
    friday = monday + timedelta(days=11)
    with time_machine.travel(friday, tick=True):
        log_in(page, "village_head_a", PASSWORD)
        report_this_week(page, plan, cast.village_a, "300", "Báo cáo muộn")
        assert "muộn" in page.locator(".alert").first.inner_text()

        log_in(page, "officer_a", PASSWORD)
        second_week = first_week + timedelta(weeks=1)
        assert overview_state(page, plan, cast.village_a, second_week) == "late"
        cells = page.locator(f"tr[data-testid='village-{cast.village_a.code}'] .timeliness")
        states = [cells.nth(i).get_attribute("data-state") for i in range(cells.count())]
        assert states[:2] == ["late", "on_time"]  # newest week first
        assert (
            "Muộn 18 giờ"
            in page.locator(f"td[data-week='{deadlines.iso_label(second_week)}']").first.inner_text()
        )
        page.screenshot(path="/tmp/ntm-weekly-overview-late-phone.png", full_page=True)
