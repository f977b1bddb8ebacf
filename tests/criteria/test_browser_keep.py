"""No typed value is lost in a real browser: uploads and submission carry the unsaved values,
leaving warns, a closed tab's values are offered back, and logging out wipes them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from criteria.models import Assessment, Evidence, IndicatorValue

from ..conftest import log_in
from ..entry_helpers import PDF_BYTES, indicator, new_assessment

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-123"
DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('ntm-keep:')).length"


@pytest.fixture
def officer_page(browser_page, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    log_in(browser_page, "officer_a", PASSWORD)
    browser_page.wait_for_url("**/communes/**")
    dialogs = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    browser_page.dialogs = dialogs
    return browser_page


def open_entry(page, assessment):
    page.goto(page.base_url + reverse("criteria:entry", args=[assessment.pk]))


def number(assessment, item):
    row = IndicatorValue.objects.filter(assessment=assessment, indicator=item).first()
    return row.number if row else None


def test_uploading_evidence_keeps_the_values_typed_before(officer_page, cast, catalogue):
    page = officer_page
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    open_entry(page, assessment)
    page.fill(f"#id_v_{road.pk}", "97")
    page.fill(f"#id_v_{stunting.pk}", "12,5")
    page.set_input_files(
        f"#file_{road.pk}",
        files=[{"name": "biên bản.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.get_by_test_id("upload-3.1").click()
    message = page.get_by_test_id("message-3.1")
    assert "Đã tải lên biên bản.pdf" in message.inner_text()
    assert page.input_value(f"#id_v_{road.pk}") == "97"
    assert number(assessment, road) == Decimal("97") and number(assessment, stunting) == Decimal("12.5")
    assert Evidence.objects.get().original_name == "biên bản.pdf"
    # Submitting the form itself never asks "leave the page?", and the save cleared the draft.
    assert page.dialogs == [] and page.evaluate(DRAFTS) == 0


def test_submitting_keeps_the_values_typed_before(officer_page, cast, catalogue):
    page = officer_page
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    open_entry(page, assessment)
    page.fill(f"#id_v_{road.pk}", "97")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_selector("[data-testid=state-%d]:has-text('Đã gửi huyện')" % assessment.pk)
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    assert number(assessment, road) == Decimal("97")
    assert page.dialogs == []


def test_leaving_with_unsaved_values_asks_first(officer_page, cast, catalogue):
    page = officer_page
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    open_entry(page, assessment)
    page.goto(page.base_url + reverse("criteria:history", args=[assessment.pk]))
    assert page.dialogs == []  # nothing changed: no question
    open_entry(page, assessment)
    page.click(f"#id_v_{road.pk}")
    page.keyboard.type("97")
    page.goto(page.base_url + reverse("criteria:history", args=[assessment.pk]))
    assert page.dialogs == ["beforeunload"]


def test_values_of_a_closed_tab_are_offered_back_and_restored(officer_page, cast, catalogue):
    page = officer_page
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    open_entry(page, assessment)
    assert not page.get_by_test_id("keep-offer").is_visible()
    page.fill(f"#id_v_{road.pk}", "97")
    page.fill(f"#id_v_{stunting.pk}", "30")
    context = page.context
    page.close()

    again = context.new_page()
    again.base_url = page.base_url
    open_entry(again, assessment)
    assert again.get_by_test_id("keep-offer").is_visible()
    assert again.input_value(f"#id_v_{road.pk}") == ""
    again.get_by_test_id("keep-restore").click()
    assert again.input_value(f"#id_v_{road.pk}") == "97"
    assert again.get_by_test_id("status-15.3").inner_text() == "✗ Chưa đạt"
    again.get_by_test_id("save").click()
    again.wait_for_selector(".alert-success")
    assert number(assessment, road) == Decimal("97")
    # Saved: nothing is offered any more.
    assert again.evaluate(DRAFTS) == 0
    again.reload()
    assert not again.get_by_test_id("keep-offer").is_visible()


def test_logging_out_wipes_the_values_kept_in_the_browser(officer_page, cast, catalogue):
    page = officer_page
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    open_entry(page, assessment)
    page.fill(f"#id_v_{road.pk}", "97")
    assert page.evaluate(DRAFTS) == 1
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/**")
    assert page.evaluate(DRAFTS) == 0
    log_in(page, "officer_a", PASSWORD)
    page.wait_for_url("**/communes/**")
    open_entry(page, assessment)
    assert not page.get_by_test_id("keep-offer").is_visible()
