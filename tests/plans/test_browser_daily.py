"""Daily photo reports in real headless Chromium at phone width: the demo village head posts a
real JPEG carrying GPS data, sees it in the feed, and finds this week's report pre-filled with
the week's daily quantities; the stored photo has no GPS. And Sơn Bằng's 2023 campaign in the
demo shows its daily photo reports (seed 004)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from criteria.evaluation import format_number
from plans import deadlines
from plans.models import DailyReport, Plan

from ..browser_helpers import check_page
from ..conftest import log_in
from ..plans_helpers import has_gps, make_jpeg

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 780}
SHOTS = "/work/shots"


def _keep_location_reads_well(page) -> None:
    """At 360 and 390 px the "keep location" box sits beside its label, vertically centred
    on the label's first line, and the help text is on its own line below, as wide as the
    form, not squeezed beside the box."""
    size = page.viewport_size
    for viewport in (NARROW, PHONE):
        page.set_viewport_size(viewport)
        box = page.locator("#id_keep_location").bounding_box()
        label = page.locator("label[for=id_keep_location]").bounding_box()
        help_text = page.locator("#id_keep_location_helptext").bounding_box()
        form = page.locator("form.daily-form").bounding_box()
        assert box["x"] + box["width"] <= label["x"]
        assert label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + label["height"]
        assert help_text["y"] >= label["y"] + label["height"] - 1
        assert help_text["x"] <= box["x"] + 1 and help_text["width"] >= form["width"] - 2
    page.set_viewport_size(size)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_village_head_posts_a_photo_sees_it_in_the_feed_and_in_the_weekly_report(
    media, browser_page, demo
):
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, "truongthon.huongson")
    page.wait_for_url("**/reports/villages/18133001/")
    plan = Plan.objects.get(commune__code="18133", year=timezone.localdate().isocalendar().year)
    page.goto(f"{page.base_url}/plans/{plan.pk}/villages/18133001/")
    page.get_by_test_id("daily-post").click()
    page.wait_for_url(f"**/plans/{plan.pk}/daily/new/**")
    assert page.locator("input[type=file][capture=environment][accept='image/*']").count() == 1
    assert not page.locator("input[name=keep_location]").is_checked()
    page.set_input_files(
        "input[name=photo]", files=[{"name": "IMG_2001.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg()}]
    )
    item = plan.work_items.get(name="Trồng hàng rào xanh")
    page.select_option("select[name=work_item]", str(item.pk))
    page.fill("input[name=quantity]", "35")
    page.fill("textarea[name=note]", "Trồng hàng rào xanh đầu thôn")
    check_page(page)
    _keep_location_reads_well(page)
    page.screenshot(path="/tmp/ntm-daily-form-phone.png", full_page=True)
    page.set_viewport_size(NARROW)
    page.screenshot(path=f"{SHOTS}/daily_form_360.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.get_by_test_id("submit-daily").click()
    page.wait_for_url(f"**/plans/{plan.pk}/daily/?day=*")
    report = DailyReport.objects.filter(posted_by__username="truongthon.huongson").latest("pk")
    post = page.get_by_test_id(f"daily-post-{report.pk}")
    assert "Trồng hàng rào xanh đầu thôn" in post.inner_text()
    # A lazy thumbnail: loaded once scrolled to.
    thumbnail = post.locator("img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert "Thịnh Bằng" in page.get_by_test_id("posted").inner_text()
    check_page(page)
    page.screenshot(path="/tmp/ntm-daily-feed-phone.png", full_page=True)
    # The head corrects the quantity from the feed; the feed shows the new one.
    post.get_by_test_id(f"daily-edit-{report.pk}").click()
    page.wait_for_url(f"**/plans/daily/{report.pk}/edit/")
    assert page.locator("input[name=quantity]").input_value() == "35"
    page.fill("input[name=quantity]", "42,5")
    check_page(page)
    _keep_location_reads_well(page)
    page.screenshot(path=f"{SHOTS}/daily_edit_390.png", full_page=True)
    page.get_by_test_id("submit-daily-edit").click()
    page.wait_for_url(f"**/plans/{plan.pk}/daily/?day=*")
    assert "42,5" in page.get_by_test_id(f"daily-post-{report.pk}").inner_text()
    check_page(page)
    page.screenshot(path=f"{SHOTS}/daily_feed_390.png", full_page=True)
    report.refresh_from_db()
    # The stored photo: resized, without GPS (the box was not ticked), its shooting time kept.
    assert (report.latitude, report.longitude, report.quantity) == (None, None, Decimal("42.5"))
    assert max(report.photo_width, report.photo_height) == 1600
    assert report.photo_taken_at is not None
    assert not has_gps(report.photo.read())
    # This week's report starts from the week's daily quantities.
    week = deadlines.current_week(timezone.now())
    page.goto(
        f"{page.base_url}/plans/{plan.pk}/villages/18133001/weeks/{week.isocalendar()[0]}/{week.isocalendar()[1]}/"
    )
    assert page.get_by_test_id("prefilled").is_visible()
    sums = DailyReport.objects.week_sums(plan=plan, village=report.village, monday=week)
    with translation.override("vi"):
        expected = format_number(sums[item.pk]).replace("\u00a0", "")
    assert page.locator(f"input[name=item_{item.pk}]").input_value() == expected
    assert sums[item.pk] >= Decimal("42.5")
    check_page(page)


def test_son_bangs_2023_campaign_shows_its_daily_photo_reports(media, browser_page, demo):
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, "canbo.sonbang")
    page.wait_for_load_state()
    plan = Plan.objects.get(commune__name="Sơn Bằng", year=2023)
    page.goto(f"{page.base_url}/plans/{plan.pk}/daily/?day=2023-03-21")
    assert "21/03/2023" in page.locator("h1").inner_text()
    village = page.get_by_test_id("village-" + plan.commune.villages.get(name="Thịnh Bằng").code)
    assert village.locator("li").count() >= 1
    # The thumbnail is served (through its permission check) and shown, once loaded: it is a
    # lazy image, loaded when scrolled to.
    image = village.locator("img").first
    assert page.request.get(page.base_url + image.get_attribute("src")).status == 200
    image.scroll_into_view_if_needed()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
    assert "Thành viên BCĐ phụ trách thôn Thịnh Bằng" in page.content()
    assert "Ủy ban Mặt trận Tổ quốc xã" in page.get_by_test_id("not-posted").inner_text()
    assert "Tiêu chí 17" in page.get_by_test_id("criterion-photos").inner_text()
    check_page(page)
    page.screenshot(path="/tmp/ntm-daily-son-bang-phone.png", full_page=True)
    # The Thursday reports of the wave are the sums of the days (one path: week_sums).
    for report in plan.weekly_reports.prefetch_related("lines"):
        sums = DailyReport.objects.week_sums(plan=plan, village=report.village, monday=report.week)
        assert {line.work_item_id: line.quantity for line in report.lines.all()} == sums
    assert plan.daily_reports.filter(day__lt=date(2023, 3, 15)).count() == 0
