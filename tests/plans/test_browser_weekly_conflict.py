"""A weekly report saved by two users, in two real headless Chromium contexts: the commune
officer's older copy is refused and merged, and never reverts the village head's figure."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import deadlines
from plans.deadlines import VN_TZ
from plans.models import WeeklyReport

from ..conftest import log_in
from ..plans_helpers import make_plan

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-123"


def browser_as(chromium, live_server, username: str):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    log_in(page, username, PASSWORD)
    page.wait_for_load_state()
    return context, page


def send(page, url, **fields) -> None:
    page.goto(url)
    for name, value in fields.items():
        selector = f"input[name={name}]" if name.startswith("item_") else f"textarea[name={name}]"
        page.fill(selector, value)
    page.get_by_test_id("submit-report").click()


def test_a_weekly_report_saved_by_two_users(chromium, live_server, cast, transactional_db):
    today = timezone.now().astimezone(VN_TZ).date()
    year, week = deadlines.week_monday(today).isocalendar()[:2]
    plan = make_plan(cast.commune_a, year=year)
    fence = plan.work_items.get()
    item = f"item_{fence.pk}"
    url = live_server.url + reverse("plans:report", args=[plan.pk, cast.village_a.code, year, week])
    head_context, head = browser_as(chromium, live_server, "village_head_a")
    officer_context, officer = browser_as(chromium, live_server, "officer_a")

    send(head, url, **{item: "4", "notes": "Ra quân"})
    head.wait_for_url(f"**/plans/{plan.pk}/villages/{cast.village_a.code}/")
    officer.goto(url)  # the officer's copy: 4 m
    send(head, url, **{item: "50"})
    head.wait_for_url(f"**/plans/{plan.pk}/villages/{cast.village_a.code}/")

    officer.fill("textarea[name=next_week_plan]", "Kiểm tra hàng rào")
    officer.get_by_test_id("submit-report").click()
    officer.wait_for_selector("[data-testid=conflict]")
    row = officer.get_by_test_id(f"conflict-{item}").inner_text()
    assert "4 m" in row and "50 m" in row
    assert officer.input_value(f"input[name={item}]") == "50"
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    officer.screenshot(path="/tmp/ntm-weekly-conflict-phone.png", full_page=True)
    officer.get_by_test_id("submit-report").click()
    officer.wait_for_url(f"**/plans/{plan.pk}/villages/{cast.village_a.code}/")

    report = WeeklyReport.objects.get(plan=plan)
    assert report.lines.get().quantity == Decimal(50)
    assert (report.notes, report.next_week_plan) == ("Ra quân", "Kiểm tra hàng rào")
    head_context.close()
    officer_context.close()
