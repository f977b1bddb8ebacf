"""Numeric targets of a plan: the actual form, counted objects, the selector's and the plan page's
query budgets, the plan editor's new fields."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from criteria.models import Assessment, Indicator, IndicatorValue
from plans.models import CountedObject, Programme, SocioTarget, TargetActual
from plans.selectors import target_rows

from ..conftest import count_queries
from ..plans_helpers import make_plan
from ..reliability_helpers import form_with


def current_plan(cast):
    return make_plan(cast.commune_a, year=timezone.localdate().year)


def poverty(plan, **extra) -> SocioTarget:
    fields = {
        "name": "Tỷ lệ hộ nghèo",
        "direction": SocioTarget.Direction.REDUCE_BY,
        "change": SocioTarget.Change.POINTS,
        "value": Decimal("1"),
        "unit": "%",
        "baseline_value": Decimal("5.2"),
        "baseline_year": plan.year - 1,
    }
    return SocioTarget.objects.create(plan=plan, **(fields | extra))


def actual_url(target) -> str:
    return reverse("plans:target_actual", args=[target.plan_id, target.pk])


def test_the_officer_enters_an_actual_and_the_status_follows(client, cast):
    plan = current_plan(cast)
    target = poverty(plan)
    client.force_login(cast.officer_a)
    today = timezone.localdate()
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "giảm ít nhất 1 điểm % mỗi năm, từ 5,2 %" in page and "Chưa có số liệu thực hiện" in page
    response = client.post(actual_url(target), {"as_of": today.isoformat(), "value": "4,1", "note": ""})
    assert response.status_code == 302
    actual = TargetActual.objects.get(target=target)
    assert (actual.value, actual.source, actual.entered_by) == (Decimal("4.1"), "target", cast.officer_a)
    [row] = target_rows(SocioTarget.objects.filter(pk=target.pk), today)
    assert row.status == "met"
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-status="met"' in page and "4,1 %" in page and "nhập trên chỉ tiêu" in page
    # The same day again replaces the value (one per day).
    client.post(actual_url(target), {"as_of": today.isoformat(), "value": "5,1"})
    assert TargetActual.objects.get(target=target).value == Decimal("5.1")


@pytest.mark.parametrize(
    ("value", "as_of", "message"),
    [
        ("abc", 0, "Giá trị thực hiện: “abc” không phải là số."),
        ("120", 0, "Giá trị thực hiện: tỷ lệ phải nằm trong khoảng 0 đến 100."),
        ("-1", 0, "Giá trị thực hiện: tỷ lệ phải nằm trong khoảng 0 đến 100."),
        ("", 0, "Nhập giá trị thực hiện."),
        ("4,5", 1, "Ngày tính số liệu không được sau hôm nay."),
        ("4,5", None, "Nhập ngày tính số liệu."),
    ],
)
def test_bad_input_says_which_field_and_writes_nothing(client, cast, value, as_of, message):
    target = poverty(current_plan(cast))
    client.force_login(cast.officer_a)
    day = "" if as_of is None else (timezone.localdate() + timedelta(days=as_of)).isoformat()
    response = client.post(actual_url(target), {"as_of": day, "value": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if value:
        assert f'value="{value}"' in page  # the typed value is kept
    assert not TargetActual.objects.exists()


def test_outsiders_get_404_and_village_heads_403(client, cast):
    target = poverty(current_plan(cast))
    client.force_login(cast.officer_b)
    assert client.get(actual_url(target)).status_code == 404
    assert client.post(actual_url(target), {"as_of": "2026-01-01", "value": "1"}).status_code == 404
    client.force_login(cast.village_head_a)
    assert client.post(actual_url(target), {"as_of": "2026-01-01", "value": "1"}).status_code == 403
    # A target of another plan is not reachable through this plan.
    other = poverty(make_plan(cast.commune_b, year=2024))
    client.force_login(cast.officer_a)
    wrong = reverse("plans:target_actual", args=[target.plan_id, other.pk])
    assert client.get(wrong).status_code == 404
    assert not TargetActual.objects.exists()


def test_counted_objects_are_added_and_marked(client, cast):
    plan = current_plan(cast)
    gardens = SocioTarget.objects.create(
        plan=plan, name="Vườn mẫu", kind=SocioTarget.Kind.COUNTED, value=Decimal(2), unit="vườn"
    )
    client.force_login(cast.officer_a)
    url = reverse("plans:counted", args=[plan.pk, gardens.pk])
    assert client.post(url, {"name": "Vườn ông A", "meets": "on"}).status_code == 302
    assert client.post(url, {"name": "Vườn bà B"}).status_code == 302
    response = client.post(url, {"name": "Vườn bà B"})
    assert response.status_code == 400 and "Tên đối tượng đã có" in response.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"name": "Vườn C", "meets": "on", "recognised_on": tomorrow})
    assert "Ngày công nhận không được sau hôm nay." in response.content.decode()
    today = timezone.localdate()
    [row] = target_rows(SocioTarget.objects.filter(pk=gardens.pk), today)
    assert (row.status, row.result.latest.value) == ("no_baseline", 1)
    second = CountedObject.objects.get(name="Vườn bà B")
    meets = reverse("plans:counted_meets", args=[plan.pk, gardens.pk, second.pk])
    assert client.post(meets, {"meets": "1"}).status_code == 302
    [row] = target_rows(SocioTarget.objects.filter(pk=gardens.pk), today)
    assert row.status == "met"
    assert CountedObject.objects.get(pk=second.pk).recognised_on == today
    client.force_login(cast.officer_b)
    assert client.get(url).status_code == 404
    client.force_login(cast.village_head_a)
    assert client.post(meets, {"meets": "0"}).status_code == 403


def test_constraints_keep_targets_sane(cast):
    plan = current_plan(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Reduce by x a year needs a baseline.
        SocioTarget.objects.create(
            plan=plan, name="x", direction="reduce_by", change="points", value=Decimal(1)
        )
    programme = Programme.objects.create(commune=cast.commune_a, name="P", start_year=2021, end_year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocioTarget.objects.create(plan=plan, programme=programme, name="x", value=Decimal(1))
    target = SocioTarget.objects.create(programme=programme, name="Thu nhập", value=Decimal(60))
    assert target.year == 2025


def test_the_editor_refuses_a_step_without_baseline(client, cast):
    plan = current_plan(cast)
    client.force_login(cast.officer_a)
    page = client.get(reverse("plans:edit", args=[plan.pk])).content.decode()
    data = form_with(page, "plan-name") | {
        "socio-0-name": "Tỷ lệ hộ nghèo",
        "socio-0-direction": "reduce_by",
        "socio-0-value": "1",
        "socio-0-unit": "%",
    }
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ tiêu giảm / tăng mỗi năm cần giá trị mốc và năm mốc." in page
    assert not SocioTarget.objects.exists()
    data |= {"socio-0-change": "points", "socio-0-baseline_value": "5,2", "socio-0-baseline_year": "2020"}
    assert client.post(reverse("plans:edit", args=[plan.pk]), data).status_code == 302
    target = SocioTarget.objects.get()
    assert (target.direction, target.baseline_value, target.change) == ("reduce_by", Decimal("5.2"), "points")


def add_targets(plan, indicator, count: int, first: int = 0) -> None:
    """`count` targets of every kind: stepped with actuals, counted with objects, linked to an
    indicator with the commune's assessment value."""
    for n in range(first, first + count):
        stepped = poverty(plan, name=f"Nghèo {n}")
        TargetActual.objects.create(target=stepped, as_of=date(plan.year, 1, 1), value=Decimal("4.9"))
        counted = SocioTarget.objects.create(plan=plan, name=f"Vườn {n}", kind="counted", value=Decimal(3))
        CountedObject.objects.create(target=counted, name=f"Vườn {n}", meets=True)
        SocioTarget.objects.create(
            plan=plan, name=f"BHYT {n}", value=Decimal(95), unit="%", indicator=indicator
        )


@pytest.fixture
def linked(cast, catalogue):
    indicator = Indicator.objects.get(criterion__criteria_set=catalogue, code="15.1", province__isnull=True)
    assessment = Assessment.objects.create(criteria_set=catalogue, year=2024, commune=cast.commune_a)
    IndicatorValue.objects.create(assessment=assessment, indicator=indicator, number=Decimal("96.5"))
    return indicator


def test_the_selector_costs_four_queries_whatever_the_number_of_targets(cast, linked):
    plan = make_plan(cast.commune_a, year=2025)
    add_targets(plan, linked, 1)
    today = date(2025, 6, 30)
    # Targets (with plan, programme, indicator), their actuals, their counted objects, the
    # assessment values of the linked indicators.
    small = count_queries(lambda: target_rows(SocioTarget.objects.of_plan(plan), today))
    add_targets(plan, linked, 5, first=1)
    assert count_queries(lambda: target_rows(SocioTarget.objects.of_plan(plan), today)) == small == 4
    rows = {row.target.name: row for row in target_rows(SocioTarget.objects.of_plan(plan), today)}
    assert rows["BHYT 3"].from_assessment and rows["BHYT 3"].result.latest.value == Decimal("96.5")
    assert rows["BHYT 3"].status == "met" and rows["Vườn 2"].status == "no_baseline"
    assert rows["Nghèo 4"].status == "on_track"  # 4,9 on 1 January, the line is still at 5,2


def test_the_plan_page_costs_the_same_with_more_targets(client, cast, linked):
    plan = make_plan(cast.commune_a, year=2025)
    add_targets(plan, linked, 1)
    client.force_login(cast.officer_a)
    url = reverse("plans:detail", args=[plan.pk])
    # Session, user, roles; plan; the set's assessment, deadlines, village targets; the four
    # queries of target_rows; waves, progress sums, work items.
    small = count_queries(lambda: client.get(url), status=200)
    add_targets(plan, linked, 5, first=1)
    assert count_queries(lambda: client.get(url), status=200) == small
    page = client.get(url).content.decode()
    assert "lấy từ phiếu đánh giá" in page and "96,5 %" in page


def test_the_periodic_report_lists_the_targets_with_their_status(cast, catalogue):
    from reports.documents.periodic import periodic_sections
    from reports.figures.periodic import periodic_report_content

    from ..dashboard_helpers import populate
    from ..reports.periodic_helpers import saved

    populate(catalogue, cast.commune_a, 2024)
    plan = cast.commune_a.plans.get(year=2024)
    target = poverty(plan)
    # On 30 September the line is at 5,2 - 274/366 ≈ 4,4514: 4,4 is ahead of it.
    TargetActual.objects.create(target=target, as_of=date(2024, 9, 30), value=Decimal("4.4"))
    # After the end of the quarter: not seen by the report of Q4 2024 as of 15 November.
    TargetActual.objects.create(target=target, as_of=date(2024, 11, 30), value=Decimal("5.1"))
    report = saved(cast.commune_a, cast.officer_a)
    content = periodic_report_content(report, today=date(2024, 11, 15))
    [line] = content.targets
    assert (line.actual, line.actual_on, line.status) == (Decimal("4.4"), date(2024, 9, 30), "on_track")
    assert line.statement.startswith("Tỷ lệ hộ nghèo: giảm ít nhất 1 điểm % mỗi năm")
    sections = periodic_sections(report, content)
    paragraphs = [text for section in sections for text in section.get("paragraphs", [])]
    assert any("Đúng tiến độ" in text and "4,4 %" in text for text in paragraphs)


def test_a_programme_target_gets_its_actual_on_the_programme_itself(client, cast):
    """Liên Minh's 2025 targets belong to its five-year programme, which has no plan for every
    year: the actual is entered on the programme."""
    programme = Programme.objects.create(
        commune=cast.commune_a, name="Chương trình", start_year=2021, end_year=2030
    )
    target = SocioTarget.objects.create(
        programme=programme, name="Tỷ lệ tham gia bảo hiểm y tế", value=Decimal(95), unit="%"
    )
    client.force_login(cast.officer_a)
    page_url = reverse("plans:programme", args=[programme.pk])
    enter = reverse("plans:programme_target_actual", args=[programme.pk, target.pk])
    assert enter in client.get(page_url).content.decode()
    today = timezone.localdate()
    response = client.post(enter, {"as_of": today.isoformat(), "value": "120"})
    assert response.status_code == 400 and not TargetActual.objects.exists()
    assert 'value="120"' in response.content.decode()
    response = client.post(enter, {"as_of": today.isoformat(), "value": "96,2"})
    assert response.status_code == 302 and response.url == f"{page_url}#target-{target.pk}"
    assert TargetActual.objects.get(target=target).value == Decimal("96.2")
    page = client.get(page_url).content.decode()
    assert 'data-status="met"' in page and "96,2 %" in page
    # Another commune's officer does not see it; the village head sees it but cannot enter.
    client.force_login(cast.officer_b)
    assert client.get(enter).status_code == 404
    client.force_login(cast.village_head_a)
    assert client.get(enter).status_code == 403
    assert enter not in client.get(page_url).content.decode()
    # A plan's target is not reachable through the programme.
    plan_target = poverty(current_plan(cast))
    client.force_login(cast.officer_a)
    other = reverse("plans:programme_target_actual", args=[programme.pk, plan_target.pk])
    assert client.get(other).status_code == 404


def test_a_programme_counts_its_counted_objects(client, cast):
    programme = Programme.objects.create(
        commune=cast.commune_a, name="Chương trình", start_year=2021, end_year=2025
    )
    target = SocioTarget.objects.create(
        programme=programme,
        name="Sản phẩm OCOP 3 sao",
        kind=SocioTarget.Kind.COUNTED,
        value=3,
        unit="sản phẩm",
    )
    client.force_login(cast.officer_a)
    url = reverse("plans:programme_counted", args=[programme.pk, target.pk])
    assert client.post(url, {"name": "Chè xanh"}).status_code == 302
    obj = CountedObject.objects.get(target=target)
    meets = reverse("plans:programme_counted_meets", args=[programme.pk, target.pk, obj.pk])
    assert client.post(meets, {"meets": "1"}).status_code == 302
    assert CountedObject.objects.get(pk=obj.pk).meets
    page = client.get(reverse("plans:programme", args=[programme.pk])).content.decode()
    assert url in page and "1/1" in page
