"""The accounts a province office manages: the commune officers and village heads of its
communes. It creates them, gives them further roles, takes roles away and hands out one-time codes with which a user
sets their own password, without e-mail.

An office manages a user only if every role of the user is a commune officer's or a village
head's in the province, and the user is neither staff nor superuser: an account that also
works elsewhere belongs to the administrator.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Commune, OneTimeCode, Province, Role, Village

# No 0/O, 1/I/L: a code is read aloud or copied from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_VALID = timedelta(hours=72)
MANAGED_KINDS = (Role.Kind.COMMUNE_OFFICER, Role.Kind.VILLAGE_HEAD)


class AccountRefused(ValueError):
    """The office may not do this; the message says why."""


class CodeRefused(ValueError):
    """A wrong, used or expired code, or an unknown username: deliberately one error."""


# --- Who the office manages ---------------------------------------------------------------


def province_roles(province: Province):
    """The commune officers' and village heads' roles in the province's communes."""
    return Role.objects.filter(
        Q(kind=Role.Kind.COMMUNE_OFFICER, commune__province=province)
        | Q(kind=Role.Kind.VILLAGE_HEAD, village__commune__province=province)
    )


def managed_user_ids(province: Province, user_ids) -> set[int]:
    """Those of `user_ids` the office manages (see the module's docstring): one query."""
    roles = Role.objects.filter(user_id__in=user_ids).values_list(
        "user_id",
        "kind",
        "commune__province_id",
        "village__commune__province_id",
        "user__is_staff",
        "user__is_superuser",
    )
    verdict: dict[int, bool] = defaultdict(lambda: True)
    for user_id, kind, commune_province, village_province, is_staff, is_superuser in roles:
        inside = (kind == Role.Kind.COMMUNE_OFFICER and commune_province == province.pk) or (
            kind == Role.Kind.VILLAGE_HEAD and village_province == province.pk
        )
        verdict[user_id] &= inside and not is_staff and not is_superuser
    return {user_id for user_id, managed in verdict.items() if managed}


def check_managed(province: Province, user) -> None:
    if user.pk not in managed_user_ids(province, [user.pk]):
        raise AccountRefused(
            _("Tài khoản %(username)s không do văn phòng điều phối tỉnh quản lý.")
            % {"username": user.username}
        )


def open_codes(user_ids) -> dict[int, OneTimeCode]:
    """The users' codes not used or replaced yet (expired ones included), by user id."""
    return {
        code.user_id: code for code in OneTimeCode.objects.filter(user_id__in=user_ids, ended_at__isnull=True)
    }


# --- Codes --------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH: easier to read out and to copy."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What the user typed, as it was issued: case, spaces and hyphens do not matter."""
    return "".join(text.split()).replace("-", "").upper()


def _end_open_codes(user, outcome: str) -> None:
    OneTimeCode.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=timezone.now(), outcome=outcome
    )


def one_time_code_issue(*, user, by) -> str:
    """A new code for `user`, replacing any open one; returns the code itself, which is
    stored only hashed and so can be shown once."""
    code = new_code()
    now = timezone.now()
    with transaction.atomic():
        _end_open_codes(user, OneTimeCode.Outcome.REPLACED)
        OneTimeCode.objects.create(
            user=user, code_hash=make_password(code), issued_by=by, issued_at=now, expires_at=now + CODE_VALID
        )
    return code


@transaction.atomic
def one_time_code_redeem(*, username: str, code: str, password: str):
    """Set the password of the active user `username` if `code` is their open, unexpired code;
    the code then stops working. Raises CodeRefused, the same whatever was wrong, or the
    password validators' ValidationError (the code stays usable)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    issued = (
        OneTimeCode.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
        if user
        else None
    )
    if issued is None:
        make_password(code)  # as long as a check, so that the answer's delay tells nothing
        raise CodeRefused
    if not check_password(normalise_code(code), issued.code_hash) or not issued.is_usable_at(timezone.now()):
        raise CodeRefused
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    issued.ended_at, issued.outcome = timezone.now(), OneTimeCode.Outcome.USED
    issued.save(update_fields=["ended_at", "outcome"])
    return user


# --- Accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    user: object
    role: Role
    code: str


def _check_unit(province: Province, kind: str, commune: Commune | None, village: Village | None) -> None:
    if kind == Role.Kind.COMMUNE_OFFICER:
        inside = commune is not None and village is None and commune.province_id == province.pk
    elif kind == Role.Kind.VILLAGE_HEAD:
        inside = village is not None and commune is None and village.commune.province_id == province.pk
    else:
        inside = False
    if not inside:
        raise AccountRefused(
            _("Vai trò phải là cán bộ NTM của một xã hoặc trưởng thôn của một thôn trong tỉnh.")
        )


@transaction.atomic
def account_create(
    *,
    by,
    province: Province,
    username: str,
    full_name: str,
    email: str = "",
    kind: str,
    commune: Commune | None = None,
    village: Village | None = None,
) -> NewAccount:
    """A new account with one role in the province and a one-time code instead of a password:
    the user chooses the password with the code."""
    _check_unit(province, kind, commune, village)
    user = get_user_model()(username=username, first_name=full_name.strip(), email=email.strip())
    user.set_unusable_password()
    user.save()
    role = Role(user=user, kind=kind, commune=commune, village=village)
    role._history_user = by
    role.save()
    return NewAccount(user=user, role=role, code=one_time_code_issue(user=user, by=by))


@transaction.atomic
def role_add(
    *,
    by,
    province: Province,
    user,
    kind: str,
    commune: Commune | None = None,
    village: Village | None = None,
) -> Role:
    """A further role in the province for an account the office manages (a commune officer
    who also heads a village, or who moves to a second commune). Refuses a unit outside the
    province, an account the office does not manage and a role the account already has."""
    _check_unit(province, kind, commune, village)
    # The account is locked first: two offices' clicks cannot both add the same role.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    check_managed(province, user)
    if not user.is_active:
        raise AccountRefused(_("Tài khoản %(username)s đã bị khóa.") % {"username": user.username})
    if Role.objects.filter(user=user, kind=kind, commune=commune, village=village).exists():
        raise AccountRefused(
            _("Tài khoản %(username)s đã có vai trò %(role)s ở %(unit)s.")
            % {"username": user.username, "role": Role.Kind(kind).label, "unit": (village or commune).name}
        )
    role = Role(user=user, kind=kind, commune=commune, village=village)
    role._history_user = by
    role.save()
    return role


@transaction.atomic
def role_deactivate(*, by, province: Province, role: Role) -> bool:
    """Take `role` away from its user; the user's account is deactivated (and its open code
    withdrawn) when it has no role left. Returns whether the account was deactivated."""
    if not province_roles(province).filter(pk=role.pk).exists():
        raise AccountRefused(_("Vai trò này không thuộc tỉnh %(province)s.") % {"province": province.name})
    user = role.user
    check_managed(province, user)
    role._history_user = by
    role.delete()
    if Role.objects.filter(user=user).exists():
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_open_codes(user, OneTimeCode.Outcome.WITHDRAWN)
    return True


def password_code_issue(*, by, province: Province, user) -> str:
    """A one-time code for a user the office manages (who forgot their password)."""
    check_managed(province, user)
    if not user.is_active:
        raise AccountRefused(_("Tài khoản %(username)s đã bị khóa.") % {"username": user.username})
    return one_time_code_issue(user=user, by=by)
