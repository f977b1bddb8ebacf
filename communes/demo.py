"""Demo units and users (from `communes/fixtures/demo.yaml`), on the official units of both maps
(`load_official_units`). Idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model

from .access import unit_lookup
from .models import AdminMap, Commune, District, Province, Region, Role, Village
from .services import official_units_load

DEMO_FILE = Path(__file__).resolve().parent / "fixtures" / "demo.yaml"


def demo_spec() -> dict[str, Any]:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def load_demo_units(
    spec: dict[str, Any], *, provinces: set[str] | None = None
) -> list[tuple[Commune, dict[str, Any]]]:
    """Load the official units (of the new provinces `provinces` and the old ones they were
    formed from, or of the whole country), then the demo's regions, flags and villages; return
    each demo commune with its spec, old map first, for the apps that add their data."""
    official_units_load(provinces=provinces)
    regions = {region.code: region for region in Region.objects.all()}
    for unit_map, codes in (
        (AdminMap.LEGACY, spec["regions"]["legacy"]),
        (AdminMap.CURRENT, spec["regions"]["current"]),
    ):
        for code, region in codes.items():
            Province.objects.filter(map=unit_map, code=code).exclude(region=regions[region]).update(
                region=regions[region]
            )
    communes = []
    for commune_spec in spec["legacy_communes"]:
        commune = _official_commune(AdminMap.LEGACY, commune_spec)
        for number, name in enumerate(commune_spec.get("villages", []), start=1):
            Village.objects.update_or_create(
                code=f"{commune.code}{number:02d}", defaults={"name": name, "commune": commune}
            )
        communes.append((commune, commune_spec))
    for commune_spec in spec["communes"]:
        commune = _official_commune(AdminMap.CURRENT, commune_spec)
        number = 0
        for predecessor_code, names in commune_spec.get("villages_from", {}).items():
            predecessors = {
                village.name: village
                for village in Village.objects.filter(
                    commune__map=AdminMap.LEGACY, commune__code=predecessor_code, name__in=names
                )
            }
            for name in names:
                number += 1
                # Three digits after the commune code: never the code of an old village.
                village, _created = Village.objects.update_or_create(
                    code=f"{commune.code}{number:03d}", defaults={"name": name, "commune": commune}
                )
                village.predecessors.add(predecessors[name])
        communes.append((commune, commune_spec))
    return communes


def _official_commune(unit_map: str, spec: dict[str, Any]) -> Commune:
    commune = Commune.objects.select_related("province").get(map=unit_map, code=spec["code"])
    if commune.name != spec["name"]:
        raise ValueError(
            f"Mã {spec['code']} là {commune.name} trong danh mục chính thức, không phải {spec['name']}."
        )
    difficult = spec.get("especially_difficult", False)
    if commune.is_especially_difficult != difficult:
        commune.is_especially_difficult = difficult
        commune.save(update_fields=["is_especially_difficult"])
    return commune


def load_demo_users(spec: dict[str, Any]) -> None:
    User = get_user_model()
    for user_spec in spec["users"]:
        user, created = User.objects.get_or_create(
            username=user_spec["username"],
            defaults={
                "first_name": user_spec.get("first_name", ""),
                "last_name": user_spec.get("last_name", ""),
                "is_staff": user_spec.get("superuser", False),
                "is_superuser": user_spec.get("superuser", False),
            },
        )
        if created:
            user.set_password(spec["password"])
            user.save(update_fields=["password"])
        if "role" in user_spec:
            Role.objects.get_or_create(user=user, kind=user_spec["role"], **_role_unit(user_spec))


def _role_unit(user_spec: dict[str, Any]) -> dict[str, Any]:
    kind, unit = user_spec["role"], str(user_spec["unit"])
    if kind == Role.Kind.VILLAGE_HEAD:
        commune_key, village_name = unit.split("/", 1)
        lookup = unit_lookup(commune_key)
        return {
            "village": Village.objects.get(
                commune__map=lookup["map"], commune__code=lookup["code"], name=village_name
            )
        }
    model, field = {
        Role.Kind.COMMUNE_OFFICER: (Commune, "commune"),
        Role.Kind.DISTRICT_COMMITTEE: (District, "district"),
    }.get(kind, (Province, "province"))
    return {field: model.objects.get(**unit_lookup(unit))}
