"""The commune and village pages, the old unit addresses, home: scoping and query budgets."""

from decimal import Decimal

from django.urls import reverse

from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.services import assessment_reevaluate

from ..conftest import count_queries
from ..factories import CommuneFactory


def assess(criteria_set, commune, year=2024, value=Decimal(90)):
    assessment = Assessment.objects.create(criteria_set=criteria_set, commune=commune, year=year)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            assessment=assessment,
            indicator=indicator,
            flag=True if indicator.kind == "bool" else None,
            number=None if indicator.kind == "bool" else value,
        )
        for indicator in Indicator.objects.filter(criterion__criteria_set=criteria_set)
    )
    assessment_reevaluate(assessment=assessment)
    return assessment


def login(client, user):
    client.force_login(user)
    return client


def test_the_commune_page_shows_every_criterion_with_thresholds_and_explanations(client, cast, catalogue):
    assess(catalogue, cast.commune_a)
    # The page opens on the set in force this year; 2024 is the 2021-2025 set's.
    response = login(client, cast.officer_a).get(
        reverse("reports:commune_detail", args=[cast.commune_a.key]), {"year": 2024}
    )
    assert response.status_code == 200
    page = response.content.decode()
    for code in range(1, 20):
        assert f'id="criterion-{code}"' in page
    # 15.3 stunting in the Bắc Trung Bộ region: ≤ 25 %; the demo value 90 % fails it.
    assert "15.3: 90 % &gt; 25 % (Bắc Trung Bộ) → chưa đạt" in page
    assert "chưa có ngưỡng" in page


def test_the_commune_page_is_404_outside_the_scope_and_asks_strangers_to_log_in(client, cast, catalogue):
    url = reverse("reports:commune_detail", args=[cast.commune_a.key])
    assert client.get(url).status_code == 302
    for outsider in (cast.officer_b, cast.village_head_a):
        assert login(client, outsider).get(url).status_code == 404
    for user in (cast.officer_a, cast.district_member_a, cast.province_office, cast.admin):
        assert login(client, user).get(url).status_code == 200


def test_the_old_district_and_province_pages_move_permanently_to_their_dashboards(client, cast, catalogue):
    assess(catalogue, cast.commune_a)
    other = CommuneFactory(name="Sơn Tây", district=cast.district_a)
    moves = {
        f"/districts/{cast.district_a.code}/": reverse("reports:district", args=[cast.district_a.key]),
        f"/provinces/{cast.province.code}/": reverse("reports:province", args=[cast.province.key]),
        f"/communes/{cast.commune_a.code}/": reverse("reports:commune_detail", args=[cast.commune_a.key]),
        f"/villages/{cast.village_a.code}/": reverse("reports:village", args=[cast.village_a.code]),
    }
    for old, new in moves.items():
        response = login(client, cast.province_office).get(old + "?set=xa_ntm_2021_2025&year=2024")
        assert response.status_code == 301 and response.url == new + "?set=xa_ntm_2021_2025&year=2024"
    assert reverse("communes:district", args=[cast.district_a.key]) == f"/districts/{cast.district_a.code}/"
    page = login(client, cast.district_member_a).get(moves[f"/districts/{cast.district_a.code}/"])
    text = page.content.decode()
    assert "Sơn Bằng" in text and other.name in text and "Liên Minh" not in text
    outsider = login(client, cast.officer_a).get(f"/districts/{cast.district_a.code}/", follow=True)
    assert outsider.status_code == 404


def test_the_home_page_sends_each_role_to_its_unit(client, cast):
    expected = {
        cast.officer_a: reverse("reports:commune_detail", args=[cast.commune_a.key]),
        cast.district_member_a: reverse("reports:district", args=[cast.district_a.key]),
        cast.province_office: reverse("reports:province", args=[cast.province.key]),
        cast.village_head_a: reverse("reports:village", args=[cast.village_a.code]),
    }
    for user, url in expected.items():
        assert login(client, user).get(reverse("home")).url == url


def test_the_commune_page_costs_the_same_queries_with_2_and_20_communes(client, cast, catalogue):
    # The district and province pages are their dashboards, budgeted in test_dashboard_access.
    login(client, cast.province_office)
    for commune in (cast.commune_a, cast.commune_b):
        assess(catalogue, commune)
    url = reverse("reports:commune_detail", args=[cast.commune_a.key])
    small = count_queries(lambda: client.get(url), status=200)
    for _ in range(18):
        assess(catalogue, CommuneFactory(district=cast.district_a))
    assert count_queries(lambda: client.get(url), status=200) == small
    # session, user, roles; unit; sets; years or latest year; assessment/communes; catalogue
    # (criteria, indicators, thresholds) and values; regions; the plan and the programme of
    # the strip at the top — never per commune.
    assert small <= 15


def test_the_health_check_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"
