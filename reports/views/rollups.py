"""Pages of the weekly roll-ups: the list by week, one roll-up, its Excel file, "rebuild now"
and the small status feed its page polls. Every roll-up comes through `get_visible_or_404`
(`reports.access.get_rollup_for_user`, which also says whether the user may rebuild it)."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes.access import get_visible_or_404
from communes.models import District, Province
from criteria.titles import LABELS as TITLE_LABELS
from plans.deadlines import parse_iso_week

from .. import rollups
from ..access import buildable_units, get_buildable_unit, get_rollup_for_user, unit_key
from ..labels import band_label, set_name, status_label, title_label
from ..models import RollUp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_LIMIT = 200


@login_required
@require_GET
def rollup_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        RollUp.objects.visible_to(request.user)
        .select_related("district", "province")
        .defer("data")[:LIST_LIMIT]
    )
    weeks = [(label, list(items)) for label, items in groupby(rows, key=lambda r: r.week_label)]
    year, week, _day = timezone.localdate().isocalendar()
    context = {
        "weeks": weeks,
        "units": [(unit_key(unit), _unit_name(unit)) for unit in buildable_units(request.user)],
        "default_week": f"{year}-W{week:02d}",
    }
    return render(request, "reports/rollup_list.html", context)


@login_required
@require_POST
def rollup_build(request: HttpRequest) -> HttpResponse:
    """Ask for the roll-up of a unit and week ("2024-W10"), built by a worker."""
    unit = get_buildable_unit(request, request.POST.get("unit", ""))
    try:
        iso_year, iso_week = parse_iso_week(request.POST.get("week", ""))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("reports:rollups")
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(unit), iso_year=iso_year, iso_week=iso_week, user=request.user
    )
    messages.info(request, _("Đã gửi yêu cầu tổng hợp; trang tự cập nhật khi xong."))
    return redirect("reports:rollup", pk=rollup.pk)


def _unit_name(unit: District | Province) -> str:
    if isinstance(unit, District):
        return _("Huyện %(name)s") % {"name": unit.name}
    return _("Tỉnh %(name)s") % {"name": unit.name}


@login_required
@require_GET
def rollup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rollup, permissions = get_rollup_for_user(request, pk)
    data = rollup.data or {}
    bands = (data.get("criteria_set") or {}).get("bands", [])
    communes = [
        row
        | {
            "band_label": band_label(bands, row["band"]),
            "status_label": status_label(row["status"]),
            "title_label": title_label(row["title"]),
        }
        for row in data.get("communes", [])
    ]
    totals = data.get("totals") or {}
    context = {
        "rollup": rollup,
        "data": data,
        "communes": communes,
        "totals": data.get("totals"),
        "bands": [(band_label(bands, code), count) for code, count in totals.get("bands", {}).items()],
        "title_counts": [
            (label, totals.get("titles", {}).get(state.value, 0)) for state, label in TITLE_LABELS.items()
        ],
        # The other commune sets in force in the year, with their counts.
        "other_sets": [
            (set_name(item), totals.get("other_sets", {}).get(item["code"], {}))
            for item in data.get("other_sets", [])
        ],
        "can_rebuild": permissions.can_rebuild,
        "week_end": rollups.week_bounds(rollup.iso_year, rollup.iso_week)[1],
    }
    return render(request, "reports/rollup_detail.html", context)


@login_required
@require_POST
def rollup_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    rollup, permissions = get_rollup_for_user(request, pk)
    if not permissions.can_rebuild:
        raise PermissionDenied
    rollups.rollup_request(
        unit=rollups.unit_ref(rollup.unit),
        iso_year=rollup.iso_year,
        iso_week=rollup.iso_week,
        user=request.user,
    )
    messages.info(request, _("Đã gửi yêu cầu tổng hợp lại; trang tự cập nhật khi xong."))
    return redirect("reports:rollup", pk=rollup.pk)


@login_required
@require_GET
def rollup_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The roll-up's state, polled by static/js/rollup.js while it is queued or running."""
    rollup = get_visible_or_404(RollUp.objects.defer("data"), request.user, pk=pk)
    return JsonResponse(
        {
            "status": rollup.status,
            "status_label": rollup.get_status_display(),
            "active": rollup.is_active,
            "error": rollup.error,
            "file_url": reverse("reports:rollup_file", args=[rollup.pk]) if rollup.file else "",
        }
    )


@login_required
@require_GET
def rollup_file(request: HttpRequest, pk: int) -> FileResponse:
    rollup = get_visible_or_404(RollUp.objects.defer("data"), request.user, pk=pk)
    if not rollup.file:
        raise Http404
    return FileResponse(
        rollup.file.open("rb"), as_attachment=True, filename=rollup.filename, content_type=XLSX
    )
