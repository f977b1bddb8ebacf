"""The province office sets its own thresholds through a page, citing the decision (number and
date): as strict as the national one or stricter, never looser; each change re-evaluates the
province's assessments of the set; only the province's office opens the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communes.models import Role
from criteria.models import Assessment, Threshold

from ..conftest import count_queries
from ..excel_helpers import assess
from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, user_with_role


@pytest.fixture
def national(catalogue) -> Threshold:
    """A national "at least" percent threshold for the cast's region (Bắc Trung Bộ)."""
    return (
        Threshold.objects.filter(
            indicator__criterion__criteria_set=catalogue,
            indicator__kind="percent_min",
            province__isnull=True,
            classifier_value="btb",
            year__isnull=True,
            value__lt=90,
        )
        .select_related("indicator")
        .order_by("pk")
        .first()
    )


def page(cast, catalogue, indicator) -> str:
    return reverse("criteria:province_threshold", args=[cast.province.key, catalogue.code, indicator.code])


def post(client, cast, catalogue, indicator, **fields):
    client.force_login(cast.province_office)
    data = {
        "threshold": "95",
        "classifier_value": "btb",
        "year": "",
        "decision_number": "12/2026/QĐ-UBND",
        "decision_date": "2026-03-05",
    } | fields
    return client.post(page(cast, catalogue, indicator), data)


def own(cast):
    return Threshold.objects.filter(province=cast.province)


def test_only_the_province_office_and_superusers_open_the_pages(client, cast, catalogue, national):
    other = ProvinceFactory(code="40")
    other_office = user_with_role("office_other", Role.Kind.PROVINCE_OFFICE, province=other)
    urls = [
        reverse("criteria:province_thresholds", args=[cast.province.key]) + f"?set={catalogue.code}",
        page(cast, catalogue, national.indicator),
    ]
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302
        for outsider in (cast.officer_a, cast.district_member_a, other_office):
            client.force_login(outsider)
            assert client.get(url).status_code == 404, (url, outsider)
        for allowed in (cast.province_office, cast.admin):
            client.force_login(allowed)
            assert client.get(url).status_code == 200, (url, allowed)


def test_a_stricter_threshold_is_set_with_its_decision_and_reevaluates(client, cast, catalogue, national):
    assessment = assess(catalogue, cast.commune_a)
    response = post(client, cast, catalogue, national.indicator, threshold="95,5")
    assert response.status_code == 302
    row = own(cast).get()
    assert row.indicator == national.indicator and row.classifier_value == "btb" and row.year is None
    assert row.value == Decimal("95.5") and row.source == "Quyết định số 12/2026/QĐ-UBND ngày 05/03/2026"
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    listing = client.get(response["Location"]).content.decode()
    assert "≥ 95,5 %" in listing and "Quyết định số 12/2026/QĐ-UBND ngày 05/03/2026" in listing
    # Setting it again replaces the province's row.
    assert post(client, cast, catalogue, national.indicator, threshold="97").status_code == 302
    assert own(cast).get().value == Decimal("97")


def test_a_looser_threshold_is_refused_and_nothing_changes(client, cast, catalogue, national):
    assessment = assess(catalogue, cast.commune_a)
    looser = str(national.value - 1).replace(".", ",")
    for fields in ({"threshold": looser}, {"threshold": looser, "classifier_value": ""}):
        response = post(client, cast, catalogue, national.indicator, **fields)
        text = response.content.decode()
        assert response.status_code == 400 and "lỏng hơn ngưỡng quốc gia" in text, fields
        assert "tỉnh chỉ được quy định bằng hoặc chặt hơn mức quốc gia" in text
    assert not own(cast).exists()
    assert not Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()


def test_bad_input_gives_a_message_never_a_500(client, cast, catalogue, national):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ({"decision_number": "Q" * 5000}, "tối đa 60 kí tự"),
        ({"decision_number": ""}, "bắt buộc"),
        ({"decision_date": tomorrow}, "không được sau ngày hôm nay"),
        ({"decision_date": "31/02/2026"}, "ngày hợp lệ"),
        ({"threshold": "101"}, "100"),
        ({"threshold": "9" * 500}, "14 số"),
        ({"threshold": "nhiều"}, "số"),
        ({"classifier_value": "mars"}, "lựa chọn hợp lệ"),
        ({"year": "1000000"}, "2100"),
    ]
    for fields, message in cases:
        response = post(client, cast, catalogue, national.indicator, **fields)
        assert response.status_code == 400 and message in response.content.decode(), fields
    assert not own(cast).exists()


def test_removing_the_provinces_threshold_brings_back_the_national_one(client, cast, catalogue, national):
    post(client, cast, catalogue, national.indicator)
    row = own(cast).get()
    assessment = assess(catalogue, cast.commune_a)
    other = ProvinceFactory(code="40")
    CommuneFactory(district=DistrictFactory(province=other))
    office_other = user_with_role("office_other", Role.Kind.PROVINCE_OFFICE, province=other)
    client.force_login(office_other)
    remove_there = reverse("criteria:province_threshold_remove", args=[other.key, row.pk])
    assert client.post(remove_there).status_code == 404
    client.force_login(cast.province_office)
    remove = reverse("criteria:province_threshold_remove", args=[cast.province.key, row.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not own(cast).exists()
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()


def test_the_list_costs_the_same_queries_with_one_and_many_province_thresholds(
    client, cast, catalogue, national
):
    post(client, cast, catalogue, national.indicator)
    url = reverse("criteria:province_thresholds", args=[cast.province.key]) + f"?set={catalogue.code}"
    small = count_queries(lambda: client.get(url), status=200)
    others = Threshold.objects.filter(
        indicator__criterion__criteria_set=catalogue,
        indicator__kind="percent_min",
        province__isnull=True,
        year__isnull=True,
    ).select_related("indicator")
    for row in others.order_by("pk")[:8]:
        post(client, cast, catalogue, row.indicator, threshold="100", classifier_value=row.classifier_value)
    assert own(cast).count() > 2
    # session, user, roles; the sets of the province; indicators; thresholds; regions.
    assert count_queries(lambda: client.get(url), status=200) == small == 7


def test_every_change_of_a_province_threshold_is_in_its_history_with_who_when_and_decision(
    client, cast, catalogue, national
):
    assert post(client, cast, catalogue, national.indicator, threshold="95").status_code == 302
    assert (
        post(
            client, cast, catalogue, national.indicator, threshold="97", decision_number="15/2026/QĐ-UBND"
        ).status_code
        == 302
    )
    records = list(Threshold.history.filter(province_id=cast.province.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~"]
    assert all(record.history_user == cast.province_office for record in records)
    assert [record.value for record in records] == [Decimal("95"), Decimal("97")]
    assert "15/2026/QĐ-UBND" in records[1].source
    html = client.get(page(cast, catalogue, national.indicator)).content.decode()
    history = html[html.index('data-testid="threshold-history"') :]
    assert "12/2026/QĐ-UBND" in history and "15/2026/QĐ-UBND" in history
    assert cast.province_office.username in history or cast.province_office.get_full_name() in history


def test_loading_the_catalogue_again_writes_no_threshold(catalogue):
    before = Threshold.history.count()
    call_command("load_catalogue", verbosity=0)
    assert Threshold.history.count() == before
