"""Access control: every unit a view touches is fetched through these helpers, and the role
facts every app's access.py builds on are read here, from the roles loaded once per request.

Outside the user's scope the answer is 404, never 403, so ids of other units reveal nothing.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import LEGACY_KEY_PREFIX, AdminMap, District, Province, Role, roles_of


def unit_lookup(key: str) -> dict[str, str]:
    """The lookup of the province, district or commune a URL names by `key` (its `key`
    property): the code on the current map, or "legacy-" and the code on the old one.

        get_visible_or_404(Commune, user, **unit_lookup(code))
    """
    if key.startswith(LEGACY_KEY_PREFIX):
        return {"map": AdminMap.LEGACY, "code": key.removeprefix(LEGACY_KEY_PREFIX)}
    return {"map": AdminMap.CURRENT, "code": key}


def get_visible_or_404(queryset: QuerySet | type[Model], user, **lookup):
    """Return the object matching `lookup` among those `user` may see, or raise Http404."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    return get_object_or_404(queryset.visible_to(user), **lookup)


user_roles = roles_of


def has_role(user, *kinds: str) -> bool:
    return any(role.kind in kinds for role in user_roles(user))


def _roles(user, kind: str) -> list[Role]:
    return [role for role in user_roles(user) if role.kind == kind]


def is_commune_officer(user, commune_id: int | None) -> bool:
    """The commune's officer (or a superuser): enters the commune's and its villages' data."""
    if user.is_superuser:
        return True
    return any(role.commune_id == commune_id for role in _roles(user, Role.Kind.COMMUNE_OFFICER))


def is_village_head(user, village_id: int | None) -> bool:
    return village_id is not None and any(
        role.village_id == village_id for role in _roles(user, Role.Kind.VILLAGE_HEAD)
    )


def is_committee(user, *, district_id: int | None, province_id: int | None) -> bool:
    """The committee above a commune: its district's committee, or, for a commune outside any
    district, the province office. It approves assessments and rebuilds the weekly roll-up."""
    if user.is_superuser:
        return True
    if district_id:
        return any(role.district_id == district_id for role in _roles(user, Role.Kind.DISTRICT_COMMITTEE))
    return any(role.province_id == province_id for role in _roles(user, Role.Kind.PROVINCE_OFFICE))


def committee_units(user) -> list[District | Province]:
    """The units the user is the committee of: their districts and provinces."""
    units: list[District | Province] = []
    for role in user_roles(user):
        if role.kind == Role.Kind.DISTRICT_COMMITTEE:
            units.append(role.district)
        elif role.kind == Role.Kind.PROVINCE_OFFICE:
            units.append(role.province)
    return units


def is_province_office(user, province_id: int | None) -> bool:
    """The province's coordination office: manages its communes' groups and flags and the
    accounts of its communes and villages."""
    return province_id is not None and any(
        role.province_id == province_id for role in _roles(user, Role.Kind.PROVINCE_OFFICE)
    )


def get_office_province_or_404(user, key: str) -> Province:
    """The province named by `key` whose office `user` is (or any, for a superuser); Http404
    for everyone else, whether or not they may see the province."""
    lookup = unit_lookup(key)
    if user.is_superuser:
        return get_object_or_404(Province, **lookup)
    for role in _roles(user, Role.Kind.PROVINCE_OFFICE):
        province = role.province
        if province.map == lookup["map"] and province.code == lookup["code"]:
            return province
    raise Http404
