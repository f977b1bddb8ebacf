"""A province office adds its own indicators under the 2026-2030 criteria whose national content
is a stand-in: they replace the stand-in for that province's communes only, count in the
evaluation (entry, re-evaluation, export), survive `load_catalogue`, keep their history, and
only the province's office may enter them, only where the national set leaves it to them."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from communes.models import Commune, Role
from criteria import loader
from criteria.evaluation import Kind
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, IndicatorValue, Threshold
from criteria.province_indicators import IndicatorRefused, IndicatorSpec, province_indicator_save
from criteria.services import (
    assessment_evaluation,
    assessment_open,
    assessment_save,
    assessments_reevaluate,
    set_catalogue,
    set_catalogues,
)
from reports.excel import commune_table

from ..conftest import NTM_SET, count_queries
from ..excel_helpers import rows_by_key, workbook
from ..factories import CommuneFactory, ProvinceFactory, user_with_role

NEW_SET = "xa_ntm_2026_2030"
DECEMBER_2026 = "2026-12-01 09:00 +0700"
DECISION = {"decision_number": "35/2026/QĐ-UBND", "decision_date": "2026-03-10"}
CITED = "Quyết định số 35/2026/QĐ-UBND ngày 10/03/2026"


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(DECEMBER_2026, tick=False):
        yield


@pytest.fixture
def new_set(catalogue) -> CriteriaSet:
    return CriteriaSet.objects.get(code=NEW_SET)


@pytest.fixture
def bac_ninh():
    """A commune of Bắc Ninh (no district) with its officer and the province's office."""
    province = ProvinceFactory(code="24", name="Bắc Ninh")
    commune = CommuneFactory(name="Mỹ Thái", district=None, province=province, commune_group=1)
    return type(
        "BacNinh",
        (),
        {
            "province": province,
            "commune": commune,
            "officer": user_with_role("officer_bn", Role.Kind.COMMUNE_OFFICER, commune=commune),
            "office": user_with_role("office_bn", Role.Kind.PROVINCE_OFFICE, province=province),
        },
    )


def criterion(new_set, code="1") -> Criterion:
    return Criterion.objects.get(criteria_set=new_set, code=code)


def stand_in(new_set, code="1") -> Indicator:
    return Indicator.objects.get(criterion=criterion(new_set, code), is_placeholder=True)


def add_url(cast, set_code=NEW_SET, criterion_code="1") -> str:
    return reverse("criteria:province_indicator_add", args=[cast.province.key, set_code, criterion_code])


def add(client, cast, **fields):
    client.force_login(cast.province_office)
    data = (
        {
            "code": "1.1",
            "name_vi": "Tỷ lệ thôn có quy hoạch chi tiết được duyệt",
            "name_en": "",
            "kind": "percent_min",
            "unit": "%",
            "levels": "",
            "t_all": "",
            "t_1": "90",
            "t_2": "80",
            "t_3": "70",
        }
        | DECISION
        | fields
    )
    return client.post(add_url(cast), data)


def own(cast):
    return Indicator.objects.filter(province=cast.province)


def commune_of_group(cast, group=1) -> Commune:
    Commune.objects.filter(pk=cast.commune_a.pk).update(commune_group=group)
    return Commune.objects.get(pk=cast.commune_a.pk)


def entry_fields(client, user, assessment) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("criteria:entry", args=[assessment.pk]))
    assert response.status_code == 200
    return set(response.context["form"].fields)


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


# --- Adding one, and what it changes where ------------------------------------------------


def test_ha_tinh_adds_an_indicator_with_its_group_thresholds_and_decision(client, cast, new_set):
    response = add(client, cast)
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator = own(cast).get()
    assert (indicator.code, indicator.kind, indicator.criterion) == ("1.1", "percent_min", criterion(new_set))
    assert indicator.is_active and not indicator.is_placeholder and indicator.source == CITED
    rows = Threshold.objects.filter(indicator=indicator).order_by("classifier_value")
    assert [(row.classifier_value, row.value, row.province_id) for row in rows] == [
        ("1", Decimal("90"), cast.province.pk),
        ("2", Decimal("80"), cast.province.pk),
        ("3", Decimal("70"), cast.province.pk),
    ]
    assert all(row.source == CITED for row in rows)
    listing = client.get(response["Location"]).content.decode()
    assert (
        "Tỷ lệ thôn có quy hoạch chi tiết được duyệt" in listing
        and "được thay bằng chỉ tiêu của tỉnh" in listing
    )


def test_the_entry_form_of_a_ha_tinh_commune_shows_it_instead_of_the_stand_in(
    client, cast, bac_ninh, new_set
):
    add(client, cast)
    indicator = own(cast).get()
    ha_tinh = assessment_open(user=cast.officer_a, criteria_set=new_set, unit=cast.commune_a, year=2026)
    fields = entry_fields(client, cast.officer_a, ha_tinh)
    assert f"v_{indicator.pk}" in fields
    assert f"v_{stand_in(new_set).pk}" not in fields  # replaced under criterion 1
    assert f"v_{stand_in(new_set, '2').pk}" in fields  # kept elsewhere
    bac_ninh_assessment = assessment_open(
        user=bac_ninh.officer, criteria_set=new_set, unit=bac_ninh.commune, year=2026
    )
    fields = entry_fields(client, bac_ninh.officer, bac_ninh_assessment)
    assert f"v_{indicator.pk}" not in fields
    assert {
        f"v_{item.pk}" for item in Indicator.objects.filter(criterion__criteria_set=new_set, province=None)
    } <= fields


def test_the_evaluation_counts_it_with_the_threshold_of_the_communes_group(client, cast, new_set):
    add(client, cast)
    indicator = own(cast).get()
    commune = commune_of_group(cast, 1)
    assessment = assessment_open(user=cast.officer_a, criteria_set=new_set, unit=commune, year=2026)
    catalogue = set_catalogue(new_set, commune.province_id)
    assert indicator in catalogue.indicators and stand_in(new_set) not in catalogue.indicators
    values = {item.pk: {"value": True} for item in catalogue.indicators if item.kind == "bool"}
    values[indicator.pk] = {"value": Decimal("85")}
    outcome = assessment_save(
        assessment=assessment, user=cast.officer_a, values=values, expected_version=None
    )
    first = outcome.criteria[0]
    assert first.criterion.code == "1" and not first.met and first.indicators_total == 1
    assert outcome.criteria_met == 9
    # Group 2's threshold is 80: the same 85 meets it.
    commune_of_group(cast, 2)
    assert assessment_evaluation(Assessment.objects.get(pk=assessment.pk)).criteria_met == 10
    commune_of_group(cast, 1)
    values[indicator.pk] = {"value": Decimal("92")}
    outcome = assessment_save(
        assessment=Assessment.objects.get(pk=assessment.pk),
        user=cast.officer_a,
        values=values,
        expected_version=None,
    )
    assert outcome.criteria[0].met and outcome.criteria_met == 10
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.criteria_met, stored.criteria_total, stored.title_qualified) == (10, 10, True)


def test_a_re_evaluation_of_the_whole_country_keeps_each_provinces_own_catalogue(
    client, cast, bac_ninh, new_set
):
    ha_tinh = assessment_open(user=cast.officer_a, criteria_set=new_set, unit=cast.commune_a, year=2026)
    other = assessment_open(user=bac_ninh.officer, criteria_set=new_set, unit=bac_ninh.commune, year=2026)
    response = add(client, cast)
    assert response.status_code == 302
    # Only Hà Tĩnh's assessments of the set wait for a re-evaluation.
    assert Assessment.objects.filter(pk=ha_tinh.pk).pending_reevaluation().exists()
    assert not Assessment.objects.filter(pk=other.pk).pending_reevaluation().exists()
    IndicatorValue.objects.create(assessment=ha_tinh, indicator=own(cast).get(), number=Decimal("50"))
    assert assessments_reevaluate(criteria_set_ids=[new_set.pk]) == 2
    ha_tinh, other = Assessment.objects.get(pk=ha_tinh.pk), Assessment.objects.get(pk=other.pk)
    assert ha_tinh.indicators_total == other.indicators_total == 10
    assert ha_tinh.results.get(criterion__code="1").indicators_total == 1
    assert ha_tinh.values.get(indicator__province=cast.province).status == "no_threshold"  # no group yet


def test_the_catalogues_of_a_batch_of_provinces_are_those_of_each_province(client, cast, bac_ninh, new_set):
    add(client, cast)
    client.force_login(bac_ninh.office)
    url = reverse("criteria:province_indicator_add", args=[bac_ninh.province.key, NEW_SET, "2"])
    assert (
        client.post(
            url, {"code": "2.1", "name_vi": "Chỉ tiêu của Bắc Ninh", "kind": "bool"} | DECISION
        ).status_code
        == 302
    )
    both = set_catalogues(new_set, [cast.province, bac_ninh.province])
    for province in (cast.province, bac_ninh.province):
        alone = set_catalogue(new_set, province.pk)
        assert [item.pk for item in both[province.pk].indicators] == [item.pk for item in alone.indicators]
        assert {key: rows for key, rows in both[province.pk].thresholds.items() if rows} == {
            key: rows
            for key, rows in alone.thresholds.items()
            if key in {item.pk for item in alone.indicators}
        }


def test_the_commune_table_of_a_ha_tinh_commune_has_its_row(client, cast, bac_ninh, new_set):
    add(client, cast)
    assessment_open(user=cast.officer_a, criteria_set=new_set, unit=cast.commune_a, year=2026)
    client.force_login(cast.officer_a)
    url = reverse("reports:commune_table", args=[cast.commune_a.key]) + f"?set={NEW_SET}&year=2026"
    keys = rows_by_key(workbook(client.get(url).content).worksheets[0], commune_table.KEY_COLUMN)
    assert "ind:1.1" in keys and "ind:1" not in keys and "ind:2" in keys
    client.force_login(bac_ninh.officer)
    url = reverse("reports:commune_table", args=[bac_ninh.commune.key]) + f"?set={NEW_SET}&year=2026"
    keys = rows_by_key(workbook(client.get(url).content).worksheets[0], commune_table.KEY_COLUMN)
    assert "ind:1.1" not in keys and "ind:1" in keys


def test_bac_ninh_may_use_the_same_code_without_touching_ha_tinhs(client, cast, bac_ninh, new_set):
    add(client, cast)
    client.force_login(bac_ninh.office)
    url = reverse("criteria:province_indicator_add", args=[bac_ninh.province.key, NEW_SET, "1"])
    data = {"code": "1.1", "name_vi": "Chỉ tiêu của Bắc Ninh", "kind": "bool"} | DECISION
    assert client.post(url, data).status_code == 302
    assert own(cast).get().name_vi == "Tỷ lệ thôn có quy hoạch chi tiết được duyệt"
    ours = Indicator.objects.get(province=bac_ninh.province)
    assert ours.name_vi == "Chỉ tiêu của Bắc Ninh"
    assert list(Threshold.objects.filter(indicator=ours).values_list("classifier_value", "flag")) == [
        ("", True)
    ]
    assert ours not in set_catalogue(new_set, cast.province.pk).indicators


# --- Changing, deactivating, the history --------------------------------------------------


def test_an_edit_changes_name_and_thresholds_and_the_history_says_who_when_and_which_decision(
    client, cast, new_set
):
    add(client, cast)
    indicator = own(cast).get()
    edit = reverse("criteria:province_indicator_edit", args=[cast.province.key, indicator.pk])
    data = {
        "code": "1.1",
        "name_vi": "Tỷ lệ thôn có quy hoạch",
        "kind": "percent_min",
        "unit": "%",
        "t_1": "95,5",
        "t_2": "",
        "t_3": "70",
        "decision_number": "40/2026/QĐ-UBND",
        "decision_date": "2026-04-01",
    }
    assert client.post(edit, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name_vi == "Tỷ lệ thôn có quy hoạch" and "40/2026/QĐ-UBND" in indicator.source
    rows = dict(Threshold.objects.filter(indicator=indicator).values_list("classifier_value", "value"))
    assert rows == {"1": Decimal("95.5"), "3": Decimal("70")}
    records = list(Indicator.history.filter(id=indicator.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~"]
    assert all(record.history_user == cast.province_office for record in records)
    assert [record.source for record in records] == [CITED, "Quyết định số 40/2026/QĐ-UBND ngày 01/04/2026"]
    assert Threshold.history.filter(indicator_id=indicator.pk, history_type="-").count() == 1
    page = client.get(edit).content.decode()
    history = page[page.index('data-testid="indicator-history"') :]
    assert (
        "40/2026/QĐ-UBND" in history
        and "35/2026/QĐ-UBND" in history
        and cast.province_office.username in history
    )


def test_a_deactivated_indicator_stops_counting_and_its_values_stay(client, cast, new_set):
    add(client, cast)
    indicator = own(cast).get()
    assessment = assessment_open(user=cast.officer_a, criteria_set=new_set, unit=cast.commune_a, year=2026)
    IndicatorValue.objects.create(assessment=assessment, indicator=indicator, number=Decimal("91"))
    active = reverse("criteria:province_indicator_active", args=[cast.province.key, indicator.pk])
    assert client.post(active, {"active": "0", "decision_number": "", "decision_date": ""}).status_code == 302
    assert own(cast).get().is_active  # the decision is required
    Assessment.objects.filter(pk=assessment.pk).update(reevaluation_requested_at=None)
    assert client.post(active, {"active": "0"} | DECISION).status_code == 302
    assert not own(cast).get().is_active
    assert IndicatorValue.objects.filter(assessment=assessment, indicator=indicator).exists()
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    catalogue = set_catalogue(new_set, cast.province.pk)
    assert indicator not in catalogue.indicators and stand_in(new_set) in catalogue.indicators
    fields = entry_fields(client, cast.officer_a, assessment)
    assert f"v_{indicator.pk}" not in fields and f"v_{stand_in(new_set).pk}" in fields
    client.force_login(cast.province_office)
    assert client.post(active, {"active": "1"} | DECISION).status_code == 302
    assert own(cast).get().is_active


def test_bad_input_gives_a_message_at_the_field_and_changes_nothing(client, cast, new_set):
    cases = [
        ({"code": ""}, "bắt buộc"),
        ({"code": "1 1"}, "chỉ gồm chữ, số"),
        ({"code": "2"}, "đã có trong bộ tiêu chí"),  # the stand-in of criterion 2
        ({"kind": "level", "levels": "Đạt"}, "ít nhất hai mức"),
        ({"kind": "level", "levels": "A\nB", "t_1": "C"}, "Mức không có trong danh sách"),
        ({"t_1": "nhiều"}, "không phải là số"),
        ({"t_1": "120"}, "0 đến 100"),
        ({"decision_number": ""}, "bắt buộc"),
        ({"decision_date": "2027-01-01"}, "không được sau ngày hôm nay"),
        ({"kind": "mars"}, "lựa chọn hợp lệ"),
        ({"name_vi": "x" * 600}, "500"),
    ]
    for fields, message in cases:
        response = add(client, cast, **fields)
        assert response.status_code == 400 and message in response.content.decode(), fields
    assert not own(cast).exists() and not Threshold.objects.filter(province=cast.province).exists()


def test_a_level_indicator_keeps_its_levels_and_its_kind_stays_once_values_are_entered(client, cast, new_set):
    assert (
        add(
            client,
            cast,
            kind="level",
            unit="",
            levels="Thấp\nTrung bình\nCao",
            t_1="Cao",
            t_2="Trung bình",
            t_3="",
        ).status_code
        == 302
    )
    indicator = own(cast).get()
    assert indicator.levels == ["Thấp", "Trung bình", "Cao"]
    assessment = assessment_open(user=cast.officer_a, criteria_set=new_set, unit=cast.commune_a, year=2026)
    IndicatorValue.objects.create(assessment=assessment, indicator=indicator, level="Cao")
    spec = IndicatorSpec("1.1", "X", "", Kind.BOOL, "", [], {"": True})
    with pytest.raises(Exception, match="không đổi được loại giá trị"):
        province_indicator_save(
            by=cast.province_office,
            province=cast.province,
            criterion=criterion(new_set),
            indicator=indicator,
            spec=spec,
            decision_number="1",
            decision_date=datetime.date(2026, 5, 1),
        )
    assert own(cast).get().kind == "level"


# --- The catalogue loader leaves them ------------------------------------------------------


def test_load_catalogue_again_leaves_the_provinces_indicator_and_its_thresholds(client, cast, new_set):
    call_command("load_catalogue", verbosity=0)  # Hà Tĩnh's own set loads once its province exists
    add(client, cast)
    indicator = own(cast).get()
    thresholds = list(Threshold.objects.filter(indicator=indicator).values_list("classifier_value", "value"))
    history = (Indicator.history.count(), Threshold.history.count())
    call_command("load_catalogue", verbosity=0)
    again = own(cast).get()
    assert (again.pk, again.name_vi, again.is_active, again.source) == (
        indicator.pk,
        indicator.name_vi,
        True,
        CITED,
    )
    assert (
        list(Threshold.objects.filter(indicator=indicator).values_list("classifier_value", "value"))
        == thresholds
    )
    assert stand_in(new_set).is_placeholder  # the national stand-in stays in the catalogue
    assert (Indicator.history.count(), Threshold.history.count()) == history  # nothing written


def test_a_national_indicator_of_the_same_code_is_written_beside_the_provinces_never_over_it(
    client, cast, new_set
):
    add(client, cast)
    spec = {"code": "1.1", "name_vi": "Chỉ tiêu quốc gia 1.1", "kind": "bool", "thresholds": {"*": True}}
    loader._load_indicator(criterion(new_set), spec, 2)
    assert own(cast).get().name_vi == "Tỷ lệ thôn có quy hoạch chi tiết được duyệt"
    national = Indicator.objects.get(criterion=criterion(new_set), code="1.1", province=None)
    assert national.name_vi == "Chỉ tiêu quốc gia 1.1"
    assert not Threshold.objects.filter(indicator=own(cast).get(), province__isnull=True).exists()


# --- Who may, and where --------------------------------------------------------------------


def test_only_the_provinces_office_opens_the_pages(client, cast, bac_ninh, new_set):
    add(client, cast)
    indicator = own(cast).get()
    pages = [
        reverse("criteria:province_indicators", args=[cast.province.key]),
        add_url(cast),
        reverse("criteria:province_indicator_edit", args=[cast.province.key, indicator.pk]),
    ]
    for url in pages:
        client.logout()
        assert client.get(url).status_code == 302
        for outsider in (cast.officer_a, cast.district_member_a, bac_ninh.office, bac_ninh.officer):
            client.force_login(outsider)
            assert client.get(url).status_code == 404, (url, outsider)
        for allowed in (cast.province_office, cast.admin):
            client.force_login(allowed)
            assert client.get(url).status_code == 200, (url, allowed)
    # Another province's office cannot reach Hà Tĩnh's indicator through its own address either.
    client.force_login(bac_ninh.office)
    theirs = reverse("criteria:province_indicator_edit", args=[bac_ninh.province.key, indicator.pk])
    assert client.get(theirs).status_code == 404
    active = reverse("criteria:province_indicator_active", args=[bac_ninh.province.key, indicator.pk])
    assert client.post(active, {"active": "0"} | DECISION).status_code == 404
    client.force_login(cast.officer_a)
    assert (
        client.post(add_url(cast), {"code": "1.2", "name_vi": "x", "kind": "bool"} | DECISION).status_code
        == 404
    )
    assert own(cast).count() == 1 and own(cast).get().is_active


def test_a_criterion_with_national_indicators_is_refused_with_a_message(client, cast, catalogue):
    with time_machine.travel("2025-06-01 09:00 +0700", tick=False):
        client.force_login(cast.province_office)
        url = add_url(cast, NTM_SET, "1")
        data = {"code": "1.9", "name_vi": "x", "kind": "bool"} | DECISION | {"decision_date": "2025-05-01"}
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302
            assert "đã có chỉ tiêu quốc gia" in messages_of(response)
    assert not own(cast).exists()
    with pytest.raises(IndicatorRefused, match="đã có chỉ tiêu quốc gia"):
        province_indicator_save(
            by=cast.province_office,
            province=cast.province,
            criterion=Criterion.objects.get(criteria_set=catalogue, code="1"),
            spec=IndicatorSpec("1.9", "x", "", Kind.BOOL, "", [], {"": True}),
            decision_number="1",
            decision_date=datetime.date(2025, 5, 1),
        )


def test_the_list_costs_the_same_queries_with_one_and_many_indicators(client, cast, new_set):
    add(client, cast)
    url = reverse("criteria:province_indicators", args=[cast.province.key])
    small = count_queries(lambda: client.get(url), status=200)
    for number in range(2, 7):
        add(client, cast, code=f"{number}.1", name_vi=f"Chỉ tiêu {number}")
    assert own(cast).count() == 6
    # session, user, roles; the open sets; the stand-ins and the province's indicators; their
    # thresholds; the regions (classifier labels).
    assert count_queries(lambda: client.get(url), status=200) == small
