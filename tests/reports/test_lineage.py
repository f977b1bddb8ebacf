"""A merged commune keeps its past: the new commune's pages show the old communes it was formed
from with their 2021-2025 titles, assessments and plans (read-only), the old communes' pages
point to their successors, and an assessment needs its unit alive in its year."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.models import LEGACY_LAST_DAY, REFORM_DATE, AdminMap, Commune, CommuneSuccession, Role
from criteria.access import can_edit
from criteria.models import Assessment, CriteriaSet
from criteria.services import assessment_open

from ..conftest import count_queries
from ..factories import CommuneFactory, ProvinceFactory, user_with_role

PASSWORD = "NtmDemo@2025"


def page(client, username: str, url: str) -> str:
    client.login(username=username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_new_huong_son_shows_son_bangs_titles_assessments_and_plan(client, demo):
    html = page(client, "canbo.huongson", reverse("reports:commune_detail", args=["18133"]))
    section = html[html.index('data-testid="predecessors"') :]
    son_bang = section[section.index('data-testid="predecessor-18190"') :]
    assert "/reports/communes/legacy-18190/assessments/" in son_bang
    assert "Xã đạt chuẩn nông thôn mới" in son_bang and "09/03/2023" in son_bang  # its recognition
    for assessment in Assessment.objects.filter(commune__map=AdminMap.LEGACY, commune__code="18190"):
        cell = (
            f'data-testid="past-met-{assessment.pk}">{assessment.criteria_met}/{assessment.criteria_total}<'
        )
        assert cell in son_bang
    assert "Kế hoạch phát động phong trào xây dựng nông thôn mới năm 2023" in son_bang
    # The other four old units (official lineage) have no data in the demo: named in one line.
    quiet = section[section.index('data-testid="predecessors-without-data"') :]
    for name in ("Thị trấn Phố Châu", "Xã Sơn Ninh", "Xã Sơn Phú", "Xã Sơn Trung"):
        assert name in quiet.split("</p>")[0]
    # The dashboard shows the same history.
    dashboard = page(client, "canbo.huongson", reverse("reports:commune", args=["18133"]))
    assert 'data-testid="predecessor-18190"' in dashboard


def test_the_new_communes_officer_reads_the_old_commune_but_cannot_change_it(client, demo):
    html = page(client, "canbo.huongson", reverse("reports:commune_detail", args=["legacy-18190"]))
    assert 'data-testid="successor-18133"' in html  # "now part of xã Hương Sơn"
    officer = Role.objects.get(user__username="canbo.huongson").user
    old = Assessment.objects.get(
        commune__map=AdminMap.LEGACY, commune__code="18190", year=2024, criteria_set__code="xa_ntm_2021_2025"
    )
    assert not can_edit(officer, old)
    assert client.get(reverse("criteria:entry", args=[old.pk])).status_code == 200  # read-only
    response = client.post(reverse("criteria:entry", args=[old.pk]), {"version": old.version})
    assert response.status_code in (403, 404)
    old.refresh_from_db()
    assert old.version == Assessment.objects.get(pk=old.pk).version and old.updated_by is None
    # An officer of another new commune sees none of it.
    client.login(username="canbo.ducminh", password=PASSWORD)
    assert client.get(reverse("reports:commune_detail", args=["legacy-18190"])).status_code == 404
    # The 2021-2025 account of Sơn Bằng does not see the new commune.
    client.login(username="canbo.sonbang", password=PASSWORD)
    assert client.get(reverse("reports:commune_detail", args=["18133"])).status_code == 404


def test_the_new_province_office_goes_back_to_the_2024_district_dashboards(client, demo):
    html = page(client, "vpdp.hatinh", reverse("reports:district", args=["legacy-439"]) + "?year=2024")
    assert 'data-testid="met-18190"' in html
    html = page(client, "vpdp.hatinh", reverse("reports:province", args=["legacy-42"]) + "?year=2024")
    assert "Hương Sơn" in html
    # Bắc Ninh's office reads old Bắc Giang (merged into it), never Hà Tĩnh's past.
    client.login(username="vpdp.bacninh", password=PASSWORD)
    assert client.get(reverse("reports:district", args=["legacy-217"]) + "?year=2024").status_code == 200
    assert client.get(reverse("reports:district", args=["legacy-439"]) + "?year=2024").status_code == 404


def test_villages_carry_their_predecessor_both_ways(client, demo):
    html = page(client, "truongthon.huongson", reverse("reports:village", args=["18133001"]))
    assert 'data-testid="village-predecessors"' in html and "/reports/villages/1819001/" in html
    html = page(client, "truongthon.huongson", reverse("reports:village", args=["1819001"]))
    assert 'data-testid="village-successors"' in html and "/reports/villages/18133001/" in html


def merged_commune(predecessors: int) -> Commune:
    """A new commune formed from `predecessors` old communes, each with a 2024 assessment."""
    ntm = CriteriaSet.objects.get(code="xa_ntm_2021_2025")
    new_province = ProvinceFactory(valid_from=REFORM_DATE)
    old_province = ProvinceFactory(map=AdminMap.LEGACY, successor=new_province, valid_to=LEGACY_LAST_DAY)
    new = CommuneFactory(district=None, province=new_province, valid_from=REFORM_DATE)
    for _ in range(predecessors):
        old = CommuneFactory(
            district=None, province=old_province, map=AdminMap.LEGACY, valid_to=LEGACY_LAST_DAY
        )
        CommuneSuccession.objects.create(predecessor=old, successor=new, is_default_successor=True)
        Assessment.objects.create(
            commune=old, criteria_set=ntm, year=2024, criteria_met=12, criteria_total=19
        )
    return new


@pytest.mark.parametrize("size", [1, 8])
def test_the_history_costs_the_same_queries_for_one_or_eight_predecessors(client, catalogue, size):
    sizes = {}
    for count in (size, 3):
        commune = merged_commune(count)
        user_with_role(f"officer_{count}_{size}", Role.Kind.COMMUNE_OFFICER, commune=commune)
        client.force_login(Role.objects.get(commune=commune).user)
        url = reverse("reports:commune_detail", args=[commune.key])
        sizes[count] = count_queries(lambda url=url: client.get(url), status=200)
    assert sizes[size] == sizes[3]


def test_an_assessment_needs_its_commune_alive_in_its_year(catalogue):
    ntm = catalogue
    new_set = CriteriaSet.objects.get(code="xa_ntm_2026_2030")
    province = ProvinceFactory()
    old = CommuneFactory(district=None, province=province, map=AdminMap.LEGACY, valid_to=LEGACY_LAST_DAY)
    new = CommuneFactory(district=None, province=province, valid_from=REFORM_DATE)
    admin = user_with_role("admin_lineage", Role.Kind.COMMUNE_OFFICER, commune=new)
    admin.is_superuser = True
    admin.save()
    # The old commune: never for 2026 (its set would be in force; the commune is not).
    with pytest.raises(ValidationError) as refused:
        assessment_open(user=admin, criteria_set=new_set, unit=old, year=2026)
    assert "30/06/2025" in str(refused.value.message_dict["year"])
    # The new commune: not for 2024, but for 2025 on the 2021-2025 set and for 2026 on today's.
    with pytest.raises(ValidationError) as refused:
        assessment_open(user=admin, criteria_set=ntm, unit=new, year=2024)
    assert "01/07/2025" in str(refused.value.message_dict["year"])
    assert assessment_open(user=admin, criteria_set=ntm, unit=new, year=2025).year == 2025
    assert assessment_open(user=admin, criteria_set=ntm, unit=old, year=2025).year == 2025
    assert assessment_open(user=admin, criteria_set=new_set, unit=new, year=2026).year == 2026
    assert not Assessment.objects.filter(year__in=[2024], commune=new).exists()
    assert datetime.date(2025, 6, 30) == LEGACY_LAST_DAY


def test_old_units_open_on_their_own_last_period_and_new_ones_on_todays(client, demo):
    client.login(username="bcd.huongson", password=PASSWORD)
    response = client.get(reverse("reports:district", args=["legacy-439"]))
    # The district ended on 30 June 2025: its page opens on the 2021-2025 set and the demo's
    # latest year assessed against it, not on today's set where it has nothing.
    assert response.context["criteria_set"].code == "xa_ntm_2021_2025"
    assert response.context["year"] == 2024
    client.login(username="canbo.sonbang", password=PASSWORD)
    response = client.get(reverse("reports:commune_detail", args=["legacy-18190"]))
    assert response.context["criteria_set"].code == "xa_ntm_2021_2025" and response.context["year"] == 2024
    client.login(username="canbo.huongson", password=PASSWORD)
    response = client.get(reverse("reports:commune_detail", args=["18133"]))
    assert response.context["criteria_set"].code == "xa_ntm_2026_2030"


def test_ha_tinhs_own_village_set_of_2022_still_applies_to_the_new_ha_tinh(client, demo):
    client.login(username="truongthon.huongson", password=PASSWORD)
    response = client.get(reverse("reports:village", args=["18133001"]))
    assert "ha_tinh_kdc_kieu_mau_2022" in {item.code for item in response.context["village_sets"]}
    client.login(username="truongthon.mythai", password=PASSWORD)
    response = client.get(reverse("reports:village", args=["07420005"]))
    assert "ha_tinh_kdc_kieu_mau_2022" not in {item.code for item in response.context["village_sets"]}
