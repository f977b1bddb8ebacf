"""Workflow of assessments (submit, approve, return, reopen, bulk approve) and the role matrix
over every view of the entry/workflow/evidence/history pages."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet, Evidence, Transition
from criteria.services import (
    InvalidTransition,
    assessment_approve,
    assessment_bulk_approve,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    evidence_add,
)

from ..entry_helpers import indicator, new_assessment, pdf, post_data
from ..factories import CommuneFactory, VillageFactory, user_with_role

S = Assessment.State
YEARS = itertools.count(2000)


def test_the_full_cycle_records_who_when_and_why(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    with pytest.raises(ValidationError):
        assessment_return(assessment=assessment, user=cast.district_member_a, reason="  ")
    assessment_return(assessment=assessment, user=cast.district_member_a, reason="Thiếu biên bản")
    assert assessment.status == S.RETURNED and assessment.is_editable
    assessment_submit(assessment=assessment, user=cast.officer_a)
    assessment_approve(assessment=assessment, user=cast.district_member_a)
    assert Assessment.objects.get(pk=assessment.pk).is_locked
    assessment_reopen(assessment=assessment, user=cast.district_member_a, reason="Sửa số liệu 17.1")
    steps = list(Transition.objects.filter(assessment=assessment).order_by("pk"))
    assert [(step.from_status, step.to_status, step.by.username) for step in steps] == [
        ("draft", "submitted", "officer_a"),
        ("submitted", "returned", "district_a"),
        ("returned", "submitted", "officer_a"),
        ("submitted", "approved", "district_a"),
        ("approved", "returned", "district_a"),
    ]
    assert steps[1].reason == "Thiếu biên bản" and steps[0].at is not None


def test_transitions_out_of_order_are_refused(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    with pytest.raises(InvalidTransition):
        assessment_approve(assessment=assessment, user=cast.district_member_a)
    with pytest.raises(InvalidTransition):
        assessment_reopen(assessment=assessment, user=cast.district_member_a, reason="x")
    assessment_submit(assessment=assessment, user=cast.officer_a)
    with pytest.raises(InvalidTransition):
        assessment_submit(assessment=assessment, user=cast.officer_a)


def test_only_the_units_district_or_a_districtless_province_office_reviews(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    for outsider in (cast.officer_a, cast.province_office, cast.officer_b):
        with pytest.raises(PermissionDenied):
            assessment_approve(assessment=assessment, user=outsider)
    other_district = user_with_role("district_b", "district_committee", district=cast.district_b)
    with pytest.raises(PermissionDenied):
        assessment_approve(assessment=assessment, user=other_district)
    merged = CommuneFactory(district=None, province=cast.province)
    officer = user_with_role("officer_merged", "commune_officer", commune=merged)
    without_district = new_assessment(catalogue, commune=merged)
    assessment_submit(assessment=without_district, user=officer)
    with pytest.raises(PermissionDenied):
        assessment_approve(assessment=without_district, user=cast.district_member_a)
    assessment_approve(assessment=without_district, user=cast.province_office)
    assert without_district.status == S.APPROVED


def test_bulk_approval_approves_all_or_none(client, cast, catalogue):
    communes = [
        cast.commune_a,
        CommuneFactory(district=cast.district_a),
        CommuneFactory(district=cast.district_a),
    ]
    assessments = [new_assessment(catalogue, commune=commune) for commune in communes]
    for assessment in assessments:
        Assessment.objects.filter(pk=assessment.pk).update(status=S.SUBMITTED)
    Assessment.objects.filter(pk=assessments[2].pk).update(status=S.DRAFT)
    with pytest.raises(InvalidTransition):
        assessment_bulk_approve(assessments=assessments, user=cast.district_member_a)
    assert not Assessment.objects.filter(status=S.APPROVED).exists()
    client.force_login(cast.district_member_a)
    page = client.get(reverse("criteria:review")).content.decode()
    assert page.count('name="assessment"') == 2
    client.post(
        reverse("criteria:review"),
        {"assessment": [assessments[0].pk, assessments[1].pk, assessments[2].pk], "confirm": "1"},
    )
    assert set(Assessment.objects.filter(status=S.APPROVED).values_list("pk", flat=True)) == {
        assessments[0].pk,
        assessments[1].pk,
    }


def test_the_commune_page_shows_returned_assessments_first(client, cast, catalogue):
    older = new_assessment(catalogue, commune=cast.commune_a, year=2023)
    newer = new_assessment(catalogue, commune=cast.commune_a, year=2025)
    Assessment.objects.filter(pk=older.pk).update(status=S.RETURNED)
    client.force_login(cast.officer_a)
    page = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key])).content.decode()
    listing = page.split('data-testid="unit-assessments"')[1]
    assert listing.index(f'data-testid="state-{older.pk}"') < listing.index(f'data-testid="state-{newer.pk}"')
    assert "Có hồ sơ bị trả lại" in page


def test_a_returned_assessment_shows_the_reason_to_the_commune(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    client.force_login(cast.district_member_a)
    client.post(reverse("criteria:return", args=[assessment.pk]), {"reason": ""})
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED
    client.post(reverse("criteria:return", args=[assessment.pk]), {"reason": "Bổ sung ảnh đường trục"})
    client.force_login(cast.officer_a)
    page = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert 'data-testid="return-reason"' in page and "Bổ sung ảnh đường trục" in page


def test_village_assessments_are_entered_by_the_village_head_or_the_commune_officer(client, cast, catalogue):
    call_catalogue_for_village(cast)
    village_set = CriteriaSet.objects.get(code="ha_tinh_kdc_kieu_mau_2022")
    assessment = new_assessment(village_set, village=cast.village_a)
    url = reverse("criteria:entry", args=[assessment.pk])
    for user, version, value in ((cast.village_head_a, 1, "1"), (cast.officer_a, 2, "0")):
        client.force_login(user)
        assert client.post(url, post_data(assessment, {"1.1": value}, version=version)).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).version == 3
    other_village = VillageFactory(commune=cast.commune_a)
    client.force_login(cast.village_head_a)
    other = new_assessment(village_set, village=other_village)
    assert client.get(reverse("criteria:entry", args=[other.pk])).status_code == 404
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("criteria:create"), {"set": village_set.code, "unit": other_village.code, "year": 2026}
    )
    assert (
        Assessment.objects.filter(village=other_village, year=2026).exists() and response.status_code == 302
    )


def call_catalogue_for_village(cast):
    """The Hà Tĩnh village set is scoped to province code 42, which the cast's province has."""
    from django.core.management import call_command

    if not CriteriaSet.objects.filter(code="ha_tinh_kdc_kieu_mau_2022").exists():
        call_command("load_catalogue", verbosity=0)


# --- role matrix -------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "officer_a",
    "village_head_a",
    "district_member_a",
    "province_office",
    "officer_b",
    "admin",
]
OK = 200
GO = 302  # a redirect after a successful (or refused-with-message) POST
NO = 403
NF = 404
LOGIN = "login"

# view → expected answer per role, in ROLES order after "anonymous" (always a login redirect).
MATRIX = {
    "entry_get": (OK, NF, OK, OK, NF, OK),
    "entry_post": (GO, NF, NO, NO, NF, GO),
    "submit": (GO, NF, NO, NO, NF, GO),
    "approve": (NO, NF, GO, NO, NF, GO),
    "return": (NO, NF, GO, NO, NF, GO),
    "reopen": (NO, NF, GO, NO, NF, GO),
    "history": (OK, NF, OK, OK, NF, OK),
    "indicator_history": (OK, NF, OK, OK, NF, OK),
    "evidence_upload": (GO, NF, NO, NO, NF, GO),
    "evidence_file": (OK, NF, OK, OK, NF, OK),
    "evidence_delete": (GO, NF, NO, NO, NF, GO),
    "create": (GO, NF, NO, NO, NF, GO),
    "review_get": (OK, OK, OK, OK, OK, OK),
    "review_post": (GO, GO, GO, GO, GO, GO),
}


def _fresh(cast, catalogue, status=S.DRAFT) -> Assessment:
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=next(YEARS))
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    assessment.status = status
    return assessment


def _request(client, cast, catalogue, view: str):
    road = indicator(catalogue, "3.1")
    if view in ("entry_get", "history", "indicator_history", "entry_post", "submit"):
        assessment = _fresh(cast, catalogue)
        if view == "entry_get":
            return client.get(reverse("criteria:entry", args=[assessment.pk]))
        if view == "entry_post":
            return client.post(
                reverse("criteria:entry", args=[assessment.pk]), post_data(assessment, {"3.1": "81"})
            )
        if view == "submit":
            return client.post(reverse("criteria:submit", args=[assessment.pk]))
        if view == "history":
            return client.get(reverse("criteria:history", args=[assessment.pk]))
        return client.get(reverse("criteria:indicator_history", args=[assessment.pk, road.pk]))
    if view in ("approve", "return"):
        assessment = _fresh(cast, catalogue, S.SUBMITTED)
        return client.post(reverse(f"criteria:{view}", args=[assessment.pk]), {"reason": "Lý do"})
    if view == "reopen":
        assessment = _fresh(cast, catalogue, S.APPROVED)
        return client.post(reverse("criteria:reopen", args=[assessment.pk]), {"reason": "Lý do"})
    if view.startswith("evidence"):
        assessment = _fresh(cast, catalogue)
        if view == "evidence_upload":
            url = reverse("criteria:evidence_upload", args=[assessment.pk, road.pk])
            return client.post(url, {f"file_{road.pk}": pdf()})
        evidence = evidence_add(assessment=assessment, indicator=road, user=cast.admin, upload=pdf())
        if view == "evidence_file":
            return client.get(reverse("criteria:evidence", args=[evidence.pk]))
        return client.post(reverse("criteria:evidence_delete", args=[evidence.pk]))
    if view == "create":
        return client.post(
            reverse("criteria:create"),
            {"set": catalogue.code, "unit": cast.commune_a.code, "year": next(YEARS)},
        )
    if view == "review_get":
        return client.get(reverse("criteria:review"))
    return client.post(
        reverse("criteria:review"), {"assessment": [_fresh(cast, catalogue, S.SUBMITTED).pk], "confirm": "1"}
    )


@pytest.mark.parametrize("view", MATRIX)
def test_every_view_answers_each_role_as_the_matrix_says(client, cast, catalogue, settings, tmp_path, view):
    settings.MEDIA_ROOT = tmp_path
    client.logout()
    response = _request(client, cast, catalogue, view)
    assert response.status_code == 302 and "/login/" in response.url
    for role, expected in zip(ROLES[1:], MATRIX[view], strict=True):
        client.force_login(getattr(cast, role))
        response = _request(client, cast, catalogue, view)
        assert response.status_code == expected, (view, role, response.status_code)
    if view == "evidence_upload":
        # officer_a and admin uploaded; nobody else could.
        assert Evidence.objects.count() == 2


def test_opening_a_year_with_a_bad_year_stays_on_the_site(client, cast, catalogue):
    client.force_login(cast.officer_a)
    data = {
        "set": catalogue.code,
        "unit": cast.commune_a.code,
        "year": "abc",
        "next": "https://evil.example/",
    }
    response = client.post(reverse("criteria:create"), data)
    assert response.status_code == 302 and not response.url.startswith("https://evil")
    assert not Assessment.objects.exists()
