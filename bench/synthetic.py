"""A synthetic dataset at district, province or national scale, for the benchmark, on both
administrative maps:

- the map before 1 July 2025 (provinces, districts, communes) with 2024 on the 2021-2025 set:
  the figures of that period, reviewed by district committees;
- today's map (34 provinces and 3,321 communes at national scale, no districts) with this
  year's assessment on the 2026-2030 set, plans and twelve weeks of village reports ending last
  week, placed around the day the generator runs: the pages as they open today.

Units get codes starting with "S" so they never mix with real or demo units. Every step
inserts in bulk and creates only what is missing, so running the generator again for the same
scale changes nothing. Thresholds the national catalogue lacks are the demo's illustrative
province values, so that every band of criteria met occurs.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from communes.models import (
    LEGACY_LAST_DAY,
    REFORM_DATE,
    AdminMap,
    Commune,
    District,
    Province,
    Region,
    Village,
)
from communes.text import fold
from criteria import evaluation
from criteria.demo import NTM_SET, _demo_value, load_illustrative_thresholds
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorValue
from criteria.services import SetCatalogue, evaluate, set_catalogue, unit_context
from plans.deadlines import report_deadline, week_monday, weeks_ending
from plans.models import Allocation, Plan, ReportLine, WeeklyReport, WorkItem
from reports.snapshots import snapshots_take


@dataclass(frozen=True)
class Scale:
    provinces: int
    districts: int
    communes: int
    villages_per_commune: int
    # Today's map: provinces and communes (no districts).
    new_provinces: int
    new_communes: int


SCALES = {
    "district": Scale(1, 1, 15, 7, new_provinces=1, new_communes=15),
    "province": Scale(1, 10, 150, 7, new_provinces=1, new_communes=150),
    "national": Scale(63, 700, 10_000, 7, new_provinces=34, new_communes=3_321),
}
LEGACY = AdminMap.LEGACY
NEW_SET = "xa_ntm_2026_2030"
# Today's map: share of communes by the number of the 10 criteria they meet.
NEW_MET_DISTRIBUTION = [(10, 0.3), (9, 0.2), (8, 0.15), (6, 0.15), (4, 0.12), (2, 0.08)]
# The old map: the 2021-2025 commune set in 2024 (its income thresholds are given by year up to
# 2025), twelve weeks of village reports ending with the last ISO week of YEAR (the district
# roll-up week), plans adopted on the year's first day. Today's map: see `generate_today`.
YEAR = 2024
LAST_WEEK = datetime.date.fromisocalendar(YEAR, 52, 1)
REPORT_WEEKS = 12
WORK_ITEMS = [
    ("Trồng hàng rào xanh", "m", 700),
    ("Thu gom, xử lý rác thải", "hộ", 210),
    ("Xây nhà vệ sinh tự hoại", "cái", 14),
]
# Share of communes by the number of criteria they meet, so that every band occurs.
MET_DISTRIBUTION = [(19, 0.35), (17, 0.2), (15, 0.1), (12, 0.15), (7, 0.12), (3, 0.08)]
BATCH = 5000


def generate(scale_name: str, *, seed: int = 2024, log=print) -> dict[str, int]:
    scale = SCALES[scale_name]
    call_command("load_catalogue", verbosity=0)
    rng = random.Random(seed)
    provinces = _provinces(scale)
    log(f"provinces: {len(provinces)}")
    load_illustrative_thresholds(province_codes=[p.code for p in provinces])
    districts = _districts(scale, provinces)
    communes = _communes(scale, districts, rng)
    log(f"districts: {len(districts)}, communes: {len(communes)}")
    villages = _villages(scale, communes)
    log(f"villages: {villages}")
    assessments = _assessments(communes, rng, CriteriaSet.objects.get(code=NTM_SET), YEAR, MET_DISTRIBUTION)
    log(f"assessments created: {assessments}")
    plans = _plans(communes, rng, YEAR, LAST_WEEK)
    log(f"plans created: {plans}")
    _snapshots(communes, LAST_WEEK)
    today = generate_today(scale, rng, log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load
    return {
        "provinces": len(provinces),
        "districts": len(districts),
        "communes": len(communes),
        "villages": villages,
    } | today


def _snapshots(communes: list[Commune], last_week: datetime.date) -> None:
    for week in weeks_ending(last_week, 2):
        iso = week.isocalendar()
        snapshots_take(
            iso_year=iso.year, iso_week=iso.week, assessments=Assessment.objects.filter(commune__in=communes)
        )


def today_weeks(today: datetime.date | None = None) -> tuple[int, datetime.date]:
    """The year of today's data (the ISO year of last week) and last week's Monday."""
    last_week = week_monday(today or timezone.localdate()) - datetime.timedelta(weeks=1)
    return last_week.isocalendar().year, last_week


def generate_today(scale: Scale, rng: random.Random, log=print) -> dict[str, int]:
    """Today's map: provinces without districts, their communes (with coordinates, for the
    province map) and villages, this year's assessments on the 2026-2030 set, plans with
    reports up to last week, snapshots of the last two weeks."""
    criteria_set = CriteriaSet.objects.get(code=NEW_SET)
    year, last_week = today_weeks()
    if not criteria_set.is_in_force(year):
        log(f"{NEW_SET} is not in force in {year}: no data on today's map")
        return {}
    provinces = _new_provinces(scale)
    load_illustrative_thresholds(province_codes=[p.code for p in provinces])
    communes = _new_communes(scale, provinces, rng)
    villages = _villages(scale, communes, prefix="SNV")
    assessments = _assessments(communes, rng, criteria_set, year, NEW_MET_DISTRIBUTION)
    plans = _plans(communes, rng, year, last_week)
    _snapshots(communes, last_week)
    log(
        f"today's map: {len(provinces)} provinces, {len(communes)} communes, {villages} villages, "
        f"{assessments} assessments and {plans} plans created for {year}"
    )
    return {"new_provinces": len(provinces), "new_communes": len(communes), "new_villages": villages}


def _new_provinces(scale: Scale) -> list[Province]:
    wanted = [
        Province(
            code=f"SN{i:02d}",
            name=f"Tỉnh mới {i:02d}",
            search_name=fold(f"Tỉnh mới {i:02d}"),
            valid_from=REFORM_DATE,
        )
        for i in range(1, scale.new_provinces + 1)
    ]
    Province.objects.bulk_create(wanted, ignore_conflicts=True)
    return list(
        Province.objects.filter(map=AdminMap.CURRENT, code__in=[p.code for p in wanted]).order_by("code")
    )


def _new_communes(scale: Scale, provinces: list[Province], rng: random.Random) -> list[Commune]:
    wanted = []
    for i in range(scale.new_communes):
        province = provinces[i % len(provinces)]
        number = int(province.code[2:])
        name = f"Xã mới {i + 1:05d}"
        wanted.append(
            Commune(
                code=f"SN{i + 1:05d}",
                name=name,
                search_name=fold(name),
                province=province,
                district=None,
                valid_from=REFORM_DATE,
                # Inside a 1-degree box per province (the map's projection fits the box).
                latitude=round(8.5 + number % 15 + rng.random(), 4),
                longitude=round(102.5 + number % 7 + rng.random(), 4),
                is_especially_difficult=rng.random() < 0.1,
            )
        )
    Commune.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=BATCH)
    return list(
        Commune.objects.filter(map=AdminMap.CURRENT, code__in=[c.code for c in wanted])
        .select_related("province__region", "region", "district")
        .order_by("code")
    )


def _provinces(scale: Scale) -> list[Province]:
    regions = list(Region.objects.order_by("code"))
    wanted = [
        Province(
            code=f"S{i:02d}",
            name=f"Tỉnh mẫu {i:02d}",
            search_name=fold(f"Tỉnh mẫu {i:02d}"),
            region=regions[i % len(regions)],
            map=LEGACY,
            valid_to=LEGACY_LAST_DAY,
        )
        for i in range(1, scale.provinces + 1)
    ]
    Province.objects.bulk_create(wanted, ignore_conflicts=True)
    return list(Province.objects.filter(map=LEGACY, code__in=[p.code for p in wanted]).order_by("code"))


def _districts(scale: Scale, provinces: list[Province]) -> list[District]:
    wanted = []
    for i in range(scale.districts):
        province = provinces[i % len(provinces)]
        name = f"Huyện mẫu {i + 1:03d}"
        wanted.append(
            District(
                code=f"S{province.code[1:]}{i + 1:03d}",
                name=name,
                search_name=fold(name),
                province=province,
                map=LEGACY,
                valid_to=LEGACY_LAST_DAY,
            )
        )
    District.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=BATCH)
    return list(
        District.objects.filter(map=LEGACY, code__in=[d.code for d in wanted])
        .select_related("province")
        .order_by("code")
    )


def _communes(scale: Scale, districts: list[District], rng: random.Random) -> list[Commune]:
    wanted = []
    for i in range(scale.communes):
        district = districts[i % len(districts)]
        name = f"Xã mẫu {i + 1:05d}"
        wanted.append(
            Commune(
                code=f"SX{i + 1:05d}",
                name=name,
                search_name=fold(name),
                district=district,
                province=district.province,
                is_especially_difficult=rng.random() < 0.1,
                map=LEGACY,
                valid_to=LEGACY_LAST_DAY,
            )
        )
    Commune.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=BATCH)
    return list(
        Commune.objects.filter(map=LEGACY, code__in=[c.code for c in wanted])
        .select_related("province__region", "region", "district")
        .order_by("code")
    )


def _villages(scale: Scale, communes: list[Commune], prefix: str = "SV") -> int:
    wanted = []
    for number, commune in enumerate(communes):
        for k in range(1, scale.villages_per_commune + 1):
            name = f"Thôn {k}"
            wanted.append(
                Village(
                    code=f"{prefix}{number + 1:05d}{k:02d}",
                    name=name,
                    search_name=fold(name),
                    commune=commune,
                )
            )
    Village.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=BATCH)
    return len(wanted)


def _met_target(rng: random.Random, distribution: list[tuple[int, float]]) -> int:
    pick, total = rng.random(), 0.0
    for met, share in distribution:
        total += share
        if pick < total:
            return met
    return distribution[-1][0]


def _assessments(communes: list[Commune], rng: random.Random, criteria_set, year: int, distribution) -> int:
    regions = {region.code: region for region in Region.objects.all()}
    existing = set(
        Assessment.objects.filter(criteria_set=criteria_set, year=year, commune__in=communes).values_list(
            "commune_id", flat=True
        )
    )
    todo = [c for c in communes if c.pk not in existing]
    by_province: dict[int, SetCatalogue] = {}
    for start in range(0, len(todo), 1000):
        with transaction.atomic():
            _assessment_batch(
                todo[start : start + 1000], criteria_set, year, distribution, by_province, regions, rng
            )
    return len(todo)


def _assessment_batch(communes, criteria_set, year, distribution, by_province, regions, rng) -> None:
    assessments = Assessment.objects.bulk_create(
        [Assessment(criteria_set=criteria_set, commune=commune, year=year) for commune in communes]
    )
    values, results = [], []
    for assessment, commune in zip(assessments, communes, strict=True):
        if commune.province_id not in by_province:
            # Only the thresholds that can apply in the province: fast lookups per value.
            by_province[commune.province_id] = set_catalogue(criteria_set, commune.province_id)
        local = by_province[commune.province_id]
        context = unit_context(criteria_set, commune, regions)
        met = min(len(local.criteria), _met_target(rng, distribution))
        unmet = set(rng.sample([c.code for c in local.criteria], len(local.criteria) - met))
        rows = {}
        for criterion in local.criteria:
            for position, indicator in enumerate(criterion.indicator_list):
                threshold = evaluation.pick_threshold(
                    local.thresholds.get(indicator.pk, ()),
                    context.classifier_value,
                    year,
                    context.province_id,
                )
                fail = criterion.code in unmet and position == 0
                rows[indicator.pk] = _demo_value(
                    assessment, indicator, threshold, fail, f"{commune.code}:{indicator.code}"
                )
        outcome = evaluate(local, context, year, {pk: row.value for pk, row in rows.items()})
        for item in outcome.criteria:
            for indicator, _value, result in item.results:
                rows[indicator.pk].status = result.status.value
            results.append(
                CriterionResult(
                    assessment=assessment,
                    criterion=item.criterion,
                    status=item.status.value,
                    indicators_met=item.indicators_met,
                    indicators_total=item.indicators_total,
                )
            )
        values.extend(rows.values())
        assessment.criteria_met = outcome.criteria_met
        assessment.criteria_total = outcome.criteria_total
        assessment.indicators_met = outcome.indicators_met
        assessment.indicators_total = outcome.indicators_total
        assessment.title_qualified = outcome.all_met
    bulk_create_with_history(values, IndicatorValue, batch_size=BATCH, default_change_reason="synthetic")
    CriterionResult.objects.bulk_create(results, batch_size=BATCH)
    Assessment.objects.bulk_update(
        assessments,
        ["criteria_met", "criteria_total", "indicators_met", "indicators_total", "title_qualified"],
        batch_size=BATCH,
    )


def _plans(communes: list[Commune], rng: random.Random, year: int, last_week: datetime.date) -> int:
    """A plan per commune with three work items split over its villages, and twelve weeks of
    village reports (those of the plan's year) ending with `last_week`: mostly on time, some
    late, some missing."""
    existing = set(Plan.objects.filter(year=year, commune__in=communes).values_list("commune_id", flat=True))
    todo = [c for c in communes if c.pk not in existing]
    weeks = [week for week in weeks_ending(last_week, REPORT_WEEKS) if week.isocalendar().year == year]
    for start in range(0, len(todo), 500):
        with transaction.atomic():
            _plan_batch(todo[start : start + 500], rng, year, weeks)
    return len(todo)


def _plan_batch(communes: list[Commune], rng: random.Random, year: int, weeks: list[datetime.date]) -> None:
    villages: dict[int, list[Village]] = {}
    for village in Village.objects.filter(commune__in=communes).order_by("code"):
        villages.setdefault(village.commune_id, []).append(village)
    plans = Plan.objects.bulk_create(
        [
            Plan(
                commune=c,
                year=year,
                name=f"Kế hoạch xây dựng NTM năm {year}",
                target_title=Plan.Title.KEEP_NTM,
                document_date=datetime.date(year, 1, 1),
            )
            for c in communes
        ]
    )
    items = WorkItem.objects.bulk_create(
        [
            WorkItem(plan=plan, name=name, unit=unit, quantity=quantity, order=order)
            for plan in plans
            for order, (name, unit, quantity) in enumerate(WORK_ITEMS)
        ]
    )
    items_of: dict[int, list[WorkItem]] = {}
    for item in items:
        items_of.setdefault(item.plan_id, []).append(item)
    allocations, reports, lines = [], [], []
    for plan in plans:
        plan_villages = villages.get(plan.commune_id, [])
        for item in items_of[plan.pk]:
            share = item.quantity / max(1, len(plan_villages))
            allocations += [Allocation(work_item=item, village=v, quantity=share) for v in plan_villages]
        for week in weeks:
            deadline = report_deadline(week)
            for village in plan_villages:
                draw = rng.random()
                if draw < 0.1:
                    continue  # missing
                submitted = (
                    deadline - datetime.timedelta(hours=rng.randint(1, 48))
                    if draw > 0.2
                    else deadline + datetime.timedelta(hours=rng.randint(1, 30))
                )
                report = WeeklyReport(
                    plan=plan,
                    village=village,
                    week=week,
                    deadline=deadline,
                    submitted_at=submitted,
                    updated_at=submitted,
                    notes="",
                )
                reports.append(report)
                lines += [(report, item, _share_done(item, plan_villages, rng)) for item in items_of[plan.pk]]
    _insert(Allocation, allocations)
    _insert(WeeklyReport, reports)
    _insert(ReportLine, [ReportLine(report=r, work_item=i, quantity=q) for r, i, q in lines])


def _insert(model, objects: list) -> None:
    """Insert many rows: PostgreSQL's COPY with ids taken from the table's sequence (several
    times faster than INSERT at national scale), bulk_create elsewhere."""
    if connection.vendor != "postgresql" or not objects:
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        for obj in objects:
            writer.writerow([_copy_value(getattr(obj, field.attname)) for field in fields])
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        cursor.cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _share_done(item: WorkItem, villages: list[Village], rng: random.Random):
    """A week's quantity for one village: about a twelfth of its allocation."""
    return round(item.quantity / max(1, len(villages)) / REPORT_WEEKS * rng.uniform(0.5, 1.5), 1)
