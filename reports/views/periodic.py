"""The periodic report pages: a unit's list of periods, the report (content read-only, the
written sections in a form, then read-only once submitted), the reviewer's accept / return,
the committee's view of who has submitted, and the province office's due dates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import get_office_province_or_404
from communes.models import Commune, District, Province

from ..access import (
    get_periodic_report_for_user,
    get_periodic_unit,
    get_submissions_unit,
    is_periodic_author,
    is_periodic_reviewer,
)
from ..documents.letterhead import DocumentType
from ..documents.models import DocumentKind, OutgoingDocument
from ..documents.periodic import periodic_sections
from ..documents.services import document_create
from ..figures.periodic import period_submissions, periodic_report_content, unit_title
from ..forms_periodic import DueForm, PeriodicReportForm, ReturnForm
from ..models import PeriodicReport, PeriodicReportDue
from ..periodic import (
    SECTIONS,
    PeriodicReportConflict,
    periodic_due_set,
    periodic_report_accept,
    periodic_report_return,
    periodic_report_save,
    report_url,
    unit_lookup_fields,
)
from ..periods import Period, is_valid, listed_periods, period_of


def _period(level: str, kind: str, year: int, number: int) -> Period:
    if not is_valid(kind, year, number, province=level == "province"):
        raise Http404
    return Period(kind, year, number)


@login_required
def periodic_list(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """The unit's periods, the current quarter first, each with its due date and state."""
    unit = get_periodic_unit(request, level, code)
    periods = listed_periods(timezone.localdate(), province=level == "province")
    province_id = unit.pk if level == "province" else unit.province_id
    stored = {r.period: r for r in PeriodicReport.objects.filter(**unit_lookup_fields(unit))}
    dues = {d.period: d for d in PeriodicReportDue.objects.filter(province_id=province_id)}
    lines = [(period, stored.get(period), dues.get(period)) for period in periods]
    lines = [(p, r, d, r.timeliness(d) if r else None) for p, r, d in lines]
    context = {
        "unit": unit,
        "unit_name": unit_title(unit),
        "level": level,
        "lines": lines,
        "is_author": is_periodic_author(request.user, unit),
        "province_key": unit.key if level == "province" else unit.province.key,
    }
    return render(request, "reports/periodic/list.html", context)


@login_required
def periodic_report(
    request: HttpRequest, level: str, code: str, kind: str, year: int, number: int
) -> HttpResponse:
    period = _period(level, kind, year, number)
    unit, report, permissions = get_periodic_report_for_user(request, level, code, period)
    form, conflict = None, None
    if request.method == "POST":
        if not permissions.can_edit:
            raise PermissionDenied
        form = PeriodicReportForm(request.POST)
        if form.is_valid():
            try:
                periodic_report_save(
                    unit=unit,
                    period=period,
                    sections={name: form.cleaned_data[name] for name in SECTIONS},
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    submit=request.POST.get("action") == "submit",
                )
            except PeriodicReportConflict as error:
                conflict = error.report
                messages.error(
                    request,
                    _(
                        "Người khác đã lưu báo cáo này sau khi bạn mở trang. Nội dung bạn nhập vẫn còn bên dưới; xem bản đã lưu rồi lưu lại."
                    ),
                )
                form = PeriodicReportForm(request.POST | {"version": conflict.version})
                form.is_valid()
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                done = (
                    _("Đã nộp báo cáo.") if request.POST.get("action") == "submit" else _("Đã lưu báo cáo.")
                )
                messages.success(request, done)
                return redirect(request.path)
    if form is None and permissions.can_edit:
        form = PeriodicReportForm(
            initial={name: getattr(report, name) for name in SECTIONS} | {"version": report.version}
        )
    context = {
        "unit": unit,
        "level": level,
        "report": report,
        "period": period,
        "permissions": permissions,
        "content": periodic_report_content(report),
        "form": form,
        "conflict": conflict,
        "return_form": ReturnForm() if permissions.can_review else None,
        "transitions": list(report.transitions.select_related("by")) if report.pk else [],
        "documents": list(
            OutgoingDocument.objects.filter(source=f"periodic_report:{report.pk}").select_related("job")[:5]
        )
        if report.pk
        else [],
        "is_author": is_periodic_author(request.user, unit),
    }
    return render(request, "reports/periodic/report.html", context)


@login_required
@require_POST
def periodic_review(
    request: HttpRequest, level: str, code: str, kind: str, year: int, number: int
) -> HttpResponse:
    """Accept, or return with a required reason: the reviewer of the unit only."""
    period = _period(level, kind, year, number)
    unit, report, permissions = get_periodic_report_for_user(request, level, code, period)
    if report.pk is None:
        raise Http404
    if not permissions.can_review:
        raise PermissionDenied
    try:
        if request.POST.get("action") == "accept":
            periodic_report_accept(report=report, user=request.user)
            messages.success(request, _("Đã tiếp nhận báo cáo."))
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["reason"]))
                return redirect(report_url(report))
            periodic_report_return(report=report, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã trả lại báo cáo."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report_url(report))


def _asked_period(request: HttpRequest, province: bool) -> Period:
    """?period=<kind>-<year>-<number>, else the current quarter."""
    parts = request.GET.get("period", "").split("-")
    if (
        len(parts) == 3
        and parts[1].isdigit()
        and parts[2].isdigit()
        and len(parts[1]) <= 4
        and len(parts[2]) <= 2
    ):
        kind, year, number = parts[0], int(parts[1]), int(parts[2])
        if is_valid(kind, year, number, province=province):
            return Period(kind, year, number)
    return period_of("quarter", timezone.localdate())


@login_required
def periodic_submissions(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """Who has and has not submitted a period's report among the unit's communes (and, for a
    province with districts, its districts), on time or late, with links."""
    unit = get_submissions_unit(request, level, code)
    period = _asked_period(request, province=False)
    if isinstance(unit, District):
        communes, districts, province_id = Commune.objects.filter(district=unit), [], unit.province_id
    else:
        communes = Commune.objects.filter(province=unit)
        districts, province_id = list(District.objects.filter(province=unit).order_by("name")), unit.pk
    lines = period_submissions(list(communes.order_by("name", "code")), districts, period, province_id)
    due = PeriodicReportDue.objects.filter(
        province_id=province_id, kind=period.kind, year=period.year, number=period.number
    ).first()
    context = {
        "unit": unit,
        "unit_name": unit_title(unit),
        "level": level,
        "period": period,
        "periods": listed_periods(timezone.localdate()),
        "due": due,
        "lines": lines,
        "missing": [line for line in lines if line.status in ("none", "draft", "returned")],
        "submitted": sum(1 for line in lines if line.status in ("submitted", "accepted")),
    }
    return render(request, "reports/periodic/submissions.html", context)


@login_required
def periodic_dues(request: HttpRequest, code: str) -> HttpResponse:
    """The province office sets the due date of each period for its province's units."""
    province = get_office_province_or_404(request.user, code)
    form = DueForm(request.POST or None, initial={"kind": "quarter", "year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        periodic_due_set(
            province=province,
            period=form.period,
            due_date=None if request.POST.get("action") == "clear" else form.cleaned_data["due_date"],
            user=request.user,
        )
        messages.success(request, _("Đã cập nhật hạn nộp %(period)s.") % {"period": form.period.label})
        return redirect(request.path)
    dues = list(PeriodicReportDue.objects.filter(province=province).select_related("set_by"))
    context = {"province": province, "form": form, "dues": dues}
    return render(request, "reports/periodic/dues.html", context)


def periodic_links(user, unit: Commune | District | Province) -> dict:
    """Which periodic report links a unit's pages show the user (no query)."""
    return {"author": is_periodic_author(user, unit), "reviewer": is_periodic_reviewer(user, unit)}


@login_required
@require_POST
def periodic_document(
    request: HttpRequest, level: str, code: str, kind: str, year: int, number: int
) -> HttpResponse:
    """Ask for the report as a Word document and PDF, built by a worker from the figures of
    today and the texts saved; it lands in the unit's register of documents sent."""
    period = _period(level, kind, year, number)
    unit, report, _permissions = get_periodic_report_for_user(request, level, code, period)
    if report.pk is None:
        raise Http404
    if not is_periodic_author(request.user, unit):
        raise PermissionDenied
    content = periodic_report_content(report)
    document_create(
        unit=unit,
        kind=DocumentKind.PERIODIC_REPORT,
        doc_type=DocumentType.REPORT,
        summary=report.document_summary(),
        source=f"periodic_report:{report.pk}",
        parameters={"sections": periodic_sections(report, content)},
        user=request.user,
    )
    messages.success(request, _("Đang tạo văn bản Word và PDF; tải về ở mục “Văn bản” bên dưới."))
    return redirect(request.path.removesuffix("document/"))
