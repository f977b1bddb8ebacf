"""Two users saving the same weekly report: a save from an older copy is refused, shown three
ways, and never reverts what the other saved."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import WeeklyReport

from ..plans_helpers import make_plan
from ..reliability_helpers import form_with


@pytest.fixture
def setting(cast):
    """The village head and the commune officer, each with a browser, on week 12 of 2024."""
    plan = make_plan(cast.commune_a, year=2024)
    head, officer = Client(), Client()
    head.force_login(cast.village_head_a)
    officer.force_login(cast.officer_a)
    url = reverse("plans:report", args=[plan.pk, cast.village_a.code, 2024, 12])
    return plan, plan.work_items.get(), head, officer, url


def opened(client, url) -> dict:
    return form_with(client.get(url).content.decode(), "base")


def fence_done(plan) -> Decimal:
    return WeeklyReport.objects.get(plan=plan).lines.get().quantity


def test_an_officer_saving_an_older_copy_never_reverts_the_heads_50_m_of_fence(setting):
    plan, fence, head, officer, url = setting
    first = opened(head, url) | {f"item_{fence.pk}": "4", "notes": "Ra quân"}
    assert head.post(url, first).status_code == 302
    older = opened(officer, url)  # the officer opens the report: 4 m
    assert head.post(url, opened(head, url) | {f"item_{fence.pk}": "50"}).status_code == 302

    older["next_week_plan"] = "Kiểm tra hàng rào"
    refused = officer.post(url, older)
    page = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="conflict"' in page
    row = page[page.index(f'data-testid="conflict-item_{fence.pk}"') :].split("</tr>")[0]
    assert "4 m" in row and "50 m" in row and "(bạn không sửa)" in row
    assert fence_done(plan) == Decimal(50)

    again = form_with(page, "base")
    assert again[f"item_{fence.pk}"] == "50" and again["next_week_plan"].strip() == "Kiểm tra hàng rào"
    assert officer.post(url, again).status_code == 302
    report = WeeklyReport.objects.get(plan=plan)
    assert fence_done(plan) == Decimal(50)
    assert (report.notes, report.next_week_plan, report.version) == ("Ra quân", "Kiểm tra hàng rào", 3)


def test_a_quantity_both_changed_is_the_users_to_choose(setting):
    plan, fence, head, officer, url = setting
    head.post(url, opened(head, url) | {f"item_{fence.pk}": "4"})
    older = opened(officer, url)
    head.post(url, opened(head, url) | {f"item_{fence.pk}": "50"})
    page = officer.post(url, older | {f"item_{fence.pk}": "6"}).content.decode()
    assert f'name="keep_item_{fence.pk}" value="theirs"' in page
    assert fence_done(plan) == Decimal(50)
    again = form_with(page, "base")
    assert again[f"item_{fence.pk}"] == "6"
    officer.post(url, again | {f"keep_item_{fence.pk}": "theirs"})
    assert fence_done(plan) == Decimal(50)
    officer.post(url, opened(officer, url) | {f"item_{fence.pk}": "6"})
    assert fence_done(plan) == Decimal(6)


def test_a_first_report_sent_while_another_was_being_written_is_not_overwritten(setting):
    plan, fence, head, officer, url = setting
    blank_for_officer = opened(officer, url)
    assert blank_for_officer["version"] == "0"
    head.post(url, opened(head, url) | {f"item_{fence.pk}": "50", "notes": "Ra quân"})
    page = officer.post(url, blank_for_officer | {"notes": "Cán bộ xã ghi"}).content.decode()
    assert 'data-testid="conflict"' in page and 'name="keep_notes" value="theirs"' in page
    assert fence_done(plan) == Decimal(50)
    assert WeeklyReport.objects.get(plan=plan).notes == "Ra quân"


def test_a_base_that_is_not_a_stored_copy_is_ignored(setting):
    plan, fence, _head, officer, url = setting
    item = f"item_{fence.pk}"
    for number, base in enumerate(("nonsense", '{"%s": "NaN"}' % item, '{"%s": "1e20"}' % item, "[1]")):
        data = opened(officer, url) | {"base": base, f"keep_{item}": "theirs", item: str(7 + number)}
        assert officer.post(url, data).status_code == 302
        assert fence_done(plan) == 7 + number
