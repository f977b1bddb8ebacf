"""The province office's own indicators, under the criteria whose national content is a
stand-in: the list by set, a page to add or change one with its thresholds and the decision,
and deactivating one. Only the province's office (or a superuser) opens them, anyone else gets
404; a criterion with national indicators is refused with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes.access import get_office_province_or_404
from communes.models import Province

from . import province_indicators as service
from .forms_province_indicators import DecisionForm, ProvinceIndicatorForm
from .models import Criterion, Indicator, Threshold


@login_required
def province_indicators(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    sets = service.open_sets(province, timezone.localdate().year)
    undetailed = service.undetailed_criteria(province)
    lines, to_complete = service.content_lines(province, sets, undetailed)
    own_sets = {item.criteria_set_id: item.criteria_set for item in undetailed}
    context = {
        "province": province,
        "sections": [(item, lines[item.pk]) for item in sets if lines.get(item.pk)],
        "to_complete": [(item, to_complete[pk]) for pk, item in own_sets.items()],
        "decision_form": DecisionForm(),
    }
    return render(request, "criteria/province_indicators.html", context)


def _criterion_or_404(province: Province, set_code: str, criterion_code: str) -> Criterion:
    """A criterion of a set the province may use whose period is open, or a criterion the
    sources do not detail of one of its own sets (whatever its period): 404 otherwise."""
    sets = service.open_sets(province, timezone.localdate().year)
    criteria_set = next((item for item in sets if item.code == set_code), None)
    if criteria_set is None:
        found = [item for item in service.undetailed_criteria(province) if item.criteria_set.code == set_code]
        criterion = next((item for item in found if item.code == criterion_code), None)
        if criterion is None:
            raise Http404
        return criterion
    return get_object_or_404(
        Criterion.objects.select_related("criteria_set__province"),
        criteria_set=criteria_set,
        code=criterion_code,
    )


def _own_or_404(province: Province, pk: int) -> Indicator:
    own = Indicator.objects.of_province(province.pk).select_related("criterion__criteria_set__province")
    thresholds = Threshold.objects.filter(province=province).order_by("classifier_value", "year", "pk")
    own = own.prefetch_related(Prefetch("thresholds", queryset=thresholds, to_attr="own_thresholds"))
    return get_object_or_404(own, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def province_indicator_add(request: HttpRequest, code: str, set_code: str, criterion: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    criterion = _criterion_or_404(province, set_code, criterion)
    return _edit(request, province, criterion, None)


@login_required
@require_http_methods(["GET", "POST"])
def province_indicator_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    indicator = _own_or_404(province, pk)
    return _edit(request, province, indicator.criterion, indicator)


def _edit(request: HttpRequest, province: Province, criterion: Criterion, indicator: Indicator | None):
    try:
        service.check_criterion(province, criterion)
    except service.IndicatorRefused as error:
        messages.error(request, str(error))
        return redirect("criteria:province_indicators", code=province.key)
    criteria_set = criterion.criteria_set
    data = request.POST or None
    if indicator is None:
        form = ProvinceIndicatorForm(data, criteria_set=criteria_set)
    else:
        form = ProvinceIndicatorForm.for_indicator(indicator, criteria_set, data)
    if request.method == "POST" and form.is_valid():
        try:
            saved = service.province_indicator_save(
                by=request.user,
                province=province,
                criterion=criterion,
                indicator=indicator,
                spec=form.spec(),
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
            )
        except service.IndicatorRefused as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu %(code)s của tỉnh.") % {"code": saved.code})
            return redirect(_list_url(province, saved))
    context = {
        "province": province,
        "criteria_set": criteria_set,
        "criterion": criterion,
        "indicator": indicator,
        "form": form,
        "history": _history(indicator, province),
    }
    status = 400 if form.errors else 200
    return render(request, "criteria/province_indicator.html", context, status=status)


def _add_errors(form: ProvinceIndicatorForm, error: ValidationError) -> None:
    """A model's or a service's error, at its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        target = name if name in form.fields else None
        if name in ("value", "flag", "level"):
            target = None
        form.add_error(target, problems)


def _history(indicator: Indicator | None, province: Province) -> list:
    """Who added or changed the indicator and its thresholds, when, citing what: newest first."""
    if indicator is None:
        return []
    own = Indicator.history.filter(id=indicator.pk).select_related("history_user").order_by("-history_date")
    rows = Threshold.history.filter(indicator_id=indicator.pk, province_id=province.pk)
    rows = rows.select_related("history_user").order_by("-history_date")
    records = [("indicator", record) for record in own[:50]] + [("threshold", record) for record in rows[:50]]
    return sorted(records, key=lambda item: item[1].history_date, reverse=True)


@login_required
@require_POST
def province_indicator_active(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    indicator = _own_or_404(province, pk)
    active = request.POST.get("active") == "1"
    form = DecisionForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        messages.error(request, problems)
        return redirect(_list_url(province, indicator))
    service.province_indicator_set_active(
        by=request.user,
        province=province,
        indicator=indicator,
        active=active,
        decision_number=form.cleaned_data["decision_number"],
        decision_date=form.cleaned_data["decision_date"],
    )
    text = (
        _("Đã áp dụng lại chỉ tiêu %(code)s của tỉnh.")
        if active
        else _("Đã ngừng áp dụng chỉ tiêu %(code)s của tỉnh; số liệu đã nhập vẫn được giữ.")
    )
    messages.success(request, text % {"code": indicator.code})
    return redirect(_list_url(province, indicator))


def _list_url(province: Province, indicator: Indicator) -> str:
    base = reverse("criteria:province_indicators", args=[province.key])
    return f"{base}#criterion-{indicator.criterion.criteria_set.code}-{indicator.criterion.code}"
