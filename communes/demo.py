"""Demo administrative units and users (from `communes/fixtures/demo.yaml`). Idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model

from .models import AdminMap, Commune, District, Province, Region, Role, Village

DEMO_FILE = Path(__file__).resolve().parent / "fixtures" / "demo.yaml"


def demo_spec() -> dict[str, Any]:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def load_demo_units(spec: dict[str, Any]) -> list[tuple[Commune, dict[str, Any]]]:
    """Create the demo provinces, districts, communes and villages; return each commune with
    its spec, for the apps that add assessments and plans."""
    communes = []
    for province_spec in spec["provinces"]:
        province, _ = Province.objects.update_or_create(
            map=AdminMap.CURRENT,
            code=province_spec["code"],
            defaults={
                "name": province_spec["name"],
                "region": Region.objects.get(code=province_spec["region"]),
            },
        )
        for district_spec in province_spec.get("districts", []):
            district, _ = District.objects.update_or_create(
                map=AdminMap.CURRENT,
                code=district_spec["code"],
                defaults={"name": district_spec["name"], "province": province},
            )
            for commune_spec in district_spec["communes"]:
                commune, _ = Commune.objects.update_or_create(
                    map=AdminMap.CURRENT,
                    code=commune_spec["code"],
                    defaults={
                        "name": commune_spec["name"],
                        "province": province,
                        "district": district,
                        "is_especially_difficult": commune_spec.get("especially_difficult", False),
                    },
                )
                for number, name in enumerate(commune_spec.get("villages", []), start=1):
                    Village.objects.update_or_create(
                        code=f"{commune.code}{number:02d}",
                        defaults={"name": name, "commune": commune},
                    )
                communes.append((commune, commune_spec))
    return communes


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
        commune_code, village_name = unit.split("/", 1)
        return {
            "village": Village.objects.get(
                commune__map=AdminMap.CURRENT, commune__code=commune_code, name=village_name
            )
        }
    if kind == Role.Kind.COMMUNE_OFFICER:
        return {"commune": Commune.objects.get(map=AdminMap.CURRENT, code=unit)}
    if kind == Role.Kind.DISTRICT_COMMITTEE:
        return {"district": District.objects.get(map=AdminMap.CURRENT, code=unit)}
    return {"province": Province.objects.get(map=AdminMap.CURRENT, code=unit)}
