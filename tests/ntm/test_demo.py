"""Demo data from the seed documents: loads, and loads again without duplicating anything."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from communes.models import Commune, Role, Village
from criteria.models import Assessment, IndicatorValue, Threshold


def counts():
    return [
        model.objects.count()
        for model in (Commune, Village, Role, Assessment, IndicatorValue, Threshold, get_user_model())
    ]


def test_the_demo_loads_the_seed_communes_and_loading_it_again_duplicates_nothing(demo, tmp_path):
    before = counts()
    call_command("load_demo", provinces="42,24", stdout=open(tmp_path / "out", "w"))
    assert counts() == before
    son_bang = Commune.objects.get(map="legacy", name="Sơn Bằng")
    assert son_bang.is_legacy and son_bang.code == "18190"
    assert son_bang.district.name == "Hương Sơn" and son_bang.province.name == "Hà Tĩnh"
    assert "Thịnh Bằng" in son_bang.villages.values_list("name", flat=True)
    duong_duc = Commune.objects.get(map="legacy", name="Dương Đức")
    assert set(duong_duc.villages.values_list("name", flat=True)) == {
        "Thượng",
        "Cầu Đàm",
        "Cầu Ván",
        "Đồng Than",
        "Cống Phên",
        "Hồng Giang",
    }
    assert Commune.objects.get(map="legacy", name="Liên Minh").district.name == "Đức Thọ"


def test_illustrative_thresholds_are_province_rows_and_labelled(demo):
    illustrative = Threshold.objects.filter(is_illustrative=True)
    assert illustrative.exists()
    assert not illustrative.filter(province__isnull=True).exists()
    assert all("minh họa" in source for source in illustrative.values_list("source", flat=True))


def test_every_band_occurs_in_the_demo_and_duong_duc_has_12_advanced_criteria(demo):
    ntm_2024 = Assessment.objects.filter(criteria_set__code="xa_ntm_2021_2025", year=2024)
    assert {
        a.criteria_set.band_of(a.criteria_met, a.criteria_total).code
        for a in ntm_2024.select_related("criteria_set")
    } == {"all", "15-18", "10-14", "5-9", "under5"}
    advanced = Assessment.objects.get(
        criteria_set__code="xa_ntm_nang_cao_2021_2025", commune__name="Dương Đức"
    )
    assert advanced.criteria_met == 12 and not advanced.title_qualified
    assert not advanced.results.get(criterion__code="8").met


def test_demo_users_can_log_in_with_the_readme_password(demo, client):
    assert client.login(username="canbo.sonbang", password="NtmDemo@2025")


def test_the_demo_loads_every_catalogue_set_with_its_years_and_keeps_the_province_rows(demo, tmp_path):
    from criteria.models import CriteriaSet

    periods = dict(
        CriteriaSet.objects.values_list("code", "valid_from_year").filter(
            code__in=[
                "xa_ntm_2021_2025",
                "xa_ntm_2026_2030",
                "xa_ntm_hien_dai_2026_2030",
                "ha_tinh_kdc_kieu_mau_2022",
            ]
        )
    )
    assert periods == {
        "xa_ntm_2021_2025": 2021,
        "xa_ntm_2026_2030": 2026,
        "xa_ntm_hien_dai_2026_2030": 2026,
        "ha_tinh_kdc_kieu_mau_2022": 2022,
    }
    province_rows = set(Threshold.objects.filter(province__isnull=False).values_list("pk", "value"))
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo", stdout=open(tmp_path / "out", "w"))
    assert set(Threshold.objects.filter(province__isnull=False).values_list("pk", "value")) == province_rows
