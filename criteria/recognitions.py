"""Services of recognition decisions: who may record them, recording one, revoking one.

The province office records the province's decisions (and the administrator may); everyone
who sees a unit sees its recognitions. The views fetch recognitions through
`Recognition.objects.visible_to`, so a user outside the unit gets 404 before these run.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from communes.models import Commune, Role, Village, roles_of

from .models import CriteriaSet, Recognition


def recording_provinces(user) -> list[int] | None:
    """Ids of the provinces whose decisions `user` records; None means every province (the
    administrator)."""
    if user.is_superuser:
        return None
    return [role.province_id for role in roles_of(user) if role.kind == Role.Kind.PROVINCE_OFFICE]


def can_record(user, province_id: int | None = None) -> bool:
    """May `user` record decisions (of `province_id`, or of any province when not given)?"""
    provinces = recording_provinces(user)
    if provinces is None:
        return True
    return bool(provinces) if province_id is None else province_id in provinces


def recognition_record(
    *,
    user,
    criteria_set: CriteriaSet,
    unit: Commune | Village,
    level: str,
    decision_number: str,
    decision_date: date,
    signer: str = "",
    illustrative: bool = False,
    note: str = "",
) -> Recognition:
    province_id = unit.province_id if isinstance(unit, Commune) else unit.commune.province_id
    if not can_record(user, province_id):
        raise PermissionDenied
    field = "commune" if isinstance(unit, Commune) else "village"
    recognition = Recognition(
        criteria_set=criteria_set,
        level=level,
        decision_number=decision_number,
        decision_date=decision_date,
        signer=signer,
        illustrative=illustrative,
        note=note,
        recorded_by=user,
        **{field: unit},
    )
    recognition._history_user = user
    recognition.save()
    return recognition


def recognition_revoke(
    *, recognition: Recognition, user, revoked_on: date, revocation_number: str, reason: str
) -> Recognition:
    if not can_record(user, recognition.commune_of_unit.province_id):
        raise PermissionDenied
    recognition.revoked_on = revoked_on
    recognition.revocation_number = revocation_number
    recognition.revocation_reason = reason
    recognition._history_user = user
    recognition.save(update_fields=["revoked_on", "revocation_number", "revocation_reason"])
    return recognition
