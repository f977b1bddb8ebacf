"""Reasons of any length the forms allow are kept in history (its change-reason column was 100
characters on PostgreSQL), and the page, the form and the database agree on every limit."""

import re

import pytest
from django.urls import reverse

from criteria.forms import EntryForm, ReasonForm, RequiredReasonForm
from criteria.models import Assessment, Transition
from criteria.services import assessment_approve, assessment_submit

from ..entry_helpers import new_assessment, post_data


def text_of(length: int) -> str:
    words = "Thiếu biên bản nghiệm thu đường trục thôn, đề nghị xã bổ sung hồ sơ và ảnh hiện trường. " * 30
    return words[: length - 1] + "."


def _maxlength(page: str, name: str) -> list[int]:
    tags = re.findall(rf"<(?:input|textarea)[^>]*name=\"{name}\"[^>]*>", page)
    return [int(m) for tag in tags for m in re.findall(r'maxlength="(\d+)"', tag)]


def test_a_return_reason_of_2000_characters_is_kept(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    reason = text_of(2000)
    client.force_login(cast.district_member_a)
    response = client.post(reverse("criteria:return", args=[assessment.pk]), {"reason": reason})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.State.RETURNED
    assert Transition.objects.get(assessment=assessment, to_status="returned").reason == reason
    assert Assessment.history.filter(id=assessment.pk).latest().history_change_reason == reason


def test_a_reopen_reason_longer_than_the_form_allows_is_a_message(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    assessment_approve(assessment=assessment, user=cast.district_member_a)
    client.force_login(cast.district_member_a)
    path = reverse("criteria:reopen", args=[assessment.pk])
    response = client.post(path, {"reason": text_of(2001)}, follow=True)
    assert response.status_code == 200
    assert "Lý do quá dài (tối đa 2000 ký tự, đang có 2001)." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.State.APPROVED
    assert client.post(path, {"reason": text_of(1500)}).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.State.RETURNED


def test_a_save_note_of_300_characters_is_kept_with_the_values(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    data = post_data(assessment, {"3.1": "50"}) | {"reason": text_of(300)}
    response = client.post(reverse("criteria:entry", args=[assessment.pk]), data)
    assert response.status_code == 302
    record = Assessment.objects.get(pk=assessment.pk).values.get(indicator__code="3.1").history.latest()
    assert record.history_change_reason == text_of(300)


@pytest.mark.parametrize("field", ["history_change_reason"])
def test_every_history_table_keeps_reasons_as_text(field):
    from django.apps import apps

    historical = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    assert historical
    for model in historical:
        assert model._meta.get_field(field).get_internal_type() == "TextField", model


def test_the_entry_page_limits_the_reasons_as_the_forms_do(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    assessment_submit(assessment=assessment, user=cast.officer_a)
    client.force_login(cast.district_member_a)
    page = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert _maxlength(page, "reason") == [RequiredReasonForm.base_fields["reason"].max_length]
    assessment_approve(assessment=assessment, user=cast.district_member_a)
    page = client.get(reverse("criteria:entry", args=[assessment.pk])).content.decode()
    assert _maxlength(page, "reason") == [RequiredReasonForm.base_fields["reason"].max_length]
    assert ReasonForm.base_fields["reason"].max_length == RequiredReasonForm.base_fields["reason"].max_length

    draft = new_assessment(catalogue, commune=cast.commune_a, year=2024)
    client.force_login(cast.officer_a)
    page = client.get(reverse("criteria:entry", args=[draft.pk])).content.decode()
    assert _maxlength(page, "reason") == [EntryForm.base_fields["reason"].max_length]


def test_a_save_note_longer_than_300_characters_is_a_message_at_the_field(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    data = post_data(assessment, {"3.1": "50"}) | {"reason": text_of(301)}
    response = client.post(reverse("criteria:entry", args=[assessment.pk]), data)
    assert response.status_code == 200
    assert 'data-testid="error-reason"' in response.content.decode()
    assert not assessment.values.filter(indicator__code="3.1", number__isnull=False).exists()


def test_free_text_forms_take_no_more_than_their_columns_hold():
    import datetime

    from criteria.forms import MAX_NOTE, EvidenceForm
    from criteria.forms_recognition import RecognitionForm, RevocationForm
    from criteria.forms_thresholds import ProvinceThresholdForm
    from criteria.models import Evidence, Recognition, Threshold
    from criteria.thresholds import decision_source
    from reports.excel import importer

    def column(model, name: str) -> int:
        return model._meta.get_field(name).max_length

    assert EvidenceForm.base_fields["checklist_item"].max_length == column(Evidence, "checklist_item")
    for name in ("decision_number", "signer"):
        assert RecognitionForm.base_fields[name].max_length == column(Recognition, name)
    assert RevocationForm.base_fields["revocation_number"].max_length == column(
        Recognition, "revocation_number"
    )
    longest = "9" * ProvinceThresholdForm.base_fields["decision_number"].max_length
    assert len(decision_source(longest, datetime.date(2026, 1, 15))) <= column(Threshold, "source")
    assert importer.MAX_NOTE == MAX_NOTE


def test_model_forms_render_their_column_limits_in_the_page():
    from plans.forms import PlanForm, VillageTargetForm, WorkItemForm

    for form_class, names in (
        (PlanForm, ["name", "document_number"]),
        (WorkItemForm, ["name", "unit"]),
        (VillageTargetForm, ["note"]),
    ):
        model = form_class._meta.model
        for name in names:
            field = form_class.base_fields[name]
            assert field.max_length == model._meta.get_field(name).max_length
            assert field.widget_attrs(field.widget)["maxlength"] == str(field.max_length)
