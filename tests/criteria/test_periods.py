"""Sets have a period and a province: the 2026-2030 set as data, the sets in force in a year,
and the refusals (a set outside its years, a province's set outside its province, a province
threshold looser than the national one), on the services and through the pages."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from communes.models import Role
from criteria.demo import load_illustrative_thresholds
from criteria.evaluation import Kind, ThresholdRow, looser_than_national
from criteria.loader import CATALOGUE_DIR, catalogue_files
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, Threshold
from criteria.services import assessment_open
from reports.figures.scope import commune_sets, main_set

from ..conftest import NTM_SET
from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory, user_with_role

NEW_SET = "xa_ntm_2026_2030"
PILOT_SET = "xa_ntm_hien_dai_2026_2030"
VILLAGE_SET = "ha_tinh_kdc_kieu_mau_2022"
NAMES_2026 = [
    "Quy hoạch",
    "Hạ tầng kinh tế - xã hội",
    "Phát triển kinh tế nông thôn",
    "Đào tạo nguồn nhân lực nông thôn",
    "Văn hóa, giáo dục, y tế",
    "Giảm nghèo và an sinh xã hội",
    "Khoa học công nghệ và chuyển đổi số",
    "Môi trường và cảnh quan nông thôn",
    "Xây dựng hệ thống chính trị và hành chính công",
    "Tiếp cận pháp luật và an ninh, quốc phòng",
]


def indicator(set_code: str, code: str) -> Indicator:
    return Indicator.objects.get(criterion__criteria_set__code=set_code, code=code)


def village_set(cast) -> CriteriaSet:
    """Hà Tĩnh's set loads once its province (the cast's, code 42) exists."""
    call_command("load_catalogue", verbosity=0)
    return CriteriaSet.objects.get(code=VILLAGE_SET)


@pytest.fixture
def other_province():
    """A village of Bắc Ninh with its commune officer: outside Hà Tĩnh."""
    province = ProvinceFactory(code="24", name="Bắc Ninh")
    commune = CommuneFactory(name="Mỹ Thái", district=None, province=province)
    village = VillageFactory(name="Thôn Bắc", commune=commune)
    officer = user_with_role("officer_bn", Role.Kind.COMMUNE_OFFICER, commune=commune)
    return commune, village, officer


DECEMBER_2026 = "2026-12-01 09:00 +0700"


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


# --- the 2026-2030 set as data --------------------------------------------------------------


def test_the_2026_2030_set_has_the_10_verified_criteria_each_with_a_yes_no_stand_in(catalogue):
    new_set = CriteriaSet.objects.get(code=NEW_SET)
    assert new_set.classifier == CriteriaSet.Classifier.COMMUNE_GROUP
    assert "51/2025/QĐ-TTg" in new_set.legal_basis
    assert (new_set.valid_from_year, new_set.valid_to_year) == (2026, 2030)
    assert new_set.bands == [] and new_set.title_rule == {"min_met": None}
    assert list(new_set.criteria.values_list("name_vi", flat=True)) == NAMES_2026
    indicators = Indicator.objects.filter(criterion__criteria_set=new_set)
    assert indicators.count() == 10
    assert {(i.name_vi, i.kind, i.is_placeholder) for i in indicators} == {
        ("Đạt theo hướng dẫn của tỉnh", "bool", True)
    }
    # Only the yes/no "Đạt" of each stand-in: no group threshold is invented.
    thresholds = Threshold.objects.filter(indicator__in=indicators)
    assert set(thresholds.values_list("classifier_value", "flag", "value")) == {("", True, None)}


def test_the_modern_commune_pilot_is_a_title_whose_content_the_province_enters(cast, catalogue):
    pilot = CriteriaSet.objects.get(code=PILOT_SET)
    assert pilot.is_pilot and pilot.title_vi == "Xã nông thôn mới hiện đại"
    assert not pilot.criteria.exists() and pilot.prerequisite is None
    assessment = assessment_open(user=cast.officer_a, criteria_set=pilot, unit=cast.commune_a, year=2026)
    assert not assessment.title_qualified and assessment.criteria_total == 0


def test_every_catalogue_file_declares_the_years_its_sets_are_in_force():
    for path in catalogue_files(CATALOGUE_DIR):
        for spec in yaml.safe_load(path.read_text(encoding="utf-8"))["criteria_sets"]:
            assert spec.get("years_in_force", {}).get("from"), (path.name, spec["code"])


def test_the_2021_2025_sets_are_in_force_until_2025_and_the_2026_2030_sets_from_2026(catalogue):
    def codes(year):
        return set(
            CriteriaSet.objects.in_force(year).filter(province__isnull=True).values_list("code", flat=True)
        )

    assert codes(2021) == codes(2025) == {NTM_SET, "xa_ntm_nang_cao_2021_2025", "xa_ntm_kieu_mau_2021_2025"}
    assert codes(2026) == codes(2030) == {NEW_SET, PILOT_SET}
    assert codes(2031) == set()


def test_the_main_set_of_a_year_is_the_basic_set_in_force_that_year(cast, catalogue):
    sets = commune_sets(cast.province.pk)
    assert main_set(sets, 2024).code == NTM_SET
    assert main_set(sets, 2025).code == NTM_SET
    assert main_set(sets, 2026).code == NEW_SET
    assert main_set(sets, 2031) is None


def test_the_dashboards_open_on_the_set_in_force_this_year_and_go_back_to_earlier_years(
    client, cast, catalogue
):
    client.force_login(cast.district_member_a)
    url = reverse("reports:district", args=[cast.district_a.code])
    with time_machine.travel(DECEMBER_2026, tick=False):
        response = client.get(url)
        assert response.context["criteria_set"].code == NEW_SET and response.context["year"] == 2026
        response = client.get(url, {"year": 2024})
    assert response.context["criteria_set"].code == NTM_SET and response.context["year"] == 2024


def test_the_commune_page_opens_on_the_set_in_force_and_offers_it_to_open(client, cast, catalogue):
    client.force_login(cast.officer_a)
    url = reverse("reports:commune_detail", args=[cast.commune_a.code])
    with time_machine.travel(DECEMBER_2026, tick=False):
        response = client.get(url)
        assert response.context["criteria_set"].code == NEW_SET
        assert f'<option value="{NEW_SET}" selected>' in response.content.decode()
        response = client.get(url, {"year": 2024})
    assert response.context["criteria_set"].code == NTM_SET


# --- a set outside its years ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("set_code", "year", "words"),
    [
        (NTM_SET, 2026, "áp dụng cho các năm 2021–2025; không dùng được cho năm 2026"),
        (NEW_SET, 2024, "áp dụng cho các năm 2026–2030; không dùng được cho năm 2024"),
    ],
)
def test_a_set_is_refused_for_a_year_outside_its_period(cast, catalogue, set_code, year, words):
    criteria_set = CriteriaSet.objects.get(code=set_code)
    with pytest.raises(ValidationError) as refused:
        assessment_open(user=cast.officer_a, criteria_set=criteria_set, unit=cast.commune_a, year=year)
    assert refused.value.message_dict["year"] == [f"{criteria_set.name_vi} {words}."]
    assert not Assessment.objects.exists()


def test_a_set_is_opened_for_a_year_of_its_period(cast, catalogue):
    for set_code, year in ((NTM_SET, 2025), (NEW_SET, 2026)):
        criteria_set = CriteriaSet.objects.get(code=set_code)
        assessment = assessment_open(
            user=cast.officer_a, criteria_set=criteria_set, unit=cast.commune_a, year=year
        )
        assert assessment.pk and assessment.year == year
    # Opening again finds the same assessment.
    again = assessment_open(user=cast.officer_a, criteria_set=criteria_set, unit=cast.commune_a, year=2026)
    assert again == assessment and Assessment.objects.count() == 2


def test_opening_is_refused_outside_the_users_units(cast, catalogue):
    new_set = CriteriaSet.objects.get(code=NEW_SET)
    with pytest.raises(PermissionDenied):
        assessment_open(user=cast.officer_b, criteria_set=new_set, unit=cast.commune_a, year=2026)


def test_the_page_refuses_a_set_outside_its_period_with_the_reason(client, cast, catalogue):
    client.force_login(cast.officer_a)
    back = reverse("reports:commune", args=[cast.commune_a.code])
    response = client.post(
        reverse("criteria:create"),
        {"set": NTM_SET, "unit": cast.commune_a.code, "year": 2026, "next": back},
    )
    assert response.status_code == 302 and response.url == back
    assert "áp dụng cho các năm 2021–2025; không dùng được cho năm 2026" in messages_of(response)
    assert not Assessment.objects.exists()
    response = client.post(
        reverse("criteria:create"), {"set": NEW_SET, "unit": cast.commune_a.code, "year": 2026}
    )
    assert response.url == reverse("criteria:entry", args=[Assessment.objects.get().pk])


def test_the_refusal_reads_in_english(client, cast, catalogue):
    client.force_login(cast.officer_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("criteria:create"),
        {"set": NEW_SET, "unit": cast.commune_a.code, "year": 2025},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "applies to the years 2026–2030; it cannot be used for 2025" in messages_of(response)


def test_the_model_refuses_an_assessment_outside_the_period(cast, catalogue):
    with pytest.raises(ValidationError) as refused:
        Assessment(criteria_set=catalogue, commune=cast.commune_a, year=2026).full_clean()
    assert "year" in refused.value.message_dict


def test_the_admin_refuses_an_assessment_outside_the_period(client, cast, catalogue):
    client.force_login(cast.admin)
    response = client.post(
        "/admin/criteria/assessment/add/",
        {
            "criteria_set": catalogue.pk,
            "year": 2027,
            "commune": cast.commune_a.pk,
            "village": "",
            "values-TOTAL_FORMS": 0,
            "values-INITIAL_FORMS": 0,
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "không dùng được cho năm 2027" in response.content.decode()
    assert not Assessment.objects.exists()


# --- a province's set outside its province ----------------------------------------------------


def test_a_province_set_is_refused_for_a_village_of_another_province(cast, catalogue, other_province):
    _commune, village, officer = other_province
    ha_tinh = village_set(cast)
    with pytest.raises(ValidationError) as refused:
        assessment_open(user=officer, criteria_set=ha_tinh, unit=village, year=2024)
    assert refused.value.message_dict["criteria_set"] == [
        f"{ha_tinh.name_vi} chỉ áp dụng cho tỉnh Hà Tĩnh; Thôn Bắc thuộc tỉnh Bắc Ninh."
    ]
    assert assessment_open(user=cast.village_head_a, criteria_set=ha_tinh, unit=cast.village_a, year=2024).pk


def test_posting_a_province_set_for_another_province_is_refused(client, cast, catalogue, other_province):
    _commune, village, officer = other_province
    village_set(cast)
    client.force_login(officer)
    response = client.post(
        reverse("criteria:create"), {"set": VILLAGE_SET, "unit": village.code, "year": 2024}
    )
    assert response.status_code == 302
    assert "chỉ áp dụng cho tỉnh Hà Tĩnh; Thôn Bắc thuộc tỉnh Bắc Ninh" in messages_of(response)
    assert not Assessment.objects.filter(village=village).exists()


def test_a_set_of_the_other_unit_level_is_refused(cast, catalogue):
    ha_tinh = village_set(cast)
    with pytest.raises(ValidationError) as refused:
        assessment_open(user=cast.officer_a, criteria_set=ha_tinh, unit=cast.commune_a, year=2024)
    assert "dành cho thôn" in refused.value.message_dict["criteria_set"][0]


def test_a_province_set_is_offered_only_in_its_province(cast, catalogue, other_province):
    village_set(cast)
    province_ids = set(CriteriaSet.objects.for_province(cast.province.pk).values_list("code", flat=True))
    other_ids = set(
        CriteriaSet.objects.for_province(other_province[0].province_id).values_list("code", flat=True)
    )
    assert VILLAGE_SET in province_ids and VILLAGE_SET not in other_ids


# --- province thresholds looser than the national ones ---------------------------------------


def row(value=None, classifier="", year=None, province=1, flag=None, level=""):
    return ThresholdRow(classifier, year, province, value=value, flag=flag, level=level)


def test_looser_is_read_by_the_indicators_comparison():
    national = [row(Decimal(80), province=None)]
    assert looser_than_national(Kind.PERCENT_MIN, row(Decimal(75)), national) == national[0]
    assert looser_than_national(Kind.PERCENT_MIN, row(Decimal(80)), national) is None
    ceiling = [row(Decimal("16.5"), "dbsh", province=None)]
    assert looser_than_national(Kind.PERCENT_MAX, row(Decimal(18), "dbsh"), ceiling) == ceiling[0]
    assert looser_than_national(Kind.PERCENT_MAX, row(Decimal(15)), ceiling) is None
    # Another region's national value is not loosened by a row of this region.
    assert looser_than_national(Kind.PERCENT_MAX, row(Decimal(18), "btb"), ceiling) is None
    # A row for every year loosens the value of one year, and not a row of another year.
    yearly = [row(Decimal(50), year=2024, province=None)]
    assert looser_than_national(Kind.NUMBER_MIN, row(Decimal(45)), yearly) == yearly[0]
    assert looser_than_national(Kind.NUMBER_MIN, row(Decimal(45), year=2023), yearly) is None
    assert looser_than_national(Kind.BOOL, row(flag=False), [row(flag=True, province=None)])
    levels = ["Mức 1", "Mức 2", "Mức 3"]
    national = [row(level="Mức 2", province=None)]
    assert looser_than_national(Kind.LEVEL, row(level="Mức 1"), national, levels) == national[0]
    assert looser_than_national(Kind.LEVEL, row(level="Mức 3"), national, levels) is None
    # A province row without a value would replace the national value by none.
    assert looser_than_national(Kind.PERCENT_MIN, row(), [row(Decimal(80), province=None)])


def test_a_looser_province_threshold_is_refused_naming_the_indicator_and_the_national_value(cast, catalogue):
    water = indicator(NTM_SET, "3.1")
    with pytest.raises(ValidationError) as refused:
        Threshold(indicator=water, province=cast.province, value=75, source="QĐ thử").full_clean()
    (message,) = refused.value.message_dict["value"]
    assert message.startswith("Chỉ tiêu 3.1: ngưỡng của tỉnh ≥ 75 % lỏng hơn ngưỡng quốc gia ≥ 80 %")
    Threshold(indicator=water, province=cast.province, value=85, source="QĐ thử").full_clean()


def test_a_province_value_for_every_region_is_refused_where_one_region_has_a_stricter_national_value(
    cast, catalogue
):
    health_book = indicator(NTM_SET, "15.4")
    with pytest.raises(ValidationError) as refused:
        Threshold(indicator=health_book, province=cast.province, value=60, source="QĐ thử").full_clean()
    assert "≥ 70 % (Đồng bằng sông Hồng)" in refused.value.message_dict["value"][0]
    Threshold(
        indicator=health_book, province=cast.province, classifier_value="btb", value=60, source="QĐ thử"
    ).full_clean()


def test_a_province_threshold_looser_for_a_stand_in_or_without_a_value_is_refused(cast, catalogue):
    stand_in = indicator(NEW_SET, "1")
    with pytest.raises(ValidationError) as refused:
        Threshold(indicator=stand_in, province=cast.province, classifier_value="3", flag=False).full_clean()
    assert "flag" in refused.value.message_dict
    with pytest.raises(ValidationError):
        Threshold(indicator=indicator(NTM_SET, "3.1"), province=cast.province).full_clean()


def test_a_province_threshold_on_another_provinces_set_is_refused(cast, catalogue, other_province):
    village_set(cast)
    road = indicator(VILLAGE_SET, "3.1")
    bac_ninh = other_province[0].province
    with pytest.raises(ValidationError) as refused:
        Threshold(indicator=road, province=bac_ninh, value=7).full_clean()
    assert "chỉ áp dụng cho tỉnh Hà Tĩnh" in refused.value.message_dict["province"][0]


def test_the_admin_refuses_a_looser_province_threshold(client, cast, catalogue):
    client.force_login(cast.admin)
    water = indicator(NTM_SET, "3.1")
    data = {
        "indicator": water.pk,
        "classifier_value": "",
        "year": "",
        "province": cast.province.pk,
        "value": "70",
        "level": "",
        "flag": "unknown",
        "source": "QĐ 1/2026/QĐ-UBND",
    }
    response = client.post("/admin/criteria/threshold/add/", data)
    assert response.status_code == 200
    assert "lỏng hơn ngưỡng quốc gia ≥ 80 %" in response.content.decode()
    assert not Threshold.objects.filter(province__isnull=False).exists()
    response = client.post("/admin/criteria/threshold/add/", data | {"value": "90"})
    assert response.status_code == 302 and Threshold.objects.get(province=cast.province).value == 90


def test_the_admin_inline_refuses_a_looser_province_threshold(client, cast, catalogue):
    client.force_login(cast.admin)
    water = indicator(NTM_SET, "3.1")
    url = f"/admin/criteria/indicator/{water.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in form.fields}
    data |= {"criterion": water.criterion_id, "kind": water.kind, "order": water.order}
    national = list(water.thresholds.all())
    data |= {
        "thresholds-TOTAL_FORMS": len(national) + 1,
        "thresholds-INITIAL_FORMS": len(national),
    }
    for number, item in enumerate(national):
        prefix = f"thresholds-{number}-"
        data |= {
            prefix + "id": item.pk,
            prefix + "indicator": water.pk,
            prefix + "classifier_value": item.classifier_value,
            prefix + "year": item.year or "",
            prefix + "value": item.value,
            prefix + "flag": "unknown",
            prefix + "source": item.source,
        }
    new = f"thresholds-{len(national)}-"
    data |= {
        new + "indicator": water.pk,
        new + "classifier_value": "",
        new + "province": cast.province.pk,
        new + "value": "70",
        new + "flag": "unknown",
        new + "source": "QĐ thử",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "lỏng hơn ngưỡng quốc gia" in response.content.decode()
    assert not Threshold.objects.filter(province__isnull=False).exists()


def test_the_demo_loader_refuses_a_looser_illustrative_threshold(cast, catalogue, tmp_path):
    path = tmp_path / "looser.yaml"
    path.write_text(
        yaml.safe_dump(
            {"source": "minh họa", "criteria_set": NTM_SET, "provinces": ["42"], "thresholds": {"3.1": 70}}
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        load_illustrative_thresholds(path)
    assert not Threshold.objects.filter(province__isnull=False).exists()


def test_the_demo_thresholds_keep_the_national_value_where_there_is_one(cast, catalogue):
    load_illustrative_thresholds()
    health_book = indicator(NTM_SET, "15.4")
    rows = health_book.thresholds.filter(province=cast.province)
    assert set(rows.values_list("classifier_value", flat=True)) == {"btb", "dhntb", "tn", "dnb", "dbscl"}


# --- the loader keeps what provinces entered --------------------------------------------------


def test_loading_the_catalogue_again_keeps_what_provinces_entered(cast, catalogue):
    ha_tinh = village_set(cast)
    water = indicator(NTM_SET, "3.1")
    own = Threshold.objects.create(
        indicator=water, province=cast.province, value=90, source="QĐ 36/2022/QĐ-UBND"
    )
    stand_in = indicator(NEW_SET, "1")
    group = Threshold.objects.create(
        indicator=stand_in, province=cast.province, classifier_value="3", flag=True, source="QĐ tỉnh"
    )
    # The office details a criterion the file leaves undetailed, with its own indicator.
    criterion = Criterion.objects.get(criteria_set=ha_tinh, code="6")
    Criterion.objects.filter(pk=criterion.pk).update(is_detailed=True)
    added = Indicator.objects.create(
        criterion=criterion, code="6.1", name_vi="Nhà ở đạt chuẩn", kind="bool", order=1
    )
    added_threshold = Threshold.objects.create(indicator=added, flag=True, source="QĐ tỉnh")
    call_command("load_catalogue", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    assert Threshold.objects.get(pk=own.pk).value == 90
    assert Threshold.objects.get(pk=group.pk).flag is True
    assert Criterion.objects.get(pk=criterion.pk).is_detailed
    assert Indicator.objects.get(pk=added.pk).name_vi == "Nhà ở đạt chuẩn"
    assert Threshold.objects.filter(pk=added_threshold.pk).exists()


def test_loading_reports_a_province_value_that_a_national_value_is_now_stricter_than(cast, catalogue):
    water = indicator(NTM_SET, "3.1")
    # Entered before the national value was raised (written directly, as an old row would be).
    old = Threshold.objects.create(indicator=water, province=cast.province, value=70, source="QĐ cũ")
    errors = StringIO()
    call_command("load_catalogue", verbosity=0, stderr=errors)
    assert (
        "Hà Tĩnh: Chỉ tiêu 3.1: ngưỡng của tỉnh ≥ 70 % lỏng hơn ngưỡng quốc gia ≥ 80 %" in errors.getvalue()
    )
    assert Threshold.objects.get(pk=old.pk).value == 70


def test_a_catalogue_file_with_a_reversed_period_is_refused(db, tmp_path):
    from criteria.loader import CatalogueError, load_catalogue_file

    path = Path(tmp_path / "bad.yaml")
    path.write_text(
        yaml.safe_dump(
            {
                "criteria_sets": [
                    {
                        "code": "bad",
                        "name_vi": "Bộ sai",
                        "unit_level": "commune",
                        "years_in_force": {"from": 2030, "to": 2026},
                        "criteria": [],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError):
        load_catalogue_file(path)


def test_the_commune_group_chooses_the_stand_in_threshold_a_province_enters(cast, catalogue):
    """Province rows by commune group apply to the communes of that group only."""
    from criteria.services import assessment_reevaluate

    new_set = CriteriaSet.objects.get(code=NEW_SET)
    stand_in = indicator(NEW_SET, "1")
    Threshold.objects.create(indicator=stand_in, province=cast.province, classifier_value="3", flag=True)
    group_3 = CommuneFactory(district=DistrictFactory(province=cast.province), commune_group=3)
    assessment = Assessment.objects.create(criteria_set=new_set, commune=group_3, year=2026)
    outcome = assessment_reevaluate(assessment=assessment)
    assert outcome.criteria_total == 10 and outcome.criteria[0].results[0][2].threshold.province_id


def test_a_province_set_binds_to_the_province_of_its_period_and_follows_it_across_the_reform(
    catalogue, other_province
):
    import datetime

    from communes.models import LEGACY_LAST_DAY, REFORM_DATE, AdminMap

    new_ha_tinh = ProvinceFactory(code="42", name="Hà Tĩnh", map=AdminMap.CURRENT, valid_from=REFORM_DATE)
    old_ha_tinh = ProvinceFactory(
        code="42",
        name="Hà Tĩnh",
        map=AdminMap.LEGACY,
        valid_from=datetime.date(1991, 8, 12),
        valid_to=LEGACY_LAST_DAY,
        successor=new_ha_tinh,
    )
    call_command("load_catalogue", verbosity=0)
    ha_tinh = CriteriaSet.objects.get(code=VILLAGE_SET)
    assert ha_tinh.province == old_ha_tinh  # the set of 2022 is the old map's Hà Tĩnh's
    new_village = VillageFactory(commune=CommuneFactory(district=None, province=new_ha_tinh))
    old_village = VillageFactory(commune=CommuneFactory(district=None, province=old_ha_tinh))
    ha_tinh.check_use(unit=new_village, year=2026)
    ha_tinh.check_use(unit=old_village, year=2024)
    with pytest.raises(ValidationError):
        ha_tinh.check_use(unit=other_province[1], year=2026)
