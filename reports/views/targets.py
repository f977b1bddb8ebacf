"""The actual values a province office reports for its targets that the app cannot count
itself, from its own reports and decisions; the province dashboard shows the latest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_target_actual_for_office, get_target_for_office
from ..figures.targets import is_counted_by_app
from ..forms_targets import TargetActualForm
from ..models import ProvinceTargetActual
from ..target_actuals import province_target_actual_delete, province_target_actual_record


@login_required
def target_actuals(request: HttpRequest, pk: int) -> HttpResponse:
    """The target, its reported values newest first, and the form to report one more."""
    target = get_target_for_office(request, pk)
    today = timezone.localdate()
    form = TargetActualForm(request.POST or None, target=target, today=today, initial={"as_of": today})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                province_target_actual_record(target=target, user=request.user, **form.cleaned_data)
        except IntegrityError:
            # Another entry for the same day was saved between the check and this write.
            form.add_error("as_of", ProvinceTargetActual.DUPLICATE_DAY)
        else:
            messages.success(request, _("Đã lưu số liệu thực tế của chỉ tiêu."))
            return redirect("reports:target_actuals", target.pk)
    context = {
        "target": target,
        "form": form,
        "reported": list(target.reported.select_related("recorded_by").order_by("-as_of")),
        "counted": is_counted_by_app(target),
    }
    return render(request, "reports/target_actuals.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def target_actual_delete(request: HttpRequest, pk: int, actual_pk: int) -> HttpResponse:
    actual = get_target_actual_for_office(request, pk, actual_pk)
    province_target_actual_delete(actual=actual)
    messages.success(
        request, _("Đã xóa số liệu thực tế tính đến ngày %(day)s.") % {"day": f"{actual.as_of:%d/%m/%Y}"}
    )
    return redirect("reports:target_actuals", pk)
