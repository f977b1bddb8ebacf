"""The first pages: commune page and district page, their scoping and their query budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.services import assessment_reevaluate

from .factories import CommuneFactory


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
    response = login(client, cast.officer_a).get(reverse("communes:commune", args=[cast.commune_a.code]))
    assert response.status_code == 200
    page = response.content.decode()
    for code in range(1, 20):
        assert f'id="criterion-{code}"' in page
    # 15.3 stunting in the Bắc Trung Bộ region: ≤ 25 %; the demo value 90 % fails it.
    assert "15.3: 90 % &gt; 25 % (Bắc Trung Bộ) → chưa đạt" in page
    assert "chưa có ngưỡng" in page


def test_the_commune_page_is_404_outside_the_scope_and_asks_strangers_to_log_in(client, cast, catalogue):
    url = reverse("communes:commune", args=[cast.commune_a.code])
    assert client.get(url).status_code == 302
    for outsider in (cast.officer_b, cast.village_head_a):
        assert login(client, outsider).get(url).status_code == 404
    for user in (cast.officer_a, cast.district_member_a, cast.province_office, cast.admin):
        assert login(client, user).get(url).status_code == 200


def test_the_district_page_lists_its_communes_with_criteria_met(client, cast, catalogue):
    assess(catalogue, cast.commune_a)
    other = CommuneFactory(name="Sơn Tây", district=cast.district_a)
    response = login(client, cast.district_member_a).get(
        reverse("communes:district", args=[cast.district_a.code])
    )
    page = response.content.decode()
    assert "Sơn Bằng" in page and "Sơn Tây" in page and "Liên Minh" not in page
    met = Assessment.objects.get(commune=cast.commune_a).criteria_met
    assert f'data-testid="met-{cast.commune_a.code}">{met}/19<' in page
    assert (
        login(client, cast.officer_a)
        .get(reverse("communes:district", args=[cast.district_a.code]))
        .status_code
        == 404
    )
    assert other.name in page


def test_the_home_page_sends_each_role_to_its_unit(client, cast):
    expected = {
        cast.officer_a: reverse("communes:commune", args=[cast.commune_a.code]),
        cast.district_member_a: reverse("communes:district", args=[cast.district_a.code]),
        cast.province_office: reverse("communes:province", args=[cast.province.code]),
        cast.village_head_a: reverse("communes:village", args=[cast.village_a.code]),
    }
    for user, url in expected.items():
        assert login(client, user).get(reverse("home")).url == url


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["commune", "district", "province"])
def test_pages_cost_the_same_queries_with_2_and_20_communes(client, cast, catalogue, page):
    login(client, cast.province_office)
    for commune in (cast.commune_a, cast.commune_b):
        assess(catalogue, commune)
    unit = {"commune": cast.commune_a, "district": cast.district_a, "province": cast.province}[page]
    url = reverse(f"communes:{page}", args=[unit.code])
    small = count_queries(client, url)
    for _ in range(18):
        assess(catalogue, CommuneFactory(district=cast.district_a))
    assert count_queries(client, url) == small
    # session, user, roles; unit; sets; years or latest year; assessment/communes; catalogue
    # (criteria, indicators, thresholds) and values; regions — never per commune.
    assert small <= 13


def test_the_health_check_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"
