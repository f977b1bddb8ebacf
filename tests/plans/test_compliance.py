"""Only weeks that were due count as missing: the plan's adoption day, its year and its
campaign waves decide them on the weekly overview, the village's list of weeks and the
Thursday reminders; and the bulk helper the dashboards count with costs the same queries for
any number of plans."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communes.models import Role
from plans.deadlines import VN_TZ
from plans.models import CampaignWave, DeadlineRule, Plan
from plans.tasks import send_weekly_reminders

from ..factories import CommuneFactory, DistrictFactory, VillageFactory, user_with_role
from ..plans_helpers import make_plan

# Friday 28/03/2025, 12:00: the deadline of 2025-W13 (Thursday 27/03 14:30) has passed.
FRIDAY = datetime(2025, 3, 28, 12, 0, tzinfo=VN_TZ)
THIS_WEEK = "2025-W13"


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def missing_weeks(page: str) -> int:
    return page.count('data-state="missing"')


def test_a_plan_created_today_shows_no_missing_report_for_the_weeks_before(client, cast):
    with time_machine.travel(vn(2025, 3, 26, 10, 0), tick=False):  # Wednesday
        plan = make_plan(cast.commune_a, year=2025, created_at=timezone.now())
        client.force_login(cast.officer_a)
        page = client.get(reverse("plans:overview", args=[plan.pk])).content.decode()
        assert missing_weeks(page) == 0 and "Chưa nộp</span>" not in page
        assert page.count('data-state="not_due"') == 7  # the seven weeks before this one
        assert page.count('data-state="pending"') == 1  # this week, until Thursday 14:30
    assert plan.adopted_on == date(2025, 3, 26)


def test_the_overview_shows_missing_only_from_the_document_date(client, cast):
    VillageFactory(commune=cast.commune_a)
    with time_machine.travel(FRIDAY, tick=False):
        # Created today, but its document was signed three weeks ago: the document wins.
        plan = make_plan(cast.commune_a, year=2025, created_at=timezone.now(), document_date=date(2025, 3, 7))
        client.force_login(cast.officer_a)
        page = client.get(reverse("plans:overview", args=[plan.pk])).content.decode()
    assert missing_weeks(page) == 3 * 2  # 2025-W11, W12, W13 for each of the two villages
    assert page.count('data-state="not_due"') == 5 * 2
    assert 'data-testid="count-missing">2<' in page


def test_the_overview_of_a_plan_with_waves_shows_missing_only_inside_its_waves(client, cast):
    plan = make_plan(cast.commune_a, year=2025)
    CampaignWave.objects.create(plan=plan, name="Đợt 1", start=date(2025, 2, 17), end=date(2025, 3, 9))
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(cast.officer_a)
        page = client.get(reverse("plans:overview", args=[plan.pk])).content.decode()
    # 2025-W06 … W13 are shown; the wave's reports fall on Thursdays 20/02, 27/02 and 06/03,
    # and the one of 13/03 covers its last days (07-09/03): W08, W09, W10, W11.
    assert missing_weeks(page) == 4
    for week in ("2025-W08", "2025-W09", "2025-W10", "2025-W11"):
        assert (
            f'data-week="{week}"><span class="badge text-bg-danger timeliness" data-state="missing"' in page
        )


def test_the_village_lists_the_weeks_it_owed_and_missed_and_nothing_before_the_plan(client, cast):
    with time_machine.travel(FRIDAY, tick=False):
        plan = make_plan(cast.commune_a, year=2025, document_date=date(2025, 3, 7))
        client.force_login(cast.village_head_a)
        page = client.get(reverse("plans:village", args=[plan.pk, cast.village_a.code])).content.decode()
    assert missing_weeks(page) == 3
    for week in ("2025-W11", "2025-W12", THIS_WEEK):
        assert f'data-testid="report-{week}"' in page
    assert 'data-testid="report-2025-W10"' not in page
    assert f"/plans/{plan.pk}/villages/{cast.village_a.code}/weeks/2025/11/" in page


@pytest.fixture
def heads(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.village_head_a.email = "a@example.vn"
    cast.village_head_a.save(update_fields=["email"])
    village_b = VillageFactory(commune=cast.commune_b)
    head_b = user_with_role("head_b", Role.Kind.VILLAGE_HEAD, village=village_b)
    head_b.email = "b@example.vn"
    head_b.save(update_fields=["email"])
    return village_b


THURSDAY_MORNING = vn(2025, 3, 27, 7, 0)


def test_the_reminder_goes_to_a_plan_adopted_before_the_deadline_day(heads, cast):
    make_plan(cast.commune_a, year=2025, created_at=vn(2025, 3, 26, 16, 0))  # Wednesday
    make_plan(cast.commune_b, year=2025, villages=[heads], created_at=vn(2025, 3, 27, 6, 30))
    with time_machine.travel(THURSDAY_MORNING, tick=False):
        assert send_weekly_reminders.delay().get() == 1
    assert [message.to for message in mail.outbox] == [["a@example.vn"]]


def test_no_reminder_goes_out_for_a_week_outside_the_plans_waves(heads, cast):
    outside = make_plan(cast.commune_a, year=2025)
    CampaignWave.objects.create(plan=outside, name="Đợt 2", start=date(2025, 7, 1), end=date(2025, 8, 1))
    inside = make_plan(cast.commune_b, year=2025, villages=[heads])
    CampaignWave.objects.create(plan=inside, name="Đợt 1", start=date(2025, 3, 1), end=date(2025, 4, 30))
    with time_machine.travel(THURSDAY_MORNING, tick=False):
        assert send_weekly_reminders.delay().get() == 1
    assert [message.to for message in mail.outbox] == [["b@example.vn"]]


def plans_of_size(cast, communes: int) -> None:
    """`communes` communes with a plan of 2025 each, half of them with two waves, in two
    districts of which one has its own deadline rule."""
    district = DistrictFactory(province=cast.province)
    for number in range(communes):
        commune = CommuneFactory(district=district if number % 2 else cast.district_a)
        plan = make_plan(commune, year=2025, villages=[], document_date=date(2025, 1, 20 + number % 5))
        if number % 2:
            CampaignWave.objects.create(plan=plan, name="1", start=date(2025, 2, 1), end=date(2025, 2, 28))
            CampaignWave.objects.create(plan=plan, name="2", start=date(2025, 3, 10), end=date(2025, 3, 20))


def test_the_bulk_helper_costs_two_queries_for_few_or_many_plans(cast, django_assert_num_queries):
    DeadlineRule.objects.create(district=cast.district_a, weekday=0, time=time(8))
    DeadlineRule.objects.create(province=cast.province, weekday=4, time=time(17))
    weeks = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(12)]
    sizes = []
    for communes in (2, 12):
        plans_of_size(cast, communes)
        plans = Plan.objects.filter(year__in={week.isocalendar().year for week in weeks})
        # The plans with their communes and their units' deadline rules, all their waves.
        with django_assert_num_queries(2):
            due = plans.due_commune_weeks(now=FRIDAY, weeks=weeks)
        with django_assert_num_queries(2):
            spans = plans.reporting_spans()
        sizes.append(len(spans))
    assert sizes == [2, 14]
    assert due == {
        (commune_id, week)
        for pk, commune_id in Plan.objects.values_list("pk", "commune_id")
        for week in spans[pk].due_weeks(FRIDAY, weeks)
    }


def test_the_bulk_helper_reads_each_plans_own_rule_adoption_and_waves(cast):
    DeadlineRule.objects.create(district=cast.district_a, weekday=0, time=time(8))  # Monday
    DeadlineRule.objects.create(province=cast.province, weekday=4, time=time(17))  # Friday
    monday_rule = make_plan(cast.commune_a, year=2025, document_date=date(2025, 3, 10))
    friday_rule = make_plan(cast.commune_b, year=2025, document_date=date(2025, 3, 10))
    waves = make_plan(CommuneFactory(district=cast.district_b), year=2025)
    CampaignWave.objects.create(plan=waves, name="1", start=date(2025, 3, 1), end=date(2025, 3, 12))
    due = Plan.objects.all().due_weeks(FRIDAY)
    # Adopted on Monday 10/03: the Monday rule first owes 17/03; the Friday rule owes 10/03
    # already; Friday 28/03 12:00 comes before that day's 17:00 deadline. The wave starts on
    # Saturday 01/03, after the Friday deadline of 28/02.
    assert due[monday_rule.pk] == [date(2025, 3, 17), date(2025, 3, 24)]
    assert due[friday_rule.pk] == [date(2025, 3, 10), date(2025, 3, 17)]
    assert due[waves.pk] == [date(2025, 3, 3), date(2025, 3, 10)]
