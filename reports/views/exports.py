"""Excel downloads (self-assessment, summary and plan tables): small tables stream directly,
large ones run as export jobs listed on the user's downloads page. Every unit comes through
`get_visible_or_404`; a job only through its owner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes.access import get_visible_or_404, unit_lookup
from communes.models import Commune, District, Province
from communes.params import asked_code, parse_year
from criteria.models import Assessment, CriteriaSet
from plans.models import Plan

from .. import services
from ..excel.plan import build_plan_table, plan_table_data
from ..excel.styles import ascii_filename, workbook_bytes
from ..models import ExportJob
from .documents import document_state, job_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 20


def _criteria_set(request: HttpRequest, province_id: int) -> CriteriaSet:
    """The commune-level set named by ?set=, national or of the unit's province; 404 otherwise."""
    sets = CriteriaSet.objects.filter(
        Q(province__isnull=True) | Q(province_id=province_id), unit_level=CriteriaSet.UnitLevel.COMMUNE
    )
    return get_object_or_404(sets, code=asked_code(request, "set"))


def _year(request: HttpRequest, criteria_set: CriteriaSet) -> int:
    """?year=, or the latest year the set was assessed; 404 when neither is a sensible year."""
    text = request.GET.get("year") or request.POST.get("year")
    if text is None:
        text = (
            Assessment.objects.filter(criteria_set=criteria_set)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
    year = parse_year(str(text))
    if year is None:
        raise Http404(_("Năm không hợp lệ."))
    return year


def _without_criteria(request: HttpRequest, criteria_set: CriteriaSet, back: str) -> HttpResponse | None:
    """A set whose criteria the province office has not entered yet has no summary to export:
    say so on the page the user came from instead of building an empty table."""
    if criteria_set.criteria.exists():
        return None
    messages.error(
        request,
        _("Bộ tiêu chí “%(name)s” chưa có tiêu chí nào: chưa có bảng tổng hợp để tải về.")
        % {"name": criteria_set.name},
    )
    return redirect(back)


def _xlsx(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def commune_table(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province__region", "district", "region"),
        request.user,
        **unit_lookup(code),
    )
    criteria_set = _criteria_set(request, commune.province_id)
    year = _year(request, criteria_set)
    return _xlsx(*services.commune_table_export(commune=commune, criteria_set=criteria_set, year=year))


@login_required
@require_GET
def district_summary(request: HttpRequest, code: str) -> HttpResponse:
    district = get_visible_or_404(
        District.objects.select_related("province"), request.user, **unit_lookup(code)
    )
    criteria_set = _criteria_set(request, district.province_id)
    year = _year(request, criteria_set)
    if refused := _without_criteria(request, criteria_set, reverse("reports:district", args=[district.key])):
        return refused
    return _xlsx(*services.summary_export(unit=district, criteria_set=criteria_set, year=year))


@login_required
@require_POST
def province_summary(request: HttpRequest, code: str) -> HttpResponse:
    """A province has hundreds of communes: its summary is built by a worker."""
    province = get_visible_or_404(Province, request.user, **unit_lookup(code))
    criteria_set = _criteria_set(request, province.pk)
    year = _year(request, criteria_set)
    if refused := _without_criteria(request, criteria_set, reverse("reports:province", args=[province.key])):
        return refused
    services.export_job_create(
        user=request.user,
        kind=ExportJob.Kind.PROVINCE_SUMMARY,
        unit=province,
        criteria_set=criteria_set,
        year=year,
    )
    return redirect("reports:downloads")


@login_required
def downloads(request: HttpRequest) -> HttpResponse:
    jobs = list(ExportJob.objects.visible_to(request.user).select_related("document")[:RECENT_JOBS])
    return render(request, "reports/downloads.html", {"jobs": jobs})


@login_required
def downloads_status(request: HttpRequest) -> JsonResponse:
    """The state of the user's recent jobs, polled by static/js/downloads.js."""
    jobs = ExportJob.objects.visible_to(request.user).select_related("document")[:RECENT_JOBS]
    return JsonResponse({"jobs": [_job_state(job) for job in jobs]})


def _job_state(job: ExportJob) -> dict:
    if job.kind == ExportJob.Kind.DOCUMENT:
        return document_state(job.document)
    done = job.status == ExportJob.State.DONE
    return job_state(job, download_url=reverse("reports:job_file", args=[job.pk]) if done else "")


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    jobs = ExportJob.objects.visible_to(request.user).exclude(kind=ExportJob.Kind.DOCUMENT)
    job = get_object_or_404(jobs, pk=pk, status=ExportJob.State.DONE)
    content_type = "application/zip" if job.filename.endswith(".zip") else XLSX
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )


@login_required
@require_GET
def plan_table(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's plan (?year=, default its latest): its targets, then work items × villages."""
    commune = get_visible_or_404(Commune, request.user, **unit_lookup(code))
    plans = Plan.objects.filter(commune=commune).select_related(
        "commune__district", "commune__province", "target_set"
    )
    year = request.GET.get("year", "")
    plan = (plans.filter(year=int(year)) if year.isdigit() else plans.order_by("-year")).first()
    if plan is None:
        raise Http404(_("Xã chưa có kế hoạch năm."))
    content = workbook_bytes(build_plan_table(plan_table_data(plan)))
    return _xlsx(ascii_filename("ke-hoach", commune.code, plan.year), content)
