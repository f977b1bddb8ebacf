"""Plan edits naming another set's criterion or another commune's village, and quantities
beyond any sense (a 12-digit typo): a message at the field and nothing written, never a server
error; a week's result above the village's allocation is saved with a warning."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion
from plans.models import ReportLine, VillageTarget, WorkItem

from ..factories import CommuneFactory, VillageFactory
from ..plans_helpers import make_plan
from ..reliability_helpers import form_with, row_counts

TYPO = "100.000.000.000"  # a 12-digit slip for 100.000


@pytest.fixture
def plan(cast, catalogue):
    plan = make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    plan.target_set = catalogue
    plan.save()
    return plan


def edit_data(client, plan) -> dict:
    return form_with(client.get(reverse("plans:edit", args=[plan.pk])).content.decode(), "plan-name")


def test_a_criterion_of_another_set_is_an_error_at_the_field(client, cast, plan, catalogue):
    other = (
        Criterion.objects.exclude(criteria_set=catalogue).filter(criteria_set__unit_level="commune").first()
    )
    client.force_login(cast.officer_a)
    data = edit_data(client, plan) | {"items-0-criterion": str(other.pk)}
    before = row_counts()
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "Lựa chọn này không có trong danh sách của kế hoạch; hãy chọn lại." in response.content.decode()
    assert row_counts() == before
    assert WorkItem.objects.get(plan=plan).criterion_id is None


def test_a_village_of_another_commune_is_an_error_at_the_field(client, cast, plan):
    stranger = VillageFactory(commune=CommuneFactory(district=cast.district_b))
    client.force_login(cast.officer_a)
    data = edit_data(client, plan) | {"villages-0-village": str(stranger.pk), "villages-0-kind": "keep_ntm"}
    before = row_counts()
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "Lựa chọn này không có trong danh sách của kế hoạch; hãy chọn lại." in response.content.decode()
    assert row_counts() == before
    assert not VillageTarget.objects.filter(village=stranger).exists()


def test_a_work_item_quantity_beyond_its_column_is_an_error_at_the_field(client, cast, plan):
    client.force_login(cast.officer_a)
    data = edit_data(client, plan) | {"items-0-quantity": TYPO + ",5"}
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "Số quá lớn: tối đa 99.999.999.999." in response.content.decode()
    assert WorkItem.objects.get(plan=plan).quantity == Decimal(3200)


def test_an_allocation_beyond_its_column_is_an_error_at_the_cell(client, cast, plan):
    item = plan.work_items.get()
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("plans:allocations", args=[plan.pk]), {f"c_{item.pk}_{cast.village_a.pk}": TYPO}
    )
    assert response.status_code == 200
    assert "Số quá lớn" in response.content.decode()


@pytest.fixture
def week_plan(cast, catalogue):
    year = timezone.localdate().isocalendar().year
    return make_plan(cast.commune_a, year=year, villages=[cast.village_a]), year


def report(client, plan, village, year: int, quantity: str):
    item = plan.work_items.get()
    path = reverse("plans:report", args=[plan.pk, village.code, year, 1])
    return client.post(path, {f"item_{item.pk}": quantity, "notes": "", "next_week_plan": ""})


@pytest.mark.parametrize("quantity", [TYPO, "3.200.001", "99.999.999.999.999"])
def test_an_absurd_weekly_quantity_is_refused_at_the_field(client, cast, week_plan, quantity):
    plan, year = week_plan
    client.force_login(cast.village_head_a)
    before = row_counts()
    response = report(client, plan, cast.village_a, year, quantity)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is-invalid" in page
    assert "hơn 1.000 lần khối lượng giao cho thôn (3.200 m)" in page or "Số quá lớn" in page
    assert row_counts() == before


def test_a_weekly_quantity_above_the_allocation_is_saved_with_a_warning(client, cast, week_plan):
    plan, year = week_plan
    client.force_login(cast.village_head_a)
    response = report(client, plan, cast.village_a, year, "4.000")
    assert response.status_code == 302
    assert ReportLine.objects.get(report__plan=plan).quantity == Decimal(4000)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert "«Trồng hàng rào xanh»: 4.000 m vượt khối lượng giao cho thôn (3.200 m)." in warnings


def test_the_warning_reads_in_english_for_an_english_user(client, cast, week_plan, settings):
    plan, year = week_plan
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.village_head_a)
    response = report(client, plan, cast.village_a, year, "4000")
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("is above the village's allocation (3,200 m)" in text for text in warnings), warnings


def test_a_set_without_criteria_of_the_plan_is_not_offered(cast, plan, catalogue):
    from plans.forms import plan_criteria_choices

    assert all(c.criteria_set_id == catalogue.pk for c in plan_criteria_choices(plan).values())
    assert CriteriaSet.objects.exclude(pk=catalogue.pk).exists()
