"""Model titles as data: the model-commune set of QĐ 319/QĐ-TTg (the advanced set first, then
income, a smart village and the province's outstanding field), the Bắc Giang model-village
stand-in, a province office completing the criteria its own set leaves undetailed, and a set
whose criteria lack content never conferring its title."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from communes.models import AdminMap, Role
from criteria import evaluation
from criteria.evaluation import Kind, Status
from criteria.loader import CATALOGUE_DIR, load_catalogue_file
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, IndicatorValue
from criteria.province_indicators import IndicatorRefused, IndicatorSpec, province_indicator_save
from criteria.services import (
    assessment_evaluation,
    assessment_open,
    assessment_save,
    assessments_reevaluate,
)

from ..conftest import count_queries
from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory, user_with_role

MODEL_SET = "xa_ntm_kieu_mau_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
BAC_GIANG_SET = "bac_giang_thon_kieu_mau"
DECISION = {"decision_number": "12/2024/QĐ-UBND", "decision_date": "2024-03-01"}


@pytest.fixture(autouse=True)
def june_2024():
    with time_machine.travel("2024-06-03 09:00 +0700", tick=False):
        yield


@pytest.fixture
def model_set(catalogue) -> CriteriaSet:
    return CriteriaSet.objects.get(code=MODEL_SET)


@pytest.fixture
def bac_giang(catalogue):
    """Old-map Bắc Giang (province 24 until 30 June 2025) with Dương Đức and its village Cống
    Phên, their officer and village head, the province office, and the province's stand-in set."""
    province = ProvinceFactory(
        code="24", name="Bắc Giang", map=AdminMap.LEGACY, valid_to=datetime.date(2025, 6, 30)
    )
    district = DistrictFactory(name="Lạng Giang", province=province, map=AdminMap.LEGACY)
    commune = CommuneFactory(name="Dương Đức", code="07408", district=district, map=AdminMap.LEGACY)
    village = VillageFactory(name="Cống Phên", commune=commune)
    load_catalogue_file(CATALOGUE_DIR / "bac-giang-thon-kieu-mau.yaml")
    return type(
        "BacGiang",
        (),
        {
            "province": province,
            "commune": commune,
            "village": village,
            "set": CriteriaSet.objects.get(code=BAC_GIANG_SET),
            "officer": user_with_role("officer_dd", Role.Kind.COMMUNE_OFFICER, commune=commune),
            "village_head": user_with_role("head_cp", Role.Kind.VILLAGE_HEAD, village=village),
            "office": user_with_role("office_bg", Role.Kind.PROVINCE_OFFICE, province=province),
        },
    )


def add_url(province, set_code=BAC_GIANG_SET, criterion="1") -> str:
    return reverse("criteria:province_indicator_add", args=[province.key, set_code, criterion])


def content(code="1.1", **fields) -> dict:
    return (
        {
            "code": code,
            "name_vi": "Tỷ lệ hộ gia đình đạt danh hiệu gia đình văn hóa",
            "name_en": "",
            "kind": "percent_min",
            "unit": "%",
            "levels": "",
            "t_all": "90",
        }
        | DECISION
        | fields
    )


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


# --- The model-commune set -------------------------------------------------------------------


def test_the_model_commune_set_loads_and_requires_the_advanced_set(model_set):
    assert model_set.prerequisite.code == ADVANCED_SET
    assert model_set.province_id is None and model_set.unit_level == "commune"
    assert (model_set.valid_from_year, model_set.valid_to_year) == (2021, 2025)
    assert model_set.title_vi == "Xã nông thôn mới kiểu mẫu" and model_set.title_rule == {"min_met": None}
    criteria = {item.code: item for item in model_set.criteria.prefetch_related("indicators")}
    assert sorted(criteria) == ["1", "2", "3"]
    income = criteria["1"].indicators.get()
    # The advanced level per region is not in the sources: no threshold, and the file says so.
    assert income.kind == "number_min" and not income.thresholds.exists()
    assert "chưa có ngưỡng" in criteria["1"].note
    smart = criteria["2"].indicators.get()
    assert [row.value for row in smart.thresholds.all()] == [Decimal("1")]  # "at least one"
    field = criteria["3"]
    assert field.province_defined and not criteria["1"].province_defined
    stand_in = field.indicators.get()
    assert stand_in.is_placeholder and stand_in.name_vi == "Chưa có nội dung: tỉnh bổ sung"
    assert not stand_in.thresholds.exists()


def test_a_commune_is_assessed_on_the_model_set_and_its_title_waits_for_the_province(client, cast, model_set):
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("criteria:create"), {"set": MODEL_SET, "unit": cast.commune_a.code, "year": 2024}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(criteria_set=model_set, commune=cast.commune_a, year=2024)
    smart = Indicator.objects.get(criterion__criteria_set=model_set, code="2.1")
    income = Indicator.objects.get(criterion__criteria_set=model_set, code="1.1")
    outcome = assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values={smart.pk: {"value": Decimal("1")}, income.pk: {"value": Decimal("70")}},
        expected_version=None,
    )
    assert outcome.result_for(smart.pk).status is Status.MET
    assert outcome.result_for(income.pk).status is Status.NO_THRESHOLD
    assert (outcome.criteria_with_content, outcome.criteria_total) == (2, 3)
    assert not outcome.content_complete
    stored = Assessment.objects.get(pk=assessment.pk)
    assert not stored.title_qualified
    page = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert "bộ tiêu chí chưa đủ nội dung (2/3 tiêu chí có nội dung)" in page
    assert 'data-testid="no-content-3"' in page
    assert "Chưa có ngưỡng" in page


def test_the_province_fills_the_outstanding_field_for_its_own_communes(client, cast, model_set):
    assessment = assessment_open(user=cast.officer_a, criteria_set=model_set, unit=cast.commune_a, year=2024)
    client.force_login(cast.province_office)
    url = add_url(cast.province, MODEL_SET, "3")
    data = content("3.1", name_vi="Tỷ lệ hộ sử dụng dịch vụ công trực tuyến", t_btb="80")
    data.pop("t_all")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    outcome = assessment_evaluation(Assessment.objects.get(pk=assessment.pk))
    assert (outcome.criteria_with_content, outcome.criteria_total) == (3, 3)
    field = next(item for item in outcome.criteria if item.criterion.code == "3")
    assert [indicator.code for indicator, _v, _r in field.results] == ["3.1"]  # the stand-in gave way


# --- Title never met while content is missing ------------------------------------------------


def test_a_title_is_never_met_while_a_criterion_lacks_content():
    rule = evaluation.TitleRule(min_met=5)
    assert evaluation.title_qualified(rule, 5, 10, None)
    assert not evaluation.title_qualified(rule, 5, 10, None, content_complete=False)
    assert not evaluation.criterion_has_content(is_detailed=False, province_defined=False, has_own=False)
    assert not evaluation.criterion_has_content(is_detailed=True, province_defined=True, has_own=False)
    assert evaluation.criterion_has_content(is_detailed=False, province_defined=False, has_own=True)


def test_the_ha_tinh_village_set_with_five_undetailed_criteria_never_shows_its_title(client, cast, catalogue):
    load_catalogue_file(CATALOGUE_DIR / "ha-tinh-khu-dan-cu-kieu-mau-2022.yaml")  # needs province 42
    village_set = CriteriaSet.objects.get(code="ha_tinh_kdc_kieu_mau_2022")
    # Even a rule asking for the five detailed criteria only cannot be met with five lacking content.
    CriteriaSet.objects.filter(pk=village_set.pk).update(title_rule={"min_met": 5})
    village_set.refresh_from_db()
    assessment = assessment_open(
        user=cast.officer_a, criteria_set=village_set, unit=cast.village_a, year=2024
    )
    values = {}
    for indicator in Indicator.objects.filter(criterion__criteria_set=village_set):
        values[indicator.pk] = {"value": True} if indicator.kind == "bool" else {"value": Decimal("100")}
    outcome = assessment_save(
        assessment=assessment, user=cast.officer_a, values=values, expected_version=None
    )
    assert (outcome.criteria_met, outcome.criteria_with_content, outcome.criteria_total) == (5, 5, 10)
    assert not Assessment.objects.get(pk=assessment.pk).title_qualified
    client.force_login(cast.officer_a)
    page = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert "bộ tiêu chí chưa đủ nội dung (5/10 tiêu chí có nội dung)" in page


# --- The Bắc Giang stand-in and the province office completing it ----------------------------


def test_the_bac_giang_set_is_the_old_provinces_and_cong_phen_can_be_assessed(bac_giang):
    criteria_set = bac_giang.set
    assert criteria_set.province == bac_giang.province and criteria_set.unit_level == "village"
    (criterion,) = criteria_set.criteria.all()
    assert not criterion.is_detailed and criterion.name_vi == "Chưa có nội dung: tỉnh Bắc Giang bổ sung"
    assessment = assessment_open(
        user=bac_giang.village_head, criteria_set=criteria_set, unit=bac_giang.village, year=2024
    )
    outcome = assessment_evaluation(assessment)
    assert (outcome.criteria_met, outcome.criteria_with_content, outcome.criteria_total) == (0, 0, 1)


def test_the_province_office_completes_its_stand_in_criterion_and_the_village_can_qualify(client, bac_giang):
    assessment = assessment_open(
        user=bac_giang.village_head, criteria_set=bac_giang.set, unit=bac_giang.village, year=2024
    )
    client.force_login(bac_giang.office)
    listing = client.get(reverse("criteria:province_indicators", args=[bac_giang.province.key]))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Bổ sung nội dung bộ tiêu chí" in page and f'data-testid="complete-{BAC_GIANG_SET}"' in page
    assert client.get(add_url(bac_giang.province)).status_code == 200
    response = client.post(add_url(bac_giang.province), content())
    assert response.status_code == 302
    indicator = Indicator.objects.get(criterion__criteria_set=bac_giang.set)
    assert indicator.province == bac_giang.province and indicator.source.startswith("Quyết định số 12/2024")
    # Audited: the indicator's history and its threshold's, with who made them.
    assert indicator.history.get().history_user == bac_giang.office
    assert indicator.thresholds.get().history.get().history_user == bac_giang.office
    # Re-evaluated through the existing path: the assessment was marked pending.
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    assert assessments_reevaluate(criteria_set_ids=[bac_giang.set.pk]) == 1
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.criteria_total, stored.indicators_total, stored.title_qualified) == (1, 1, False)
    outcome = assessment_save(
        assessment=stored,
        user=bac_giang.village_head,
        values={indicator.pk: {"value": Decimal("95")}},
        expected_version=None,
    )
    assert outcome.content_complete and outcome.criteria_met == 1
    assert Assessment.objects.get(pk=assessment.pk).title_qualified
    client.force_login(bac_giang.village_head)
    entry = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert "chưa đủ nội dung" not in entry


def test_bad_content_is_refused_naming_the_field_and_nothing_is_written(client, bac_giang):
    client.force_login(bac_giang.office)
    for fields, message in (
        ({"t_all": "nhiều"}, "Ngưỡng"),
        ({"name_vi": ""}, "Tên chỉ tiêu"),
        ({"decision_number": ""}, "Số quyết định"),
    ):
        response = client.post(add_url(bac_giang.province), content(**fields))
        assert response.status_code == 400
        form = response.context["form"]
        assert any(message in str(form[name].label) for name in form.errors), form.errors
    assert not Indicator.objects.filter(criterion__criteria_set=bac_giang.set).exists()


def test_only_the_sets_own_province_office_completes_it(client, cast, bac_giang):
    url = add_url(bac_giang.province)
    for outsider in (cast.province_office, bac_giang.officer, bac_giang.village_head, cast.officer_a):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
        assert client.post(url, content()).status_code == 404, outsider
    # Hà Tĩnh's office through its own address: Bắc Giang's set is not among its sets.
    client.force_login(cast.province_office)
    assert client.get(add_url(cast.province)).status_code == 404
    assert client.post(add_url(cast.province), content()).status_code == 404
    with pytest.raises(IndicatorRefused, match="chỉ áp dụng cho tỉnh Bắc Giang"):
        province_indicator_save(
            by=cast.province_office,
            province=cast.province,
            criterion=bac_giang.set.criteria.get(),
            spec=IndicatorSpec("1.1", "x", "", Kind.BOOL, "", [], {"": True}),
            decision_number="1",
            decision_date=datetime.date(2024, 3, 1),
        )
    assert not Indicator.objects.filter(criterion__criteria_set=bac_giang.set).exists()


def test_an_undetailed_criterion_of_a_national_set_is_refused(client, cast, catalogue):
    advanced = CriteriaSet.objects.get(code=ADVANCED_SET)
    criterion = Criterion.objects.get(criteria_set=advanced, code="10")
    Indicator.objects.filter(criterion=criterion).delete()
    Criterion.objects.filter(pk=criterion.pk).update(is_detailed=False)
    client.force_login(cast.province_office)
    url = add_url(cast.province, ADVANCED_SET, "10")
    for response in (client.get(url), client.post(url, content("10.1"))):
        assert response.status_code == 302
        assert "bộ tiêu chí quốc gia" in messages_of(response)
    assert not Indicator.objects.filter(criterion=criterion).exists()
    # Nor is it offered on the page.
    page = client.get(reverse("criteria:province_indicators", args=[cast.province.key])).content.decode()
    assert f'data-testid="complete-{ADVANCED_SET}"' not in page


def test_the_list_with_sets_to_complete_costs_the_same_queries_with_one_and_many_indicators(
    client, bac_giang
):
    client.force_login(bac_giang.office)
    client.post(add_url(bac_giang.province), content())
    url = reverse("criteria:province_indicators", args=[bac_giang.province.key])
    small = count_queries(lambda: client.get(url), status=200)
    for number in range(2, 7):
        assert client.post(add_url(bac_giang.province), content(f"1.{number}")).status_code == 302
    assert Indicator.objects.filter(criterion__criteria_set=bac_giang.set).count() == 6
    IndicatorValue.objects.all().delete()
    # session, user, roles; the open sets; the undetailed criteria of the province's own sets;
    # the stand-ins and the province's indicators; their thresholds; the regions (labels).
    assert count_queries(lambda: client.get(url), status=200) == small
