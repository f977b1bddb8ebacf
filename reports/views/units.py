from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet
from criteria.services import assessment_evaluation, set_catalogue

from .access import get_visible_or_404, user_roles
from .models import Commune, District, Province, Role, Village


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page of the unit their first role is bound to."""
    roles = user_roles(request.user)
    if not roles:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "communes/no_role.html")
    role = roles[0]
    target = {
        Role.Kind.COMMUNE_OFFICER: lambda: reverse("communes:commune", args=[role.commune.code]),
        Role.Kind.VILLAGE_HEAD: lambda: reverse("communes:village", args=[role.village.code]),
        Role.Kind.DISTRICT_COMMITTEE: lambda: reverse("communes:district", args=[role.district.code]),
        Role.Kind.PROVINCE_OFFICE: lambda: reverse("communes:province", args=[role.province.code]),
    }[role.kind]
    return redirect(target())


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def about(request: HttpRequest) -> HttpResponse:
    """What the tool is and which catalogue it carries; also the benchmark's framework floor."""
    return render(request, "communes/about.html")


def _selected_set(request, unit_level: str, province_id: int) -> tuple[CriteriaSet | None, list[CriteriaSet]]:
    """The criteria sets a unit can be assessed against, and the one the page shows."""
    sets = list(
        CriteriaSet.objects.filter(
            Q(province__isnull=True) | Q(province_id=province_id), unit_level=unit_level
        )
    )
    sets.sort(key=lambda item: (item.prerequisite_id is not None, item.code))
    chosen = next((item for item in sets if item.code == request.GET.get("set")), sets[0] if sets else None)
    return chosen, sets


def _selected_year(request, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


@login_required
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province__region", "district", "region"), request.user, code=code
    )
    criteria_set, sets = _selected_set(request, CriteriaSet.UnitLevel.COMMUNE, commune.province_id)
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
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "criteria_set": criteria_set,
            "sets": sets,
            "years": years,
            "year": year,
            "assessment": assessment,
            "outcome": outcome,
            "villages": villages,
            "unit_assessments": unit_assessments,
        },
    )


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(Village.objects.select_related("commune__district"), request.user, code=code)
    assessments = village.assessments.select_related("criteria_set").returned_first()
    village_sets = CriteriaSet.objects.filter(
        Q(province__isnull=True) | Q(province_id=village.commune.province_id),
        unit_level=CriteriaSet.UnitLevel.VILLAGE,
    )
    return render(
        request,
        "communes/village_detail.html",
        {"village": village, "assessments": assessments, "village_sets": village_sets},
    )


@login_required
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_visible_or_404(District.objects.select_related("province"), request.user, code=code)
    criteria_set, sets = _selected_set(request, CriteriaSet.UnitLevel.COMMUNE, district.province_id)
    return render(
        request,
        "communes/district_detail.html",
        _communes_table(request, district.communes.all(), criteria_set)
        | {
            "district": district,
            "sets": sets,
        },
    )


@login_required
def province_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = get_visible_or_404(Province, request.user, code=code)
    criteria_set, sets = _selected_set(request, CriteriaSet.UnitLevel.COMMUNE, province.id)
    context = _communes_table(request, province.communes.select_related("district"), criteria_set)
    return render(request, "communes/province_detail.html", context | {"province": province, "sets": sets})


def _communes_table(request, communes, criteria_set: CriteriaSet | None) -> dict:
    """Communes with their stored evaluation for one set and year, in a fixed number of
    queries: the communes, and their assessments of that set and year."""
    latest = (
        Assessment.objects.filter(criteria_set=criteria_set)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    year = _selected_year(request, latest or 0)
    communes = list(
        communes.prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(criteria_set=criteria_set, year=year),
                to_attr="selected_assessments",
            )
        )
    )
    rows = [
        (commune, commune.selected_assessments[0] if commune.selected_assessments else None)
        for commune in communes
    ]
    return {"rows": rows, "criteria_set": criteria_set, "year": year}
