"""Daily photo reports: the post form, the commune's feed and the photo files (served only
through a permission check, like criteria evidence)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Village
from criteria.models import Assessment, Criterion

from . import feed as daily_feed_module
from . import services
from .access import (
    can_manage,
    daily_senders,
    feed_villages,
    get_daily_report_or_404,
    get_plan_or_404,
    require_change_daily_report,
)
from .forms_daily import DailyReportEditForm, DailyReportForm
from .models import Allocation, Plan


@login_required
def daily_post(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    villages = list(
        Village.objects.visible_to(request.user).filter(commune_id=plan.commune_id).order_by("code")
    )
    senders = daily_senders(request.user, plan, villages, list(plan.reporters.prefetch_related("villages")))
    if not senders:
        # Seeing the plan (district, province, another village's head) is not reporting on it.
        raise PermissionDenied
    allocated = _allocated(plan)
    initial = {"day": timezone.localdate(), "sender": _initial_sender(request, senders)}
    form = DailyReportForm(
        request.POST or None,
        request.FILES or None,
        senders=senders,
        items=list(plan.work_items.all()),
        allocated=allocated,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.daily_report_post(plan=plan, user=request.user, **form.post_args())
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Đã gửi báo cáo hằng ngày có ảnh."))
            return redirect(f"{reverse('plans:daily', args=[plan.pk])}?day={report.day:%Y-%m-%d}")
    context = {"plan": plan, "form": form, "reselect_photo": form.is_bound and bool(form.errors)}
    return render(request, "plans/daily_form.html", context, status=400 if form.is_bound else 200)


def _allocated(plan: Plan, village_id: int | None = None) -> dict[int, set[int]]:
    """Village id → the ids of the work items allocated to it (one village's with `village_id`).
    One query."""
    rows = Allocation.objects.filter(work_item__plan=plan, quantity__gt=0)
    if village_id is not None:
        rows = rows.filter(village_id=village_id)
    allocated: dict[int, set[int]] = {}
    for item_id, village_id in rows.values_list("work_item_id", "village_id"):
        allocated.setdefault(village_id, set()).add(item_id)
    return allocated


def _feed_url(report) -> str:
    return f"{reverse('plans:daily', args=[report.plan_id])}?day={report.day:%Y-%m-%d}"


def _changeable_report(request: HttpRequest, pk: int):
    """The report `pk` with its plan, sender and work item, if the user may change it: 404
    when they do not see it, 403 when they see it but neither posted it nor manage the plan."""
    report = get_daily_report_or_404(request.user, pk)
    require_change_daily_report(request.user, report)
    return report


@login_required
def daily_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _changeable_report(request, pk)
    plan = get_plan_or_404(request.user, report.plan_id)
    form = DailyReportEditForm(
        request.POST or None,
        request.FILES or None,
        report=report,
        items=list(plan.work_items.all()),
        allocated=_allocated(plan, report.village_id) if report.reporter_id is None else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.daily_report_edit(report=report, **form.edit_args())
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Đã lưu báo cáo hằng ngày đã sửa."))
            return redirect(_feed_url(report))
    context = {
        "plan": plan,
        "report": report,
        "form": form,
        "reselect_photo": form.is_bound and bool(form.errors) and bool(request.FILES),
    }
    return render(request, "plans/daily_edit.html", context, status=400 if form.is_bound else 200)


@login_required
def daily_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = _changeable_report(request, pk)
    if request.method == "POST":
        feed_url = _feed_url(report)
        services.daily_report_delete(report=report)
        messages.success(request, _("Đã xóa báo cáo hằng ngày."))
        return redirect(feed_url)
    plan = get_plan_or_404(request.user, report.plan_id)
    return render(request, "plans/daily_delete.html", {"plan": plan, "report": report})


def _initial_sender(request: HttpRequest, senders: dict) -> str:
    wanted = request.GET.get("village", "")
    for key, sender in senders.items():
        if isinstance(sender, Village) and sender.code == wanted:
            return key
    return next(iter(senders))


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@login_required
def daily_feed(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    village_ids = feed_villages(request.user, plan)
    commune_view = village_ids is None
    day = _parse_day(request.GET.get("day")) or timezone.localdate()
    try:
        criterion_id = int(request.GET["criterion"]) if request.GET.get("criterion") else None
    except ValueError:
        criterion_id = None
    feed = daily_feed_module.daily_feed(plan, day, village_ids=village_ids, criterion_id=criterion_id)
    if "day" not in request.GET and not feed.count and feed.days and plan.year != day.year:
        # A past year's plan opens on its last day with posts, not on an empty today.
        feed = daily_feed_module.daily_feed(
            plan, feed.days[0], village_ids=village_ids, criterion_id=criterion_id
        )
    criterion, assessment = _criterion_and_assessment(request.user, plan, criterion_id)
    context = {
        "plan": plan,
        "feed": feed,
        "today": timezone.localdate(),
        "commune_view": commune_view,
        "criterion_id": criterion_id,
        # Each post shows its edit and delete links to its poster and to the plan's manager.
        "can_manage": can_manage(request.user, plan.commune_id),
        "criterion": criterion,
        "assessment": assessment,
    }
    return render(request, "plans/daily_feed.html", context)


def _criterion_and_assessment(user, plan, criterion_id: int | None):
    """The criterion the feed is filtered by, and the commune's assessment of the plan's year
    on that criterion's set that the user may see (the way back to it), if any."""
    if criterion_id is None:
        return None, None
    criterion = Criterion.objects.select_related("criteria_set").filter(pk=criterion_id).first()
    if criterion is None:
        return None, None
    assessment = (
        Assessment.objects.visible_to(user)
        .filter(commune_id=plan.commune_id, year=plan.year, criteria_set_id=criterion.criteria_set_id)
        .first()
    )
    return criterion, assessment


@login_required
def daily_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo (or its thumbnail with ?thumb=1) to users who may see the report."""
    report = get_daily_report_or_404(request.user, pk)
    stored = report.thumbnail if request.GET.get("thumb") and report.thumbnail else report.photo
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
