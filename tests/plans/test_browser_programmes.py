"""Programmes in real headless Chromium, on the demo data, at phone (360 px) and desktop
widths: Liên Minh's officer goes from the commune landing page to its programme in one click;
Dương Đức's officer reads the 2024 plan's targets and Cống Phên's; the province office sees
every seed-003 target on the dashboard."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from communes.models import AdminMap, Province
from criteria.models import Assessment
from plans.models import Plan, Programme, SocioTarget
from reports.demo import SEED_003_TARGETS
from reports.models import ProvinceTarget, ProvinceTargetActual

from ..browser_helpers import PHONE, assert_no_horizontal_scroll, check_page
from ..conftest import log_in

pytestmark = pytest.mark.browser

WIDTHS = ({"width": 360, "height": 800}, {"width": 1280, "height": 900})


def test_programmes_plan_targets_and_province_targets_are_one_click_away(browser_page, demo):
    page = browser_page
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.context.clear_cookies()
        log_in(page, "canbo.lienminh")
        page.wait_for_load_state()
        page.goto(page.base_url + "/reports/communes/legacy-18247/")
        page.get_by_test_id("strip-programme").click()
        page.wait_for_url("**/plans/programmes/*/")
        assert "2021-2025" in page.get_by_test_id("programme-name").inner_text()
        assert "nâng cao" in page.get_by_test_id("title-target-2022").inner_text()
        assert "kiểu mẫu" in page.get_by_test_id("title-target-2024").inner_text()
        assert "4/4" in page.get_by_test_id("unit-target-2025").inner_text()
        assert_no_horizontal_scroll(page)

        page.context.clear_cookies()
        log_in(page, "canbo.duongduc")
        page.wait_for_load_state()
        page.goto(page.base_url + "/reports/communes/legacy-07408/?year=2024")
        page.get_by_test_id("strip-plan").click()
        page.wait_for_url("**/plans/*/")
        assert page.get_by_test_id("criteria-target").inner_text() == "13/19"
        assert "quý IV/2024" in page.get_by_test_id("deadline-8").inner_text()
        cong_phen = page.locator("[data-testid^=village-target-]", has_text="Cống Phên")
        assert "Đạt chuẩn thôn kiểu mẫu" in cong_phen.inner_text()
        # Trackable: its village page is one click away, it is counted on Bắc Giang's
        # model-village set (a stand-in the province completes), and the assessment that
        # decides it is linked.
        assert cong_phen.get_by_role("link", name="Cống Phên").is_visible()
        assert "Bộ tiêu chí thôn nông thôn mới kiểu mẫu tỉnh Bắc Giang" in cong_phen.inner_text()
        assert cong_phen.get_by_test_id("assessment-link").inner_text() == "Đánh giá năm 2024"
        assert page.get_by_test_id("programme-link").is_visible()
        assert_no_horizontal_scroll(page)

        page.context.clear_cookies()
        log_in(page, "vpdp.hatinh")
        page.wait_for_load_state()
        page.goto(page.base_url + "/reports/provinces/legacy-42/?year=2024")
        for year, kind, value, _set, _below in SEED_003_TARGETS:
            row = page.get_by_test_id(f"target-{kind}-{year}")
            row.scroll_into_view_if_needed()
            assert row.is_visible(), (kind, year)
            assert str(value) in row.inner_text(), (kind, year)
        assert page.get_by_test_id("gap-communes_ntm-2025").inner_text() == "36"
        # Districts are not assessed in the app: the province office reports the count itself.
        assert "tỉnh nhập" in page.get_by_test_id("target-districts_ntm-2025").inner_text()
        assert "chưa theo dõi được" in page.get_by_test_id("target-districts_advanced-2025").inner_text()
        assert_no_horizontal_scroll(page)


SHOTS = Path("/work/shots")


def _shoot(page, name: str) -> None:
    """A full-page screenshot at the phone's width, to look at the layout."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ev_{name}.png"), full_page=True)


def _bac_giang_target() -> ProvinceTarget:
    """A target of old-map Bắc Giang, whose office (vpdp.bacgiang) reports its actual: the demo
    places seed 003's targets on Hà Tĩnh, so the test gives Bắc Giang one of its own."""
    province = Province.objects.get(code="24", map=AdminMap.LEGACY)
    target, _created = ProvinceTarget.objects.get_or_create(
        province=province,
        year=2025,
        kind=ProvinceTarget.Kind.DISTRICTS_NTM,
        defaults={"value": 4, "source": "Chương trình hành động (minh họa)"},
    )
    ProvinceTargetActual.objects.get_or_create(
        target=target,
        as_of=datetime.date(2025, 6, 30),
        defaults={
            "value": 3,
            "source": "Báo cáo 125/BC-UBND của UBND tỉnh (minh họa)",
            "is_illustrative": True,
        },
    )
    return target


def test_programme_target_and_fund_pages_fit_a_phone(browser_page, demo):
    programme = Programme.objects.get(commune__code="18247", commune__map=AdminMap.LEGACY)
    numeric = SocioTarget.objects.filter(programme=programme, kind=SocioTarget.Kind.NUMERIC).first()
    counted = SocioTarget.objects.filter(programme=programme, kind=SocioTarget.Kind.COUNTED).first()
    plan = Plan.objects.filter(commune__code="18190", year=2023).first()
    plan_counted = SocioTarget.objects.filter(plan__isnull=False, kind=SocioTarget.Kind.COUNTED).first()
    province_target = _bac_giang_target()
    pages = [
        ("canbo.lienminh", "programme", reverse("plans:programme", args=[programme.pk])),
        ("canbo.lienminh", "programme_funds", reverse("plans:programme_funds", args=[programme.pk])),
        (
            "canbo.lienminh",
            "programme_target_actual",
            reverse("plans:programme_target_actual", args=[programme.pk, numeric.pk]),
        ),
        (
            "canbo.lienminh",
            "programme_counted",
            reverse("plans:programme_counted", args=[programme.pk, counted.pk]),
        ),
        ("canbo.sonbang", "funds", reverse("plans:funds", args=[plan.pk])),
        (
            "canbo.duongduc",
            "counted",
            reverse("plans:counted", args=[plan_counted.plan_id, plan_counted.pk]),
        ),
        ("vpdp.bacgiang", "target_actuals", reverse("reports:target_actuals", args=[province_target.pk])),
    ]
    page = browser_page
    user = None
    failures = []
    for username, name, url in pages:
        if username != user:
            page.context.clear_cookies()
            log_in(page, username)
            page.wait_for_load_state()
            user = username
        page.set_viewport_size(PHONE)
        response = page.goto(page.base_url + url)
        assert response.status == 200, (name, url)
        _shoot(page, name)
        try:
            check_page(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n".join(failures)


def test_son_bang_assessment_shows_its_campaign_photos_and_the_feed_leads_back(browser_page, demo):
    """Sơn Bằng's 2023 campaign posted illustrative daily photos against work items of
    criteria 2 and 17: its 2023 assessment shows them, and the filtered feed leads back."""
    assessment = Assessment.objects.get(
        commune__code="18190", commune__map=AdminMap.LEGACY, year=2023, criteria_set__code="xa_ntm_2021_2025"
    )
    page = browser_page
    log_in(page, "canbo.sonbang")
    page.wait_for_load_state()
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("criteria:entry", args=[assessment.pk]))
    for code in ("2", "17"):
        photos = page.get_by_test_id(f"daily-photos-{code}")
        photos.scroll_into_view_if_needed()
        assert "ảnh báo cáo hằng ngày" in photos.inner_text()
        thumbs = photos.locator("img")
        assert 1 <= thumbs.count() <= 3
        thumbs.first.scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=thumbs.first.element_handle()
        )
    page.get_by_test_id("daily-photos-17").screenshot(path=str(SHOTS / "ev_assessment_photos.png"))
    check_page(page)
    page.get_by_test_id("daily-photos-link-17").click()
    page.wait_for_url(lambda url: "criterion=" in url)
    assert "tiêu chí 17" in page.get_by_test_id("criterion-heading").inner_text()
    assert page.get_by_test_id("criterion-posts").locator("li").count() >= 3
    _shoot(page, "daily_criterion")
    check_page(page)
    page.get_by_test_id("assessment-back").click()
    page.wait_for_url(lambda url: reverse("criteria:entry", args=[assessment.pk]) in url)
    assert page.get_by_test_id("daily-photos-17").is_visible()
