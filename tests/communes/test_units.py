"""Administrative units: scoping by role, search without diacritics, the import command."""

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from communes.access import get_visible_or_404
from communes.models import Commune, District, Province, Village

from ..factories import CommuneFactory, ProvinceFactory


def test_each_role_sees_exactly_its_units(cast):
    visible = lambda user: set(Commune.objects.visible_to(user))  # noqa: E731
    assert visible(cast.officer_a) == {cast.commune_a}
    assert visible(cast.village_head_a) == set()
    assert visible(cast.district_member_a) == {cast.commune_a}
    assert visible(cast.province_office) == {cast.commune_a, cast.commune_b}
    assert visible(cast.officer_b) == {cast.commune_b}
    assert visible(cast.admin) >= {cast.commune_a, cast.commune_b}
    assert set(Village.objects.visible_to(cast.village_head_a)) == {cast.village_a}
    assert set(Village.objects.visible_to(cast.officer_a)) == {cast.village_a}
    assert set(Village.objects.visible_to(cast.officer_b)) == set()
    assert set(District.objects.visible_to(cast.district_member_a)) == {cast.district_a}
    assert set(Province.objects.visible_to(cast.officer_a)) == set()


def test_the_access_helper_answers_404_outside_the_scope(cast):
    assert get_visible_or_404(Commune, cast.officer_a, pk=cast.commune_a.pk) == cast.commune_a
    with pytest.raises(Http404):
        get_visible_or_404(Commune, cast.officer_b, pk=cast.commune_a.pk)


def test_search_ignores_diacritics_and_case(cast):
    assert list(Commune.objects.search("son bang")) == [cast.commune_a]
    assert list(Commune.objects.search("SƠN BẰNG")) == [cast.commune_a]
    assert list(Village.objects.search("thinh")) == [cast.village_a]


def test_a_commune_without_a_district_belongs_to_its_province(cast):
    commune = CommuneFactory(district=None, province=cast.province, name="Xã sau sáp nhập")
    assert commune in Commune.objects.visible_to(cast.province_office)
    assert commune not in Commune.objects.visible_to(cast.district_member_a)


HEADER = "province_code,province_name,district_code,district_name,commune_code,commune_name,village_code,village_name,region\n"


def write(tmp_path, text, name="units.csv"):
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_the_import_is_idempotent(catalogue, tmp_path):
    path = write(
        tmp_path,
        "42,Hà Tĩnh,439,Hương Sơn,18100,Sơn Bằng,1810001,Thịnh Bằng,btb\n"
        "42,Hà Tĩnh,439,Hương Sơn,18100,Sơn Bằng,1810002,Thôn 2,btb\n"
        "42,Hà Tĩnh,,,18200,Xã không huyện,,,\n",
    )
    call_command("import_units", path, stdout=open(tmp_path / "out", "w"))
    call_command("import_units", path, stdout=open(tmp_path / "out", "w"))
    assert Commune.objects.count() == 2 and Village.objects.count() == 2
    assert Commune.objects.get(code="18200").district is None
    assert Commune.objects.get(code="18100").region.code == "btb"


def test_the_import_reports_every_bad_line_and_writes_nothing(catalogue, tmp_path):
    path = write(
        tmp_path,
        "42,Hà Tĩnh,439,Hương Sơn,18100,Sơn Bằng,,,\n"
        "42,Hà Tĩnh,439,,18101,Sơn Tây,,,\n"
        "42,Hà Tĩnh,439,Hương Sơn,18100,Tên khác,,,\n"
        "42,Hà Tĩnh,,,,,1810001,Thôn lạc,\n"
        "42,Hà Tĩnh,,,18102,Xã,,,vung_la\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_units", path)
    message = str(error.value)
    for line in ("Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6"):
        assert line in message
    assert "Dòng 2:" not in message
    assert Province.objects.count() == 0 and Commune.objects.count() == 0


def test_the_import_reads_excel_files(catalogue, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["24", "Bắc Giang", "217", "Lạng Giang", "10900", "Dương Đức", "1090001", "Cống Phên", "tdmnpb"]
    )
    path = tmp_path / "units.xlsx"
    workbook.save(path)
    call_command("import_units", path, stdout=open(tmp_path / "out", "w"))
    assert Village.objects.get(code="1090001").commune.name == "Dương Đức"


def test_the_import_refuses_a_file_without_the_columns(tmp_path, db):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="thiếu cột"):
        call_command("import_units", path)
    assert not ProvinceFactory._meta.model.objects.exists()
