"""History: every change of a value, note, evidence file or status, with who, when, old, new and
why; a page per assessment and per indicator; and the demo's workflow data."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Assessment, Criterion, IndicatorValue, Transition
from criteria.services import (
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_submit,
    evidence_add,
)

from ..entry_helpers import indicator, new_assessment, pdf


def history_rows(client, url) -> list[list[str]]:
    import re

    page = client.get(url).content.decode()
    body = page.split('data-testid="history"')[1].split("</tbody>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def journey(cast, catalogue, tmp_path) -> Assessment:
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values={
            road.pk: {"value": Decimal("75"), "note": ""},
            stunting.pk: {"value": Decimal("20"), "note": "Trạm y tế"},
        },
        expected_version=1,
        reason="Nhập lần đầu",
    )
    evidence_add(assessment=assessment, indicator=road, user=cast.officer_a, upload=pdf("bien-ban.pdf"))
    assessment_submit(assessment=assessment, user=cast.officer_a)
    assessment_return(
        assessment=assessment, user=cast.district_member_a, reason="Tỷ lệ 3.1 chưa khớp biên bản"
    )
    assessment_save(
        assessment=assessment,
        user=cast.officer_a,
        values={road.pk: {"value": Decimal("82.5"), "note": "Theo biên bản 12/3"}},
        expected_version=assessment.version,
        reason="Sửa theo ý kiến huyện",
    )
    assessment_submit(assessment=assessment, user=cast.officer_a)
    assessment_approve(assessment=assessment, user=cast.district_member_a)
    return assessment


def test_the_history_page_shows_every_step_with_who_old_new_and_why(
    client, cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = journey(cast, catalogue, tmp_path)
    client.force_login(cast.district_member_a)
    rows = history_rows(client, reverse("criteria:history", args=[assessment.pk]))
    contents = [(row[2].split(" ")[0], row[3], row[4], row[5]) for row in rows]
    by = {row[1] for row in rows}
    assert by == {"officer_a", "district_a"}
    expected = [
        ("Trạng", "Đã gửi huyện", "Đã phê duyệt", ""),
        ("Trạng", "Bị trả lại", "Đã gửi huyện", ""),
        ("3.1", "—", "Theo biên bản 12/3", "Sửa theo ý kiến huyện"),
        ("3.1", "75 %", "82,5 %", "Sửa theo ý kiến huyện"),
        ("Trạng", "Đã gửi huyện", "Bị trả lại", "Tỷ lệ 3.1 chưa khớp biên bản"),
        ("Trạng", "Đang soạn", "Đã gửi huyện", ""),
        ("3.1", "—", "bien-ban.pdf", ""),
        ("15.3", "—", "Trạm y tế", "Nhập lần đầu"),
        ("15.3", "—", "20 %", "Nhập lần đầu"),
        ("3.1", "—", "75 %", "Nhập lần đầu"),
    ]
    for step in expected:
        assert step in contents, step
    assert len(contents) == len(expected)


def test_the_indicator_history_page_shows_only_that_indicator(client, cast, catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = journey(cast, catalogue, tmp_path)
    client.force_login(cast.officer_a)
    url = reverse("criteria:indicator_history", args=[assessment.pk, indicator(catalogue, "3.1").pk])
    rows = history_rows(client, url)
    assert [(row[3], row[4]) for row in rows] == [
        ("75 %", "82,5 %"),
        ("—", "Theo biên bản 12/3"),
        ("—", "bien-ban.pdf"),
        ("—", "75 %"),
    ]


def test_history_pages_cost_the_same_queries_however_long_the_history(
    client, cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = journey(cast, catalogue, tmp_path)
    client.force_login(cast.officer_a)
    urls = [
        reverse("criteria:history", args=[assessment.pk]),
        reverse("criteria:indicator_history", args=[assessment.pk, indicator(catalogue, "3.1").pk]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.State.DRAFT)
    road = indicator(catalogue, "3.1")
    for number in range(10):
        assessment.refresh_from_db()
        assessment_save(
            assessment=assessment,
            user=cast.officer_a,
            values={road.pk: {"value": Decimal(number), "note": f"lần {number}"}},
            expected_version=assessment.version,
        )
    assert counts() == small
    # session, user, roles; assessment; value history, evidence history; and the transitions
    # (assessment page) or the indicator (indicator page).
    assert small == [7, 7]


def test_the_admin_shows_values_read_only_so_only_the_services_change_them(
    client, cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = journey(cast, catalogue, tmp_path)
    client.force_login(cast.admin)
    page = client.get(reverse("admin:criteria_assessment_change", args=[assessment.pk])).content.decode()
    assert "values-0-number" not in page and "82,5" in page
    assert client.get(reverse("admin:criteria_assessment_history", args=[assessment.pk])).status_code == 200


@pytest.mark.django_db
def test_the_demo_has_village_assessments_workflow_states_and_illustrative_checklists(demo):
    villages = Assessment.objects.filter(
        village__commune__code="18190", criteria_set__code="ha_tinh_kdc_kieu_mau_2022"
    )
    assert villages.count() == 4
    thinh_bang = villages.get(village__name="Thịnh Bằng")
    assert thinh_bang.status == Assessment.State.SUBMITTED and thinh_bang.values.exists()
    assert villages.get(village__name="Thôn 4").criteria_met < thinh_bang.criteria_met
    approved = Assessment.objects.get(commune__code="18190", criteria_set__code="xa_ntm_2021_2025", year=2023)
    assert approved.is_locked
    assert Transition.objects.filter(assessment=approved).count() == 2
    checklist = Criterion.objects.get(criteria_set__code="xa_ntm_2021_2025", code="17").evidence_checklist
    assert checklist and all(item["illustrative"] for item in checklist)
    call_command("load_demo", verbosity=0)
    assert Transition.objects.filter(assessment=approved).count() == 2
    assert IndicatorValue.objects.filter(assessment=thinh_bang).count() == thinh_bang.values.count()


def test_the_province_office_edits_a_criterions_checklist_in_the_admin(client, cast, catalogue):
    criterion = Criterion.objects.get(criteria_set=catalogue, code="3")
    client.force_login(cast.admin)
    page = client.get(reverse("admin:criteria_criterion_change", args=[criterion.pk])).content.decode()
    assert "evidence_checklist" in page and "illustrative" in page
