"""Entry of assessment values: number parsing, the save service, the entry page, evidence."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from criteria.evaluation import Kind, format_number
from criteria.models import Assessment, Criterion, Evidence, Indicator, IndicatorValue
from criteria.parsing import ParseError, check_value, parse_number
from criteria.services import AssessmentConflict, AssessmentLocked, assessment_save, evidence_add

from ..entry_helpers import PDF_BYTES, docx, full_values, indicator, new_assessment, pdf, post_data

# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("2,21", "2.21"),
        ("1.234,5", "1234.5"),
        ("2.21", "2.21"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1 234,5", "1234.5"),
        ("95 %", "95"),
        ("0", "0"),
    ],
)
def test_it_reads_vietnamese_and_english_numbers(text, number):
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.234,5,6", "12.34.5", "2,21x", "1,234.5.6", "NaN"])
def test_it_refuses_what_is_not_a_number(text):
    with pytest.raises(ParseError):
        parse_number(text)


@given(st.decimals(min_value=0, max_value=999_999_999, places=2, allow_nan=False, allow_infinity=False))
def test_a_number_written_the_vietnamese_way_reads_back_the_same(number):
    with translation.override("vi"):
        text = format_number(number)
    assert parse_number(text) == number


@given(st.decimals(min_value=0, max_value=999_999, places=3, allow_nan=False, allow_infinity=False))
def test_a_number_written_the_english_way_reads_back_the_same_when_unambiguous(number):
    # "999,999" or "17.983" alone are ambiguous; Vietnamese first reads a comma as decimal and
    # a lone dot before three digits as grouping, except in percentages. With both separators,
    # or as a percentage, English writing reads back exactly.
    with translation.override("en"):
        text = format_number(number)
    assume(("," in text and "." in text) or number <= 100)
    assert parse_number(text, percent=number <= 100) == number


@pytest.mark.parametrize(
    "text, percent, number",
    [("1.234", False, "1234"), ("1.234", True, "1.234"), ("1,234", False, "1.234"), ("12.5", False, "12.5")],
)
def test_ambiguous_numbers_read_the_vietnamese_way_except_in_percentages(text, percent, number):
    assert parse_number(text, percent=percent) == Decimal(number)


@given(st.text(max_size=12))
def test_parsing_never_fails_with_anything_but_a_parse_error(text):
    try:
        parse_number(text)
    except ParseError:
        pass


def test_percent_must_lie_between_0_and_100_and_numbers_within_bounds():
    assert check_value(Kind.PERCENT_MIN, Decimal("100")) is None
    assert "0 đến 100" in check_value(Kind.PERCENT_MIN, Decimal("100.5"))
    assert check_value(Kind.PERCENT_MAX, Decimal("-1"))
    assert check_value(Kind.NUMBER_MIN, Decimal("1e12"))
    assert check_value(Kind.LEVEL, "x", ["a", "b"])
    assert check_value(Kind.BOOL, "yes")


# --- the save service --------------------------------------------------------------------


def test_saving_writes_values_in_bulk_bumps_the_version_and_stores_the_evaluation(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    outcome = assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values=full_values(catalogue),
        expected_version=1,
        reason="Số liệu quý 1",
    )
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert assessment.criteria_met == outcome.criteria_met and assessment.criteria_total == 19
    assert IndicatorValue.objects.filter(assessment=assessment).count() == len(full_values(catalogue))
    stunting = IndicatorValue.objects.get(assessment=assessment, indicator=indicator(catalogue, "15.3"))
    assert stunting.status == "not_met"  # 90 % > 25 %
    assert assessment.results.count() == 19


def test_saving_an_unchanged_page_keeps_the_version(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    values = full_values(catalogue)
    assessment_save(assessment=assessment, user=cast.officer_a, values=values, expected_version=1)
    assessment_save(assessment=assessment, user=cast.officer_a, values=values, expected_version=2)
    assessment.refresh_from_db()
    assert assessment.version == 2


def test_a_stale_save_is_refused_with_what_the_other_user_changed(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values={road.pk: {"value": Decimal("85"), "note": "đo lại"}},
        expected_version=1,
    )
    stale = Assessment.objects.get(pk=assessment.pk)
    with pytest.raises(AssessmentConflict) as refused:
        assessment_save(
            assessment=stale,
            user=cast.admin,
            values={road.pk: {"value": Decimal("70"), "note": ""}},
            expected_version=1,
        )
    change = refused.value.changes[0]
    assert (change.indicator_code, change.old, change.new, change.note_changed) == ("3.1", "—", "85 %", True)
    assert IndicatorValue.objects.get(assessment=assessment, indicator=road).number == Decimal("85")


def test_a_locked_or_submitted_assessment_refuses_saves(cast, catalogue):
    for status in (Assessment.State.APPROVED, Assessment.State.SUBMITTED):
        assessment = new_assessment(catalogue, commune=cast.commune_a, year=2020 + len(status))
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        with pytest.raises(AssessmentLocked):
            assessment_save(
                assessment=assessment,
                user=cast.officer_a,
                values=full_values(catalogue),
                expected_version=None,
            )
        assert not assessment.values.exists()


def test_a_bad_value_names_the_indicator_and_saves_nothing(cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    values = full_values(catalogue)
    values[indicator(catalogue, "3.1").pk]["value"] = Decimal("120")
    with pytest.raises(ValidationError) as refused:
        assessment_save(assessment=assessment, user=cast.officer_a, values=values, expected_version=1)
    assert "3.1" in str(refused.value)
    assert not assessment.values.exists()


# --- the entry page ----------------------------------------------------------------------


def entry_url(assessment):
    return reverse("criteria:entry", args=[assessment.pk])


def test_the_entry_page_groups_indicators_by_criterion_with_thresholds_and_inputs(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    page = client.get(entry_url(assessment)).content.decode()
    assert page.count("<details") == 19
    assert 'data-testid="threshold-15.3">≤ 25 %<' in page
    assert 'inputmode="decimal"' in page
    assert 'id="entry-data" type="application/json"' in page
    # Strict CSP later: no inline scripts or styles.
    assert "style=" not in page
    assert "<script>" not in page.replace('<script id="entry-data" type="application/json">', "")


def test_posting_vietnamese_numbers_saves_and_evaluates(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    response = client.post(entry_url(assessment), post_data(assessment, {"3.1": "82,5", "1.1": "1"}))
    assert response.status_code == 302
    row = IndicatorValue.objects.get(assessment=assessment, indicator=indicator(catalogue, "3.1"))
    assert (row.number, row.status) == (Decimal("82.5"), "met")
    page = client.get(entry_url(assessment)).content.decode()
    assert 'value="82,5"' in page


def test_an_invalid_field_shows_its_error_keeps_what_was_typed_and_saves_nothing(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    response = client.post(
        entry_url(assessment), post_data(assessment, {"3.1": "120", "1.1": "1", "15.3": "hai mươi"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-3.1">Tỷ lệ phải nằm trong khoảng 0 đến 100.<' in page
    assert "“hai mươi” không phải là số." in page
    assert 'value="120"' in page and 'value="hai mươi"' in page
    assert not assessment.values.exists()
    assert Assessment.objects.get(pk=assessment.pk).version == 1


def test_a_stale_page_is_refused_and_shows_the_other_change_keeping_the_typed_values(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    client.post(entry_url(assessment), post_data(assessment, {"3.1": "85"}))
    response = client.post(entry_url(assessment), post_data(assessment, {"3.1": "70"}, version=1))
    page = response.content.decode()
    assert 'data-testid="conflict"' in page and "85 %" in page and 'value="70"' in page
    assert IndicatorValue.objects.get(indicator=indicator(catalogue, "3.1")).number == Decimal(85)
    assert 'name="version" value="2"' in page


def test_direct_posts_to_a_locked_assessment_change_nothing(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.State.APPROVED)
    client.force_login(cast.officer_a)
    page = client.get(entry_url(assessment)).content.decode()
    assert 'data-testid="lock-badge"' in page and 'data-testid="save"' not in page
    response = client.post(entry_url(assessment), post_data(assessment, {"3.1": "85"}), follow=True)
    assert "bị khóa" in response.content.decode()
    assert not assessment.values.exists()
    upload = client.post(
        reverse("criteria:evidence_upload", args=[assessment.pk, indicator(catalogue, "3.1").pk]),
        {f"file_{indicator(catalogue, '3.1').pk}": pdf()},
    )
    assert upload.status_code == 302 and not Evidence.objects.exists()


# --- evidence ----------------------------------------------------------------------------


def upload(client, assessment, item, file, checklist_item=""):
    return client.post(
        reverse("criteria:evidence_upload", args=[assessment.pk, item.pk]),
        {f"file_{item.pk}": file, f"item_{item.pk}": checklist_item},
        follow=True,
    )


def test_evidence_is_checked_by_content_stored_under_a_safe_name_and_served_only_in_scope(
    client, cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    upload(client, assessment, road, pdf("../../etc/biên bản.pdf"))
    upload(client, assessment, road, docx())
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = upload(client, assessment, road, fake).content.decode()
    assert "Chỉ nhận tệp PDF" in refused
    stored = list(Evidence.objects.order_by("pk"))
    assert [item.original_name for item in stored] == ["biên bản.pdf", "bao-cao.docx"]
    assert stored[0].file.name.startswith(f"evidence/{assessment.pk}/") and stored[0].file.name.endswith(
        ".pdf"
    )
    assert ".." not in stored[0].file.name and "biên" not in stored[0].file.name
    url = reverse("criteria:evidence", args=[stored[0].pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    client.force_login(cast.officer_b)
    assert client.get(url).status_code == 404
    client.force_login(cast.district_member_a)
    assert client.get(url).status_code == 200


def test_evidence_over_the_size_limit_is_refused(client, cast, catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 100
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"x" * 200, content_type="application/pdf")
    assert "Tệp quá lớn" in upload(client, assessment, indicator(catalogue, "3.1"), big).content.decode()
    assert not Evidence.objects.exists()


def test_the_checklist_shows_completeness_from_tagged_evidence(client, cast, catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    criterion = Criterion.objects.get(criteria_set=catalogue, code="3")
    criterion.evidence_checklist = [{"name": "Biên bản kiểm tra", "illustrative": True}, "Ảnh hiện trạng"]
    criterion.save()
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    page = upload(
        client, assessment, indicator(catalogue, "3.1"), pdf(), "Biên bản kiểm tra"
    ).content.decode()
    assert 'data-testid="checklist-3">Hồ sơ 1/2<' in page
    assert "☑ Biên bản kiểm tra" in page and "☐ Ảnh hiện trạng" in page


def test_evidence_can_be_removed_while_editable(client, cast, catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    evidence = evidence_add(
        assessment=assessment, indicator=indicator(catalogue, "3.1"), user=cast.officer_a, upload=pdf()
    )
    client.force_login(cast.officer_a)
    client.post(reverse("criteria:evidence_delete", args=[evidence.pk]))
    assert not Evidence.objects.exists()
    assert Evidence.history.filter(history_type="-").count() == 1


# --- query budgets -----------------------------------------------------------------------


def grow_catalogue(criteria_set, extra_indicators: int) -> None:
    """Add a criterion with `extra_indicators` percent indicators to the set."""
    criterion = Criterion.objects.create(criteria_set=criteria_set, code="99", name_vi="Bổ sung", order=99)
    Indicator.objects.bulk_create(
        Indicator(criterion=criterion, code=f"99.{n}", name_vi=f"Chỉ tiêu {n}", kind="percent_min", order=n)
        for n in range(extra_indicators)
    )


def count(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code in (200, 302)
    return len(queries)


@pytest.mark.parametrize("size", ["page", "save"])
def test_entry_page_and_save_cost_the_same_queries_at_two_catalogue_sizes(client, cast, catalogue, size):
    client.force_login(cast.officer_a)

    def measure(year):
        assessment = new_assessment(catalogue, commune=cast.commune_a, year=year)
        if size == "page":
            assessment_save(
                assessment=assessment, user=cast.officer_a, values=full_values(catalogue), expected_version=1
            )
            return count(client, "get", entry_url(assessment))
        data = post_data(assessment, {})
        for item in Indicator.objects.filter(criterion__criteria_set=catalogue):
            data[f"v_{item.pk}"] = {"bool": "1", "level": (item.levels or [""])[-1]}.get(item.kind, "90")
        return count(client, "post", entry_url(assessment), data)

    small = measure(2024)
    # SQLite splits a bulk insert at its 999-parameter limit (about 70 history rows), which
    # is the database's batching, not a query per row: grow less there.
    grow_catalogue(catalogue, 8 if connection.vendor == "sqlite" else 60)
    assert measure(2025) == small
    # Page: session, user, roles, assessment, catalogue (3), values, regions, evidence,
    # transitions, the commune's plan of the year (its daily photos). Save: the same reads,
    # row lock, bulk insert + history, version save + history, evaluation store (statuses,
    # results, totals, prerequisite, dependents).
    assert small <= (13 if size == "page" else 26)
