"""Who may do what with the reports app's objects: roll-ups, a commune's table import, a
unit's documents sent upward, and the actuals a province office reports for its targets.
Views fetch through these helpers; outside the user's units the answer is 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from communes.access import (
    committee_units,
    get_visible_or_404,
    is_committee,
    is_commune_officer,
    is_province_office,
    unit_lookup,
)
from communes.models import Commune, District, Province

from .models import OutgoingDocument, ProvinceTarget, ProvinceTargetActual, RecognitionFile, RollUp


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


# --- Documents sent upward ---------------------------------------------------------------

UNIT_LEVELS = {"communes": Commune, "districts": District, "provinces": Province}


@dataclass(frozen=True)
class DocumentPermissions:
    """The unit's own officials edit its letterhead, ask for and issue its documents; the
    committee above reads them."""

    can_edit: bool


def is_unit_official(user, unit: Commune | District | Province) -> bool:
    if isinstance(unit, Commune):
        return is_commune_officer(user, unit.pk)
    if isinstance(unit, District):
        return is_committee(user, district_id=unit.pk, province_id=None)
    return user.is_superuser or is_province_office(user, unit.pk)


def get_document_unit_for_user(request, level: str, code: str):
    """The unit a register URL names, if the user may see it (else Http404), and what they
    may do with its documents."""
    model = UNIT_LEVELS.get(level)
    if model is None:
        raise Http404
    related = {"communes": ["province", "district"], "districts": ["province"], "provinces": []}[level]
    unit = get_visible_or_404(model.objects.select_related(*related), request.user, **unit_lookup(code))
    return unit, DocumentPermissions(can_edit=is_unit_official(request.user, unit))


def get_document_for_user(request, pk: int) -> tuple[OutgoingDocument, DocumentPermissions]:
    """A document of the register if the user may see its unit (else Http404)."""
    document = get_object_or_404(
        OutgoingDocument.objects.select_related(
            "job", "commune__province", "commune__district", "district__province", "province"
        ),
        pk=pk,
    )
    unit = document.unit
    get_visible_or_404(type(unit), request.user, pk=unit.pk)
    return document, DocumentPermissions(can_edit=is_unit_official(request.user, unit))


def unit_level(unit: Commune | District | Province) -> str:
    return {Commune: "communes", District: "districts", Province: "provinces"}[type(unit)]


@dataclass(frozen=True)
class RecognitionFilePermissions:
    """The commune's officers assemble the file; the committees above read it."""

    can_edit: bool


def get_recognition_file_for_user(request, pk: int) -> tuple[RecognitionFile, RecognitionFilePermissions]:
    recognition_file = get_object_or_404(
        RecognitionFile.objects.select_related(
            "commune__province__region", "commune__district", "commune__region", "criteria_set"
        ),
        pk=pk,
    )
    get_visible_or_404(Commune, request.user, pk=recognition_file.commune_id)
    return recognition_file, RecognitionFilePermissions(
        can_edit=is_commune_officer(request.user, recognition_file.commune_id)
    )


# Periodic reports --------------------------------------------------------------------------


PERIODIC_LEVELS = {"commune": Commune, "district": District, "province": Province}


@dataclass(frozen=True)
class PeriodicPermissions:
    can_edit: bool
    can_review: bool


def is_periodic_author(user, unit) -> bool:
    """Who writes a unit's periodic report: a commune's officer, a district's committee (on
    the 2021-2025 map), a province's office."""
    if user.is_superuser:
        return True
    if isinstance(unit, Commune):
        return is_commune_officer(user, unit.pk)
    if isinstance(unit, District):
        return is_committee(user, district_id=unit.pk, province_id=unit.province_id)
    return is_province_office(user, unit.pk)


def is_periodic_reviewer(user, unit) -> bool:
    """Who accepts or returns it: the committee above a commune (its district's committee, or
    the province office for a commune without a district, as for assessments); the province
    office for a district. A province's own report goes outside the app (to the ministry):
    only a superuser reviews it here."""
    if user.is_superuser:
        return True
    if isinstance(unit, Commune):
        return is_committee(user, district_id=unit.district_id, province_id=unit.province_id)
    if isinstance(unit, District):
        return is_province_office(user, unit.province_id)
    return False


def get_periodic_unit(request, level: str, code: str):
    """The commune, district or province named by the URL, if the user may see it (else 404)."""
    model = PERIODIC_LEVELS.get(level)
    if model is None:
        raise Http404
    queryset = model.objects.all()
    if model is not Province:
        queryset = queryset.select_related("province")
    return get_visible_or_404(queryset, request.user, **unit_lookup(code))


def periodic_permissions(user, unit, report) -> PeriodicPermissions:
    return PeriodicPermissions(
        can_edit=report.is_editable and is_periodic_author(user, unit),
        can_review=report.status == report.State.SUBMITTED and is_periodic_reviewer(user, unit),
    )


def get_periodic_report_for_user(request, level: str, code: str, period):
    """The unit's report of the period (an unsaved draft when none is stored yet), if the user
    may see the unit (else Http404), and what they may do with it."""
    from .periodic import periodic_report_for

    unit = get_periodic_unit(request, level, code)
    report = periodic_report_for(unit, period)
    return unit, report, periodic_permissions(request.user, unit, report)


def get_submissions_unit(request, level: str, code: str):
    """The district or province whose units' reports the committee view lists: its
    committees' and office's (a superuser's too); Http404 for anyone else."""
    unit = get_periodic_unit(request, level, code)
    if level == "commune":
        raise Http404
    user = request.user
    if isinstance(unit, District):
        allowed = is_committee(user, district_id=unit.pk, province_id=unit.province_id) or is_province_office(
            user, unit.province_id
        )
    else:
        allowed = user.is_superuser or is_province_office(user, unit.pk)
    if not allowed:
        raise Http404
    return unit


# Province targets' reported actuals ---------------------------------------------------------


def get_target_for_office(request, pk: int) -> ProvinceTarget:
    """The province target `pk` if the user is its province's office (or a superuser): only
    they report its actual values. Anyone else gets 404, whether or not they may see the
    province's dashboard."""
    target = get_object_or_404(ProvinceTarget.objects.select_related("province", "programme"), pk=pk)
    if not (request.user.is_superuser or is_province_office(request.user, target.province_id)):
        raise Http404
    return target


def get_target_actual_for_office(request, pk: int, actual_pk: int) -> ProvinceTargetActual:
    """A reported actual of the target `pk`, for its province's office (else Http404)."""
    target = get_target_for_office(request, pk)
    return get_object_or_404(ProvinceTargetActual.objects.filter(target=target), pk=actual_pk)
