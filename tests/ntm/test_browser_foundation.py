"""Browser journey in real headless Chromium: the commune officer logs in and sees the page."""

import pytest

from criteria.models import Assessment

from ..browser_helpers import check_page
from ..conftest import log_in

pytestmark = pytest.mark.browser


def test_the_commune_officer_logs_in_and_sees_the_commune_page(browser_page, demo):
    page = browser_page
    log_in(page, "canbo.sonbang")
    page.wait_for_url("**/reports/communes/legacy-18190/assessments/")
    assert page.locator("h1").inner_text() == "Xã Sơn Bằng"
    check_page(page)
    # The page opens on the set in force today; the demo's assessments are of 2024.
    page.goto(page.base_url + "/reports/communes/legacy-18190/assessments/?year=2024")
    met = Assessment.objects.get(
        commune__code="18190", criteria_set__code="xa_ntm_2021_2025", year=2024
    ).criteria_met
    assert page.get_by_test_id("criteria-met").inner_text() == f"{met}/19"
    # One card per criterion of the set (the recognitions and next-steps cards are not).
    assert (
        page.locator(
            "section.card:not([data-testid=unit-recognitions]):not([data-testid=next-steps])"
        ).count()
        == 19
    )
    check_page(page)
    # On a phone every indicator's result is on screen, not in a column scrolled out of sight.
    page.set_viewport_size({"width": 360, "height": 780})
    result = page.locator("[data-testid^=result-]").first
    assert result.inner_text().startswith(("✓", "✗", "?", "–"))
    box = result.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/ntm-commune-page.png", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/ntm-commune-page-phone.png", full_page=False)
