"""The province office's own thresholds: per criteria set, every indicator with the national
thresholds and the province's; a page per indicator to set one, citing its decision, or to
remove one. Only the province's office (or a superuser) opens them, anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes.access import get_office_province_or_404
from communes.models import Province

from . import thresholds
from .forms_thresholds import ProvinceThresholdForm
from .models import CriteriaSet, Indicator, Threshold


def _sets(province: Province) -> list[CriteriaSet]:
    """The sets a unit of the province may use, newest period first."""
    sets = CriteriaSet.objects.for_province(province.pk).select_related("province")
    return [s for s in sets.order_by("-valid_from_year", "unit_level", "code") if s.applies_in(province)]


def _set_or_404(province: Province, code: str | None) -> tuple[CriteriaSet, list[CriteriaSet]]:
    sets = _sets(province)
    chosen = next((s for s in sets if s.code == code), None) if code else (sets[0] if sets else None)
    if chosen is None:
        raise Http404
    return chosen, sets


@login_required
def province_thresholds(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    criteria_set, sets = _set_or_404(province, request.GET.get("set"))
    context = {
        "province": province,
        "criteria_set": criteria_set,
        "sets": sets,
        "lines": thresholds.threshold_lines(criteria_set, province),
    }
    return render(request, "criteria/province_thresholds.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def province_threshold(request: HttpRequest, code: str, set_code: str, indicator: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    criteria_set, _all = _set_or_404(province, set_code)
    indicator = get_object_or_404(
        Indicator.objects.in_catalogue_of(province.pk).select_related("criterion"),
        criterion__criteria_set=criteria_set,
        code=indicator,
    )
    form = ProvinceThresholdForm(request.POST or None, criteria_set=criteria_set, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thresholds.province_threshold_set(
                province=province,
                indicator=indicator,
                classifier_value=data["classifier_value"],
                year=data["year"],
                threshold=data["threshold"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("threshold", message)
        else:
            messages.success(
                request, _("Đã đặt ngưỡng của tỉnh cho chỉ tiêu %(code)s.") % {"code": indicator.code}
            )
            return redirect(_list_url(province, criteria_set, indicator))
    (line,) = [
        item for item in thresholds.threshold_lines(criteria_set, province) if item.indicator == indicator
    ]
    # Who set or removed the province's thresholds of this indicator, when, citing what.
    history = list(
        Threshold.history.filter(indicator_id=indicator.pk, province_id=province.pk)
        .select_related("history_user")
        .order_by("-history_date")[:50]
    )
    context = {
        "province": province,
        "criteria_set": criteria_set,
        "line": line,
        "form": form,
        "history": history,
    }
    return render(request, "criteria/province_threshold.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def province_threshold_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    threshold = get_object_or_404(
        Threshold.objects.select_related("indicator__criterion__criteria_set"), pk=pk, province=province
    )
    indicator, criteria_set = threshold.indicator, threshold.indicator.criterion.criteria_set
    thresholds.province_threshold_remove(province=province, threshold=threshold)
    messages.success(
        request,
        _("Đã bỏ ngưỡng riêng của tỉnh cho chỉ tiêu %(code)s; ngưỡng quốc gia được áp dụng.")
        % {"code": indicator.code},
    )
    return redirect(_list_url(province, criteria_set, indicator))


def _list_url(province: Province, criteria_set: CriteriaSet, indicator: Indicator) -> str:
    base = reverse("criteria:province_thresholds", args=[province.key])
    return f"{base}?set={criteria_set.code}#indicator-{indicator.code}"
