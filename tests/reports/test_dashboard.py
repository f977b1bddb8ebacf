"""Dashboards with the demo data: figures checked against counts made by hand from
communes/fixtures/demo.yaml (ntm_unmet per commune and year) and the plans demo (seed 004)."""

import re

import pytest
from django.urls import reverse

from communes.models import AdminMap, Commune
from criteria.models import Assessment
from reports.models import EvaluationSnapshot, ProvinceTarget

NTM = "xa_ntm_2021_2025"
ADVANCED = "xa_ntm_nang_cao_2021_2025"


def page_of(client, username, url):
    client.login(username=username, password="NtmDemo@2025")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def block(page, name, end="</div>"):
    """The text of an element with children: from its test id to the first `end`."""
    return re.sub(r"<[^>]+>", "", page.split(f'data-testid="{name}"', 1)[1].split(end, 1)[0])


def cell(page, name):
    """The whitespace-normalised text of the element carrying the test id, children included."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(name)}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def text_of(page, name):
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>(.*?)</', page, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# The demo's figures are those of 2024, the last year of the 2021-2025 set (the dashboards
# open on the set in force today, which has no demo data yet).
DEMO_YEAR = "?year=2024"


@pytest.fixture
def huong_son(client, demo):
    return page_of(client, "bcd.huongson", reverse("reports:district", args=["legacy-439"]) + DEMO_YEAR)


def test_the_huong_son_dashboard_shows_each_communes_criteria_band_and_title(huong_son):
    # 2024, NTM set: Sơn Bằng 0 unmet, Sơn Tây 2, Sơn Kim 1 5, Sơn Hồng 10, Sơn Lĩnh 16.
    expected = {
        "18190": ("19/19", "19"),
        "18172": ("17/19", "15-18"),
        "18196": ("14/19", "10-14"),
        "18139": ("9/19", "5-9"),
        "18160": ("3/19", "dưới 5"),
    }
    for code, (met, band) in expected.items():
        assert text_of(huong_son, f"met-{code}") == met
        assert text_of(huong_son, f"band-{code}") == band
    # Sơn Bằng holds the NTM title by the province's decision (the demo's illustrative record);
    # the star marks a recognition, never data alone.
    assert text_of(huong_son, "title-18190") == "★ Xã đạt chuẩn nông thôn mới — Đã được công nhận"
    for code in ("18172", "18196", "18139", "18160"):
        assert text_of(huong_son, f"title-{code}") == "—"
    assert "Liên Minh" not in huong_son and "Dương Đức" not in huong_son


def test_the_huong_son_headline_figures_match_the_hand_counts(huong_son):
    # Every commune of the district on the official list; five carry the demo's data.
    communes = Commune.objects.filter(map=AdminMap.LEGACY, district__code="439").count()
    assert text_of(huong_son, "fig-communes") == str(communes)
    assert text_of(huong_son, "fig-assessed") == "5"
    assert text_of(huong_son, "fig-average") == "12,4"  # (19 + 17 + 14 + 9 + 3) / 5
    for band in ("all", "15-18", "10-14", "5-9", "under5"):
        assert text_of(huong_son, f"fig-band-{band}") == "1"
    # Titles by state: Sơn Bằng's NTM title is recognised; its advanced set is 9/19.
    assert text_of(huong_son, f"fig-title-{NTM}-recognised") == "1"
    assert text_of(huong_son, f"fig-title-{NTM}-eligible") == "0"
    assert text_of(huong_son, f"fig-title-{ADVANCED}-eligible") == "0"
    assert text_of(huong_son, "fig-villages") == "5"  # Sơn Bằng's five villages
    drafts = Assessment.objects.filter(
        commune__district__code="439", criteria_set__code=NTM, year=2024, status="draft"
    ).count()
    assert text_of(huong_son, "fig-status-draft") == str(drafts)


def test_the_demo_regression_of_son_tay_is_flagged_on_the_district_dashboard(huong_son):
    # Sơn Tây met criterion 17 in last week's demo snapshot; its stored evaluation fails it.
    assert text_of(huong_son, "fig-regressed") == "1"
    assert "cell-regressed" in huong_son
    regressions = block(huong_son, "regressions")
    assert "Sơn Tây" in regressions


def test_the_son_bang_commune_dashboard_shows_its_criteria_chart_and_2023_plan(client, demo):
    url = reverse("reports:commune", args=["legacy-18190"])
    page = page_of(client, "canbo.sonbang", url + DEMO_YEAR)
    assert text_of(page, "criteria-met") == "19/19"
    for code in range(1, 20):
        assert f'data-testid="criterion-{code}"' in page
    assert "→ đạt" in page  # indicator explanations
    assert 'data-testid="chart"' in page and 'data-testid="history-table"' in page
    weeks = EvaluationSnapshot.objects.filter(
        assessment__commune__code="18190", assessment__criteria_set__code=NTM, assessment__year=2024
    )
    assert weeks.count() == 8
    # A plausible rise: three criteria short eight weeks ago, closing week by week.
    assert list(weeks.order_by("week_start").values_list("criteria_met", flat=True)) == [
        16,
        16,
        17,
        17,
        18,
        18,
        19,
        19,
    ]
    page_2023 = page_of(client, "canbo.sonbang", url + "?year=2023")
    assert text_of(page_2023, "criteria-met") == "18/19"  # 2023: criterion 17 unmet
    # Seed 004's weekly reports, weeks 12-15 of 2023, in the 8 weeks ending with week 15. The
    # plan was adopted on Thursday 9/3/2023 (week 10), so weeks 11-15 were due: 5 villages × 5
    # weeks = 25 expected; 12 on time, 4 late, 9 missing (nothing before the plan existed).
    assert text_of(page_2023, "compliance-on-time").startswith("12")
    assert text_of(page_2023, "compliance-late") == "4"
    assert text_of(page_2023, "compliance-missing") == "9"
    assert 'data-testid="work-items"' in page_2023 and "Trồng hàng rào xanh" in page_2023


def test_the_ha_tinh_overview_compares_the_province_targets_with_the_actual_counts(client, demo):
    page = page_of(client, "vpdp.hatinh", reverse("reports:province", args=["legacy-42"]) + DEMO_YEAR)
    # 2024 NTM: Liên Minh 19, Tùng Ảnh 19, Đức Đồng 18; Hương Sơn as above.
    assert text_of(page, "band-total-all") == "3"
    assert text_of(page, "band-total-15-18") == "2"
    assert text_of(page, "average-total") == "14,8"  # 118 / 8 = 14.75
    assert text_of(page, "average-440") == "18,7"  # (19 + 19 + 18) / 3
    # Recognised / confirmed / eligible: Liên Minh and Sơn Bằng hold the NTM title by the
    # province's (illustrative) decisions, Tùng Ảnh meets the set in a draft; Liên Minh's
    # advanced set is met in a draft only.
    assert cell(page, f"title-total-{NTM}") == "2 / 0 / 1"
    assert cell(page, f"title-total-{ADVANCED}") == "0 / 0 / 1"
    assert text_of(page, "villages-total") == "9"  # Liên Minh 4, Sơn Bằng 5
    # Targets count recognised units only; the other two counts stand beside, labelled.
    assert text_of(page, "actual-communes_ntm-2025") == "2" and text_of(page, "gap-communes_ntm-2025") == "36"
    assert cell(page, "beside-communes_ntm-2025") == "0 đã thẩm định · 1 tự đánh giá đủ điều kiện"
    assert (
        text_of(page, "actual-communes_advanced-2025") == "0"
        and text_of(page, "gap-communes_advanced-2025") == "15"
    )
    assert (
        text_of(page, "actual-communes_below-2025") == "3" and text_of(page, "gap-communes_below-2025") == "3"
    )
    # 8 of the 9 villages are recognised model residential areas (Liên Minh 4, Sơn Bằng 4).
    assert text_of(page, "actual-villages_model_percent-2025") == "88,9 %"
    # Counted on the model-commune set (QĐ 319/QĐ-TTg): no commune is recognised yet.
    assert (
        text_of(page, "actual-communes_model-2025") == "0" and text_of(page, "gap-communes_model-2025") == "5"
    )
    below = block(page, "below-list", "</ul>")
    assert [name in below for name in ("Sơn Kim 1", "Sơn Hồng", "Sơn Lĩnh")] == [True] * 3
    assert text_of(page, "below-count") == "3"
    assert ProvinceTarget.objects.filter(province__code="42").count() == 18
