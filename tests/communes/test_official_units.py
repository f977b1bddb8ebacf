"""The official unit list of both maps and the 2025 lineage, from the pinned package."""

import io
import socket

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communes.models import (
    LEGACY_LAST_DAY,
    REFORM_DATE,
    AdminMap,
    Commune,
    CommuneSuccession,
    District,
    Province,
    Region,
)
from communes.official import read_official_list
from communes.services import official_units_load

from ..factories import CommuneFactory, UserFactory, VillageFactory

CURRENT, LEGACY = AdminMap.CURRENT, AdminMap.LEGACY


@pytest.fixture(scope="module")
def official(django_db_setup, django_db_blocker):
    """Both maps and the lineage, loaded once for this module (a few seconds) inside a
    transaction rolled back after its last test; each test runs in a savepoint within it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield official_units_load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def commune(unit_map: str, code: str) -> Commune:
    return Commune.objects.select_related("province", "district").get(map=unit_map, code=code)


def predecessors(code: str) -> dict[str, str]:
    return {unit.code: unit.name for unit in commune(CURRENT, code).predecessors.all()}


# --- The package, read offline ---------------------------------------------------------------


def test_the_list_is_read_from_the_installed_package_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the official list must not touch the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    official = read_official_list()
    assert official.version == "1.0.4"
    assert (len(official.provinces), len(official.communes)) == (34, 3321)
    # The package's 10,040 legacy rows: 10,035 communes and 5 island districts without any.
    assert (len(official.legacy_provinces), len(official.legacy_districts)) == (63, 696)
    assert len(official.legacy_communes) == 10035
    assert sorted(official.district_successors) == ["318", "471", "498", "536", "755"]


# --- Both maps ----------------------------------------------------------------------------


def test_both_maps_are_loaded_with_their_dates(official, db):
    assert Province.objects.filter(map=CURRENT).count() == 34
    assert Commune.objects.filter(map=CURRENT).count() == 3321
    assert District.objects.filter(map=CURRENT).count() == 0
    assert Province.objects.filter(map=LEGACY).count() == 63
    assert District.objects.filter(map=LEGACY).count() == 696
    assert Commune.objects.filter(map=LEGACY).count() == 10035
    assert not Commune.objects.filter(map=CURRENT, district__isnull=False).exists()
    assert not Commune.objects.filter(map=LEGACY, district__isnull=True).exists()
    assert set(Commune.objects.filter(map=CURRENT).values_list("valid_from", "valid_to").distinct()) == {
        (REFORM_DATE, None)
    }
    assert set(Commune.objects.filter(map=LEGACY).values_list("valid_from", "valid_to").distinct()) == {
        (None, LEGACY_LAST_DAY)
    }
    assert set(District.objects.values_list("valid_to", flat=True).distinct()) == {LEGACY_LAST_DAY}
    assert official.counts["communes"].created == 3321


def test_communes_carry_their_kind_and_coordinates(official, db):
    huong_son = commune(CURRENT, "18133")
    assert (huong_son.name, huong_son.kind, huong_son.province.name) == ("Hương Sơn", "xa", "Hà Tĩnh")
    assert huong_son.latitude == pytest.approx(18.5206) and huong_son.longitude == pytest.approx(105.46)
    assert commune(LEGACY, "18133").kind == "thi_tran"  # thị trấn Phố Châu, the same code on the old map
    assert set(Commune.objects.filter(map=CURRENT).values_list("kind", flat=True).distinct()) == {
        "xa",
        "phuong",
        "dac_khu",
    }
    assert not Commune.objects.filter(latitude__isnull=True).exists()


def test_codes_repeat_across_maps_with_other_meanings(official, db):
    assert Province.objects.get(map=LEGACY, code="24").name == "Bắc Giang"
    assert Province.objects.get(map=CURRENT, code="24").name == "Bắc Ninh"
    assert (commune(LEGACY, "18133").name, commune(CURRENT, "18133").name) == ("Phố Châu", "Hương Sơn")


def test_a_second_load_changes_nothing_and_says_so(official, db):
    out = io.StringIO()
    call_command("load_official_units", stdout=out)
    text = out.getvalue()
    assert "Không có gì thay đổi" in text
    assert "Xã, phường, thị trấn trước 1/7/2025: 10.035 (thêm 0, sửa 0)" in text
    assert "Xã, phường, đặc khu từ 1/7/2025: 3.321 (thêm 0, sửa 0)" in text
    assert Commune.objects.count() == 10035 + 3321


def test_a_load_restores_the_listed_fields_and_keeps_everything_else(official, db):
    btb = Region.objects.get_or_create(code="btb", defaults={"name_vi": "Bắc Trung Bộ", "name_en": "NCC"})[0]
    Province.objects.filter(map=LEGACY, code="42").update(region=btb)
    Commune.objects.filter(map=CURRENT, code="18133").update(name="Tên sai", commune_group=2)
    unlisted = CommuneFactory(
        code="999001", district=None, province=Province.objects.get(map=CURRENT, code="42")
    )
    village = VillageFactory(commune=commune(LEGACY, "18190"))

    result = official_units_load()

    assert (result.counts["communes"].updated, result.changed) == (1, 1)
    assert result.counts["communes"].not_listed == 1
    huong_son = commune(CURRENT, "18133")
    assert (huong_son.name, huong_son.search_name, huong_son.commune_group) == ("Hương Sơn", "huong son", 2)
    assert Province.objects.get(map=LEGACY, code="42").region == btb
    assert Commune.objects.filter(pk=unlisted.pk).exists() and village.commune.villages.count() == 1


# --- Lineage ------------------------------------------------------------------------------


def test_a_new_commune_knows_the_old_communes_it_was_formed_from(official, db):
    assert predecessors("18133") == {
        "18133": "Phố Châu",
        "18175": "Sơn Ninh",
        "18187": "Sơn Trung",
        "18190": "Sơn Bằng",
        "18217": "Sơn Phú",
    }
    assert predecessors("18244") == {"18241": "Tùng Châu", "18244": "Trường Sơn", "18247": "Liên Minh"}
    assert predecessors("07420") == {
        "07408": "Dương Đức",
        "07411": "Tân Thanh",
        "07420": "Mỹ Thái",
        "07429": "Xuân Hương",
    }
    son_bang = commune(LEGACY, "18190")
    assert (son_bang.district.code, son_bang.district.name, son_bang.province.name) == (
        "439",
        "Hương Sơn",
        "Hà Tĩnh",
    )
    assert list(son_bang.successors.values_list("map", "code")) == [(CURRENT, "18133")]
    duong_duc = commune(LEGACY, "07408")
    assert (duong_duc.district.name, duong_duc.province.key) == ("Lạng Giang", "legacy-24")
    link = CommuneSuccession.objects.get(predecessor=son_bang)
    assert (link.is_default_successor, link.valid_from) == (True, REFORM_DATE)


def test_a_split_commune_has_several_successors_and_one_default(official, db):
    ky_loi = commune(LEGACY, "18796")  # xã Kỳ Lợi (thị xã Kỳ Anh), split three ways
    links = {
        link.successor.name: link.is_default_successor
        for link in ky_loi.successor_links.select_related("successor")
    }
    assert links == {"Vũng Áng": True, "Hoành Sơn": False, "Sông Trí": False}
    split = Commune.objects.filter(map=LEGACY, successor_links__is_default_successor=False).distinct()
    assert split.count() == 471
    assert not split.exclude(successor_links__is_default_successor=True).exists()
    assert CommuneSuccession.objects.filter(is_default_successor=True).count() == 10035
    assert CommuneSuccession.objects.count() == 10597
    # Every new unit has predecessors, but the five special zones that were island districts.
    orphans = Commune.objects.filter(map=CURRENT, predecessor_links__isnull=True)
    assert set(orphans.values_list("kind", flat=True)) == {"dac_khu"} and orphans.count() == 5


def test_old_provinces_point_to_the_province_they_merged_into(official, db):
    bac_giang = Province.objects.select_related("successor").get(map=LEGACY, code="24")
    assert (bac_giang.successor.map, bac_giang.successor.name) == (CURRENT, "Bắc Ninh")
    bac_ninh = Province.objects.get(map=CURRENT, code="24")
    assert set(bac_ninh.predecessors.values_list("name", flat=True)) == {"Bắc Giang", "Bắc Ninh"}
    assert set(Province.objects.get(map=CURRENT, code="42").predecessors.values_list("name", flat=True)) == {
        "Hà Tĩnh"
    }
    assert not Province.objects.filter(map=LEGACY, successor__isnull=True).exists()


def test_a_moved_default_successor_is_rewritten_in_place(official, db):
    ky_loi = commune(LEGACY, "18796")
    CommuneSuccession.objects.filter(predecessor=ky_loi).update(is_default_successor=False)
    CommuneSuccession.objects.filter(predecessor=ky_loi, successor__name="Sông Trí").update(
        is_default_successor=True
    )
    stale = CommuneSuccession.objects.create(
        predecessor=ky_loi, successor=commune(CURRENT, "18133"), is_default_successor=False
    )

    result = official_units_load()

    assert (result.counts["successions"].updated, result.counts["successions"].deleted) == (2, 1)
    assert not CommuneSuccession.objects.filter(pk=stale.pk).exists()
    assert ky_loi.successor_links.get(is_default_successor=True).successor.name == "Vũng Áng"


# --- Keys and URLs ------------------------------------------------------------------------


def test_a_url_names_a_unit_by_its_map_and_code(official, client, db, catalogue):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    old, new = commune(LEGACY, "18133"), commune(CURRENT, "18133")
    assert (old.key, new.key) == ("legacy-18133", "18133")
    old_page = client.get(reverse("reports:commune_detail", args=[old.key]))
    new_page = client.get(reverse("reports:commune_detail", args=[new.key]))
    assert old_page.status_code == new_page.status_code == 200
    assert old_page.context["commune"] == old and new_page.context["commune"] == new
    province = client.get(reverse("reports:province", args=["legacy-24"]))
    assert province.status_code == 200 and province.context["province"].name == "Bắc Giang"
