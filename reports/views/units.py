"""The commune's and the village's own pages: the assessments of the unit, and for a commune the
selected assessment's criteria with their thresholds and explanations. The district's and the
province's pages are their dashboards (dashboards.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from communes.access import get_visible_or_404, unit_lookup
from communes.models import Commune, Village
from communes.params import asked_year
from criteria.models import Assessment, CriteriaSet, Recognition
from criteria.services import assessment_evaluation, set_catalogue
from criteria.titles import title_state
from plans.access import can_manage, can_report
from plans.selectors import commune_strip, commune_this_week, village_this_week

from ..figures.lineage import commune_lineage
from ..figures.scope import main_set


def _selected_set(
    request, unit_level: str, province_id: int, open_year: int
) -> tuple[CriteriaSet | None, list[CriteriaSet]]:
    """The criteria sets a unit can be assessed against, and the one the page shows (by default
    the main set of `open_year`, the unit's year of today)."""
    sets = list(CriteriaSet.objects.for_province(province_id).filter(unit_level=unit_level))
    sets.sort(key=lambda item: (item.prerequisite_id is not None, item.code))
    # By default (or when the set asked for is not in force in the year asked for) the main
    # set in force in that year, or this year.
    year = _selected_year(request, open_year)
    default = main_set(sets, year) or (sets[0] if sets else None)
    asked = next((item for item in sets if item.code == request.GET.get("set")), None)
    in_force = asked is not None and (asked_year(request) is None or asked.is_in_force(year))
    return (asked if in_force else default), sets


def _selected_year(request, default: int) -> int:
    return asked_year(request) or default


@login_required
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province__region", "district", "region"),
        request.user,
        **unit_lookup(code),
    )
    criteria_set, sets = _selected_set(
        request, CriteriaSet.UnitLevel.COMMUNE, commune.province_id, commune.open_year(timezone.localdate())
    )
    villages = list(commune.villages.all())
    # One query lists every assessment of the commune and its villages (returned first); the
    # years of the selected set come from it.
    unit_assessments = list(
        Assessment.objects.of_commune_and_villages(commune, [village.pk for village in villages])
        .select_related("criteria_set", "village")
        .returned_first()
    )
    years = sorted(
        {item.year for item in unit_assessments if item.commune_id and item.criteria_set == criteria_set},
        reverse=True,
    )
    year = _selected_year(request, years[0] if years else 0)
    # The selected assessment is one of those rows; its commune is the one already loaded.
    assessment = next(
        (
            item
            for item in unit_assessments
            if item.commune_id == commune.pk and item.criteria_set == criteria_set and item.year == year
        ),
        None,
    )
    if assessment is not None:
        assessment.commune = commune
    outcome = (
        assessment_evaluation(assessment, set_catalogue(criteria_set, commune.province_id))
        if assessment
        else None
    )
    # One query: the commune's recognition decisions (with revoked ones), shown per set.
    recognitions = list(Recognition.objects.filter(commune=commune))
    today = timezone.localdate()
    standing = None
    if assessment is not None:
        standing = title_state(
            qualified=assessment.title_qualified,
            approved=assessment.status == Assessment.State.APPROVED,
            recognised=any(
                r.criteria_set_id == criteria_set.pk and r.in_force_on(today) for r in recognitions
            ),
        )
    strip = commune_strip(commune, year or commune.open_year(today))
    return render(
        request,
        "reports/commune_detail.html",
        {
            "next_steps": _next_steps(request.user, commune, sets, unit_assessments, villages, strip),
            "recognitions": [
                (item, [r for r in recognitions if r.criteria_set_id == item.pk]) for item in sets
            ],
            "standing": standing,
            "commune": commune,
            "criteria_set": criteria_set,
            "sets": sets,
            "years": years,
            "year": year,
            "assessment": assessment,
            "outcome": outcome,
            "villages": villages,
            "unit_assessments": unit_assessments,
            "lineage": commune_lineage(commune),
            "strip": strip,
        },
    )


def _next_steps(
    user, commune: Commune, sets: list[CriteriaSet], unit_assessments, villages, strip
) -> dict | None:
    """For the commune's officer, what to do next, whatever year the page shows: this year's
    assessment on the set in force (or opening it), this year's plan and this week's reports
    (the page's villages and plan strip spare their queries)."""
    if not can_manage(user, commune.pk):
        return None
    year = commune.open_year(timezone.localdate())
    criteria_set = main_set(sets, year)
    assessment = next(
        (
            item
            for item in unit_assessments
            if item.commune_id == commune.pk and item.criteria_set == criteria_set and item.year == year
        ),
        None,
    )
    return {
        "year": year,
        "criteria_set": criteria_set,
        "assessment": assessment,
        "week": commune_this_week(commune, timezone.now(), plan=strip.plan, village_count=len(villages)),
    }


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(Village.objects.select_related("commune__district"), request.user, code=code)
    # The villages it was merged or renamed from (their commune on the old map), one query.
    predecessors = list(village.predecessors.select_related("commune"))
    successors = list(village.successors.select_related("commune"))
    this_week = village_this_week(village, timezone.now()) if can_report(request.user, village) else None
    assessments = village.assessments.select_related("criteria_set").returned_first()
    village_sets = CriteriaSet.objects.for_province(village.commune.province_id).filter(
        unit_level=CriteriaSet.UnitLevel.VILLAGE
    )
    return render(
        request,
        "reports/village_detail.html",
        {
            "village": village,
            "assessments": assessments,
            "village_sets": village_sets,
            "predecessors": predecessors,
            "successors": successors,
            "this_week": this_week,
        },
    )
