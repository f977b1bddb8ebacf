"""Who may do what with the reports app's objects: roll-ups and a commune's table import.
Views fetch through these helpers; outside the user's units the answer is 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from communes.access import committee_units, get_visible_or_404, is_committee, is_commune_officer, unit_lookup
from communes.models import Commune, District, Province

from .models import RollUp


@dataclass(frozen=True)
class RollUpPermissions:
    can_rebuild: bool


def can_rebuild(user, rollup: RollUp) -> bool:
    """The district committee rebuilds its district's roll-up; the province office the roll-up
    of its communes outside any district."""
    return is_committee(user, district_id=rollup.district_id, province_id=rollup.province_id)


def get_rollup_for_user(request, pk: int, queryset=None) -> tuple[RollUp, RollUpPermissions]:
    """The roll-up `pk` if the user may see it (else Http404), and what they may do with it."""
    queryset = queryset if queryset is not None else RollUp.objects.select_related("district", "province")
    rollup = get_visible_or_404(queryset, request.user, pk=pk)
    return rollup, RollUpPermissions(can_rebuild=can_rebuild(request.user, rollup))


def buildable_units(user) -> list[District | Province]:
    """The units whose roll-up the user may ask for: those they are the committee of."""
    return committee_units(user)


def get_buildable_unit(request, key: str) -> District | Province:
    """The unit named by `key` ("district:<key>", "province:<key>") among those the user may
    ask a roll-up for; Http404 otherwise."""
    for unit in buildable_units(request.user):
        if unit_key(unit) == key:
            return unit
    raise Http404


def unit_key(unit: District | Province) -> str:
    return f"{unit._meta.model_name}:{unit.key}"


def get_commune_for_import(request, code: str) -> Commune:
    """The commune whose table the user fills in offline: its officers only (as on the entry
    page); anyone else gets 404, whether or not they may see the commune."""
    commune = get_visible_or_404(Commune, request.user, **unit_lookup(code))
    if not is_commune_officer(request.user, commune.pk):
        raise Http404
    return commune
