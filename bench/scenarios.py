"""What the benchmark measures, kept apart from how it starts the servers (bench/run.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from communes.models import Commune, District, Province, Role, Village
from criteria.models import Assessment, IndicatorValue


@dataclass(frozen=True)
class Cast:
    province: Province
    district: District
    commune: Commune
    province_user: str = "bench.province"
    district_user: str = "bench.district"
    commune_user: str = "bench.commune"


def prepare(password: str) -> Cast:
    """One user per measured role, bound to the first synthetic units."""
    province = Province.objects.filter(code__startswith="S").order_by("code").first()
    district = District.objects.filter(province=province).order_by("code").first()
    commune = Commune.objects.filter(district=district).order_by("code").first()
    cast = Cast(province, district, commune)
    for username, kind, unit in (
        (cast.province_user, Role.Kind.PROVINCE_OFFICE, {"province": province}),
        (cast.district_user, Role.Kind.DISTRICT_COMMITTEE, {"district": district}),
        (cast.commune_user, Role.Kind.COMMUNE_OFFICER, {"commune": commune}),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        Role.objects.get_or_create(user=user, kind=kind, **unit)
    return cast


def pages(cast: Cast, browser_for, median_ms, query_count) -> dict:
    figures = {}
    measured = {
        "floor": (cast.commune_user, reverse("communes:about")),
        "district_dashboard": (cast.district_user, reverse("communes:district", args=[cast.district.code])),
        "province_dashboard": (cast.province_user, reverse("communes:province", args=[cast.province.code])),
        "commune_page": (cast.commune_user, reverse("communes:commune", args=[cast.commune.code])),
    }
    browsers = {}
    for name, (username, path) in measured.items():
        browser = browsers.setdefault(username, browser_for(username))
        figures[f"{name}_ms"] = median_ms(lambda browser=browser, path=path: browser.get(path))
        figures[f"{name}_queries"] = query_count(username, path)
    return figures


def services(cast: Cast, median_ms) -> dict:
    return {}


def national_rollup(cast: Cast, worker) -> dict:
    return {}


def scale_figures() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {
        "scale": {
            "provinces": Province.objects.count(),
            "districts": District.objects.count(),
            "communes": Commune.objects.count(),
            "villages": Village.objects.count(),
            "assessments": Assessment.objects.count(),
            "indicator_values": IndicatorValue.objects.count(),
        },
        "database_mb": round(size / 1024 / 1024, 1),
    }


TARGETS = [
    ("district_dashboard_ms", lambda f: 3 * f["floor_ms"], "≤ 3 × floor"),
    ("district_dashboard_queries", lambda f: 12, "≤ 12"),
    ("province_dashboard_ms", lambda f: 300, "≤ 300 ms"),
    ("commune_page_ms", lambda f: 3 * f["floor_ms"], "≤ 3 × floor"),
    ("assessment_save_ms", lambda f: 150, "≤ 150 ms"),
    ("district_export_ms", lambda f: 500, "≤ 500 ms"),
    ("province_export_ms", lambda f: 3000, "≤ 3 s"),
    ("district_rollup_ms", lambda f: 3 * f["district_rollup_sql_ms"], "≤ 3 × SQL floor"),
    ("national_rollup_s", lambda f: 120, "≤ 120 s"),
    ("worker_peak_rss_mb", lambda f: 300, "≤ 300 MB"),
]


def summary(figures: dict) -> str:
    lines = [f"Benchmark at scale {figures['scale_name']} ({figures['runs']} runs, medians)"]
    for key, value in figures.items():
        if key not in {"scale", "scale_name", "runs"}:
            lines.append(f"  {key:<28} {value}")
    lines.append("  scale: " + ", ".join(f"{k} {v:,}" for k, v in figures["scale"].items()))
    lines.append("Targets:")
    for key, limit, label in TARGETS:
        if key not in figures:
            lines.append(f"  {key:<28} not measured")
            continue
        try:
            bound = limit(figures)
        except KeyError:
            continue
        verdict = "OK" if figures[key] <= bound else "MISSED"
        lines.append(f"  {key:<28} {figures[key]:>9} {label:<16} {verdict}")
    return "\n".join(lines)
