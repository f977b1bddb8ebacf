"""The pages of a plan's or a programme's numeric targets and funds: entering an actual
value, the objects a counted target counts, the fund sources and what they mobilised. A plan
and a programme meet them the same way (`access.Owner`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors, services
from .access import get_owner_or_404, get_owner_target_or_404
from .forms import CountedObjectForm, FundActualForm, TargetActualForm, fund_line_formset
from .models import CountedObject, FundActual, SocioTarget


def _require_manage(owner) -> None:
    if not owner.can_manage:
        raise PermissionDenied


@login_required
def target_actual(request: HttpRequest, pk: int, target_pk: int, kind: str = "plan") -> HttpResponse:
    """Enter an actual value of one of the plan's or programme's targets ("Nhập số liệu thực hiện")."""
    owner = get_owner_or_404(request.user, kind, pk)
    target = get_owner_target_or_404(owner, target_pk)
    _require_manage(owner)
    today = timezone.localdate()
    form = TargetActualForm(request.POST or None, target=target, today=today, initial={"as_of": today})
    if request.method == "POST" and form.is_valid():
        services.target_actual_record(target=target, user=request.user, **form.cleaned_data)
        messages.success(
            request, _("Đã lưu số liệu thực hiện của chỉ tiêu “%(name)s”.") % {"name": target.name}
        )
        return redirect(f"{owner.page_url}#target-{target.pk}")
    status = 400 if form.is_bound else 200
    context = {"owner": owner, "target": target, "form": form}
    return render(request, "plans/target_actual.html", context, status=status)


@login_required
def counted_objects(request: HttpRequest, pk: int, target_pk: int, kind: str = "plan") -> HttpResponse:
    """The objects a counted target counts; the owner adds them and marks those that meet."""
    owner = get_owner_or_404(request.user, kind, pk)
    target = get_owner_target_or_404(owner, target_pk)
    if target.kind != SocioTarget.Kind.COUNTED:
        raise Http404
    today = timezone.localdate()
    form = CountedObjectForm(request.POST or None, instance=CountedObject(target=target), today=today)
    if request.method == "POST":
        _require_manage(owner)
        if form.is_valid():
            form.save()
            messages.success(request, _("Đã thêm “%(name)s”.") % {"name": form.instance.name})
            return redirect(owner.names["counted"], owner.pk, target.pk)
    context = {"owner": owner, "target": target, "objects": target.counted_objects.all(), "form": form}
    return render(request, "plans/counted_objects.html", context, status=400 if form.is_bound else 200)


@login_required
def counted_object_meets(
    request: HttpRequest, pk: int, target_pk: int, object_pk: int, kind: str = "plan"
) -> HttpResponse:
    """Mark an object as meeting the target (or not), POST only."""
    owner = get_owner_or_404(request.user, kind, pk)
    target = get_owner_target_or_404(owner, target_pk)
    _require_manage(owner)
    if request.method != "POST":
        return redirect(owner.names["counted"], owner.pk, target.pk)
    obj = get_object_or_404(CountedObject, target=target, pk=object_pk)
    services.counted_object_mark(
        counted=obj, meets=request.POST.get("meets") == "1", today=timezone.localdate()
    )
    messages.success(request, _("Đã cập nhật “%(name)s”.") % {"name": obj.name})
    return redirect(owner.names["counted"], owner.pk, target.pk)


@login_required
def funds(request: HttpRequest, pk: int, kind: str = "plan") -> HttpResponse:
    """The fund sources of a plan or programme, planned and mobilised: who manages it edits
    the sources and records what each mobilised in a period; the units above read it."""
    owner = get_owner_or_404(request.user, kind, pk, commune_wide=True)
    if request.method == "POST":
        _require_manage(owner)
    action = request.POST.get("action")
    formset = fund_line_formset(owner.obj, request.POST if action == "lines" else None)
    summary = selectors.fund_summary(owner.fund_lines())
    lines = [row.line for row in summary.rows]
    today = timezone.localdate()
    actual_form = FundActualForm(
        request.POST if action == "actual" else None, lines=lines, today=today, initial={"period_end": today}
    )
    if action == "lines" and formset.is_valid():
        services.funds_update(owner=owner.obj, formset=formset)
        messages.success(request, _("Đã lưu các nguồn vốn."))
        return redirect(owner.names["funds"], owner.pk)
    if action == "actual" and actual_form.is_valid():
        try:
            services.fund_actual_record(form=actual_form, user=request.user)
        except ValidationError as error:
            actual_form.add_error("period_end", error)
        else:
            messages.success(request, _("Đã ghi số vốn huy động."))
            return redirect(owner.names["funds"], owner.pk)
    if action == "delete_actual":
        actual_id = request.POST.get("actual", "")
        if not actual_id.isdigit():
            raise Http404
        actual = get_object_or_404(FundActual, pk=actual_id, line__in=owner.fund_lines())
        services.fund_actual_delete(actual=actual)
        messages.success(request, _("Đã xóa số liệu."))
        return redirect(owner.names["funds"], owner.pk)
    if action in ("lines", "actual"):
        messages.error(request, _("Chưa lưu: kiểm tra các ô được đánh dấu bên dưới."))
    context = {
        "owner": owner,
        "plan": owner.plan,
        "programme": owner.programme,
        "funds": summary,
        "formset": formset,
        "actual_form": actual_form,
        "can_manage": owner.can_manage,
    }
    return render(request, "plans/plan_funds.html", context)
