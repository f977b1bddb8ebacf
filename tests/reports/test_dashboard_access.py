"""Dashboards: who may open them (404 outside the scope, login first) and their query budgets:
the same number of queries with 2 and with 50 communes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.figures.scope import commune_sets, main_set

from ..conftest import count_queries
from ..dashboard_helpers import add_communes, populate, snapshot_last_week


def status_for(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize(
    "page, allowed, refused",
    [
        (
            "district",
            ["district_member_a", "province_office", "admin"],
            ["officer_a", "officer_b", "village_head_a"],
        ),
        (
            "province",
            ["province_office", "admin"],
            ["district_member_a", "officer_a", "officer_b", "village_head_a"],
        ),
        (
            "commune",
            ["officer_a", "district_member_a", "province_office", "admin"],
            ["officer_b", "village_head_a"],
        ),
    ],
)
def test_each_dashboard_opens_for_its_roles_and_is_404_for_the_others(
    client, cast, catalogue, page, allowed, refused
):
    populate(catalogue, cast.commune_a, 2024)
    unit = {"district": cast.district_a, "province": cast.province, "commune": cast.commune_a}[page]
    url = reverse(f"reports:{page}", args=[unit.key])
    assert status_for(client, None, url) == 302
    for name in allowed:
        assert status_for(client, getattr(cast, name), url) == 200, name
    for name in refused:
        assert status_for(client, getattr(cast, name), url) == 404, name


# Each budget names its queries, the same for a past and the current year. Common: session,
# user, roles, the unit (with, as an annotation, the submissions waiting for its committee).
BUDGETS = {
    # sets with their latest year; scope figures (communes with their village counts, their
    # recognitions in force and, for a past year, their last report week: the report window;
    # assessments of the year with their previous snapshots, criteria, criterion results,
    # plans of the year and of the report window with their deadline rules, criterion
    # deadlines; campaign waves only when a plan has some); report counts; village figures
    # (village titles with their recognitions, one query). Commune figures are counted over
    # the scope rows.
    "district": 13,
    # The district page's queries, plus districts and province targets.
    "province": 15,
    # sets with their latest year; scope figures (as above); catalogue (criteria, indicators,
    # thresholds), values (regions only when a special rule names another region than the
    # commune's own); snapshots; villages, report counts; work items, allocations, report
    # lines; villages; the commune's lineage (its predecessors or successors across the 2025
    # reorganisation); the plan and the programme of the strip at the top.
    "commune": 25,
}


@pytest.mark.parametrize("year_kind", ["past", "current"])
@pytest.mark.parametrize("page", ["district", "province", "commune"])
def test_dashboards_cost_the_same_queries_with_2_and_50_communes(client, cast, catalogue, page, year_kind):
    year = 2024 if year_kind == "past" else timezone.localdate().year
    # The set the pages open on in that year (the 2021-2025 set is not in force after 2025).
    criteria_set = main_set(commune_sets(cast.province.pk), year)
    populate(criteria_set, cast.commune_a, year, villages=2)
    populate(criteria_set, cast.commune_b, year)
    snapshot_last_week()
    client.force_login(cast.admin if page == "province" else cast.province_office)
    unit = {"district": cast.district_a, "province": cast.province, "commune": cast.commune_a}[page]
    url = reverse(f"reports:{page}", args=[unit.key]) + f"?year={year}"
    small = count_queries(lambda: client.get(url), status=200)
    add_communes(criteria_set, cast.district_a, 48, year)
    snapshot_last_week()
    assert count_queries(lambda: client.get(url), status=200) == small
    assert small == BUDGETS[page]


@pytest.mark.parametrize("page", ["district_villages", "province_villages"])
def test_the_village_lists_behind_the_figures_are_scoped_and_cost_the_same_queries(
    client, cast, catalogue, page
):
    populate(catalogue, cast.commune_a, 2024, villages=2)
    populate(catalogue, cast.commune_b, 2024)
    unit = cast.district_a if page == "district_villages" else cast.province
    url = reverse(f"reports:{page}", args=[unit.key]) + "?year=2024"
    assert status_for(client, None, url) == 302
    assert status_for(client, cast.officer_a, url) == 404
    allowed = cast.district_member_a if page == "district_villages" else cast.province_office
    client.force_login(allowed)
    small = count_queries(lambda: client.get(url), status=200)
    add_communes(catalogue, cast.district_a, 48, 2024)
    assert count_queries(lambda: client.get(url), status=200) == small
    # session, user, roles, unit; sets with their latest year; villages; their title-qualified
    # assessments with their recognitions in force (one query).
    assert small == 7
    page_text = client.get(url).content.decode()
    # Commune A: the cast's village and two more; 48 communes of one village; commune B's one.
    assert page_text.count("reports/communes/") == (51 if page == "district_villages" else 52)
