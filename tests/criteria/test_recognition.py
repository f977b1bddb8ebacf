"""Recognition decisions and the three title states: the pure rule, the model's constraints,
the province office's pages, the commune page, the query budget and the demo."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from communes.models import Commune, Role
from criteria.models import CriteriaSet, Recognition
from criteria.titles import LABELS, TitleState, title_state

from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory, user_with_role

ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
LIST = reverse("criteria:recognitions")
RECORD = reverse("criteria:recognition_record")
ADVANCED = CriteriaSet(code=ADVANCED_SET)  # only its code goes into a form


def revoke_url(recognition: Recognition) -> str:
    return reverse("criteria:recognition_revoke", args=[recognition.pk])


def recognise(unit, criteria_set, *, number="123/QĐ-UBND", day=date(2024, 5, 10), **extra) -> Recognition:
    field = "village" if unit._meta.model_name == "village" else "commune"
    return Recognition.objects.create(
        criteria_set=criteria_set,
        level=Recognition.Level.PROVINCE_CHAIR,
        decision_number=number,
        decision_date=day,
        **{field: unit},
        **extra,
    )


def village_set(province) -> CriteriaSet:
    return CriteriaSet.objects.create(
        code=f"village_set_{province.code}",
        name_vi="Bộ tiêu chí thôn kiểu mẫu",
        unit_level=CriteriaSet.UnitLevel.VILLAGE,
        classifier=CriteriaSet.Classifier.NONE,
        title_vi="Thôn nông thôn mới kiểu mẫu",
        province=province,
    )


# --- the pure rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualified", "approved", "recognised", "expected"),
    [
        (False, False, False, None),
        (False, True, False, None),
        (True, False, False, TitleState.ELIGIBLE),
        (True, True, False, TitleState.CONFIRMED),
        (False, False, True, TitleState.RECOGNISED),
        (False, True, True, TitleState.RECOGNISED),
        (True, False, True, TitleState.RECOGNISED),
        (True, True, True, TitleState.RECOGNISED),
    ],
)
def test_title_state_decides_every_combination(qualified, approved, recognised, expected):
    assert title_state(qualified=qualified, approved=approved, recognised=recognised) is expected


def test_only_recognised_units_count_toward_targets():
    assert [state for state in TitleState if state.counts_toward_targets] == [TitleState.RECOGNISED]


def test_the_title_states_have_one_label_each_in_vietnamese_and_english():
    assert set(LABELS) == set(TitleState)
    with translation.override("vi"):
        assert [state.label for state in TitleState] == [
            "Đủ điều kiện (tự đánh giá)",
            "Đã được thẩm định",
            "Đã được công nhận",
        ]
    with translation.override("en"):
        assert [state.label for state in TitleState] == [
            "Eligible (self-assessed)",
            "Confirmed (appraised)",
            "Recognised",
        ]


# --- the model --------------------------------------------------------------------------------


def test_a_second_active_recognition_of_the_same_unit_and_set_is_refused(cast, catalogue):
    recognise(cast.commune_a, catalogue)
    with pytest.raises(IntegrityError), transaction.atomic():
        recognise(cast.commune_a, catalogue, number="124/QĐ-UBND")


def test_a_second_active_recognition_of_the_same_village_and_set_is_refused(cast):
    criteria_set = village_set(cast.province)
    recognise(cast.village_a, criteria_set)
    with pytest.raises(IntegrityError), transaction.atomic():
        recognise(cast.village_a, criteria_set, number="124/QĐ-UBND")


def test_a_unit_recognised_again_after_a_revocation_keeps_both_decisions(cast, catalogue):
    first = recognise(cast.commune_a, catalogue, day=date(2022, 1, 5))
    Recognition.objects.filter(pk=first.pk).update(
        revoked_on=date(2023, 2, 1), revocation_number="9/QĐ-UBND", revocation_reason="Không giữ chuẩn"
    )
    recognise(cast.commune_a, catalogue, number="88/QĐ-UBND", day=date(2024, 3, 1))
    assert Recognition.objects.filter(commune=cast.commune_a).count() == 2


def test_a_revocation_dated_before_the_decision_is_refused(cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue, day=date(2024, 5, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Recognition.objects.filter(pk=recognition.pk).update(
            revoked_on=date(2024, 5, 9), revocation_number="9/QĐ-UBND"
        )


def test_a_revocation_needs_its_decision_number(cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recognition.objects.filter(pk=recognition.pk).update(revoked_on=date(2024, 6, 1))


def test_a_recognition_names_exactly_one_unit(cast, catalogue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recognition.objects.create(
            criteria_set=catalogue,
            commune=cast.commune_a,
            village=cast.village_a,
            level=Recognition.Level.PROVINCE_CHAIR,
            decision_number="1/QĐ-UBND",
            decision_date=date(2024, 1, 1),
        )


def test_only_an_illustrative_recognition_may_lack_its_decision_number(cast, catalogue):
    with pytest.raises(IntegrityError), transaction.atomic():
        recognise(cast.commune_a, catalogue, number="")
    assert recognise(cast.commune_a, catalogue, number="", illustrative=True).pk


def test_a_recognition_is_in_force_from_its_decision_until_its_revocation(cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue, day=date(2024, 5, 10))
    Recognition.objects.filter(pk=recognition.pk).update(
        revoked_on=date(2025, 1, 1), revocation_number="9/QĐ-UBND"
    )
    in_force = Recognition.objects.for_communes([cast.commune_a.pk]).in_force
    assert not in_force(date(2024, 5, 9)).exists()
    assert in_force(date(2024, 5, 10)).exists()
    assert in_force(date(2024, 12, 31)).exists()
    assert not in_force(date(2025, 1, 1)).exists()
    assert Recognition.objects.in_force(date(2024, 6, 1)).commune_set_pairs() == {
        (cast.commune_a.pk, catalogue.pk)
    }


def test_recognitions_are_visible_to_the_units_roles_only(cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue)
    visible = Recognition.objects.visible_to
    assert list(visible(cast.province_office)) == [recognition]
    assert list(visible(cast.district_member_a)) == [recognition]
    assert list(visible(cast.officer_a)) == [recognition]
    assert not visible(cast.officer_b).exists()


# --- the pages --------------------------------------------------------------------------------


def record_data(unit_field: str, unit, title_set, **changes) -> dict:
    data = {
        unit_field: unit.code,
        "criteria_set": title_set.code,
        "level": Recognition.Level.PROVINCE_CHAIR,
        "decision_number": "1520/QĐ-UBND",
        "decision_date": "2024-06-12",
        "signer": "Chủ tịch UBND tỉnh",
    }
    return data | changes


def test_the_province_office_records_a_recognition_with_a_message(client, cast, catalogue):
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("commune", cast.commune_a, catalogue), follow=True)
    recognition = Recognition.objects.get()
    assert (recognition.commune, recognition.criteria_set) == (cast.commune_a, catalogue)
    assert recognition.decision_date == date(2024, 6, 12) and recognition.recorded_by == cast.province_office
    assert not recognition.illustrative
    assert response.redirect_chain == [(LIST, 302)]
    text = response.content.decode()
    assert "Đã ghi nhận quyết định công nhận số 1520/QĐ-UBND" in text
    assert "QĐ số 1520/QĐ-UBND ngày 12/06/2024" in text


def test_the_province_office_records_a_village_recognition(client, cast):
    criteria_set = village_set(cast.province)
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("village", cast.village_a, criteria_set))
    assert response.status_code == 302
    assert Recognition.objects.get().village == cast.village_a


def test_the_province_office_revokes_a_recognition_and_the_history_keeps_both_states(client, cast, catalogue):
    client.force_login(cast.province_office)
    client.post(RECORD, record_data("commune", cast.commune_a, catalogue))
    recognition = Recognition.objects.get()
    data = {"revoked_on": "2024-09-01", "revocation_number": "2001/QĐ-UBND", "reason": "Không giữ chuẩn"}
    response = client.post(revoke_url(recognition), data, follow=True)
    recognition.refresh_from_db()
    assert recognition.revoked_on == date(2024, 9, 1) and recognition.revocation_number == "2001/QĐ-UBND"
    assert "Đã ghi nhận quyết định thu hồi số 2001/QĐ-UBND" in response.content.decode()
    states = list(recognition.history.order_by("history_date").values_list("revoked_on", "history_user"))
    assert states == [(None, cast.province_office.pk), (date(2024, 9, 1), cast.province_office.pk)]
    assert not Recognition.objects.in_force(date(2024, 9, 2)).exists()
    # A revoked decision cannot be revoked again.
    again = client.post(revoke_url(recognition), data | {"revocation_number": "2002/QĐ-UBND"})
    assert again.status_code == 302
    recognition.refresh_from_db()
    assert recognition.revocation_number == "2001/QĐ-UBND"


def test_a_recognition_outside_the_users_units_is_404(client, cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue)
    other_province = ProvinceFactory()
    office_elsewhere = user_with_role("office_elsewhere", Role.Kind.PROVINCE_OFFICE, province=other_province)
    for user in (cast.officer_b, office_elsewhere, cast.village_head_a):
        client.force_login(user)
        assert client.get(revoke_url(recognition)).status_code == 404
        data = {"revoked_on": "2024-09-01", "revocation_number": "1/QĐ", "reason": "x"}
        assert client.post(revoke_url(recognition), data).status_code == 404
    assert not Recognition.objects.revoked().exists()


def test_the_list_shows_outsiders_nothing_of_the_province(client, cast, catalogue):
    recognise(cast.commune_a, catalogue)
    office_elsewhere = user_with_role(
        "office_elsewhere", Role.Kind.PROVINCE_OFFICE, province=ProvinceFactory()
    )
    for user in (cast.officer_b, office_elsewhere):
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200 and response.context["rows"] == []


def test_a_province_office_cannot_record_for_a_commune_of_another_province(client, cast, catalogue):
    other = CommuneFactory(district=DistrictFactory(province=ProvinceFactory()))
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("commune", other, catalogue))
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not Recognition.objects.exists()


def test_commune_officers_and_district_committees_cannot_write(client, cast, catalogue):
    recognition = recognise(cast.commune_a, catalogue)
    data = {"revoked_on": "2024-09-01", "revocation_number": "1/QĐ", "reason": "x"}
    for user in (cast.officer_a, cast.district_member_a):
        client.force_login(user)
        assert client.get(RECORD).status_code == 403
        assert client.post(RECORD, record_data("commune", cast.commune_a, ADVANCED)).status_code == 403
        assert client.post(revoke_url(recognition), data).status_code == 403
    assert Recognition.objects.count() == 1 and not Recognition.objects.revoked().exists()


def test_the_district_committee_sees_its_communes_recognitions_without_a_revoke_button(
    client, cast, catalogue
):
    mine = recognise(cast.commune_a, catalogue)
    recognise(cast.commune_b, catalogue)
    client.force_login(cast.district_member_a)
    response = client.get(LIST)
    assert [item for item, _writable in response.context["rows"]] == [mine]
    assert revoke_url(mine) not in response.content.decode()
    assert "Quyết định công nhận" in response.content.decode()  # the navigation link


def test_the_list_filters_by_set_year_and_state(client, cast, catalogue):
    advanced = CriteriaSet.objects.get(code=ADVANCED_SET)
    old = recognise(cast.commune_a, catalogue, day=date(2022, 3, 1))
    Recognition.objects.filter(pk=old.pk).update(revoked_on=date(2023, 1, 1), revocation_number="5/QĐ")
    new = recognise(cast.commune_a, catalogue, day=date(2024, 3, 1))
    other = recognise(cast.commune_b, advanced, day=date(2024, 4, 1))
    client.force_login(cast.province_office)

    def shown(query: dict) -> list[Recognition]:
        return [item for item, _writable in client.get(LIST, query).context["rows"]]

    assert shown({}) == [other, new, old]
    assert shown({"set": catalogue.code}) == [new, old]
    assert shown({"year": "2024"}) == [other, new]
    assert shown({"state": "revoked"}) == [old]
    assert shown({"state": "active", "set": ADVANCED_SET}) == [other]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_date": "tomorrow"}, "decision_date"),
        ({"decision_date": "31/02/2024"}, "decision_date"),
        ({"criteria_set": "village"}, "criteria_set"),
        ({"decision_number": ""}, "decision_number"),
    ],
)
def test_an_invalid_recognition_gives_a_field_error_and_writes_nothing(
    client, cast, catalogue, changes, field
):
    if changes.get("decision_date") == "tomorrow":
        changes = {"decision_date": (timezone.localdate() + timedelta(days=1)).isoformat()}
    if changes.get("criteria_set") == "village":
        changes = {"criteria_set": village_set(cast.province).code}
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("commune", cast.commune_a, catalogue, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Chưa ghi nhận" in response.content.decode()
    assert not Recognition.objects.exists()


def test_a_commune_set_cannot_be_recognised_for_a_village_nor_both_units_at_once(client, cast, catalogue):
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("village", cast.village_a, catalogue))
    assert "criteria_set" in response.context["form"].errors
    both = record_data("commune", cast.commune_a, catalogue, village=cast.village_a.code)
    assert client.post(RECORD, both).context["form"].non_field_errors()
    assert not Recognition.objects.exists()


def test_a_second_active_recognition_is_a_form_error_not_a_crash(client, cast, catalogue):
    recognise(cast.commune_a, catalogue)
    client.force_login(cast.province_office)
    response = client.post(RECORD, record_data("commune", cast.commune_a, catalogue))
    assert "criteria_set" in response.context["form"].errors
    assert Recognition.objects.count() == 1


@pytest.mark.parametrize("revoked_on", ["2024-05-09", "tomorrow"])
def test_an_invalid_revocation_date_gives_a_field_error_and_writes_nothing(
    client, cast, catalogue, revoked_on
):
    if revoked_on == "tomorrow":
        revoked_on = (timezone.localdate() + timedelta(days=1)).isoformat()
    recognition = recognise(cast.commune_a, catalogue, day=date(2024, 5, 10))
    client.force_login(cast.province_office)
    data = {"revoked_on": revoked_on, "revocation_number": "9/QĐ", "reason": "Không giữ chuẩn"}
    response = client.post(revoke_url(recognition), data)
    assert response.status_code == 200 and "revoked_on" in response.context["form"].errors
    recognition.refresh_from_db()
    assert recognition.revoked_on is None and recognition.history.count() == 1


def test_the_commune_page_shows_each_sets_decision_or_its_revocation(client, cast, catalogue):
    advanced = CriteriaSet.objects.get(code=ADVANCED_SET)
    recognise(cast.commune_a, catalogue, number="77/QĐ-UBND", day=date(2023, 4, 5))
    revoked = recognise(cast.commune_a, advanced, number="78/QĐ-UBND", day=date(2024, 1, 2))
    Recognition.objects.filter(pk=revoked.pk).update(
        revoked_on=date(2024, 8, 1), revocation_number="99/QĐ-UBND"
    )
    client.force_login(cast.officer_a)
    text = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key])).content.decode()
    assert "QĐ số 77/QĐ-UBND ngày 05/04/2023" in text
    assert "Đã thu hồi theo QĐ số 99/QĐ-UBND ngày 01/08/2024" in text
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key])).content.decode()
    assert "Decision no. 77/QĐ-UBND of 05/04/2023" in english


# --- the query budget ------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_with_2_and_20_recognitions(client, cast, catalogue):
    criteria_set = village_set(cast.province)
    recognise(cast.commune_a, catalogue)
    recognise(cast.village_a, criteria_set)
    client.force_login(cast.province_office)
    small = count_queries(client, LIST)
    for number in range(9):
        recognise(CommuneFactory(district=cast.district_b), catalogue, number=f"{number}/QĐ")
        recognise(VillageFactory(commune=cast.commune_b), criteria_set, number=f"{number}/QĐ")
    assert Recognition.objects.count() == 20
    assert count_queries(client, LIST) == small
    # session, user, roles; the recognitions with their sets, units, districts and recorders;
    # the criteria sets of the filter.
    assert small <= 5


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_records_the_seeds_titles_as_illustrative_and_loading_again_duplicates_nothing(demo):
    demo_rows = Recognition.objects.select_related("commune", "village__commune", "criteria_set")
    communes = {(r.commune.name, r.criteria_set.code) for r in demo_rows if r.commune}
    assert communes == {
        ("Liên Minh", "xa_ntm_2021_2025"),
        ("Sơn Bằng", "xa_ntm_2021_2025"),
        ("Dương Đức", "xa_ntm_2021_2025"),
    }
    villages = {(r.village.commune.name, r.village.name) for r in demo_rows if r.village}
    assert villages == {("Liên Minh", f"Thôn {n}") for n in range(1, 5)} | {
        ("Sơn Bằng", f"Thôn {n}") for n in range(2, 6)
    }
    # The seeds only set these as targets: no recognition.
    assert not Recognition.objects.filter(criteria_set__code=ADVANCED_SET).exists()
    assert not Recognition.objects.filter(village__name__in=["Thịnh Bằng", "Cống Phên"]).exists()
    assert all(r.illustrative and not r.decision_number and "Minh họa" in r.note for r in demo_rows)
    assert Recognition.objects.in_force(timezone.localdate()).count() == 11

    before = Recognition.objects.count()
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    assert Recognition.objects.count() == before


def test_the_demo_province_office_sees_its_illustrative_recognitions_labelled(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="vpdp.hatinh"))
    response = client.get(LIST)
    units = {item.unit.name for item, _writable in response.context["rows"]}
    assert {"Liên Minh", "Sơn Bằng"} <= units and "Dương Đức" not in units
    text = response.content.decode()
    assert "Minh họa" in text and "Chưa rõ số quyết định" in text
    assert Commune.objects.get(map="legacy", name="Sơn Bằng").recognitions.get().illustrative
