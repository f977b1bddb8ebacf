"""Entry, workflow, evidence and history pages of assessments.

Every assessment comes through `get_assessment_for_user`, so users outside its unit get 404;
users who may see it but not act get 403 from the services.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    DuplicateEvidence,
    Evaluation,
    InvalidTransition,
    assessment_approve,
    assessment_bulk_approve,
    assessment_evaluation,
    assessment_merge,
    assessment_open,
    assessment_reopen,
    assessment_return,
    assessment_save,
    assessment_submit,
    assessment_values,
    assessment_withdraw,
    evidence_add,
    evidence_remove,
    set_catalogue,
)

# The assessment's own columns a rolled-back save may have changed on the instance.
STORED_STATE = [
    "status",
    "version",
    "criteria_met",
    "criteria_total",
    "indicators_met",
    "indicators_total",
    "title_qualified",
    "updated_at",
]


class _Refused(Exception):
    """The values typed on the page could not be saved: `response` shows them again."""

    def __init__(self, response: HttpResponse):
        self.response = response


@dataclass
class _EntryPage:
    """One assessment's entry page: what every action on it needs to save the typed values
    first and, when that fails, to show them again with the reason."""

    request: HttpRequest
    assessment: Assessment
    permissions: object
    catalogue: object
    form: EntryForm | None = None

    @classmethod
    def load(cls, request: HttpRequest, pk: int) -> _EntryPage:
        assessment, permissions = get_assessment_for_user(request, pk)
        commune = assessment.commune or assessment.village.commune
        return cls(
            request, assessment, permissions, set_catalogue(assessment.criteria_set, commune.province_id)
        )

    def render(self, *, conflict=None, merge=(), status: int = 200, confirm: str = "") -> HttpResponse:
        assessment = self.assessment
        rows = assessment_values(assessment)
        form = self.form or EntryForm(initial=initial_for(rows, assessment.version), catalogue=self.catalogue)
        context = entry_context(self.request, assessment, self.catalogue, rows, form, self.permissions)
        general, by_indicator = _split_messages(self.request)
        for section in context["sections"]:
            for row in section.rows:
                row.messages = by_indicator.get(row.indicator.pk, [])
        context |= {
            "conflict": conflict,
            "merge": list(merge),
            "messages": general,
            "indicator_messages": by_indicator,
            "confirm": confirm if confirm in ("submit", "approve") else "",
        }
        return render(self.request, "criteria/entry.html", context, status=status)

    def save_typed(self, *, refused: str = "", tag: str = "") -> Evaluation | None:
        """Save the values that came with the action (the page's form), in the caller's
        transaction and with the page's version check; None when no values came (the action was
        posted from elsewhere, or the page was read-only). Raises _Refused with the page to show
        when the values are invalid, stale or frozen; `refused` says what was therefore not done
        (beside the indicator `tag` names, if any)."""
        request = self.request
        if "version" not in request.POST or not self.permissions.can_edit:
            return None
        self.form = EntryForm(request.POST, catalogue=self.catalogue)
        if not self.form.is_valid():
            raise self._refused(refused, tag)
        try:
            return assessment_save(
                assessment=self.assessment,
                user=request.user,
                values=self.form.changed_values(),
                expected_version=self.form.cleaned_data["version"],
                reason=self.form.cleaned_data["reason"],
                catalogue=self.catalogue,
            )
        except AssessmentLocked as error:
            messages.error(request, str(error), extra_tags=tag)
            raise _Refused(redirect("criteria:entry", pk=self.assessment.pk)) from error
        except AssessmentConflict as error:
            # Three-way: the fields only the others changed take their values, the user's own
            # changes stay, a field both changed is the user's to choose (criteria/merge.py).
            rows = assessment_values(self.assessment)
            merge = assessment_merge(
                catalogue=self.catalogue,
                rows=rows,
                base=self.form.base_values(),
                mine=self.form.mine_values(),
                changes=error.changes,
            )
            self.assessment.version = error.assessment.version
            self.form = _rebased(self.form, self.catalogue, rows, error.assessment.version)
            raise self._refused(refused, tag, conflict=error, merge=merge) from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            raise self._refused(refused, tag) from error

    def _refused(self, refused: str, tag: str, conflict=None, merge=()) -> _Refused:
        if refused:
            messages.error(self.request, refused, extra_tags=tag)
        return _Refused(self.render(conflict=conflict, merge=merge))


def _split_messages(request: HttpRequest) -> tuple[list, dict[int, list]]:
    """The messages for the top of the page, and those about one indicator (tagged
    "indicator-<id>"), shown beside it: after an upload the page lands on the indicator."""
    general, by_indicator = [], defaultdict(list)
    for message in messages.get_messages(request):
        tags = dict(tag.split("-", 1) for tag in message.extra_tags.split() if "-" in tag)
        if tags.get("indicator", "").isdigit():
            message.evidence_id = int(tags["evidence"]) if tags.get("evidence", "").isdigit() else None
            by_indicator[int(tags["indicator"])].append(message)
        else:
            general.append(message)
    return general, dict(by_indicator)


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    page = _EntryPage.load(request, pk)
    if request.method != "POST":
        return page.render(confirm=request.GET.get("confirm", ""))
    if not page.permissions.can_edit:
        raise PermissionDenied
    if "version" not in request.POST:
        page.form = EntryForm(request.POST, catalogue=page.catalogue)
        return page.render()
    try:
        with transaction.atomic():
            page.save_typed()
    except _Refused as refused:
        return refused.response
    messages.success(request, _("Đã lưu số liệu."))
    return redirect("criteria:entry", pk=pk)


def _rebased(form: EntryForm, catalogue, rows: dict, version: int) -> EntryForm:
    """The refused form merged onto the latest version: fields the user did not change show
    the others' values, the user's changes stay; saving again applies only those."""
    form = EntryForm(rebased(form, rows, version), catalogue=catalogue)
    form.is_valid()
    return form


def _confirm_url(pk: int, action: str) -> str:
    return f"{_entry_url(pk)}?confirm={action}#confirm"


def _done(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    messages.success(
        request, _("Trạng thái hồ sơ: %(status)s.") % {"status": assessment.get_status_display()}
    )
    return redirect("criteria:entry", pk=assessment.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the values typed on the page, then submit; with criteria unmet, the page first asks
    to confirm (naming them) and the values stay saved."""
    page = _EntryPage.load(request, pk)
    assessment = page.assessment
    if not page.permissions.can_submit:
        raise PermissionDenied
    try:
        with transaction.atomic():
            outcome = page.save_typed(refused=_("Chưa gửi hồ sơ: số liệu trên trang chưa lưu được."))
            saved = outcome is not None and assessment.version != int(request.POST["version"])
            outcome = outcome or assessment_evaluation(assessment, page.catalogue)
            if outcome.unmet and request.POST.get("confirm") != "1":
                if saved:
                    messages.success(request, _("Đã lưu số liệu."))
                return redirect(_confirm_url(pk, "submit"))
            assessment_submit(assessment=assessment, user=request.user)
    except _Refused as refused:
        return refused.response
    except InvalidTransition as error:
        return _invalid(page, error)
    return _done(request, assessment)


def _invalid(page: _EntryPage, error: InvalidTransition) -> HttpResponse:
    """A refused step: nothing of the request is kept, the typed values are shown again."""
    messages.error(page.request, str(error))
    page.assessment.refresh_from_db(fields=STORED_STATE)
    if page.form is None:
        return redirect("criteria:entry", pk=page.assessment.pk)
    return page.render()


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve; with criteria unmet, the page first asks to confirm, naming them."""
    assessment, permissions = get_assessment_for_user(request, pk)
    if not permissions.can_review:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect("criteria:entry", pk=pk)
    if request.POST.get("confirm") != "1" and assessment.status == Assessment.State.SUBMITTED:
        if assessment_evaluation(assessment).unmet:
            return redirect(_confirm_url(pk, "approve"))
    try:
        assessment_approve(assessment=assessment, user=request.user, **form.cleaned_data)
    except InvalidTransition as error:
        messages.error(request, str(error))
        return redirect("criteria:entry", pk=pk)
    return _done(request, assessment)


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
        return redirect("criteria:entry", pk=pk)
    return _done(request, assessment)


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, assessment_return, RequiredReasonForm)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, assessment_reopen, RequiredReasonForm)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit takes back a submission the committee has not reviewed yet."""
    return _workflow(request, pk, assessment_withdraw, RequiredReasonForm)


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
    """Save the values typed on the page, then store the file: a refused file keeps the saved
    values, and the message shows beside the indicator."""
    page = _EntryPage.load(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.in_catalogue_of(page.assessment.commune_of_unit.province_id).select_related(
            "criterion"
        ),
        pk=indicator_id,
        criterion__criteria_set=page.assessment.criteria_set,
    )
    tag = f"indicator-{indicator.pk}"
    not_uploaded = _("Chưa tải tệp lên: số liệu trên trang chưa lưu được; sửa rồi tải lại.")
    try:
        with transaction.atomic():
            page.save_typed(refused=not_uploaded, tag=tag)
    except _Refused as refused:
        return refused.response
    try:
        evidence = evidence_add(
            assessment=page.assessment,
            indicator=indicator,
            user=request.user,
            upload=request.FILES.get(f"file_{indicator.pk}"),
            checklist_item=request.POST.get(f"item_{indicator.pk}", ""),
        )
    except DuplicateEvidence as error:
        messages.error(request, " ".join(error.messages), extra_tags=f"{tag} evidence-{error.existing.pk}")
    except (ValidationError, AssessmentLocked) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])), extra_tags=tag)
    else:
        messages.success(
            request,
            _("Đã tải lên %(name)s cho chỉ tiêu %(code)s.")
            % {"name": evidence.original_name, "code": indicator.code},
            extra_tags=tag,
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
    """Save the values typed on the page, then remove the file."""
    evidence = _evidence(request.user, evidence_id)
    tag = f"indicator-{evidence.indicator_id}"
    page = _EntryPage.load(request, evidence.assessment_id)
    try:
        with transaction.atomic():
            page.save_typed(refused=_("Chưa gỡ tệp: số liệu trên trang chưa lưu được."))
            evidence_remove(evidence=evidence, user=request.user)
    except _Refused as refused:
        return refused.response
    except AssessmentLocked as error:
        messages.error(request, str(error), extra_tags=tag)
    else:
        messages.success(request, _("Đã gỡ tệp %(name)s.") % {"name": evidence.original_name}, extra_tags=tag)
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
