"""Funds mobilised by a plan: the sources and their planned amounts, the amounts mobilised per
period, the one summary every page reads, the funds page's rules, and the periodic reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.deadlines import VN_TZ
from plans.models import FundActual, FundLine, Programme
from plans.selectors import funds_mobilised, plan_funds, unit_fund_lines
from reports.figures.periodic import periodic_report_content
from reports.periodic import periodic_report_for
from reports.periods import Period

from ..conftest import count_queries
from ..plans_helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    return make_plan(cast.commune_a, year=2024)


def line(plan, source="people", planned="100", **extra) -> FundLine:
    return FundLine.objects.create(
        plan=plan, source=source, planned=None if planned is None else Decimal(planned), **extra
    )


def actual(fund_line, day, amount) -> FundActual:
    return FundActual.objects.create(line=fund_line, period_end=day, amount=Decimal(amount))


def test_the_summary_adds_the_periods_and_gives_a_share_only_where_the_plan_states_an_amount(plan):
    people = line(plan, "people", "200")
    budget = line(plan, "commune_budget", None)
    actual(people, datetime.date(2024, 3, 31), "50")
    actual(people, datetime.date(2024, 6, 30), "25,5".replace(",", "."))
    actual(budget, datetime.date(2024, 6, 30), "10")
    summary = plan_funds(plan)
    rows = {row.line.source: row for row in summary.rows}
    assert rows["people"].mobilised == Decimal("75.5") and rows["people"].percent == Decimal("37.8")
    assert rows["commune_budget"].mobilised == Decimal(10) and rows["commune_budget"].percent is None
    # One source without a planned amount: no planned total, so no share of it either.
    assert summary.mobilised == Decimal("85.5") and summary.planned is None and summary.percent is None
    in_q2 = plan_funds(plan, datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
    assert in_q2.mobilised == Decimal("35.5")


def test_a_line_has_exactly_one_owner_and_amounts_are_never_negative(cast, plan):
    programme = Programme.objects.create(
        commune=cast.commune_a, name="Chương trình", start_year=2021, end_year=2025
    )
    for fields in ({}, {"plan": plan, "programme": programme}):
        with pytest.raises(IntegrityError), transaction.atomic():
            FundLine.objects.create(source="people", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        line(plan, planned="-1")
    fund_line = line(plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        actual(fund_line, datetime.date(2024, 1, 31), "-5")
    actual(fund_line, datetime.date(2024, 1, 31), "5")
    with pytest.raises(IntegrityError), transaction.atomic():
        actual(fund_line, datetime.date(2024, 1, 31), "6")


def test_the_officer_adds_a_source_and_records_what_it_mobilised(client, cast, plan):
    client.force_login(cast.officer_a)
    url = reverse("plans:funds", args=[plan.pk])
    data = {
        "action": "lines",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-source": "people",
        "lines-0-detail": "Hiến đất, ngày công",
        "lines-0-planned": "1.250,5",
    }
    assert client.post(url, data).status_code == 302
    fund_line = FundLine.objects.get(plan=plan)
    assert fund_line.planned == Decimal("1250.5") and fund_line.detail == "Hiến đất, ngày công"
    with time_machine.travel(datetime.datetime(2024, 7, 2, 9, tzinfo=VN_TZ), tick=False):
        response = client.post(
            url, {"action": "actual", "line": fund_line.pk, "period_end": "2024-06-30", "amount": "312,75"}
        )
    assert response.status_code == 302
    recorded = FundActual.objects.get(line=fund_line)
    assert recorded.amount == Decimal("312.75") and recorded.entered_by == cast.officer_a
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "312,75" in page and "1.250,5" in page and "25 %" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "mười"}, "amount", "Nhập một số"),
        ({"amount": "-3"}, "amount", "Nhập một số"),
        ({"period_end": "2024-07-03"}, "period_end", "không được sau hôm nay"),
        ({"period_end": "2024-06-30"}, "period_end", "đã có số liệu tính đến ngày 30/06/2024"),
    ],
)
def test_a_bad_figure_is_refused_with_its_field_named_and_the_typed_value_kept(
    client, cast, plan, fields, field, message
):
    fund_line = line(plan)
    actual(fund_line, datetime.date(2024, 6, 30), "10")
    client.force_login(cast.officer_a)
    data = {"action": "actual", "line": fund_line.pk, "period_end": "2024-07-01", "amount": "40", **fields}
    with time_machine.travel(datetime.datetime(2024, 7, 2, 9, tzinfo=VN_TZ), tick=False):
        response = client.post(reverse("plans:funds", args=[plan.pk]), data)
    assert response.status_code == 200
    form = response.context["actual_form"]
    assert message in " ".join(form.errors[field])
    assert f'value="{data["amount"]}"' in response.content.decode()
    assert FundActual.objects.count() == 1


def test_a_line_of_another_plan_cannot_be_given_a_figure_or_deleted(client, cast, plan):
    other = line(make_plan(cast.commune_b, year=2024))
    other_actual = actual(other, datetime.date(2024, 3, 31), "5")
    client.force_login(cast.officer_a)
    url = reverse("plans:funds", args=[plan.pk])
    response = client.post(
        url, {"action": "actual", "line": other.pk, "period_end": "2024-03-31", "amount": "1"}
    )
    assert response.status_code == 200 and "line" in response.context["actual_form"].errors
    assert client.post(url, {"action": "delete_actual", "actual": other_actual.pk}).status_code == 404
    assert client.post(url, {"action": "delete_actual", "actual": "x"}).status_code == 404
    assert FundActual.objects.filter(pk=other_actual.pk).exists()


def test_the_committee_reads_the_funds_but_cannot_change_them(client, cast, plan):
    fund_line = line(plan)
    client.force_login(cast.district_member_a)
    url = reverse("plans:funds", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "Ghi số liệu" not in page and "Nhân dân đóng góp" in page
    response = client.post(
        url, {"action": "actual", "line": fund_line.pk, "period_end": "2024-01-31", "amount": "1"}
    )
    assert response.status_code == 403 and not FundActual.objects.exists()


def grow(plan, sources: int, periods: int) -> None:
    for index in range(sources):
        fund_line = line(plan, FundLine.Source.values[index % len(FundLine.Source.values)], str(100 + index))
        for month in range(1, periods + 1):
            actual(fund_line, datetime.date(2024, month, 28), "3")


# Session, user, roles, the plan, the commune scope check, the fund lines, their actuals, the
# lines of the formset.
FUNDS_PAGE_QUERIES = 8


def test_the_funds_page_and_the_plan_page_cost_the_same_queries_at_two_sizes(client, cast, plan):
    client.force_login(cast.officer_a)
    grow(plan, sources=1, periods=1)
    funds_url = reverse("plans:funds", args=[plan.pk])
    detail_url = reverse("plans:detail", args=[plan.pk])
    small = count_queries(lambda: client.get(funds_url), status=200)
    small_detail = count_queries(lambda: client.get(detail_url), status=200)
    grow(plan, sources=8, periods=9)
    assert count_queries(lambda: client.get(funds_url), status=200) == small == FUNDS_PAGE_QUERIES
    assert count_queries(lambda: client.get(detail_url), status=200) == small_detail


def test_the_periodic_report_carries_the_funds_mobilised_in_its_period(cast, plan):
    people = line(plan, "people")
    budget = line(plan, "province_budget")
    actual(people, datetime.date(2024, 3, 31), "40")
    actual(people, datetime.date(2024, 5, 31), "12,5".replace(",", "."))
    actual(budget, datetime.date(2024, 6, 30), "100")
    actual(budget, datetime.date(2024, 7, 31), "999")
    report = periodic_report_for(cast.commune_a, Period("quarter", 2024, 2))
    content = periodic_report_content(report, today=datetime.date(2024, 8, 1))
    assert [(item.source, item.amount) for item in content.funds] == [
        ("province_budget", Decimal(100)),
        ("people", Decimal("12.5")),
    ]
    # The province's report adds every commune's plans.
    other = line(make_plan(cast.commune_b, year=2024), "people")
    actual(other, datetime.date(2024, 4, 30), "7")
    lines = unit_fund_lines(communes=cast.commune_a.province.communes.all(), year=2024)
    by_source = {
        item.source: item.amount
        for item in funds_mobilised(lines, datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
    }
    assert by_source == {"province_budget": Decimal(100), "people": Decimal("19.5")}


def programme_of(cast) -> Programme:
    return Programme.objects.create(
        commune=cast.commune_a, name="Chương trình", start_year=2021, end_year=2025
    )


def test_a_programme_records_its_own_funds_on_the_same_page(client, cast):
    programme = programme_of(cast)
    client.force_login(cast.officer_a)
    url = reverse("plans:programme_funds", args=[programme.pk])
    data = {
        "action": "lines",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-source": "businesses",
        "lines-0-planned": "",
    }
    assert client.post(url, data).status_code == 302
    fund_line = FundLine.objects.get(programme=programme)
    assert fund_line.plan_id is None and fund_line.planned is None
    response = client.post(
        url, {"action": "actual", "line": fund_line.pk, "period_end": "2023-12-31", "amount": "2.400"}
    )
    assert response.status_code == 302
    assert FundActual.objects.get(line=fund_line).amount == Decimal(2400)
    page = client.get(reverse("plans:programme", args=[programme.pk])).content.decode()
    assert 'data-testid="programme-funds"' in page and "2.400" in page and "văn bản chưa nêu" in page
    # A plan's line is not the programme's to delete.
    other = actual(line(make_plan(cast.commune_a, year=2024)), datetime.date(2024, 3, 31), "5")
    assert client.post(url, {"action": "delete_actual", "actual": other.pk}).status_code == 404
    assert FundActual.objects.filter(pk=other.pk).exists()


def test_a_bad_programme_figure_is_refused_and_nothing_is_written(client, cast):
    programme = programme_of(cast)
    fund_line = FundLine.objects.create(programme=programme, source="people")
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("plans:programme_funds", args=[programme.pk]),
        {"action": "actual", "line": fund_line.pk, "period_end": "2023-12-31", "amount": "nhiều"},
    )
    assert response.status_code == 200
    assert "Nhập một số" in " ".join(response.context["actual_form"].errors["amount"])
    assert 'value="nhiều"' in response.content.decode() and not FundActual.objects.exists()


def test_a_village_head_sees_the_programme_but_not_its_funds(client, cast):
    programme = programme_of(cast)
    FundLine.objects.create(programme=programme, source="people")
    client.force_login(cast.village_head_a)
    page = client.get(reverse("plans:programme", args=[programme.pk])).content.decode()
    assert 'data-testid="programme-funds"' not in page
    assert client.get(reverse("plans:programme_funds", args=[programme.pk])).status_code == 404


def test_the_programme_funds_page_costs_the_same_queries_at_two_sizes(client, cast):
    programme = programme_of(cast)
    client.force_login(cast.officer_a)

    def grow_programme(sources, periods):
        for index in range(sources):
            fund_line = FundLine.objects.create(
                programme=programme, source=FundLine.Source.values[index % len(FundLine.Source.values)]
            )
            for month in range(1, periods + 1):
                actual(fund_line, datetime.date(2023, month, 28), "3")

    grow_programme(1, 1)
    url = reverse("plans:programme_funds", args=[programme.pk])
    detail = reverse("plans:programme", args=[programme.pk])
    small, small_detail = (
        count_queries(lambda: client.get(url), status=200),
        count_queries(lambda: client.get(detail), status=200),
    )
    grow_programme(8, 9)
    assert count_queries(lambda: client.get(url), status=200) == small
    assert count_queries(lambda: client.get(detail), status=200) == small_detail
