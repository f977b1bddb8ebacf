"""The steering dashboards: district, province and commune."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import get_visible_or_404, is_committee, is_province_office, unit_lookup
from communes.models import Commune, District, Province, Village
from communes.params import asked_year
from criteria.models import Assessment, CriteriaSet
from criteria.services import assessment_evaluation, set_catalogue
from criteria.titles import LABELS as TITLE_LABELS
from plans.selectors import commune_strip

from .. import charts
from ..figures.lineage import commune_lineage
from ..figures.plans import report_compliance, total_compliance, work_progress
from ..figures.scope import (
    Scope,
    district_lines,
    filter_rows,
    group_figures,
    main_set,
    province_sets,
    scope_rows,
    snapshot_history,
    sort_rows,
    total_figures,
    village_title_lines,
)
from ..figures.targets import target_lines
from ..models import ProvinceTarget, ProvinceTargetActual

FILTER_KEYS = ("band", "status", "title", "state", "track", "regressed", "due", "below", "sort")


def _selected(request: HttpRequest, sets: list[CriteriaSet], unit) -> tuple[CriteriaSet | None, int]:
    """The set the page shows (?set=, default the main set in force in the year asked for, or
    this year: for a unit of the old map, its last year) and the year (?year=, default the
    latest year assessed against that set, see province_sets)."""
    this_year = unit.open_year(timezone.localdate())
    asked = asked_year(request)
    # A set asked for with a year outside its period gives way to the main set of that year.
    chosen = next(
        (s for s in sets if s.code == request.GET.get("set") and (asked is None or s.is_in_force(asked))),
        None,
    )
    chosen = chosen or main_set(sets, asked or this_year) or (sets[0] if sets else None)
    latest = chosen.latest if chosen else None
    return chosen, asked or latest or this_year


def _scope_context(request, communes, villages, sets, criteria_set, year, today) -> tuple[Scope, dict]:
    """The matrix rows of a scope (filtered and sorted for display), their weekly report
    compliance per commune and the counts drawn from them."""
    scope = scope_rows(communes, criteria_set, year, sets, today, compliance=True)
    criteria, rows, weeks = scope.criteria, scope.rows, scope.weeks
    counts = {
        (row.commune.pk, row.commune.pk): row.commune.village_count
        for row in rows
        if row.commune.village_count
    }
    compliance = report_compliance(villages, weeks, "commune_id", scope.due, counts)
    for row in rows:
        row.compliance = compliance.get(row.commune.pk)
    shown = sort_rows(filter_rows(rows, request.GET, sets), request.GET.get("sort", "name"))
    return scope, {
        "criteria": criteria,
        "rows": rows,
        "shown": shown,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "is_filtered": any(request.GET.get(key) for key in FILTER_KEYS if key != "sort"),
        "regressed_rows": [row for row in rows if row.regressed],
        "off_track": sum(1 for row in rows if row.off_track),
        "due_rows": [row for row in rows if row.progress and row.progress.due_now],
        "weeks": weeks,
        "compliance": total_compliance(weeks, compliance),
        "reevaluating": scope.reevaluating,
    }


def _base_context(criteria_set, sets, year, village_sets) -> dict:
    return {
        "criteria_set": criteria_set,
        "sets": sets,
        # The title columns: the sets in force in the year (2021-2025 titles for 2024, today's
        # for 2026); the set menu keeps every set, to go back to an earlier period.
        "title_sets": [item for item in sets if item.is_in_force(year)],
        "year": year,
        "bands": criteria_set.band_list() if criteria_set else [],
        "states": Assessment.State.choices,
        "title_states": [(state.value, label) for state, label in TITLE_LABELS.items()],
        "village_sets": village_sets,
    }


def _awaiting_review(**unit):
    """How many submitted assessments wait for the unit's committee (`unit`: district_id= or
    province_id=, the outer unit's pk): an annotation of the unit's own read."""
    rows = Assessment.objects.awaiting_committee(**unit).order_by().values("status").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


def _review_card(user, unit, *, district_id: int | None, province_id: int) -> int | None:
    """For the committee of the scope, the assessments waiting for it; None for anyone else
    (the dashboard then shows no review card)."""
    if not is_committee(user, district_id=district_id, province_id=province_id):
        return None
    return unit.awaiting_review


@login_required
def district_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    district = get_visible_or_404(
        District.objects.select_related("province").annotate(
            awaiting_review=_awaiting_review(district_id=OuterRef("pk"))
        ),
        request.user,
        **unit_lookup(code),
    )
    sets, villages_sets = province_sets(district.province_id)
    criteria_set, year = _selected(request, sets, district)
    today = timezone.localdate()
    communes = Commune.objects.filter(district=district)
    villages = Village.objects.filter(commune__district=district)
    scope, matrix = _scope_context(request, communes, villages, sets, criteria_set, year, today)
    figures = group_figures(communes, scope, year, "district_id").get(district.pk) or total_figures({})
    context = _base_context(criteria_set, sets, year, villages_sets) | matrix
    context |= {
        "district": district,
        "figures": figures,
        "awaiting_review": _review_card(
            request.user, district, district_id=district.pk, province_id=district.province_id
        ),
    }
    return render(request, "reports/dashboard_district.html", context)


@login_required
def province_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    province = get_visible_or_404(
        Province.objects.annotate(awaiting_review=_awaiting_review(province_id=OuterRef("pk"))),
        request.user,
        **unit_lookup(code),
    )
    sets, villages_sets = province_sets(province.pk)
    criteria_set, year = _selected(request, sets, province)
    today = timezone.localdate()
    communes = Commune.objects.filter(province=province)
    villages = Village.objects.filter(commune__province=province)
    scope, matrix = _scope_context(request, communes, villages, sets, criteria_set, year, today)
    figures = group_figures(communes, scope, year, "district_id")
    total = total_figures(figures)
    context = _base_context(criteria_set, sets, year, villages_sets) | matrix
    districts = list(province.districts.order_by("name"))
    # The targets with their set and programme, and every reported actual in one more query.
    reported = Prefetch("reported", queryset=ProvinceTargetActual.objects.order_by("-as_of"))
    targets = target_lines(
        list(
            ProvinceTarget.objects.filter(province=province)
            .select_related("criteria_set", "programme")
            .prefetch_related(reported)
        ),
        total,
        criteria_set.pk if criteria_set else None,
        today,
    )
    context |= {
        "province": province,
        "is_office": is_province_office(request.user, province.pk),
        "awaiting_review": _review_card(request.user, province, district_id=None, province_id=province.pk),
        "total": total,
        "districts": district_lines(districts, figures, context["rows"], context["weeks"]),
        "targets": targets,
        "illustrative_targets": any(line.target.is_illustrative for line in targets),
        "below_lines": _below_lines(targets, context["rows"]),
        # Every commune of the province, whatever the table's filters; no query of its own.
        "commune_map": charts.commune_map(context["rows"], scope.bands, len(scope.criteria)),
    }
    return render(request, "reports/dashboard_province.html", context)


def _below_lines(targets, rows) -> list[tuple[object, list]]:
    """The communes under each tracked "below N criteria" target's line, for its list."""
    lines = []
    for line in targets:
        if line.target.kind == ProvinceTarget.Kind.COMMUNES_BELOW and line.actual is not None:
            below = line.target.criteria_below
            lines.append(
                (line, [row for row in rows if row.assessment and row.assessment.criteria_met < below])
            )
    return lines


@login_required
def commune_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province__region", "district", "region"),
        request.user,
        **unit_lookup(code),
    )
    sets, villages_sets = province_sets(commune.province_id)
    criteria_set, year = _selected(request, sets, commune)
    today = timezone.localdate()
    villages = Village.objects.filter(commune=commune)
    scope = scope_rows(
        Commune.objects.filter(pk=commune.pk), criteria_set, year, sets, today, compliance=True
    )
    row, weeks = scope.rows[0], scope.weeks
    assessment = row.assessment
    if assessment is not None:
        assessment.criteria_set, assessment.commune = criteria_set, commune
    outcome = (
        assessment_evaluation(assessment, set_catalogue(criteria_set, commune.province_id))
        if assessment
        else None
    )
    history = snapshot_history(assessment)
    plan = row.progress.plan if row.progress else None
    compliance = report_compliance(villages, weeks, "pk", scope.due)
    context = _base_context(criteria_set, sets, year, villages_sets) | {
        "commune": commune,
        "row": row,
        "outcome": outcome,
        "regressed_ids": {criterion.pk for criterion in row.regressed},
        "history": history,
        "chart": charts.criteria_over_time(history, assessment, _("hiện tại"), _("Nay")),
        "plan": plan,
        "work": work_progress(plan),
        "villages": [(village, compliance.get(village.pk)) for village in villages.order_by("name")],
        "compliance": total_compliance(weeks, compliance),
        "lineage": commune_lineage(commune),
        "strip": commune_strip(commune, year),
    }
    return render(request, "reports/dashboard_commune.html", context)


def _villages_page(request: HttpRequest, unit, villages, province_id: int) -> HttpResponse:
    """The villages behind a dashboard's village figures, with the village titles each
    qualified for in the year; ?qualified=<set code> keeps only that title's villages."""
    communes_sets, sets = province_sets(province_id)
    year = _selected(request, communes_sets, unit)[1]
    chosen = next((item for item in sets if item.code == request.GET.get("qualified")), None)
    lines = village_title_lines(villages, year, sets)
    if chosen is not None:
        index = sets.index(chosen)
        lines = [(village, marks) for village, marks in lines if marks[index] is not None]
    context = {"unit": unit, "year": year, "village_sets": sets, "chosen": chosen, "lines": lines}
    return render(request, "reports/dashboard_villages.html", context)


@login_required
def district_villages(request: HttpRequest, code: str) -> HttpResponse:
    district = get_visible_or_404(District, request.user, **unit_lookup(code))
    villages = Village.objects.filter(commune__district=district)
    return _villages_page(request, district, villages, district.province_id)


@login_required
def province_villages(request: HttpRequest, code: str) -> HttpResponse:
    province = get_visible_or_404(Province, request.user, **unit_lookup(code))
    villages = Village.objects.filter(commune__province=province)
    return _villages_page(request, province, villages, province.pk)
