"""The plans pages: the role matrix on every view, the allocation grid's rules, the weekly
report form, and query budgets at two data sizes."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from communes.models import Role
from criteria.models import Criterion
from plans import deadlines
from plans.deadlines import VN_TZ
from plans.models import Allocation, CriterionDeadline, Plan, ReportEdit, WeeklyReport, WorkItem
from plans.services import allocation_save, weekly_report_submit

from ..conftest import count_queries
from ..factories import VillageFactory, user_with_role
from ..plans_helpers import add_villages, make_plan


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def plan(cast):
    VillageFactory(name="Thôn 2", commune=cast.commune_a)
    return make_plan(
        cast.commune_a,
        year=2023,
        items=[("Trồng hàng rào xanh", "m", "3200"), ("Cứng hóa giao thông", "km", "0.38")],
    )


def urls(plan, cast) -> dict[str, str]:
    village = cast.village_a.code
    return {
        "commune": reverse("plans:commune", args=[cast.commune_a.key]),
        "create": reverse("plans:create", args=[cast.commune_a.key]),
        "detail": reverse("plans:detail", args=[plan.pk]),
        "edit": reverse("plans:edit", args=[plan.pk]),
        "funds": reverse("plans:funds", args=[plan.pk]),
        "allocations": reverse("plans:allocations", args=[plan.pk]),
        "overview": reverse("plans:overview", args=[plan.pk]) + "?week=2023-W14",
        "village": reverse("plans:village", args=[plan.pk, village]),
        "report": reverse("plans:report", args=[plan.pk, village, 2023, 12]),
    }


# Expected status of a GET per view and role: 404 outside the user's units, 403 inside them
# without the right to act, 302 to the login page for anonymous visitors.
MATRIX = {
    #              officer  head  district province officer_b admin
    "commune": (200, 404, 200, 200, 404, 200),
    "create": (200, 404, 403, 403, 404, 200),
    "detail": (200, 200, 200, 200, 404, 200),
    "edit": (200, 403, 403, 403, 404, 200),
    "funds": (200, 404, 200, 200, 404, 200),
    "allocations": (200, 404, 200, 200, 404, 200),
    "overview": (200, 404, 200, 200, 404, 200),
    "village": (200, 200, 200, 200, 404, 200),
    "report": (200, 200, 403, 403, 404, 200),
}
ROLES = ("officer_a", "village_head_a", "district_member_a", "province_office", "officer_b", "admin")


@pytest.mark.parametrize("view", list(MATRIX))
def test_every_view_follows_the_role_matrix(client, cast, plan, view):
    url = urls(plan, cast)[view]
    assert client.get(url).status_code == 302
    for role, expected in zip(ROLES, MATRIX[view], strict=True):
        client.force_login(getattr(cast, role))
        assert client.get(url).status_code == expected, (view, role)


def test_a_head_of_another_village_of_the_commune_cannot_see_or_report_for_this_village(client, cast, plan):
    other = VillageFactory(commune=cast.commune_a)
    client.force_login(user_with_role("head_other", Role.Kind.VILLAGE_HEAD, village=other))
    for view in ("village", "report"):
        assert client.get(urls(plan, cast)[view]).status_code == 404


def grid_data(plan, values: dict[tuple[int, int], str]) -> dict[str, str]:
    return {f"c_{item_id}_{village_id}": value for (item_id, village_id), value in values.items()}


def test_the_officer_saves_the_allocation_grid_typed_in_vietnamese_numbers(client, cast, plan):
    fence, road = plan.work_items.all()
    village_2 = cast.commune_a.villages.exclude(pk=cast.village_a.pk).get()
    data = grid_data(
        plan,
        {
            (fence.pk, cast.village_a.pk): "3.000",
            (fence.pk, village_2.pk): "200",
            (road.pk, cast.village_a.pk): "0,3",
            (road.pk, village_2.pk): "0,08",
        },
    )
    client.force_login(cast.officer_a)
    response = client.post(reverse("plans:allocations", args=[plan.pk]), data)
    assert response.status_code == 302
    saved = {(a.work_item_id, a.village_id): a.quantity for a in Allocation.objects.all()}
    assert saved[(fence.pk, cast.village_a.pk)] == Decimal("3000")
    assert saved[(road.pk, village_2.pk)] == Decimal("0.08")


def test_a_row_that_does_not_add_up_is_explained_and_nothing_is_written(client, cast, plan):
    fence, road = plan.work_items.all()
    village_2 = cast.commune_a.villages.exclude(pk=cast.village_a.pk).get()
    before = list(Allocation.objects.order_by("pk").values_list("quantity", flat=True))
    data = grid_data(
        plan,
        {
            (fence.pk, cast.village_a.pk): "3.000",
            (fence.pk, village_2.pk): "100",
            (road.pk, cast.village_a.pk): "0,3",
            (road.pk, village_2.pk): "0,08",
        },
    )
    client.force_login(cast.officer_a)
    response = client.post(reverse("plans:allocations", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hàng «Trồng hàng rào xanh»: tổng phân bổ còn thiếu 100 m so với khối lượng 3.200 m." in page
    assert 'value="3.000"' in page  # the typed input is kept
    assert list(Allocation.objects.order_by("pk").values_list("quantity", flat=True)) == before


def test_a_cell_that_is_not_a_number_is_named_and_nothing_is_written(client, cast, plan):
    fence, road = plan.work_items.all()
    before = Allocation.objects.count()
    client.force_login(cast.officer_a)
    data = grid_data(plan, {(fence.pk, cast.village_a.pk): "ba nghìn"})
    page = client.post(reverse("plans:allocations", args=[plan.pk]), data).content.decode()
    assert "Ô «Trồng hàng rào xanh» × «Thịnh Bằng»: nhập một số, ví dụ 3.200 hoặc 0,38." in page
    assert 'value="ba nghìn"' in page
    assert Allocation.objects.count() == before


def test_district_members_see_the_grid_but_cannot_save_it(client, cast, plan):
    client.force_login(cast.district_member_a)
    url = reverse("plans:allocations", args=[plan.pk])
    assert 'name="c_' not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 403


def test_the_village_head_submits_a_report_and_an_edit_after_the_deadline_is_flagged(client, cast, plan):
    fence = plan.work_items.first()
    url = reverse("plans:report", args=[plan.pk, cast.village_a.code, 2023, 12])
    client.force_login(cast.village_head_a)
    with time_machine.travel(vn(2023, 3, 22, 10, 0), tick=False):
        response = client.post(
            url, {f"item_{fence.pk}": "1.200", "notes": "Ra quân", "next_week_plan": "Tiếp tục"}
        )
    assert response.status_code == 302
    report = WeeklyReport.objects.get()
    assert report.lines.get(work_item=fence).quantity == Decimal("1200") and not report.is_late
    with time_machine.travel(vn(2023, 3, 24, 10, 0), tick=False):
        client.post(url, {f"item_{fence.pk}": "1.250", "notes": "Ra quân", "next_week_plan": "Tiếp tục"})
        page = client.get(reverse("plans:village", args=[plan.pk, cast.village_a.code])).content.decode()
    assert ReportEdit.objects.get().after_deadline
    assert "sau hạn" in page and "Đúng hạn" in page


def test_a_report_for_a_future_week_is_refused_on_the_page(client, cast, plan):
    client.force_login(cast.village_head_a)
    url = reverse("plans:report", args=[plan.pk, cast.village_a.code, 2023, 13])
    with time_machine.travel(vn(2023, 3, 22, 10, 0), tick=False):
        response = client.post(url, {"notes": "sớm"})
    assert response.status_code == 400
    assert "tuần này chưa bắt đầu" in response.content.decode()
    assert not WeeklyReport.objects.exists()


def test_a_bad_quantity_is_named_and_the_typed_text_is_kept(client, cast, plan):
    fence = plan.work_items.first()
    client.force_login(cast.village_head_a)
    url = reverse("plans:report", args=[plan.pk, cast.village_a.code, 2023, 12])
    with time_machine.travel(vn(2023, 3, 22, 10, 0), tick=False):
        page = client.post(url, {f"item_{fence.pk}": "mười", "notes": "ghi chú giữ lại"}).content.decode()
    assert (
        "«Trồng hàng rào xanh»: nhập một số" in page and 'value="mười"' in page and "ghi chú giữ lại" in page
    )
    assert not WeeklyReport.objects.exists()


def test_the_officer_creates_and_edits_a_plan_with_its_tables(client, cast, catalogue):
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("plans:create", args=[cast.commune_a.key]),
        {"plan-name": "Kế hoạch 2024", "name": "Kế hoạch 2024", "year": "2024", "target_title": "advanced"},
    )
    plan = Plan.objects.get(commune=cast.commune_a)
    assert response.status_code == 302 and plan.year == 2024
    criterion_8 = Criterion.objects.get(criteria_set=catalogue, code="8")
    data = {
        "plan-name": "Kế hoạch 2024",
        "plan-year": "2024",
        "plan-target_title": "advanced",
        "plan-target_set": str(catalogue.pk),
        "plan-target_criteria_met": "13",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "Trồng hàng rào xanh",
        "items-0-unit": "m",
        "items-0-quantity": "3.200",
        "items-0-order": "1",
        "waves-TOTAL_FORMS": "1",
        "waves-INITIAL_FORMS": "0",
        "waves-0-name": "Đợt 1",
        "waves-0-start": "2024-03-15",
        "waves-0-end": "2024-05-15",
        "deadlines-TOTAL_FORMS": "1",
        "deadlines-INITIAL_FORMS": "0",
        "deadlines-0-criterion": str(criterion_8.pk),
        "deadlines-0-quarter": "4",
        "villages-TOTAL_FORMS": "1",
        "villages-INITIAL_FORMS": "0",
        "villages-0-village": str(cast.village_a.pk),
        "villages-0-kind": "reach_model",
        "socio-TOTAL_FORMS": "1",
        "socio-INITIAL_FORMS": "0",
        "socio-0-name": "Tỷ lệ hộ nghèo",
        "socio-0-value": "2,21",
        "socio-0-unit": "%",
        "socio-0-order": "1",
    }
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert WorkItem.objects.get(plan=plan).quantity == Decimal("3200")
    assert plan.socio_targets.get().value == Decimal("2.21")
    assert CriterionDeadline.objects.get(plan=plan).quarter == 4
    with time_machine.travel(vn(2024, 11, 15, 9, 0), tick=False):
        page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "hạn quý IV/2024" in page and "Có nguy cơ chậm" in page and "13/19" in page
    # A bad row keeps everything unsaved and says which cell is wrong.
    data["items-0-quantity"] = "0"
    data["plan-target_criteria_met"] = "14"
    response = client.post(reverse("plans:edit", args=[plan.pk]), data | {"items-INITIAL_FORMS": "0"})
    assert "Khối lượng phải lớn hơn 0." in response.content.decode()
    plan.refresh_from_db()
    assert plan.target_criteria_met == 13


def grow(plan, cast, villages: int, items: int, weeks: int) -> None:
    """More villages, items and reports: every village reports every item for `weeks` weeks."""
    add_villages(cast.commune_a, villages)
    for number in range(items):
        WorkItem.objects.create(
            plan=plan, name=f"Hạng mục {number}", unit="m", quantity=Decimal(100), order=10 + number
        )
    all_villages = list(cast.commune_a.villages.all())
    cells = {}
    for item in plan.work_items.all():
        for index, village in enumerate(all_villages):
            cells[(item.pk, village.pk)] = item.quantity if index == 0 else Decimal(0)
    allocation_save(plan=plan, cells=cells)
    for week_number in range(15 - weeks + 1, 16):
        monday = deadlines.iso_week_monday(2023, week_number)
        for village in all_villages[:1]:
            submitted = (
                vn(2023, 3, 1) + (monday - deadlines.date(2023, 3, 1)) + deadlines.timedelta(days=3, hours=15)
            )
            weekly_report_submit(
                plan=plan,
                village=village,
                week=monday,
                quantities={item.pk: Decimal(1) for item in plan.work_items.all()},
                notes="",
                next_week_plan="",
                user=cast.officer_a,
                now=submitted,
            )
        for village in all_villages[1:]:
            moment = vn(2023, 1, 1)
            WeeklyReport.objects.get_or_create(
                plan=plan,
                village=village,
                week=monday,
                defaults={"deadline": moment, "submitted_at": moment, "updated_at": moment},
            )


# Expected queries (officer): session, user, roles; plan; then per page:
# detail: assessment of the target set (none here), deadlines, village targets, socio targets,
#   waves, progress sums, work items, fund lines (none here) + count of the set's criteria;
# allocations: commune scope check, items, villages, allocations;
# overview: commune scope check, deadline rule, reports of the 8 weeks, villages, week totals,
#   work items, waves;
# village: village, allocations, progress sums, deadline rule, waves, reports with their edits;
# report: village, allocations, the week's report, its lines;
# edit: criteria, villages, the five tables, criteria sets, the programmes the plan may belong to.
BUDGETS = {
    "detail": 13,
    "allocations": 8,
    "overview": 11,
    "village": 11,
    "report": 8,
    "edit": 13,
    "commune": 5,
}


@pytest.mark.parametrize("view", list(BUDGETS))
def test_plan_pages_cost_the_same_queries_with_small_and_large_plans(client, cast, catalogue, plan, view):
    plan.target_set = catalogue
    plan.save()
    client.force_login(cast.officer_a)
    grow(plan, cast, villages=1, items=1, weeks=2)
    url = urls(plan, cast)[view].replace("/2023/12/", "/2023/15/")
    small = count_queries(lambda: client.get(url), status=200)
    grow(plan, cast, villages=12, items=8, weeks=6)
    make_plan(cast.commune_a, year=2024)
    assert count_queries(lambda: client.get(url), status=200) == small
    assert small == BUDGETS[view], small


def test_the_commune_and_village_pages_link_to_the_plans(client, cast, plan):
    client.force_login(cast.village_head_a)
    page = client.get(reverse("reports:village", args=[cast.village_a.code])).content.decode()
    assert reverse("plans:village", args=[plan.pk, cast.village_a.code]) in page
    client.force_login(cast.officer_a)
    page = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key])).content.decode()
    assert reverse("plans:commune", args=[cast.commune_a.key]) in page


def test_numbers_in_inputs_stay_vietnamese_in_the_english_interface_so_they_read_back_the_same(
    client, cast, plan
):
    client.force_login(cast.officer_a)
    client.cookies["django_language"] = "en"
    fence = plan.work_items.first()
    page = client.get(reverse("plans:allocations", args=[plan.pk])).content.decode()
    assert 'lang="en"' in page
    assert f'id="id_c_{fence.pk}_{cast.village_a.pk}"' in page and 'value="1.600"' in page
