"""Hostile unit codes and GET parameters on the pages that read them: a NUL byte (which
PostgreSQL refuses in text), a negative or huge year. Each is a 404 or the page with its
default, never a server error."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from ..excel_helpers import assess
from ..plans_helpers import make_plan

NUL = "a\x00b"
BAD_YEARS = ["-1", "99999999999", "2024\x00"]


@pytest.fixture
def world(client, cast, catalogue):
    assess(catalogue, cast.commune_a, year=2024)
    make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    client.force_login(cast.admin)
    return cast


def answers(client, path: str, data: dict | None = None) -> int | str:
    """The status of a GET, or the name of the error it raised (a 500 in production)."""
    try:
        return client.get(path, data or {}).status_code
    except Exception as error:  # noqa: BLE001 - the error is the finding
        return f"{type(error).__name__}: {error}"


def with_code(name: str, code: str) -> str:
    """The page's path naming `code`, percent-encoded as a browser sends it (%00 for NUL)."""
    return reverse(name, args=["CODE"]).replace("CODE", quote(code, safe=""))


def unit_pages(cast) -> list[tuple[str, str]]:
    return [
        ("reports:district", cast.district_a.key),
        ("reports:province", cast.province.key),
        ("reports:commune", cast.commune_a.key),
        ("reports:district_villages", cast.district_a.key),
        ("reports:province_villages", cast.province.key),
        ("reports:commune_detail", cast.commune_a.key),
        ("reports:village", cast.village_a.code),
        ("reports:commune_table", cast.commune_a.key),
        ("reports:district_summary", cast.district_a.key),
        ("reports:plan_table", cast.commune_a.key),
        ("reports:import", cast.commune_a.key),
        ("plans:commune", cast.commune_a.key),
        ("communes:office_communes", cast.province.key),
        ("communes:office_accounts", cast.province.key),
        ("criteria:province_thresholds", cast.province.key),
    ]


def test_a_nul_byte_in_a_unit_code_is_not_found(client, world):
    found = {
        (name, code): answers(client, with_code(name, code))
        for name, _key in unit_pages(world)
        for code in (NUL, "legacy-" + NUL)
    }
    assert {call: status for call, status in found.items() if status != 404} == {}


@pytest.mark.parametrize("param", ["set", "qualified", "sort"])
def test_a_nul_byte_in_a_parameter_is_not_found_or_ignored(client, world, param, catalogue):
    found = {
        name: answers(
            client, reverse(name, args=[key]), {"set": catalogue.code, "year": "2024"} | {param: NUL}
        )
        for name, key in unit_pages(world)
    }
    assert {name: status for name, status in found.items() if status not in (200, 302, 404)} == {}


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_negative_or_huge_year_is_the_default_year_or_not_found(client, world, year, catalogue):
    found = {
        name: answers(client, reverse(name, args=[key]), {"year": year, "set": catalogue.code})
        for name, key in unit_pages(world)
    }
    assert {name: status for name, status in found.items() if status not in (200, 302, 404)} == {}


def test_a_huge_year_on_a_dashboard_falls_back_to_the_default_year_with_a_message(client, world, catalogue):
    path = reverse("reports:district", args=[world.district_a.key])
    default = client.get(path).context["year"]
    response = client.get(path, {"year": "99999999999"})
    assert response.status_code == 200
    assert response.context["year"] == default
    assert "Năm không hợp lệ" in response.content.decode()


def test_a_nul_byte_in_other_pages_parameters_is_not_a_server_error(client, world, catalogue):
    pages = [
        reverse("criteria:recognitions"),
        reverse("criteria:review"),
        reverse("reports:rollups"),
        reverse("reports:downloads"),
        reverse("criteria:province_thresholds", args=[world.province.key]),
    ]
    found = {
        (path, param): answers(client, path, {param: NUL})
        for path in pages
        for param in ("set", "unit", "commune", "village", "year", "week")
    }
    assert {call: status for call, status in found.items() if status not in (200, 302, 400, 404)} == {}


def test_a_set_without_criteria_gives_a_message_not_an_empty_summary(client, cast, catalogue):
    from criteria.models import CriteriaSet

    empty = CriteriaSet.objects.create(
        code="bo_trong", name_vi="Bộ chưa có tiêu chí", unit_level=CriteriaSet.UnitLevel.COMMUNE
    )
    client.force_login(cast.admin)
    url = reverse("reports:district_summary", args=[cast.district_a.key])
    response = client.get(url, {"set": empty.code, "year": 2024}, follow=True)
    assert response.status_code == 200 and "chưa có tiêu chí nào" in response.content.decode()
    url = reverse("reports:province_summary", args=[cast.province.key])
    response = client.post(url, {"set": empty.code, "year": 2024}, follow=True)
    assert "chưa có tiêu chí nào" in response.content.decode()
