"""Units of both maps: (map, code) keys, URLs by key, lineage constraints."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from communes.access import unit_lookup
from communes.models import AdminMap, Commune, CommuneSuccession, Province

from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory

CURRENT, LEGACY = AdminMap.CURRENT, AdminMap.LEGACY


def test_the_key_of_a_unit_and_its_lookup():
    assert unit_lookup("18133") == {"map": CURRENT, "code": "18133"}
    assert unit_lookup("legacy-18133") == {"map": LEGACY, "code": "18133"}
    assert Commune(map=LEGACY, code="18133").key == "legacy-18133"
    assert Province(code="42").key == "42"  # the current map is the default


def test_pages_of_a_legacy_and_a_current_unit_with_the_same_code_stay_apart(cast, client):
    province = ProvinceFactory(map=LEGACY, code=cast.province.code, name="Hà Tĩnh (cũ)")
    district = DistrictFactory(map=LEGACY, code=cast.district_a.code, province=province)
    old = CommuneFactory(map=LEGACY, code=cast.commune_a.code, name="Xã cũ cùng mã", district=district)
    client.force_login(cast.admin)
    for url_name in ["reports:commune_detail", "reports:commune", "plans:commune"]:
        assert client.get(reverse(url_name, args=[cast.commune_a.key])).context["commune"] == cast.commune_a
        assert client.get(reverse(url_name, args=[old.key])).context["commune"] == old
    for url_name, unit, name in [
        ("reports:district", district, "district"),
        ("reports:province", province, "province"),
    ]:
        assert client.get(reverse(url_name, args=[unit.key])).context[name] == unit
    assert (
        client.get(reverse("reports:province", args=[cast.province.key])).context["province"] == cast.province
    )
    # The province office of today's province does not see the old units with the same codes.
    client.force_login(cast.province_office)
    assert client.get(reverse("reports:province", args=[province.key])).status_code == 404
    # The officer of commune A sees their own commune, not the old one with the same code.
    client.force_login(cast.officer_a)
    assert client.get(reverse("reports:commune_detail", args=[old.key])).status_code == 404
    assert client.get(reverse("reports:commune_detail", args=["legacy-none"])).status_code == 404


# --- The (map, code) key ------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ProvinceFactory, DistrictFactory, CommuneFactory])
def test_a_code_is_unique_within_a_map_only(db, factory):
    factory(code="24", map=CURRENT)
    factory(code="24", map=LEGACY)
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(code="24", map=LEGACY)


def test_a_succession_is_recorded_once_and_an_old_commune_has_one_default(db):
    old, new, other = CommuneFactory(map=LEGACY), CommuneFactory(), CommuneFactory()
    CommuneSuccession.objects.create(predecessor=old, successor=new)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneSuccession.objects.create(predecessor=old, successor=new, is_default_successor=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneSuccession.objects.create(predecessor=old, successor=other, is_default_successor=True)
    CommuneSuccession.objects.create(predecessor=old, successor=other, is_default_successor=False)
    assert set(old.successors.all()) == {new, other} and list(new.predecessors.all()) == [old]


def test_a_village_records_its_predecessors(db):
    merged = VillageFactory(name="Thôn Mới")
    first, second = VillageFactory(commune=merged.commune), VillageFactory(commune=merged.commune)
    merged.predecessors.add(first, second)
    assert set(merged.predecessors.all()) == {first, second}
    assert list(first.successors.all()) == [merged]


def test_the_file_import_writes_todays_map_beside_the_old_one(catalogue, tmp_path):
    old = ProvinceFactory(map=LEGACY, code="42", name="Hà Tĩnh")
    path = tmp_path / "units.csv"
    path.write_text(
        "province_code,province_name,district_code,district_name,commune_code,commune_name,village_code,village_name\n"
        "42,Hà Tĩnh,,,18133,Hương Sơn,1813301,Thôn 1\n",
        encoding="utf-8",
    )
    call_command("import_units", path, stdout=io.StringIO())
    new = Province.objects.get(map=CURRENT, code="42")
    assert new != old and Commune.objects.get(code="18133").province == new
