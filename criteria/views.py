"""Entry, workflow, evidence and history pages of assessments.

Every assessment comes through `get_assessment_for_user`, so users outside its unit get 404;
users who may see it but not act get 403 from the services.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import get_visible_or_404, unit_lookup
from communes.models import Commune, Village

from . import history as history_lib
from .access import ASSESSMENT_RELATED, can_edit, can_review, get_assessment_for_user
from .entry import entry_context
from .evaluation import Status
from .forms import CreateForm, EntryForm, ReasonForm, RequiredReasonForm, initial_for, rebased
from .models import Assessment, CriteriaSet, CriterionResult, Evidence, Indicator
from .services import (
    AssessmentConflict,
    AssessmentLocked,
    InvalidTransition,
    assessment_approve,
    assessment_bulk_approve,
    assessment_merge,
    assessment_open,
    assessment_reopen,
    assessment_return,
    assessment_save,
    assessment_submit,
    assessment_values,
    evidence_add,
    evidence_remove,
    set_catalogue,
)


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, permissions = get_assessment_for_user(request, pk)
    commune = assessment.commune or assessment.village.commune
    catalogue = set_catalogue(assessment.criteria_set, commune.province_id)
    rows = assessment_values(assessment)
    conflict, merge = None, []
    if request.method == "POST":
        if not permissions.can_edit:
            raise PermissionDenied
        form = EntryForm(request.POST, catalogue=catalogue)
        if form.is_valid():
            try:
                assessment_save(
                    assessment=assessment,
                    user=request.user,
                    values=form.changed_values(),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                    catalogue=catalogue,
                )
            except AssessmentLocked as error:
                messages.error(request, str(error))
                return redirect("criteria:entry", pk=pk)
            except AssessmentConflict as error:
                conflict, rows = error, assessment_values(assessment)
                merge = assessment_merge(
                    catalogue=catalogue,
                    rows=rows,
                    base=form.base_values(),
                    mine=form.mine_values(),
                    changes=error.changes,
                )
                assessment.version = error.assessment.version
                form = _rebased(form, catalogue, rows, error.assessment.version)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã lưu số liệu."))
                return redirect("criteria:entry", pk=pk)
    else:
        form = EntryForm(initial=initial_for(rows, assessment.version), catalogue=catalogue)
    context = entry_context(request, assessment, catalogue, rows, form, permissions)
    return render(request, "criteria/entry.html", context | {"conflict": conflict, "merge": merge})


def _rebased(form: EntryForm, catalogue, rows: dict, version: int) -> EntryForm:
    """The refused form merged onto the latest version: fields the user did not change show
    the others' values, the user's changes stay; saving again applies only those."""
    form = EntryForm(rebased(form, rows, version), catalogue=catalogue)
    form.is_valid()
    return form


def _workflow(request: HttpRequest, pk: int, action, form_class) -> HttpResponse:
    assessment, _permissions = get_assessment_for_user(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect("criteria:entry", pk=pk)
    try:
        action(assessment=assessment, user=request.user, **form.cleaned_data)
    except (InvalidTransition, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, _("Trạng thái hồ sơ: %(status)s.") % {"status": assessment.get_status_display()}
        )
    return redirect("criteria:entry", pk=pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def action(*, assessment, user, reason=""):
        assessment_submit(assessment=assessment, user=user)

    return _workflow(request, pk, action, ReasonForm)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, assessment_approve, ReasonForm)


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, assessment_return, RequiredReasonForm)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, assessment_reopen, RequiredReasonForm)


def _reviewable(user):
    candidates = (
        Assessment.objects.visible_to(user)
        .filter(status=Assessment.State.SUBMITTED)
        .select_related(*ASSESSMENT_RELATED)
        .order_by("criteria_set__code", "year", "pk")
    )
    return [assessment for assessment in candidates if can_review(user, assessment)]


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Submitted assessments the user approves, several at once: a first POST lists what will
    be approved and locked, and only the confirming POST approves."""
    assessments = _with_unmet_criteria(_reviewable(request.user))
    if request.method != "POST":
        return render(request, "criteria/review.html", {"assessments": assessments, "chosen": set()})
    chosen = {int(value) for value in request.POST.getlist("assessment") if value.isdigit()}
    selected = [assessment for assessment in assessments if assessment.pk in chosen]
    if not selected:
        messages.error(request, _("Chưa chọn hồ sơ nào."))
    elif request.POST.get("confirm") != "1":
        context = {"assessments": assessments, "chosen": chosen, "to_confirm": selected}
        return render(request, "criteria/review.html", context)
    else:
        assessment_bulk_approve(assessments=selected, user=request.user)
        messages.success(request, _("Đã phê duyệt %(count)s hồ sơ.") % {"count": len(selected)})
    return redirect("criteria:review")


def _with_unmet_criteria(assessments: list[Assessment]) -> list[Assessment]:
    """Each assessment with `unmet_criteria`, the criteria its stored evaluation does not meet
    (one query for the whole queue)."""
    unmet = defaultdict(list)
    results = (
        CriterionResult.objects.filter(assessment__in=[assessment.pk for assessment in assessments])
        .exclude(status=Status.MET.value)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code")
    )
    for result in results:
        unmet[result.assessment_id].append(result.criterion)
    for assessment in assessments:
        assessment.unmet_criteria = unmet[assessment.pk]
    return assessments


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """Open (or find) the assessment of a unit for a set and year, then go to its entry page."""
    criteria_set = get_object_or_404(CriteriaSet, code=request.POST.get("set", ""))
    if criteria_set.unit_level == CriteriaSet.UnitLevel.VILLAGE:
        unit = {"village": get_visible_or_404(Village, request.user, code=request.POST.get("unit", ""))}
    else:
        unit = {
            "commune": get_visible_or_404(Commune, request.user, **unit_lookup(request.POST.get("unit", "")))
        }
    form = CreateForm(request.POST)
    if not can_edit(request.user, Assessment(criteria_set=criteria_set, **unit)):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Năm không hợp lệ."))
        return _back(request)
    try:
        assessment = assessment_open(
            user=request.user, criteria_set=criteria_set, unit=next(iter(unit.values())), **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    return redirect("criteria:entry", pk=assessment.pk)


def _back(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if safe else "home")


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    assessment, _permissions = get_assessment_for_user(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.select_related("criterion"),
        pk=indicator_id,
        criterion__criteria_set=assessment.criteria_set,
    )
    try:
        evidence_add(
            assessment=assessment,
            indicator=indicator,
            user=request.user,
            upload=request.FILES.get(f"file_{indicator.pk}"),
            checklist_item=request.POST.get(f"item_{indicator.pk}", ""),
        )
    except (ValidationError, AssessmentLocked) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        messages.error(request, f"{indicator.code}: {text}")
    else:
        messages.success(
            request, _("Đã tải lên minh chứng cho chỉ tiêu %(code)s.") % {"code": indicator.code}
        )
    return redirect(f"{_entry_url(pk)}#indicator-{indicator.pk}")


def _entry_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("criteria:entry", args=[pk])


def _evidence(user, evidence_id: int) -> Evidence:
    queryset = Evidence.objects.select_related("assessment__village", "assessment__commune").filter(
        assessment__in=Assessment.objects.visible_to(user)
    )
    return get_object_or_404(queryset, pk=evidence_id)


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Serve an evidence file to users who may see its assessment; nothing is public."""
    evidence = _evidence(request.user, evidence_id)
    inline = evidence.content_type.startswith("image/") or evidence.content_type == "application/pdf"
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request.user, evidence_id)
    try:
        evidence_remove(evidence=evidence, user=request.user)
    except AssessmentLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gỡ tệp %(name)s.") % {"name": evidence.original_name})
    return redirect(f"{_entry_url(evidence.assessment_id)}#indicator-{evidence.indicator_id}")


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _permissions = get_assessment_for_user(request, pk)
    events = history_lib.assessment_events(assessment)
    return render(
        request, "criteria/history.html", {"assessment": assessment, "events": events, "indicator": None}
    )


@login_required
def indicator_history(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    assessment, _permissions = get_assessment_for_user(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_id, criterion__criteria_set=assessment.criteria_set)
    events = history_lib.assessment_events(assessment, indicator=indicator)
    return render(
        request, "criteria/history.html", {"assessment": assessment, "events": events, "indicator": indicator}
    )
