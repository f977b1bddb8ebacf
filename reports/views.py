"""The steering dashboards: district, province and commune."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import get_visible_or_404
from communes.models import Commune, District, Province, Village
from criteria.models import Assessment, CriteriaSet
from criteria.services import assessment_evaluation, set_catalogue

from . import charts
from .dashboard_plans import report_compliance, total_compliance, work_progress
from .dashboards import (
    BAND_CONDITIONS,
    commune_sets,
    filter_rows,
    group_figures,
    scope_rows,
    snapshot_history,
    sort_rows,
    target_lines,
    total_figures,
    village_sets,
)
from .models import ProvinceTarget

FILTER_KEYS = ("band", "status", "title", "track", "regressed", "due", "under15", "sort")


def _selected(request: HttpRequest, sets: list[CriteriaSet]) -> tuple[CriteriaSet | None, int]:
    """The set the page shows (?set=, default the basic NTM set) and the year (?year=,
    default the latest year assessed against that set)."""
    chosen = next((item for item in sets if item.code == request.GET.get("set")), sets[0] if sets else None)
    latest = (
        Assessment.objects.filter(criteria_set=chosen)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    try:
        year = int(request.GET.get("year", latest or timezone.localdate().year))
    except ValueError:
        year = latest or timezone.localdate().year
    return chosen, year


def _scope_context(request, communes, sets, criteria_set, year, today) -> dict:
    criteria, rows = scope_rows(communes, criteria_set, year, sets, today)
    shown = sort_rows(filter_rows(rows, request.GET), request.GET.get("sort", "name"))
    return {
        "criteria": criteria,
        "rows": rows,
        "shown": shown,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "is_filtered": any(request.GET.get(key) for key in FILTER_KEYS if key != "sort"),
        "regressed_rows": [row for row in rows if row.regressed],
        "off_track": sum(1 for row in rows if row.off_track),
        "due_rows": [row for row in rows if row.progress and row.progress.due_now],
    }


def _base_context(criteria_set, sets, year, province_id) -> dict:
    return {
        "criteria_set": criteria_set,
        "sets": sets,
        "year": year,
        "bands": [(code, label) for code, label, _q in BAND_CONDITIONS],
        "states": Assessment.State.choices,
        "village_sets": village_sets(province_id),
    }


@login_required
def district_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    district = get_visible_or_404(District.objects.select_related("province"), request.user, code=code)
    sets = commune_sets(district.province_id)
    criteria_set, year = _selected(request, sets)
    today = timezone.localdate()
    communes = Commune.objects.filter(district=district)
    figures = group_figures(communes, criteria_set, year, "district_id").get(district.pk) or total_figures({})
    weeks, compliance = report_compliance(
        Village.objects.filter(commune__district=district), year, today, "commune__district_id"
    )
    context = _base_context(criteria_set, sets, year, district.province_id) | {
        "district": district,
        "figures": figures,
        "compliance": total_compliance(weeks, compliance),
    }
    context |= _scope_context(request, communes, sets, criteria_set, year, today)
    return render(request, "reports/dashboard_district.html", context)


@login_required
def province_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    province = get_visible_or_404(Province, request.user, code=code)
    sets = commune_sets(province.pk)
    criteria_set, year = _selected(request, sets)
    today = timezone.localdate()
    communes = Commune.objects.filter(province=province)
    figures = group_figures(communes, criteria_set, year, "district_id")
    total = total_figures(figures)
    weeks, compliance = report_compliance(
        Village.objects.filter(commune__province=province), year, today, "commune__district_id"
    )
    context = _base_context(criteria_set, sets, year, province.pk)
    context |= _scope_context(request, communes, sets, criteria_set, year, today)
    districts = list(province.districts.order_by("name"))
    targets = target_lines(
        list(ProvinceTarget.objects.filter(province=province).select_related("criteria_set")), total
    )
    context |= {
        "province": province,
        "total": total,
        "total_compliance": total_compliance(weeks, compliance),
        "districts": [
            (
                district,
                figures.get(district.pk) or total_figures({}),
                compliance.get(district.pk),
                _count_off_track(context["rows"], district.pk),
            )
            for district in districts
        ],
        "targets": targets,
        "illustrative_targets": any(line.target.is_illustrative for line in targets),
        "under_15": [row for row in context["rows"] if row.assessment and row.assessment.criteria_met < 15],
    }
    return render(request, "reports/dashboard_province.html", context)


def _count_off_track(rows, district_id: int) -> int:
    return sum(1 for row in rows if row.off_track and row.commune.district_id == district_id)


@login_required
def commune_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province__region", "district", "region"), request.user, code=code
    )
    sets = commune_sets(commune.province_id)
    criteria_set, year = _selected(request, sets)
    today = timezone.localdate()
    criteria, rows = scope_rows(Commune.objects.filter(pk=commune.pk), criteria_set, year, sets, today)
    row = rows[0]
    assessment = row.assessment
    if assessment is not None:
        assessment.criteria_set, assessment.commune = criteria_set, commune
    outcome = assessment_evaluation(assessment, set_catalogue(criteria_set)) if assessment else None
    history = snapshot_history(assessment)
    plan = row.progress.plan if row.progress else None
    villages = Village.objects.filter(commune=commune)
    weeks, compliance = report_compliance(villages, year, today, "pk")
    context = _base_context(criteria_set, sets, year, commune.province_id) | {
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
    }
    return render(request, "reports/dashboard_commune.html", context)
