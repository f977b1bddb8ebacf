"""The province office's pages of recognition decisions: the list, recording one, revoking one.

Recognitions come through `Recognition.objects.visible_to`, so a recognition outside the user's
units is 404; who sees one but may not write (a district committee, a commune officer) gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communes.access import get_visible_or_404

from .forms_recognition import RecognitionFilterForm, RecognitionForm, RevocationForm
from .models import Recognition
from .recognitions import can_record, recognition_record, recognition_revoke, recording_provinces

RELATED = (
    "criteria_set",
    "commune__district",
    "village__commune__district",
    "recorded_by",
)


@login_required
def recognitions(request: HttpRequest) -> HttpResponse:
    """Every recognition of the user's units, newest decision first, filtered by set, year of
    the decision and state."""
    form = RecognitionFilterForm(request.GET or None)
    shown = form.filter(Recognition.objects.visible_to(request.user).select_related(*RELATED))
    provinces = recording_provinces(request.user)
    rows = [(item, provinces is None or item.commune_of_unit.province_id in provinces) for item in shown]
    context = {"form": form, "rows": rows, "can_record": can_record(request.user)}
    return render(request, "criteria/recognitions.html", context)


@login_required
def record(request: HttpRequest) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied
    provinces = recording_provinces(request.user)
    form = RecognitionForm(request.POST or None, province_ids=provinces, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                recognition = recognition_record(
                    user=request.user,
                    criteria_set=data["criteria_set"],
                    unit=data["unit"],
                    level=data["level"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    signer=data["signer"],
                )
        except IntegrityError:
            # Someone recorded the same unit and set a moment ago: the form's check came first.
            form.add_error("criteria_set", _("Đơn vị này vừa được ghi nhận quyết định cho danh hiệu này."))
        else:
            text = _("Đã ghi nhận quyết định công nhận số %(number)s: %(unit)s, %(title)s.")
            messages.success(request, _message(text, recognition))
            return redirect("criteria:recognitions")
    if request.method == "POST":
        messages.error(request, _("Chưa ghi nhận: xem lại các ô được đánh dấu."))
    return render(request, "criteria/recognition_form.html", {"form": form})


@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    recognition = get_visible_or_404(Recognition.objects.select_related(*RELATED), request.user, pk=pk)
    if not can_record(request.user, recognition.commune_of_unit.province_id):
        raise PermissionDenied
    if recognition.is_revoked:
        messages.error(request, _("Quyết định này đã được thu hồi."))
        return redirect("criteria:recognitions")
    form = RevocationForm(request.POST or None, recognition=recognition)
    if request.method == "POST" and form.is_valid():
        recognition_revoke(recognition=recognition, user=request.user, **form.cleaned_data)
        text = _("Đã ghi nhận quyết định thu hồi số %(revocation)s: %(unit)s không còn danh hiệu %(title)s.")
        messages.success(request, _message(text, recognition))
        return redirect("criteria:recognitions")
    if request.method == "POST":
        messages.error(request, _("Chưa ghi nhận việc thu hồi: xem lại các ô được đánh dấu."))
    return render(request, "criteria/recognition_revoke.html", {"form": form, "recognition": recognition})


def _message(text: str, recognition: Recognition) -> str:
    title = recognition.criteria_set.title or recognition.criteria_set.name
    return text % {
        "number": recognition.decision_number,
        "revocation": recognition.revocation_number,
        "unit": recognition.unit,
        "title": title,
    }


def _initial(request: HttpRequest) -> dict:
    """A link from a unit's page may name the unit and the set by their codes."""
    return {
        key: value
        for key, value in (
            ("commune", request.GET.get("commune")),
            ("village", request.GET.get("village")),
            ("criteria_set", request.GET.get("set")),
        )
        if value
    }
