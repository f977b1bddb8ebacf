"""Actions of the entry page (uploads, removals, submission, approval, withdrawal) never lose
the values typed on the page: they are saved first, with the same checks as "Lưu số liệu", and
an action refused for them is not performed. Also the confirmation of unmet criteria, duplicate
evidence and extensions that match the content."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet, Evidence, IndicatorValue, Transition
from criteria.services import (
    InvalidTransition,
    assessment_return,
    assessment_save,
    assessment_submit,
    assessment_withdraw,
    evidence_add,
)

from ..entry_helpers import PNG_BYTES, indicator, new_assessment, pdf, post_data
from .test_workflow import call_catalogue_for_village

S = Assessment.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def entry_url(assessment) -> str:
    return reverse("criteria:entry", args=[assessment.pk])


def stored(assessment, catalogue, code: str):
    row = IndicatorValue.objects.filter(assessment=assessment, indicator=indicator(catalogue, code)).first()
    return row.number if row else None


def upload_url(assessment, item) -> str:
    return reverse("criteria:evidence_upload", args=[assessment.pk, item.pk])


# --- uploads ------------------------------------------------------------------------------


def test_uploading_evidence_saves_the_values_typed_on_the_page_first(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    data = post_data(assessment, {"3.1": "97", "15.3": "12,5", "1.1": "1"}) | {f"file_{road.pk}": pdf()}
    response = client.post(upload_url(assessment, road), data)
    assert response.status_code == 302 and response.url.endswith(f"#indicator-{road.pk}")
    assert stored(assessment, catalogue, "3.1") == Decimal("97")
    assert stored(assessment, catalogue, "15.3") == Decimal("12.5")
    assert Evidence.objects.get().indicator == road
    assert Assessment.objects.get(pk=assessment.pk).version == 2


def test_an_upload_with_an_invalid_value_stores_nothing_and_says_so_beside_the_indicator(
    client, cast, catalogue
):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    data = post_data(assessment, {"3.1": "120", "15.3": "12"}) | {f"file_{road.pk}": pdf()}
    response = client.post(upload_url(assessment, road), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="120"' in page and 'value="12"' in page
    assert "Chưa tải tệp lên" in page.split(f'id="indicator-{road.pk}"')[1]
    assert not Evidence.objects.exists() and not assessment.values.exists()


def test_an_upload_from_a_stale_page_stores_nothing_and_shows_the_conflict(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    client.post(entry_url(assessment), post_data(assessment, {"3.1": "85"}))
    data = post_data(assessment, {"3.1": "70"}, version=1) | {f"file_{road.pk}": pdf()}
    page = client.post(upload_url(assessment, road), data).content.decode()
    assert 'data-testid="conflict"' in page and 'value="70"' in page
    assert not Evidence.objects.exists() and stored(assessment, catalogue, "3.1") == Decimal("85")


def test_a_refused_file_keeps_the_saved_values_and_its_message_shows_beside_the_indicator(
    client, cast, catalogue
):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")
    data = post_data(assessment, {"3.1": "97"}) | {f"file_{road.pk}": fake}
    page = client.post(upload_url(assessment, road), data, follow=True).content.decode()
    assert stored(assessment, catalogue, "3.1") == Decimal("97")
    top, beside = page.split(f'id="indicator-{road.pk}"', 1)
    assert "Chỉ nhận tệp PDF" in beside.split('class="row g-2 indicator-row')[0]
    assert "Chỉ nhận tệp PDF" not in top


def test_removing_evidence_saves_the_values_typed_on_the_page_first(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    evidence = evidence_add(assessment=assessment, indicator=road, user=cast.officer_a, upload=pdf())
    client.force_login(cast.officer_a)
    client.post(reverse("criteria:evidence_delete", args=[evidence.pk]), post_data(assessment, {"3.1": "64"}))
    assert stored(assessment, catalogue, "3.1") == Decimal("64") and not Evidence.objects.exists()


# --- submission ---------------------------------------------------------------------------


def submit(client, assessment, entries=None, version=None, **extra):
    data = post_data(assessment, entries or {}, version=version) | extra
    return client.post(reverse("criteria:submit", args=[assessment.pk]), data)


def test_submitting_saves_the_values_typed_on_the_page_first(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    response = submit(client, assessment, {"3.1": "97"}, confirm="1")
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == S.SUBMITTED and stored(assessment, catalogue, "3.1") == Decimal("97")
    steps = list(Transition.objects.filter(assessment=assessment))
    assert [(step.from_status, step.to_status) for step in steps] == [("draft", "submitted")]


def test_an_invalid_value_stops_the_submission_and_keeps_what_was_typed(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    response = submit(client, assessment, {"3.1": "97", "15.3": "hai mươi"}, confirm="1")
    page = response.content.decode()
    assert response.status_code == 200 and "Chưa gửi hồ sơ" in page
    assert 'value="97"' in page and 'value="hai mươi"' in page
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and not assessment.values.exists()
    assert not Transition.objects.exists()


def test_a_stale_page_stops_the_submission_with_the_other_change(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    client.post(entry_url(assessment), post_data(assessment, {"3.1": "85"}))
    page = submit(client, assessment, {"3.1": "70"}, version=1, confirm="1").content.decode()
    assert 'data-testid="conflict"' in page and 'value="70"' in page
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and stored(assessment, catalogue, "3.1") == Decimal("85")


def test_a_submission_posted_without_the_page_still_submits(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    client.post(reverse("criteria:submit", args=[assessment.pk]), {"confirm": "1"})
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


# --- confirmation of unmet criteria -------------------------------------------------------


def test_submitting_with_unmet_criteria_asks_to_confirm_naming_them(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    response = submit(client, assessment, {"3.1": "97"})
    assert response.status_code == 302 and response.url.endswith("?confirm=submit#confirm")
    assessment.refresh_from_db()
    # The typed value is saved; the submission waits for the confirmation.
    assert assessment.status == S.DRAFT and stored(assessment, catalogue, "3.1") == Decimal("97")
    page = client.get(response.url).content.decode()
    unmet = page.split('data-testid="unmet-criteria"')[1].split("</ul>")[0]
    assert "Còn 19 tiêu chí chưa đạt" in page
    assert unmet.count("<li>") == 19 and "Tiêu chí 2. Giao thông" in unmet
    assert 'name="confirm" value="1"' in page and "Vẫn gửi" in page
    submit(client, assessment, {"3.1": "97"}, version=2, confirm="1")
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


def test_approving_with_unmet_criteria_asks_to_confirm_naming_them(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values={road.pk: {"value": Decimal("97"), "note": ""}},
        expected_version=1,
    )
    assessment_submit(assessment=assessment, user=cast.officer_a)
    client.force_login(cast.district_member_a)
    response = client.post(reverse("criteria:approve", args=[assessment.pk]))
    assert response.url.endswith("?confirm=approve#confirm")
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED
    page = client.get(response.url).content.decode()
    assert "Vẫn phê duyệt" in page and "Tiêu chí 1. Quy hoạch" in page
    client.post(reverse("criteria:approve", args=[assessment.pk]), {"confirm": "1"})
    assert Assessment.objects.get(pk=assessment.pk).status == S.APPROVED


def test_a_village_assessment_asks_the_same_confirmation(client, cast, catalogue):
    call_catalogue_for_village(cast)
    village_set = CriteriaSet.objects.get(code="ha_tinh_kdc_kieu_mau_2022")
    assessment = new_assessment(village_set, village=cast.village_a)
    client.force_login(cast.village_head_a)
    response = submit(client, assessment, {"1.1": "1"})
    assert response.url.endswith("?confirm=submit#confirm")
    page = client.get(response.url).content.decode()
    assert 'data-testid="confirm-unmet"' in page
    assert Assessment.objects.get(pk=assessment.pk).status == S.DRAFT


def test_the_confirmation_is_not_offered_to_whoever_cannot_act(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.district_member_a)
    page = client.get(entry_url(assessment) + "?confirm=approve").content.decode()
    assert 'data-testid="confirm-unmet"' not in page


# --- withdrawal ---------------------------------------------------------------------------


def test_a_commune_withdraws_a_submission_not_yet_reviewed_with_the_reason_kept(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    client.force_login(cast.officer_a)
    page = client.get(entry_url(assessment)).content.decode()
    assert 'data-testid="withdraw"' in page and "Rút lại hồ sơ" in page
    url = reverse("criteria:withdraw", args=[assessment.pk])
    client.post(url, {"reason": ""})
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED
    client.post(url, {"reason": "Quên cập nhật số liệu tiêu chí 17"})
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and assessment.is_editable
    step = Transition.objects.filter(assessment=assessment).first()
    assert (step.from_status, step.to_status, step.by, step.reason) == (
        "submitted",
        "draft",
        cast.officer_a,
        "Quên cập nhật số liệu tiêu chí 17",
    )
    history = client.get(reverse("criteria:history", args=[assessment.pk])).content.decode()
    assert "Quên cập nhật số liệu tiêu chí 17" in history


def test_a_withdrawal_is_refused_once_the_committee_has_acted(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    with pytest.raises(InvalidTransition):
        assessment_withdraw(assessment=assessment, user=cast.officer_a, reason="Chưa gửi")
    assessment_submit(assessment=assessment, user=cast.officer_a)
    assessment_return(assessment=assessment, user=cast.district_member_a, reason="Thiếu biên bản")
    with pytest.raises(InvalidTransition):
        assessment_withdraw(assessment=assessment, user=cast.officer_a, reason="Rút lại")
    assessment_submit(assessment=assessment, user=cast.officer_a)
    Assessment.objects.filter(pk=assessment.pk).update(status=S.APPROVED)
    assessment.status = S.APPROVED
    with pytest.raises(InvalidTransition):
        assessment_withdraw(assessment=assessment, user=cast.officer_a, reason="Rút lại")
    assert Assessment.objects.get(pk=assessment.pk).status == S.APPROVED


def test_only_the_unit_withdraws_and_outsiders_get_404(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    url = reverse("criteria:withdraw", args=[assessment.pk])
    client.force_login(cast.district_member_a)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(cast.officer_b)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


# --- duplicate evidence and extensions ----------------------------------------------------


def test_the_same_file_twice_for_an_indicator_is_refused_with_a_pointer_to_the_first(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, school = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    client.force_login(cast.officer_a)
    client.post(upload_url(assessment, road), {f"file_{road.pk}": pdf("bien-ban.pdf")})
    page = client.post(
        upload_url(assessment, road), {f"file_{road.pk}": pdf("ban-sao.pdf")}, follow=True
    ).content.decode()
    first = Evidence.objects.get()
    beside = page.split(f'id="indicator-{road.pk}"', 1)[1]
    assert "Tệp này đã được tải lên cho chỉ tiêu này: bien-ban.pdf." in beside
    assert reverse("criteria:evidence", args=[first.pk]) in beside.split('data-testid="duplicate-of"')[0]
    assert Evidence.objects.count() == 1
    # The same content for another indicator, or after removal, is a new piece of evidence.
    client.post(upload_url(assessment, school), {f"file_{school.pk}": pdf()})
    assert Evidence.objects.filter(indicator=school).count() == 1
    client.post(reverse("criteria:evidence_delete", args=[first.pk]))
    client.post(upload_url(assessment, road), {f"file_{road.pk}": pdf()})
    assert Evidence.objects.filter(indicator=road).count() == 1


def test_evidence_is_named_and_stored_under_the_extension_of_its_content(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")

    def add(name, content):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return evidence_add(assessment=assessment, indicator=road, user=cast.officer_a, upload=upload)

    image = add("anh-hien-truong.pdf", PNG_BYTES)
    assert (image.original_name, image.content_type) == ("anh-hien-truong.png", "image/png")
    assert image.file.name.endswith(".png")
    photo = add("cong.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    assert photo.original_name == "cong.jpeg" and photo.file.name.endswith(".jpeg")
    legacy = add("bang.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40)
    assert (legacy.original_name, legacy.content_type) == ("bang.xls", "application/vnd.ms-excel")
    nameless = add("bien-ban", PDF_HEAD)
    assert nameless.original_name == "bien-ban.pdf" and nameless.file.name.endswith(".pdf")


PDF_HEAD = b"%PDF-1.7\n%%EOF\n"


# --- who reviews --------------------------------------------------------------------------


def test_the_submit_button_names_who_reviews(client, cast, catalogue):
    """The district committee on the old map; the province office for a commune without a
    district (since 1 July 2025)."""
    from communes.models import Role

    from ..factories import CommuneFactory, user_with_role

    client.force_login(cast.officer_a)
    text = client.get(entry_url(new_assessment(catalogue, commune=cast.commune_a))).content.decode()
    assert "Gửi huyện phê duyệt" in text and "Gửi tỉnh phê duyệt" not in text
    commune = CommuneFactory(district=None, province=cast.province)
    client.force_login(user_with_role("officer_new", Role.Kind.COMMUNE_OFFICER, commune=commune))
    text = client.get(entry_url(new_assessment(catalogue, commune=commune))).content.decode()
    assert "Gửi tỉnh phê duyệt" in text and "Gửi huyện phê duyệt" not in text
