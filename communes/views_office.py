"""The province office's pages for its units and people: its communes' groups and flags (one
by one here; from Excel in `reports.views.group_imports`), their history, and the accounts of
its commune officers and village heads.

Every page takes the province through `get_office_province_or_404`: anyone but the province's
own office gets 404. The services in `communes.office` and `communes.accounts` do the writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import accounts, office
from .access import get_office_province_or_404
from .forms import AccountForm, ClassificationForm, RoleAddForm
from .models import Commune, OneTimeCode, Province, Role, Village


@login_required
def office_communes(request: HttpRequest, code: str) -> HttpResponse:
    """The province's communes with their group and flags."""
    province = get_office_province_or_404(request.user, code)
    communes = list(office.office_communes(province).select_related("district").order_by("name", "code"))
    groups = {group: sum(1 for c in communes if c.commune_group == group) for group in (1, 2, 3, None)}
    context = {
        "province": province,
        "communes": communes,
        "groups": groups,
        "difficult": sum(1 for c in communes if c.is_especially_difficult),
        "safe_zone": sum(1 for c in communes if c.is_safe_zone),
        "has_districts": any(c.district_id for c in communes),
    }
    return render(request, "communes/office_communes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commune_classification(request: HttpRequest, code: str, commune: str) -> HttpResponse:
    """One commune's group and flags, with the decision that sets them, and their history."""
    province = get_office_province_or_404(request.user, code)
    commune = get_object_or_404(office.office_communes(province).select_related("district"), code=commune)
    form = ClassificationForm.for_commune(commune, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = office.commune_classification_update(
            user=request.user,
            province=province,
            wanted={commune.pk: form.classification()},
            decision=form.cleaned_data["decision"],
        )
        if changes:
            messages.success(
                request, _("Đã cập nhật nhóm xã và loại xã của %(commune)s.") % {"commune": commune}
            )
        else:
            messages.info(request, _("Không có gì thay đổi: %(commune)s đã như vậy.") % {"commune": commune})
        return redirect("communes:office_communes", code=province.key)
    context = {
        "province": province,
        "commune": commune,
        "form": form,
        "events": office.commune_classification_events(commune),
    }
    return render(
        request, "communes/commune_classification.html", context, status=400 if form.errors else 200
    )


@login_required
def classification_history(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    context = {
        "province": province,
        "events": office.province_classification_events(province),
        "limit": office.HISTORY_LIMIT,
    }
    return render(request, "communes/classification_history.html", context)


# --- Accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    role: Role
    managed: bool  # whether this office may act on the account (see `communes.accounts`)
    code: OneTimeCode | None
    now: datetime

    @property
    def code_usable(self) -> bool:
        return self.code is not None and self.code.is_usable_at(self.now)


@login_required
def office_accounts(request: HttpRequest, code: str) -> HttpResponse:
    """The commune officers and village heads of the province, one row per role."""
    province = get_office_province_or_404(request.user, code)
    roles = list(
        accounts.province_roles(province)
        .select_related("user", "commune", "village__commune")
        .order_by("user__username", "pk")
    )
    user_ids = {role.user_id for role in roles}
    managed, codes, now = (
        accounts.managed_user_ids(province, user_ids),
        accounts.open_codes(user_ids),
        timezone.now(),
    )
    rows = [
        AccountRow(role=role, managed=role.user_id in managed, code=codes.get(role.user_id), now=now)
        for role in roles
    ]
    # The form adding a role stands under the account's first row only.
    first_role: dict[int, int] = {}
    for row in rows:
        first_role.setdefault(row.role.user_id, row.role.pk)
    context = {
        "province": province,
        "rows": rows,
        "users": len(user_ids),
        "firsts": set(first_role.values()),
        "units": _unit_suggestions(province) if managed else [],
        "kinds": RoleAddForm.base_fields["kind"].choices,
    }
    return render(request, "communes/office_accounts.html", context)


def _unit_suggestions(province: Province) -> list[tuple[str, str]]:
    """(code, label) of the province's communes and villages, in one query: what the form
    adding a role suggests as its user types."""
    communes = Commune.objects.filter(province=province).values_list("code", "name", Value(""))
    villages = Village.objects.filter(commune__province=province).values_list("code", "name", "commune__name")
    rows = sorted(communes.union(villages, all=True), key=lambda row: (row[2], row[1]))
    return [(code, f"{name}, {commune}" if commune else name) for code, name, commune in rows]


@login_required
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """A further role for an account the office manages."""
    province = get_office_province_or_404(request.user, code)
    user = _managed_user_or_404(province, user_id)
    form = RoleAddForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = accounts.role_add(
                by=request.user,
                province=province,
                user=user,
                kind=data["kind"],
                commune=data["commune"],
                village=data["village"],
            )
        except accounts.AccountRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã thêm vai trò %(role)s cho %(username)s.")
                % {"role": role.get_kind_display(), "username": user.username},
            )
            return redirect("communes:office_accounts", code=province.key)
    context = {"province": province, "account": user, "form": form}
    return render(request, "communes/role_add.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    form = AccountForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_create(
                by=request.user,
                province=province,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                kind=data["kind"],
                commune=data["commune"],
                village=data["village"],
            )
        except IntegrityError:
            # The same username, taken a moment ago: the form's check came first.
            form.add_error("username", _("Tên đăng nhập này đã có người dùng."))
        else:
            return _show_code(request, province, account.user, account.code, created=True)
    return render(
        request,
        "communes/account_form.html",
        {"province": province, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def account_code(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """A one-time code for a user who forgot their password, shown on this response only."""
    province = get_office_province_or_404(request.user, code)
    user = _managed_user_or_404(province, user_id)
    one_time = accounts.password_code_issue(by=request.user, province=province, user=user)
    return _show_code(request, province, user, one_time, created=False)


def _show_code(request: HttpRequest, province: Province, user, code: str, *, created: bool) -> HttpResponse:
    context = {
        "province": province,
        "account": user,
        "code": accounts.format_code(code),
        "valid_hours": int(accounts.CODE_VALID.total_seconds() // 3600),
        "created": created,
        "reset_url": request.build_absolute_uri(reverse("communes:password_code")),
    }
    return render(request, "communes/account_code.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_deactivate(request: HttpRequest, code: str, role_id: int) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    role = get_object_or_404(
        accounts.province_roles(province).select_related("user", "commune", "village__commune"), pk=role_id
    )
    _managed_user_or_404(province, role.user_id)
    if request.method == "POST":
        user = role.user
        closed = accounts.role_deactivate(by=request.user, province=province, role=role)
        text = _("Đã thu hồi vai trò %(role)s của %(username)s.")
        if closed:
            text += " " + _("Tài khoản không còn vai trò nào nên đã bị khóa.")
        messages.success(request, text % {"role": role.get_kind_display(), "username": user.username})
        return redirect("communes:office_accounts", code=province.key)
    return render(request, "communes/role_deactivate.html", {"province": province, "role": role})


def _managed_user_or_404(province: Province, user_id: int):
    """A user the office manages; 404 for any other (another province's, staff, unknown)."""
    if user_id not in accounts.managed_user_ids(province, [user_id]):
        raise Http404
    return get_object_or_404(get_user_model(), pk=user_id)
