"""The commune officer's landing page leads to the next action: this year's assessment, this
year's plan and this week's village reports."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from criteria.models import Assessment
from plans.deadlines import VN_TZ
from plans.models import WeeklyReport

from ..conftest import count_queries
from ..plans_helpers import add_villages, make_plan

pytestmark = pytest.mark.django_db
# A Tuesday of ISO week 2026-W49: the week's report is due on Thursday 3 December, 14:30.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, user, commune):
    client.force_login(user)
    response = client.get(reverse("reports:commune_detail", args=[commune.key]))
    assert response.status_code == 200
    return response


def test_without_assessment_or_plan_the_card_offers_to_open_them(client, cast):
    response = page(client, cast.officer_a, cast.commune_a)
    steps = response.context["next_steps"]
    assert steps["year"] == 2026 and steps["assessment"] is None and steps["week"].plan is None
    text = response.content.decode()
    assert 'data-testid="next-open-assessment"' in text
    assert reverse("plans:create", args=[cast.commune_a.key]) in text


def test_with_this_years_plan_the_card_counts_this_weeks_reports(client, cast):
    plan = make_plan(cast.commune_a, year=2026)
    add_villages(cast.commune_a, 1)
    WeeklyReport.objects.create(
        plan=plan,
        village=cast.village_a,
        week=datetime(2026, 11, 30).date(),
        deadline=NOW,
        submitted_at=NOW,
        updated_at=NOW,
    )
    steps = page(client, cast.officer_a, cast.commune_a).context["next_steps"]
    week = steps["week"]
    assert week.plan == plan and week.is_due
    assert (week.reported, week.villages) == (1, 2)
    assert week.deadline == datetime(2026, 12, 3, 14, 30, tzinfo=VN_TZ)


def test_the_card_leads_to_this_years_assessment_whatever_year_the_page_shows(client, cast):
    criteria_set = page(client, cast.officer_a, cast.commune_a).context["next_steps"]["criteria_set"]
    current = Assessment.objects.create(criteria_set=criteria_set, commune=cast.commune_a, year=2026)
    client.force_login(cast.officer_a)
    response = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key]), {"year": 2024})
    assert response.context["next_steps"]["assessment"] == current
    assert reverse("criteria:entry", args=[current.pk]) in response.content.decode()


def test_only_the_communes_officer_gets_the_card(client, cast):
    for user in (cast.province_office, cast.district_member_a):
        assert page(client, user, cast.commune_a).context["next_steps"] is None


def test_the_card_costs_the_same_queries_with_2_and_20_villages(client, cast):
    plan = make_plan(cast.commune_a, year=2026)
    client.force_login(cast.officer_a)
    url = reverse("reports:commune_detail", args=[cast.commune_a.key])
    small = count_queries(lambda: client.get(url), status=200)
    for village in add_villages(cast.commune_a, 18):
        WeeklyReport.objects.create(
            plan=plan,
            village=village,
            week=datetime(2026, 11, 30).date(),
            deadline=NOW,
            submitted_at=NOW,
            updated_at=NOW,
        )
    assert count_queries(lambda: client.get(url), status=200) == small


def test_the_committee_dashboard_says_what_waits_for_its_review(client, cast, catalogue):
    Assessment.objects.create(criteria_set=catalogue, commune=cast.commune_a, year=2025, status="submitted")
    Assessment.objects.create(criteria_set=catalogue, commune=cast.commune_b, year=2025, status="submitted")
    Assessment.objects.create(criteria_set=catalogue, commune=cast.commune_a, year=2024, status="draft")
    client.force_login(cast.district_member_a)
    response = client.get(reverse("reports:district", args=[cast.district_a.key]))
    assert response.context["awaiting_review"] == 1
    assert reverse("criteria:review") in response.content.decode()
    # The province office reviews only communes without a district: none here.
    client.force_login(cast.province_office)
    assert client.get(reverse("reports:province", args=[cast.province.key])).context["awaiting_review"] == 0
    # The district's page, seen by the province office: not its committee, no card.
    response = client.get(reverse("reports:district", args=[cast.district_a.key]))
    assert response.status_code == 200 and response.context["awaiting_review"] is None


def test_a_province_office_without_districts_counts_its_communes_submissions(client, catalogue):
    from communes.models import Role

    from ..factories import CommuneFactory, ProvinceFactory, user_with_role

    province = ProvinceFactory()
    commune = CommuneFactory(district=None, province=province)
    Assessment.objects.create(criteria_set=catalogue, commune=commune, year=2025, status="submitted")
    office = user_with_role("office_new", Role.Kind.PROVINCE_OFFICE, province=province)
    client.force_login(office)
    assert client.get(reverse("reports:province", args=[province.key])).context["awaiting_review"] == 1
