"""What the benchmark measures, kept apart from how it starts the servers (bench/run.py)."""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from bench.synthetic import LAST_WEEK, NTM_SET, YEAR, today_weeks
from communes.models import AdminMap, Commune, District, Province, Role, Village
from criteria.forms import initial_for
from criteria.models import Assessment, CriteriaSet, IndicatorValue
from criteria.services import assessment_values
from reports.figures.rollup import rollup_figures
from reports.models import ExportJob, RollUp
from reports.rollups import (
    rollup_build,
    rollup_letterhead,
    rollup_request,
    rollup_workbook_bytes,
    rollups_request_all,
    unit_ref,
)

ROLLUP_WEEK = tuple(LAST_WEEK.isocalendar())[:2]


@dataclass(frozen=True)
class Cast:
    province: Province
    district: District
    commune: Commune
    # Today's map: a province without districts and one of its communes.
    today_province: Province
    today_commune: Commune
    province_user: str = "bench.province"
    district_user: str = "bench.district"
    commune_user: str = "bench.commune"
    today_province_user: str = "bench.today.province"
    today_commune_user: str = "bench.today.commune"


def prepare(password: str) -> Cast:
    """One user per measured role, bound to the first synthetic units of each map."""
    province = Province.objects.filter(map=AdminMap.LEGACY, code__startswith="S").order_by("code").first()
    district = District.objects.filter(province=province).order_by("code").first()
    commune = Commune.objects.filter(district=district).order_by("code").first()
    today_province = (
        Province.objects.filter(map=AdminMap.CURRENT, code__startswith="SN").order_by("code").first()
    )
    today_commune = Commune.objects.filter(province=today_province).order_by("code").first()
    cast = Cast(province, district, commune, today_province, today_commune)
    for username, kind, unit in (
        (cast.province_user, Role.Kind.PROVINCE_OFFICE, {"province": province}),
        (cast.district_user, Role.Kind.DISTRICT_COMMITTEE, {"district": district}),
        (cast.commune_user, Role.Kind.COMMUNE_OFFICER, {"commune": commune}),
        (cast.today_province_user, Role.Kind.PROVINCE_OFFICE, {"province": today_province}),
        (cast.today_commune_user, Role.Kind.COMMUNE_OFFICER, {"commune": today_commune}),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        Role.objects.get_or_create(user=user, kind=kind, **unit)
    return cast


def pages(cast: Cast, browsers, median_ms, query_count) -> dict:
    figures = {}
    measured = {
        "floor": (cast.commune_user, reverse("about")),
        "district_dashboard": (cast.district_user, reverse("reports:district", args=[cast.district.key])),
        "province_dashboard": (cast.province_user, reverse("reports:province", args=[cast.province.key])),
        "commune_page": (cast.commune_user, reverse("reports:commune_detail", args=[cast.commune.key])),
        "commune_dashboard": (cast.commune_user, reverse("reports:commune", args=[cast.commune.key])),
        # As they open today: the 2026-2030 set, this year, today's map.
        "today_province_dashboard": (
            cast.today_province_user,
            reverse("reports:province", args=[cast.today_province.key]),
        ),
        "today_commune_page": (
            cast.today_commune_user,
            reverse("reports:commune_detail", args=[cast.today_commune.key]),
        ),
    }
    for name, (username, path) in measured.items():
        browser = browsers[username]
        figures[f"{name}_ms"] = median_ms(lambda browser=browser, path=path: browser.get(path))
        figures[f"{name}_queries"] = query_count(username, path)
    return figures


def assessment_save(cast: Cast, browsers, median_ms) -> dict:
    """Saving every indicator of one commune through the entry page: each save changes all
    57 notes, so every value row, its history row and the stored evaluation are written."""
    assessment = Assessment.objects.get(commune=cast.commune, criteria_set__code=NTM_SET, year=YEAR)
    browser = browsers[cast.commune_user]
    path = reverse("criteria:entry", args=[assessment.pk])
    counter = iter(range(1_000_000))

    def payload() -> dict:
        assessment.refresh_from_db(fields=["version"])
        with translation.override("vi"):
            data = initial_for(assessment_values(assessment), assessment.version)
        number = next(counter)
        data |= {key: f"Lần lưu {number}" for key in data if key.startswith("n_")}
        return {key: "" if value is None else value for key, value in data.items()}

    def save(data) -> None:
        status = browser.post(path, data | {"csrfmiddlewaretoken": browser.csrf()}, follow=False)
        if status != 302:
            raise RuntimeError(f"assessment save answered {status}")

    return {"assessment_save_ms": median_ms(save, prepare=payload)}


def exports(cast: Cast, browsers, median_ms) -> dict:
    district = browsers[cast.district_user]
    query = f"?set={NTM_SET}&year={YEAR}"
    summary = reverse("reports:district_summary", args=[cast.district.key]) + query
    province = browsers[cast.province_user]
    job_path = reverse("reports:province_summary", args=[cast.province.key]) + query

    def province_export() -> None:
        newest = ExportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        province.post(job_path, {"csrfmiddlewaretoken": province.csrf()}, follow=False)
        job = ExportJob.objects.filter(pk__gt=newest).order_by("pk").first()
        while job.status not in (ExportJob.State.DONE, ExportJob.State.FAILED):
            time.sleep(0.02)
            job.refresh_from_db(fields=["status"])
        if job.status == ExportJob.State.FAILED:
            raise RuntimeError("province export failed")
        province.get(reverse("reports:job_file", args=[job.pk]))

    return {
        "district_export_ms": median_ms(lambda: district.get(summary, binary=True)),
        "province_export_ms": median_ms(province_export, runs=5, warmup=1),
    }


ROLLUP_FLOOR_SQL = """
SELECT c.id, a.criteria_met, met.criteria, a.title_qualified, a.status, s.criteria_met,
       week.on_time, week.total, done.quantity, planned.quantity
  FROM communes_commune c
  LEFT JOIN plans_plan p ON p.commune_id = c.id AND p.year = %(year)s
  LEFT JOIN criteria_assessment a ON a.commune_id = c.id AND a.year = %(year)s AND a.criteria_set_id = %(set)s
  LEFT JOIN reports_evaluationsnapshot s
         ON s.assessment_id = a.id AND s.iso_year = %(prev_year)s AND s.iso_week = %(prev_week)s
  LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE cr.status = 'met') AS criteria
                       FROM criteria_criterionresult cr WHERE cr.assessment_id = a.id) met ON true
  LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE r.submitted_at < r.deadline) AS on_time, count(*) AS total
                       FROM plans_weeklyreport r WHERE r.plan_id = p.id AND r.week = %(monday)s) week ON true
  LEFT JOIN LATERAL (SELECT sum(l.quantity) AS quantity
                       FROM plans_weeklyreport r JOIN plans_reportline l ON l.report_id = r.id
                      WHERE r.plan_id = p.id) done ON true
  LEFT JOIN LATERAL (SELECT sum(w.quantity) AS quantity FROM plans_workitem w WHERE w.plan_id = p.id) planned ON true
 WHERE c.district_id = %(district)s
"""


def district_rollup(cast: Cast, median_ms) -> dict:
    """One district's roll-up built in-process (the task's service), against one hand-written
    SQL aggregate over the same rows: the database floor."""
    iso_year, iso_week = ROLLUP_WEEK
    unit = unit_ref(cast.district)

    def request() -> int:
        return rollup_request(unit=unit, iso_year=iso_year, iso_week=iso_week, enqueue=False).pk

    def build(rollup_id: int) -> None:
        rollup = rollup_build(rollup_id=rollup_id, send_mail=False)
        if rollup.status != RollUp.State.DONE:
            raise RuntimeError(f"roll-up {rollup.status}: {rollup.error}")

    monday = datetime.date.fromisocalendar(iso_year, iso_week, 1)
    previous = (monday - datetime.timedelta(weeks=1)).isocalendar()
    parameters = {
        "prev_year": previous.year,
        "prev_week": previous.week,
        "monday": monday,
        "year": YEAR,
        "set": CriteriaSet.objects.get(code=NTM_SET).pk,
        "district": cast.district.pk,
    }

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(ROLLUP_FLOOR_SQL, parameters)
            cursor.fetchall()

    rollup = RollUp.objects.select_related("district", "province").get(pk=request())
    today = timezone.localdate()
    data = rollup_figures(rollup=rollup, today=today)
    letterhead = rollup_letterhead(rollup, data)
    return {
        "district_rollup_ms": median_ms(build, prepare=request),
        "district_rollup_figures_ms": median_ms(lambda: rollup_figures(rollup=rollup, today=today)),
        "district_rollup_workbook_ms": median_ms(lambda: rollup_workbook_bytes(data, letterhead)),
        "district_rollup_sql_ms": median_ms(floor),
    }


def today_rollup(cast: Cast, median_ms) -> dict:
    """Last week's roll-up of a province of today's map, built in-process."""
    _year, monday = today_weeks()
    iso = monday.isocalendar()
    unit = unit_ref(cast.today_province)

    def request() -> int:
        return rollup_request(unit=unit, iso_year=iso.year, iso_week=iso.week, enqueue=False).pk

    def build(rollup_id: int) -> None:
        rollup = rollup_build(rollup_id=rollup_id, send_mail=False)
        if rollup.status != RollUp.State.DONE:
            raise RuntimeError(f"roll-up {rollup.status}: {rollup.error}")

    return {"today_province_rollup_ms": median_ms(build, prepare=request)}


def national_rollup(worker_pids, week: tuple[int, int] = ROLLUP_WEEK, prefix: str = "national") -> dict:
    """Every unit of the country for one week on the running workers (the week's map: the
    districts of 2024, the provinces of today); the peak resident memory of any worker process
    meanwhile."""
    iso_year, iso_week = week
    sampler = RssSampler(worker_pids)
    sampler.start()
    started = time.monotonic()
    total = rollups_request_all(iso_year=iso_year, iso_week=iso_week)
    week = RollUp.objects.filter(iso_year=iso_year, iso_week=iso_week)
    while (
        week.filter(
            status__in=[RollUp.State.DONE, RollUp.State.FAILED], finished_at__gte=F("requested_at")
        ).count()
        < total
    ):
        time.sleep(0.5)
        if time.monotonic() - started > 1800:
            raise RuntimeError("national roll-up did not finish in 30 minutes")
    elapsed = time.monotonic() - started
    sampler.stop()
    failed = week.filter(status=RollUp.State.FAILED).count()
    return {
        f"{prefix}_rollup_s": round(elapsed, 1),
        f"{prefix}_rollup_units": total,
        f"{prefix}_rollup_failed": failed,
        "worker_peak_rss_mb" if prefix == "national" else f"{prefix}_worker_peak_rss_mb": round(
            sampler.peak_kb / 1024, 1
        ),
    }


def today_national_rollup(worker_pids) -> dict:
    """Last week's roll-ups of every province of today's map."""
    iso = today_weeks()[1].isocalendar()
    return national_rollup(worker_pids, (iso.year, iso.week), prefix="today_national")


class RssSampler(threading.Thread):
    """Samples the resident memory of the worker processes (and their children) from /proc."""

    def __init__(self, root_pids):
        super().__init__(daemon=True)
        self.root_pids = set(root_pids)
        self.peak_kb = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in self._tree():
                self.peak_kb = max(self.peak_kb, _rss_kb(pid))
            time.sleep(0.2)

    def stop(self) -> None:
        self.running = False
        self.join()

    def _tree(self) -> set[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found, todo = set(), list(self.root_pids)
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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


# The targets of the figures layer's issue, against this 2-core machine.
TARGETS = [
    ("district_dashboard_ms", lambda f: 3 * f["floor_ms"], "≤ 3 × floor"),
    ("district_dashboard_queries", lambda f: 12, "≤ 12"),
    ("commune_page_ms", lambda f: 3 * f["floor_ms"], "≤ 3 × floor"),  # a commune officer lands here
    ("province_dashboard_ms", lambda f: 150, "≤ 150 ms"),
    ("assessment_save_ms", lambda f: 50, "≤ 50 ms"),
    ("district_export_ms", lambda f: 60, "≤ 60 ms"),
    ("province_export_ms", lambda f: 250, "≤ 250 ms"),
    ("district_rollup_figures_ms", lambda f: 3 * f["district_rollup_sql_ms"], "≤ 3 × SQL floor"),
    ("national_rollup_s", lambda f: 10, "≤ 10 s"),
    ("today_province_dashboard_ms", lambda f: 150, "≤ 150 ms"),
    ("today_commune_page_ms", lambda f: 3 * f["floor_ms"], "≤ 3 × floor"),
    ("today_national_rollup_s", lambda f: 10, "≤ 10 s"),
    ("worker_peak_rss_mb", lambda f: 120, "≤ 120 MB"),
    ("landing_first_kb", lambda f: 80, "≤ 80 KB"),
    ("landing_repeat_kb", lambda f: 20, "≤ 20 KB"),
    ("landing_throttled_ms", lambda f: 3000, "≤ 3 s"),
    ("entry_throttled_ms", lambda f: 3000, "≤ 3 s"),
]


def page_weight(cast: Cast, base: str, password: str) -> dict:
    """The commune officer of today's map in a real browser: bytes of the landing page on a first
    and a repeat visit, and the landing page and the entry form on a throttled connection."""
    from bench import page_weight as browser_figures

    assessment = Assessment.objects.filter(commune=cast.today_commune).order_by("-year").first()
    entry = reverse("criteria:entry", args=[assessment.pk]) if assessment else None
    return browser_figures.measure(base, cast.today_commune_user, password, entry)


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
