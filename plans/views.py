from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import get_visible_or_404, is_province_office, unit_lookup
from communes.models import Commune, District, Province

from . import deadlines, selectors, services
from .access import (
    can_manage,
    can_manage_programme,
    can_report,
    get_plan_or_404,
    get_plan_village_or_404,
    get_programme_or_404,
    plan_owner,
    programme_owner,
    require_commune_view,
    require_manage,
    require_manage_programme,
    require_report,
)
from .forms import (
    AllocationGridForm,
    PlanEditor,
    PlanForm,
    ProgrammeEditor,
    ProgrammeForm,
    WeeklyReportForm,
    encode_report_base,
    report_merge,
    report_rebased,
    report_values,
)
from .models import (
    Allocation,
    DailyReport,
    FundLine,
    Plan,
    Programme,
    SocioTarget,
    WeeklyReport,
)


@login_required
def commune_plans(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("district"), request.user, **unit_lookup(code)
    )
    return render(
        request,
        "plans/commune_plans.html",
        {
            "commune": commune,
            "plans": commune.plans.all(),
            "can_manage": can_manage(request.user, commune.pk),
        },
    )


@login_required
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(Commune, request.user, **unit_lookup(code))
    require_manage(request.user, commune.pk)
    form = PlanForm(request.POST or None, commune=commune, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(commune=commune, form=form)
        messages.success(request, _("Đã tạo kế hoạch năm %(year)s.") % {"year": plan.year})
        return redirect("plans:edit", plan.pk)
    return render(request, "plans/plan_create.html", {"commune": commune, "form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    manage = can_manage(request.user, plan.commune_id)
    deadline_rows, assessment = selectors.plan_criterion_status(plan, timezone.localdate())
    inherited = selectors.programme_targets(plan.programme, plan.year) if plan.programme_id else None
    province = plan.commune.province
    context = {
        "plan": plan,
        "deadline_rows": deadline_rows,
        "assessment": assessment,
        "target_total": plan.target_set.criteria.count() if plan.target_set_id else None,
        "village_targets": selectors.plan_village_target_lines(plan),
        "inherited": inherited,
        # Where the province office adds what a model-village target lacks.
        "set_link": (
            reverse("criteria:province_indicators", args=[province.key])
            if is_province_office(request.user, province.pk)
            else None
        ),
        "target_rows": selectors.target_rows(SocioTarget.objects.of_plan(plan), timezone.localdate()),
        "waves": plan.waves.all(),
        "progress": selectors.plan_progress(plan),
        "funds": selectors.plan_funds(plan),
        "can_manage": manage,
        "owner": plan_owner(request.user, plan),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    require_manage(request.user, plan.commune_id)
    editor = PlanEditor(plan, request.POST or None)
    if request.method == "POST":
        if editor.is_valid():
            services.plan_update(editor=editor)
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("plans:detail", plan.pk)
        messages.error(request, _("Chưa lưu: kiểm tra các ô được đánh dấu bên dưới."))
    return render(request, "plans/plan_edit.html", {"plan": plan, "editor": editor})


@login_required
def allocation_grid(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    require_commune_view(request.user, plan)
    if request.method == "POST":
        require_manage(request.user, plan.commune_id)
    items = list(plan.work_items.all())
    villages = list(plan.commune.villages.all())
    allocations = list(Allocation.objects.filter(work_item__plan=plan))
    form = AllocationGridForm(request.POST or None, items=items, villages=villages, allocations=allocations)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_save(plan=plan, cells=form.cells())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu bảng phân bổ."))
            return redirect("plans:allocations", plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "rows": _grid_rows(form, items, villages),
        "villages": villages,
        "can_manage": can_manage(request.user, plan.commune_id),
    }
    return render(request, "plans/allocations.html", context)


def _grid_rows(form: AllocationGridForm, items, villages) -> list[dict]:
    """Each item with its cells (bound fields) and the difference between its cells and total."""
    rows = []
    for item in items:
        fields = [form[form.cell_name(item.pk, village.pk)] for village in villages]
        values = [_cell_value(field) for field in fields]
        allocated = deadlines.total(value for value in values if value is not None)
        rows.append(
            {"item": item, "fields": fields, "allocated": allocated, "difference": allocated - item.quantity}
        )
    return rows


def _cell_value(bound_field):
    try:
        return bound_field.field.to_python(bound_field.value())
    except ValidationError:
        return None


def _parse_week(text: str | None) -> date | None:
    try:
        year, week = (text or "").split("-W")
        return deadlines.iso_week_monday(int(year), int(week))
    except ValueError:
        return None


@login_required
def weekly_overview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    require_commune_view(request.user, plan)
    now = timezone.now()
    last_week = _parse_week(request.GET.get("week")) or selectors.plan_default_week(plan, now)
    overview = selectors.weekly_overview(plan, last_week, now)
    context = {
        "plan": plan,
        "overview": overview,
        "previous": deadlines.iso_label(last_week - deadlines.timedelta(weeks=selectors.OVERVIEW_WEEKS)),
        "next": deadlines.iso_label(last_week + deadlines.timedelta(weeks=selectors.OVERVIEW_WEEKS)),
        "waves": overview.waves,
    }
    return render(request, "plans/overview.html", context)


@login_required
def village_plan(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    village = get_plan_village_or_404(request.user, plan, code)
    now = timezone.now()
    context = {
        "plan": plan,
        "village": village,
        "progress": selectors.village_progress(plan, village),
        "weeks": selectors.village_weeks(plan, village, now),
        "this_week": deadlines.current_week(now),
        "can_report": can_report(request.user, village),
        "in_plan_year": deadlines.current_week(now).isocalendar().year == plan.year,
    }
    return render(request, "plans/village.html", context)


@login_required
def weekly_report(request: HttpRequest, pk: int, code: str, year: int, week: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    village = get_plan_village_or_404(request.user, plan, code)
    require_report(request.user, village)
    try:
        monday = deadlines.iso_week_monday(year, week)
    except ValueError as error:
        raise Http404 from error
    now = timezone.now()
    allocations = list(
        Allocation.objects.filter(work_item__plan=plan, village=village, quantity__gt=0)
        .select_related("work_item")
        .order_by("work_item__order", "work_item_id")
    )
    report = WeeklyReport.objects.filter(plan=plan, village=village, week=monday).first()
    prefill = _daily_prefill(plan, village, monday, allocations) if report is None else {}
    initial = _report_initial(report) | prefill
    form = WeeklyReportForm(request.POST or None, allocations=allocations, initial=initial)
    week_error, merge = _week_error(plan, monday, now), None
    if request.method == "POST" and not week_error and form.is_valid():
        try:
            report = services.weekly_report_submit(
                plan=plan,
                village=village,
                week=monday,
                quantities=form.quantities(),
                notes=form.cleaned_data["notes"],
                next_week_plan=form.cleaned_data["next_week_plan"],
                user=request.user,
                now=now,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            week_error = " ".join(error.messages)
        except services.WeeklyReportConflict as error:
            report, merge = error.report, report_merge(form, error.report)
            form = WeeklyReportForm(report_rebased(form, report), allocations=allocations)
            form.is_valid()
        else:
            _report_message(request, report, now)
            for warning in form.over_allocated():
                messages.warning(request, warning)
            return redirect("plans:village", plan.pk, village.code)
    context = {
        "plan": plan,
        "village": village,
        "form": form,
        "week": monday,
        "week_label": deadlines.iso_label(monday),
        "week_end": monday + deadlines.timedelta(days=6),
        "deadline": report.deadline if report else services.report_deadline_for(plan, monday),
        "report": report,
        "state": report.state(now) if report else None,
        "week_error": week_error,
        "merge": merge,
        "prefilled": bool(prefill) and not form.is_bound,
    }
    return render(request, "plans/report_form.html", context, status=400 if week_error else 200)


def _week_error(plan: Plan, monday: date, now) -> str:
    try:
        services.report_week_check(plan=plan, week=monday, now=now)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _daily_prefill(plan: Plan, village, monday: date, allocations: list[Allocation]) -> dict:
    """A report not yet written starts from the sums of the week's daily reports (the base
    stays empty: nothing is stored yet, so a save is not taken for an edit)."""
    sums = DailyReport.objects.week_sums(plan=plan, village=village, monday=monday)
    allocated = {allocation.work_item_id for allocation in allocations}
    return {f"item_{item_id}": total for item_id, total in sums.items() if item_id in allocated}


def _report_initial(report: WeeklyReport | None) -> dict:
    values = report_values(report)
    return values | {"version": report.version if report else 0, "base": encode_report_base(values)}


def _report_message(request: HttpRequest, report: WeeklyReport, now) -> None:
    state = report.state(now)
    if state.timeliness == deadlines.Timeliness.ON_TIME:
        messages.success(
            request,
            _("Đã nhận báo cáo tuần %(week)s: đúng hạn.") % {"week": deadlines.iso_label(report.week)},
        )
    else:
        messages.warning(
            request,
            _("Đã nhận báo cáo tuần %(week)s: nộp muộn so với hạn.")
            % {"week": deadlines.iso_label(report.week)},
        )


# --- Programmes ------------------------------------------------------------------------------

PROGRAMME_UNITS = {"commune": Commune, "district": District, "province": Province}


def _programme_unit(request: HttpRequest, level: str, code: str):
    model = PROGRAMME_UNITS.get(level)
    if model is None:
        raise Http404
    return get_visible_or_404(model, request.user, **unit_lookup(code))


@login_required
def programme_list(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """A unit's programmes; for a district or province, also those of its communes."""
    unit = _programme_unit(request, level, code)
    own = Programme.objects.filter(**{level: unit})
    below = Programme.objects.none()
    if level != "commune":
        below = (
            Programme.objects.visible_to(request.user)
            .filter(**{f"commune__{level}": unit})
            .select_related("commune")
            .order_by("commune__name", "-start_year")
        )
    context = {
        "unit": unit,
        "level": level,
        "programmes": list(own),
        "below": list(below),
        "can_manage": can_manage_programme(request.user, Programme(**{level: unit})),
    }
    return render(request, "plans/programme_list.html", context)


@login_required
def programme_create(request: HttpRequest, level: str, code: str) -> HttpResponse:
    unit = _programme_unit(request, level, code)
    require_manage_programme(request.user, Programme(**{level: unit}))
    today = timezone.localdate()
    form = ProgrammeForm(
        request.POST or None,
        instance=Programme(**{level: unit}),
        prefix="programme",
        initial={"start_year": today.year, "end_year": today.year + 4},
    )
    if request.method == "POST":
        if form.is_valid():
            programme = services.programme_create(unit=unit, form=form)
            messages.success(request, _("Đã tạo chương trình. Nhập các mục tiêu theo năm."))
            return redirect("plans:programme_edit", programme.pk)
        messages.error(request, _("Chưa lưu: kiểm tra các ô được đánh dấu bên dưới."))
    return render(request, "plans/programme_create.html", {"unit": unit, "level": level, "form": form})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_or_404(request.user, pk)
    if programme.province_id:
        # A province programme's targets are the province's, counted on its dashboard.
        return redirect(reverse("reports:province", args=[programme.province.key]) + "#targets-heading")
    targets = selectors.programme_targets(programme)
    plans = programme.plans.select_related("commune").order_by("year", "commune__name")
    manage = can_manage_programme(request.user, programme)
    # The funds are a commune-wide page: a village head sees the programme's targets only.
    commune_wide = (
        not programme.commune_id
        or Commune.objects.visible_to(request.user).filter(pk=programme.commune_id).exists()
    )
    context = {
        "programme": programme,
        "targets": targets,
        "years": targets.by_year(),
        "plans": list(plans),
        "target_rows": selectors.target_rows(
            SocioTarget.objects.filter(programme=programme), timezone.localdate()
        ),
        "funds": selectors.fund_summary(FundLine.objects.filter(programme=programme))
        if commune_wide
        else None,
        "can_manage": manage,
        "owner": programme_owner(request.user, programme),
    }
    return render(request, "plans/programme_detail.html", context)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_or_404(request.user, pk)
    require_manage_programme(request.user, programme)
    editor = ProgrammeEditor(programme, request.POST or None)
    if request.method == "POST":
        if editor.is_valid():
            services.programme_update(editor=editor)
            messages.success(request, _("Đã lưu chương trình."))
            return redirect("plans:programme", programme.pk)
        messages.error(request, _("Chưa lưu: kiểm tra các ô được đánh dấu bên dưới."))
    return render(request, "plans/programme_edit.html", {"programme": programme, "editor": editor})
