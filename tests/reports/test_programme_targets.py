"""A province programme's targets on the province dashboard: attached to the programme,
each with its actual value or why it is not tracked, at a fixed number of queries whatever
the number of targets."""

from decimal import Decimal

from django.urls import reverse

from plans.models import Programme
from reports.figures.scope import total_figures
from reports.figures.targets import target_lines, untracked_reason
from reports.models import ProvinceTarget

from ..conftest import count_queries
from ..dashboard_helpers import populate

K = ProvinceTarget.Kind


def _programme(province):
    return Programme.objects.create(
        province=province, name="Chương trình hành động", start_year=2021, end_year=2025, is_illustrative=True
    )


def test_untracked_targets_say_why_and_no_number_is_made_up():
    targets = [
        ProvinceTarget(kind=K.DISTRICTS_ADVANCED_BASIC, value=Decimal(1), year=2025),
        ProvinceTarget(kind=K.VILLAGES_DIFFICULT_NTM_PERCENT, value=Decimal(60), year=2025),
        ProvinceTarget(kind=K.COMMUNES_NTM, value=Decimal(45), year=2030),
    ]
    lines = target_lines(targets, total_figures({}), None)
    assert [line.actual for line in lines] == [None, None, None]
    assert all(line.untracked for line in lines)
    assert "huyện" in untracked_reason(targets[0], None)
    assert "bãi ngang" in untracked_reason(targets[1], None)


def test_the_province_dashboard_lists_a_programmes_targets_at_the_same_cost(client, cast, catalogue):
    populate(catalogue, cast.commune_a, 2024)
    programme = _programme(cast.province)
    url = reverse("reports:province", args=[cast.province.key]) + "?year=2024"
    client.force_login(cast.province_office)
    ProvinceTarget.objects.create(
        province=cast.province,
        programme=programme,
        year=2025,
        kind=K.COMMUNES_NTM,
        value=38,
        criteria_set=catalogue,
        source="t",
    )
    small = count_queries(lambda: client.get(url), status=200)
    for kind in (K.DISTRICTS_NTM, K.DISTRICTS_ADVANCED_BASIC, K.VILLAGES_DIFFICULT_NTM_PERCENT):
        for year in (2025, 2030):
            ProvinceTarget.objects.create(
                province=cast.province, programme=programme, year=year, kind=kind, value=5, source="t"
            )
    # the same queries: targets are read once with their set and programme (select_related)
    assert count_queries(lambda: client.get(url), status=200) == small
    page = client.get(url).content.decode()
    assert 'data-testid="target-villages_difficult_ntm_percent-2030"' in page
    assert reverse("plans:programme", args=[programme.pk]) in page
    assert "chưa theo dõi được: ứng dụng không đánh giá danh hiệu của huyện" in page


def test_a_province_programme_opens_on_the_dashboards_targets(client, cast, catalogue):
    programme = _programme(cast.province)
    client.force_login(cast.province_office)
    response = client.get(reverse("plans:programme", args=[programme.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reports:province", args=[cast.province.key]) + "#targets-heading"
    client.force_login(cast.village_head_a)
    assert client.get(reverse("plans:programme", args=[programme.pk])).status_code == 404


def test_a_province_programmes_funds_are_one_click_from_its_targets(client, cast, catalogue):
    programme = _programme(cast.province)
    ProvinceTarget.objects.create(
        province=cast.province, programme=programme, year=2025, kind=K.DISTRICTS_NTM, value=4, source="t"
    )
    client.force_login(cast.province_office)
    page = client.get(reverse("reports:province", args=[cast.province.key]) + "?year=2024").content.decode()
    funds = reverse("plans:programme_funds", args=[programme.pk])
    assert funds in page
    assert client.get(funds).status_code == 200
