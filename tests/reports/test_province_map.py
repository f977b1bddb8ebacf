"""The province map: communes drawn at their official coordinates by the server, coloured by
band (or by criteria met out of the set's number for a set without bands), each point a link to
the commune's page, with a table and a list of the communes without coordinates beside it; no
query of its own, and it fits a 360 px phone."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from communes.models import Commune, Role
from criteria.evaluation import Band
from criteria.models import Assessment, CriteriaSet
from reports import charts

from ..conftest import count_queries, log_in
from ..dashboard_helpers import add_communes, populate, snapshot_last_week
from ..factories import CommuneFactory, ProvinceFactory, user_with_role
from .test_dashboard_access import BUDGETS
from .test_pages import assess

NEW_SET = "xa_ntm_2026_2030"
# Hà Tĩnh: Sơn Bằng in the hills to the west, Liên Minh by the coast to the east and south.
SON_BANG = (18.52, 105.46)
LIEN_MINH = (18.41, 105.72)


def place(commune, latitude: float, longitude: float) -> None:
    Commune.objects.filter(pk=commune.pk).update(latitude=latitude, longitude=longitude)


def province_page(client, user, province, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:province", args=[province.key]), params)
    assert response.status_code == 200
    return response.content.decode()


def fake_row(name: str, latitude, longitude, met=None, total=19, band=None):
    commune = SimpleNamespace(name=name, latitude=latitude, longitude=longitude)
    assessment = None if met is None else SimpleNamespace(criteria_met=met, criteria_total=total)
    return SimpleNamespace(commune=commune, assessment=assessment, band=band)


BANDS = [
    Band("all", None, "19"),
    Band("15-18", 15, "15-18"),
    Band("10-14", 10, "10-14"),
    Band("5-9", 5, "5-9"),
    Band("under5", 0, "dưới 5"),
]


# The projection.


def test_the_projection_keeps_every_point_inside_the_box_with_north_up():
    coordinates = [(18.52, 105.46), (18.41, 105.72), (17.95, 106.40), (18.75, 105.10)]
    points = charts.project(coordinates, 400, 400, 20)
    for x, y in points:
        assert 20 - 1e-9 <= x <= 380 + 1e-9 and 20 - 1e-9 <= y <= 380 + 1e-9
    # North up: the northernmost point is the highest; east right: the easternmost the rightmost.
    ys = [y for _x, y in points]
    assert ys.index(min(ys)) == 3 and ys.index(max(ys)) == 2
    xs = [x for x, _y in points]
    assert xs.index(max(xs)) == 2 and xs.index(min(xs)) == 3
    # The wider axis fills the box between the margins; the other is centred.
    assert min(xs) == pytest.approx(20) and max(xs) == pytest.approx(380)
    assert (min(ys) + max(ys)) / 2 == pytest.approx(200)


def test_the_projection_shortens_longitudes_by_the_cosine_of_the_mean_latitude():
    # A square of one degree at 60° north is twice as tall as it is wide.
    points = charts.project([(60, 10), (61, 11), (60.5, 10.5)], 400, 400, 0)
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    assert (max(ys) - min(ys)) / (max(xs) - min(xs)) == pytest.approx(2, rel=0.02)


def test_a_single_commune_or_communes_on_one_meridian_sit_in_the_middle():
    assert charts.project([(18.5, 105.5)], 400, 400, 20) == [(200, 200)]
    (x1, y1), (x2, y2) = charts.project([(18.5, 105.5), (18.0, 105.5)], 400, 400, 20)
    assert x1 == x2 == 200 and (y1, y2) == (pytest.approx(20), pytest.approx(380))


# Colours and legend.


def test_points_take_their_bands_colour_darkest_for_the_highest_band():
    rows = [
        fake_row("A", 18.5, 105.5, 19, band=BANDS[0]),
        fake_row("B", 18.4, 105.6, 3, band=BANDS[4]),
        fake_row("C", 18.3, 105.7),
    ]
    built = charts.commune_map(rows, BANDS, 19)
    assert built.banded and [step.label for step in built.legend] == ["19", "15-18", "10-14", "5-9", "dưới 5"]
    assert [step.colour for step in built.legend] == list(reversed(charts.RAMP))
    a, b, c = built.points
    assert (a.colour, a.step, a.figure) == (charts.RAMP[-1], "19", "19/19")
    assert (b.colour, b.step, b.figure) == (charts.RAMP[0], "dưới 5", "3/19")
    assert c.colour is None and built.has_unassessed and not built.has_unbanded


def test_a_set_without_bands_colours_by_criteria_met_out_of_its_number():
    rows = [
        fake_row("A", 18.5, 105.5, 10, 10),
        fake_row("B", 18.4, 105.6, 0, 10),
        fake_row("C", 18.3, 105.7, 5, 10),
    ]
    built = charts.commune_map(rows, [], 10)
    assert not built.banded
    # One legend step per count, from all ten down to none.
    assert [step.label for step in built.legend] == [str(met) for met in range(10, -1, -1)]
    a, b, c = built.points
    assert (a.colour, b.colour) == (charts.RAMP[-1], charts.RAMP[0])
    assert c.colour == charts.RAMP[2] and (c.step, c.figure) == ("5", "5/10")
    # Lighter as fewer criteria are met: each step's colour differs from the next.
    colours = [step.colour for step in built.legend]
    assert len(set(colours)) == 11


def test_communes_without_coordinates_are_kept_aside_and_none_at_all_draws_no_map():
    rows = [fake_row("A", 18.5, 105.5, 10, 10), fake_row("B", None, None, 4, 10)]
    built = charts.commune_map(rows, [], 10)
    assert [point.row.commune.name for point in built.points] == ["A"]
    assert [row.commune.name for row in built.missing] == ["B"]
    assert charts.commune_map([fake_row("B", None, 105.5, 4, 10)], [], 10) is None


# The province dashboard.


def test_the_province_map_links_each_point_to_the_communes_page_with_its_band(client, cast, catalogue):
    assess(catalogue, cast.commune_a, year=2024)
    assess(catalogue, cast.commune_b, year=2024)
    Assessment.objects.filter(commune=cast.commune_b).update(criteria_met=19)
    place(cast.commune_a, *SON_BANG)
    place(cast.commune_b, *LIEN_MINH)
    page = province_page(client, cast.province_office, cast.province, set=catalogue.code, year=2024)
    map_html = page[page.index('data-testid="commune-map"') : page.index("</svg>", page.index("commune-map"))]
    a = Assessment.objects.get(commune=cast.commune_a)
    band_a = catalogue.band_of(a.criteria_met, a.criteria_total)
    url_a = reverse("reports:commune", args=[cast.commune_a.key]) + f"?set={catalogue.code}&amp;year=2024"
    assert f'<a href="{url_a}" data-testid="map-point-{cast.commune_a.code}"' in map_html
    assert f"<title>Sơn Bằng: {a.criteria_met}/19 · nhóm {band_a.label}</title>" in map_html
    assert "<title>Liên Minh: 19/19 · nhóm 19</title>" in map_html
    assert f'data-testid="map-point-{cast.commune_b.code}" data-colour="{charts.RAMP[-1]}"' in map_html
    # Sơn Bằng lies west and north of Liên Minh: left of it and higher.
    (ax, ay), (bx, by) = (point_position(map_html, c.code) for c in (cast.commune_a, cast.commune_b))
    assert ax < bx and ay < by
    # The legend says in words what each colour is.
    legend = block_of(page, "map-legend")
    assert "Nhóm theo số tiêu chí đạt" in legend
    for band in catalogue.band_list():
        assert band.label in legend


def test_the_map_has_a_text_alternative_naming_each_commune_its_criteria_and_band(client, cast, catalogue):
    assess(catalogue, cast.commune_a, year=2024)
    place(cast.commune_a, *SON_BANG)
    place(cast.commune_b, *LIEN_MINH)
    page = province_page(client, cast.province_office, cast.province, set=catalogue.code, year=2024)
    assert (
        'aria-labelledby="map-title map-desc"' in page
        and '<figcaption class="small text-muted" id="map-caption">' in page
    )
    a = Assessment.objects.get(commune=cast.commune_a)
    row_a = block_of(page, f"map-row-{cast.commune_a.code}", "</tr>")
    assert "Sơn Bằng" in row_a and f"{a.criteria_met}/19" in row_a
    assert catalogue.band_of(a.criteria_met, a.criteria_total).label in row_a
    # Commune B has no assessment: said in words, on the map and in the table.
    assert "<title>Liên Minh: chưa có đánh giá</title>" in page
    assert "Chưa có đánh giá" in block_of(page, f"map-row-{cast.commune_b.code}", "</tr>")
    assert "Chưa có đánh giá" in block_of(page, "map-legend")


def test_the_2026_2030_set_without_bands_colours_its_points_by_criteria_met_out_of_ten(
    client, cast, catalogue
):
    new_set = CriteriaSet.objects.get(code=NEW_SET)
    assert new_set.band_list() == []
    assess(new_set, cast.commune_a, year=2026)
    assess(new_set, cast.commune_b, year=2026)
    Assessment.objects.filter(commune=cast.commune_b).update(criteria_met=4)
    place(cast.commune_a, *SON_BANG)
    place(cast.commune_b, *LIEN_MINH)
    page = province_page(client, cast.province_office, cast.province, set=NEW_SET, year=2026)
    a = Assessment.objects.get(commune=cast.commune_a)
    assert f"<title>Sơn Bằng: {a.criteria_met}/10</title>" in page
    assert "<title>Liên Minh: 4/10</title>" in page
    colour_b = charts.commune_map([fake_row("B", 1, 1, 4, 10)], [], 10).points[0].colour
    assert f'data-testid="map-point-{cast.commune_b.code}" data-colour="{colour_b}"' in page
    legend = block_of(page, "map-legend")
    assert "Số tiêu chí đạt (trên 10)" in legend and "Nhóm theo" not in legend
    assert legend.count('class="swatch"') == 11
    # No band column in the table: criteria met says it all.
    table = block_of(page, "map-table", "</thead>")
    assert "Nhóm" not in table


def test_communes_without_coordinates_are_listed_under_the_map(client, cast, catalogue):
    place(cast.commune_a, *SON_BANG)
    page = province_page(client, cast.province_office, cast.province, set=catalogue.code, year=2024)
    missing = block_of(page, "map-missing", "</p>")
    assert "Chưa có tọa độ" in missing and "Liên Minh" in missing and "Sơn Bằng" not in missing
    url_b = reverse("reports:commune", args=[cast.commune_b.key])
    assert url_b in missing
    assert f"map-point-{cast.commune_b.code}" not in page


def test_the_map_reads_in_english(client, cast, catalogue):
    assess(catalogue, cast.commune_a, year=2024)
    place(cast.commune_a, *SON_BANG)
    client.cookies["django_language"] = "en"
    page = province_page(client, cast.province_office, cast.province, set=catalogue.code, year=2024)
    assert "Map of the communes of Hà Tĩnh" in page and "Bands by criteria met" in page
    assert "No coordinates yet" in page and "Communes on the map" in page
    assert "<title>Liên Minh" not in page  # not placed: listed, not drawn


def test_a_province_without_coordinates_shows_no_map(client, cast, catalogue):
    page = province_page(client, cast.province_office, cast.province)
    assert 'data-testid="commune-map"' not in page and "Bản đồ các xã" not in page


def test_another_provinces_office_sees_neither_the_page_nor_its_map(client, cast, catalogue):
    place(cast.commune_a, *SON_BANG)
    other = ProvinceFactory(name="Nghệ An")
    outsider = user_with_role("office_na", Role.Kind.PROVINCE_OFFICE, province=other)
    client.force_login(outsider)
    response = client.get(reverse("reports:province", args=[cast.province.key]))
    assert response.status_code == 404
    assert "Sơn Bằng" not in response.content.decode()


@pytest.mark.parametrize("year", [2024, 2026])
def test_the_map_costs_no_query_with_2_and_50_communes(client, cast, catalogue, year):
    criteria_set = catalogue if year == 2024 else CriteriaSet.objects.get(code=NEW_SET)
    populate(criteria_set, cast.commune_a, year, villages=2)
    populate(criteria_set, cast.commune_b, year)
    place(cast.commune_a, *SON_BANG)
    place(cast.commune_b, *LIEN_MINH)
    snapshot_last_week()
    client.force_login(cast.admin)
    url = reverse("reports:province", args=[cast.province.key]) + f"?set={criteria_set.code}&year={year}"
    small = count_queries(lambda: client.get(url), status=200)
    add_communes(criteria_set, cast.district_a, 48, year)
    for index, commune in enumerate(Commune.objects.filter(latitude__isnull=True).order_by("pk")):
        place(commune, 18.0 + index * 0.01, 105.2 + index * 0.02)
    snapshot_last_week()
    response = client.get(url)
    assert response.content.decode().count('data-testid="map-point-') == 50
    assert count_queries(lambda: client.get(url), status=200) == small
    # The province budget of the dashboards without a map: the map reads the scope's rows.
    assert small == BUDGETS["province"]


# In a real browser, at a phone's width.


@pytest.mark.browser
def test_the_map_is_visible_at_360_px_without_a_horizontal_scroll(browser_page, catalogue):
    province = ProvinceFactory(name="Hà Tĩnh", code="42")
    user_with_role("vpdp.map", Role.Kind.PROVINCE_OFFICE, province=province)
    new_set = CriteriaSet.objects.get(code=NEW_SET)
    for index in range(30):
        commune = CommuneFactory(name=f"Xã Thử Nghiệm {index}", district=None, province=province)
        if index % 10:
            place(commune, 17.9 + (index % 7) * 0.13, 105.1 + (index % 9) * 0.16)
        if index % 4:
            assess(new_set, commune, year=2026)
            assess(catalogue, commune, year=2024)
    Assessment.objects.filter(commune__name__endswith="3").update(criteria_met=3)
    Assessment.objects.filter(commune__name__endswith="7").update(criteria_met=7)
    page = browser_page
    log_in(page, "vpdp.map", "pw-for-tests-123")
    page.wait_for_url("**/reports/**")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(page.base_url + f"/reports/provinces/42/?set={NEW_SET}&year=2026")
        svg = page.get_by_test_id("commune-map")
        svg.scroll_into_view_if_needed()
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"/tmp/map-{width}.png", full_page=False)
        page.locator("#province-map").screenshot(path=f"/tmp/map-{width}-section.png")
    assert page.get_by_test_id("map-missing").is_visible()
    # The 2021-2025 set's bands, for the eye.
    Assessment.objects.filter(criteria_set=catalogue, commune__name__endswith="1").update(criteria_met=19)
    Assessment.objects.filter(criteria_set=catalogue, commune__name__endswith="2").update(criteria_met=12)
    Assessment.objects.filter(criteria_set=catalogue, commune__name__endswith="5").update(criteria_met=16)
    page.goto(page.base_url + f"/reports/provinces/42/?set={catalogue.code}&year=2024")
    assert "Nhóm theo số tiêu chí đạt" in page.get_by_test_id("map-legend").inner_text()
    page.locator("#province-map").screenshot(path="/tmp/map-1280-bands.png")
    page.locator('[data-testid^="map-point-"]').first.click()
    page.wait_for_url("**/reports/communes/**")


def point_position(html: str, code: str) -> tuple[float, float]:
    start = html.index(f'data-testid="map-point-{code}"')
    match = re.search(r'cx="([\d.]+)" cy="([\d.]+)"', html[start:])
    return float(match.group(1)), float(match.group(2))


def block_of(html: str, testid: str, end: str = "</div>") -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index(end, start)]
