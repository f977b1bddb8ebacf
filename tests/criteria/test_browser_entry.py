"""The entry and approval journey in real headless Chromium, and the concurrent-edit refusal
with a second browser context."""

import pytest
from django.urls import reverse

from criteria.models import Assessment, Evidence

from ..browser_helpers import check_page
from ..conftest import log_in
from ..entry_helpers import PDF_BYTES, indicator, new_assessment

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-123"


def open_as(chromium, live_server, username: str, **context_options):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    log_in(page, username, PASSWORD)
    page.wait_for_load_state()
    return context, page


def test_officer_enters_and_submits_district_returns_then_approves_and_it_locks(
    browser_page, chromium, live_server, cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    entry = live_server.url + reverse("criteria:entry", args=[assessment.pk])
    page = browser_page
    log_in(page, "officer_a", PASSWORD)
    page.wait_for_url("**/communes/**")
    page.goto(entry)
    check_page(page)
    # On a phone: a jump list to every criterion, and the save bar held at the screen's bottom.
    page.set_viewport_size({"width": 360, "height": 780})
    jumps = page.get_by_test_id("jump-list").locator("a[href^='#criterion-']")
    assert jumps.count() == page.locator("details.criterion-section").count()
    bar = page.locator(".entry-actions").bounding_box()
    assert 780 - 200 < bar["y"] and bar["y"] + bar["height"] <= 781
    assert page.get_by_test_id("save").bounding_box()["height"] >= 44
    page.get_by_test_id("jump-list").get_by_role("link", name="Tiêu chí 15", exact=True).click()
    page.wait_for_url("**#criterion-15")  # Bootstrap scrolls smoothly: wait for the scroll to end.
    page.wait_for_function("() => document.getElementById('criterion-15').getBoundingClientRect().top < 100")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Live evaluation as the official types, in Vietnamese number format.
    page.fill(f"#id_v_{road.pk}", "82,5")
    assert page.get_by_test_id("status-3.1").inner_text() == "✓ Đạt"
    page.fill(f"#id_v_{stunting.pk}", "30")
    assert page.get_by_test_id("status-15.3").inner_text() == "✗ Chưa đạt"
    # Enter moves on instead of submitting.
    page.press(f"#id_v_{stunting.pk}", "Enter")
    assert page.evaluate("document.activeElement.id") == f"id_n_{stunting.pk}"
    assert Assessment.objects.get(pk=assessment.pk).version == 1
    page.get_by_test_id("save").click()
    page.wait_for_selector(".alert-success")
    assert Assessment.objects.get(pk=assessment.pk).version == 2

    # Evidence.
    page.set_input_files(
        f"#file_{road.pk}",
        files=[{"name": "biên bản.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.get_by_test_id("upload-3.1").click()
    page.wait_for_selector("[data-testid=evidence-link]")
    assert Evidence.objects.get().original_name == "biên bản.pdf"
    check_page(page)
    page.get_by_test_id("submit").click()
    # Criteria are unmet: the page names them and asks to confirm.
    assert "Tiêu chí 15" in page.get_by_test_id("unmet-criteria").inner_text()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_selector("[data-testid=state-%d]:has-text('Đã gửi huyện')" % assessment.pk)
    assert page.locator("[data-testid=save]").count() == 0

    # The district returns it with a reason.
    district, district_page = open_as(chromium, live_server, "district_a")
    district_page.goto(entry)
    check_page(district_page)
    district_page.fill("#return-reason", "Tỷ lệ suy dinh dưỡng 15.3 chưa đạt, kiểm tra lại")
    district_page.get_by_test_id("return").click()
    district_page.wait_for_selector("[data-testid=state-%d]:has-text('Bị trả lại')" % assessment.pk)

    # The officer sees why, fixes and resubmits.
    page.goto(entry)
    assert "kiểm tra lại" in page.get_by_test_id("return-reason").inner_text()
    check_page(page)
    page.fill(f"#id_v_{stunting.pk}", "20")
    assert page.get_by_test_id("status-15.3").inner_text() == "✓ Đạt"
    page.get_by_test_id("save").click()
    page.wait_for_selector(".alert-success")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_selector("[data-testid=state-%d]:has-text('Đã gửi huyện')" % assessment.pk)

    # The district approves; the officer can no longer edit.
    district_page.goto(entry)
    district_page.get_by_test_id("approve").click()
    district_page.get_by_test_id("confirm-approve").click()
    district_page.wait_for_selector("[data-testid=lock-badge]")
    page.goto(entry)
    assert page.get_by_test_id("lock-badge").is_visible()
    assert page.locator("[data-testid=save], [data-testid=submit], [data-testid=upload-3\\.1]").count() == 0
    assert page.locator(f"#id_v_{road.pk}").is_disabled()
    check_page(page)

    # The history shows every step.
    page.goto(live_server.url + reverse("criteria:history", args=[assessment.pk]))
    history = page.get_by_test_id("history").inner_text()
    for text in ("82,5 %", "30 %", "20 %", "biên bản.pdf", "Bị trả lại", "Đã phê duyệt", "kiểm tra lại"):
        assert text in history, text
    assert page.locator("tr.history-status").count() == 4
    check_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(entry)
    page.screenshot(path="/tmp/ntm-entry-phone.png", full_page=False)
    district.close()


def test_a_second_browser_is_refused_and_shown_what_the_first_changed(chromium, live_server, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    entry = live_server.url + reverse("criteria:entry", args=[assessment.pk])
    first, first_page = open_as(chromium, live_server, "officer_a")
    second, second_page = open_as(chromium, live_server, "officer_a")
    first_page.goto(entry)
    second_page.goto(entry)
    first_page.fill(f"#id_v_{road.pk}", "85")
    first_page.get_by_test_id("save").click()
    first_page.wait_for_selector(".alert-success")
    second_page.fill(f"#id_v_{road.pk}", "70")
    second_page.get_by_test_id("save").click()
    conflict = second_page.get_by_test_id("conflict").inner_text()
    assert "3.1" in conflict and "85 %" in conflict
    assert second_page.input_value(f"#id_v_{road.pk}") == "70"
    assert assessment.values.get(indicator=road).number == 85
    check_page(second_page)
    first.close()
    second.close()


def test_the_entry_page_works_without_javascript(chromium, live_server, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    context, page = open_as(chromium, live_server, "officer_a", java_script_enabled=False)
    page.goto(live_server.url + reverse("criteria:entry", args=[assessment.pk]))
    page.fill(f"#id_v_{road.pk}", "81,5")
    page.press(f"#id_v_{road.pk}", "Enter")  # implicit submission is disabled: nothing happens
    page.wait_for_timeout(300)
    assert Assessment.objects.get(pk=assessment.pk).version == 1
    page.get_by_test_id("save").click()
    page.wait_for_selector(".alert-success")
    assert page.get_by_test_id("status-3.1").inner_text().strip() == "✓ Đạt"
    context.close()
