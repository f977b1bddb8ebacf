"""Demo data of the reports app: Hà Tĩnh's province targets (one with an illustrative actual
reported by the province office) and several past weeks of evaluation snapshots with a
plausible rise over time and one regression. Idempotent and non-destructive: existing
targets and snapshots are left as they are."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from communes.models import AdminMap, Commune, Province
from criteria.models import Assessment, CriteriaSet, CriterionResult
from plans.models import Programme

from .models import EvaluationSnapshot, ProvinceTarget, ProvinceTargetActual, RecognitionFile, RollUp
from .snapshots import week_start

DEMO_WEEKS = 8
# How many fewer criteria the oldest demo week had than today; the gap closes week by week.
DEMO_RISE = 3
# Sơn Tây (Hương Sơn) met criterion 17 in last week's snapshot and no longer meets it: the one
# regression the demo dashboards flag.
REGRESSION = ("18172", "xa_ntm_2021_2025", "17")

# Seed 003 (an action programme for resolution 16-NQ/TU) does not name its province; its
# numbers are stored for Hà Tĩnh as illustrative targets, not as Hà Tĩnh's own.
SEED_003_SOURCE = (
    "Chương trình hành động thực hiện Nghị quyết 16-NQ/TU ngày 13/01/2022 (tài liệu nguồn 003; "
    "số liệu minh họa, văn bản không nêu tên tỉnh)"
)
# (year, kind, value, set counted, criteria line): "không còn xã dưới 15 tiêu chí" is the 15.
# The 2030 targets are the programme's horizon; no set is attached to them (the 2026-2030 sets
# apply on the new map, where the seed's unnamed province cannot be placed).
K = ProvinceTarget.Kind
SEED_003_TARGETS: list[tuple[int, str, int, str | None, int | None]] = [
    (2025, K.DISTRICTS_NTM, 4, None, None),
    (2025, K.DISTRICTS_ADVANCED, 1, None, None),
    (2025, K.DISTRICTS_ADVANCED_BASIC, 1, None, None),
    (2025, K.COMMUNES_NTM, 38, "xa_ntm_2021_2025", None),
    (2025, K.COMMUNES_ADVANCED, 15, "xa_ntm_nang_cao_2021_2025", None),
    (2025, K.COMMUNES_MODEL, 5, "xa_ntm_kieu_mau_2021_2025", None),
    (2025, K.COMMUNES_BELOW, 0, "xa_ntm_2021_2025", 15),
    (2025, K.VILLAGES_NTM_PERCENT, 85, None, None),
    (2025, K.VILLAGES_MODEL_PERCENT, 5, "ha_tinh_kdc_kieu_mau_2022", None),
    (2025, K.VILLAGES_DIFFICULT_NTM_PERCENT, 60, None, None),
    (2030, K.DISTRICTS_NTM, 5, None, None),
    (2030, K.DISTRICTS_ADVANCED, 2, None, None),
    (2030, K.COMMUNES_NTM, 45, None, None),
    (2030, K.COMMUNES_ADVANCED, 20, None, None),
    (2030, K.COMMUNES_MODEL, 8, None, None),
    (2030, K.VILLAGES_NTM_PERCENT, 95, None, None),
    (2030, K.VILLAGES_MODEL_PERCENT, 15, None, None),
    (2030, K.VILLAGES_DIFFICULT_NTM_PERCENT, 65, None, None),
]


def load_demo_reports(communes: list[tuple[Commune, dict[str, Any]]]) -> None:
    load_demo_province_targets()
    load_demo_snapshots([commune for commune, _spec in communes])
    load_demo_rollups([commune for commune, _spec in communes])
    load_demo_periodic([commune for commune, _spec in communes])
    load_demo_recognition_files([commune for commune, _spec in communes])


def load_demo_rollups(communes: list[Commune]) -> None:
    """Last week's roll-up of each province of the demo's new communes, as the Friday schedule
    would have built it (no e-mail), so that the province offices find it on the day the demo
    is loaded. A roll-up already there is left as it is."""
    from .rollups import rollup_build, rollup_request, unit_ref
    from .weeks import rollup_default_week

    iso_year, iso_week = rollup_default_week(timezone.now())
    provinces = Province.objects.filter(
        map=AdminMap.CURRENT, pk__in=[commune.province_id for commune in communes if not commune.is_legacy]
    )
    for province in provinces.order_by("code"):
        unit = unit_ref(province)
        if RollUp.objects.filter(unit_code=unit.code, iso_year=iso_year, iso_week=iso_week).exists():
            continue
        rollup = rollup_request(unit=unit, iso_year=iso_year, iso_week=iso_week, enqueue=False)
        RollUp.objects.filter(pk=rollup.pk).update(status=RollUp.State.QUEUED)
        rollup_build(rollup_id=rollup.pk, send_mail=False)


def load_demo_province_targets(province_code: str = "42") -> None:
    # The targets of a programme to 2025 count districts: they belong to the old map.
    province = Province.objects.filter(map=AdminMap.LEGACY, code=province_code).first()
    if province is None:
        return
    # Seed 003's programme (plans.demo_programmes), when the plans demo has placed it.
    programme = Programme.objects.filter(province=province, start_year=2021, end_year=2025).first()
    sets = {item.code: item for item in CriteriaSet.objects.all()}
    for year, kind, value, set_code, below in SEED_003_TARGETS:
        ProvinceTarget.objects.get_or_create(
            province=province,
            year=year,
            kind=kind,
            defaults={
                "value": Decimal(value),
                "criteria_set": sets.get(set_code) if set_code else None,
                "criteria_below": below,
                "source": SEED_003_SOURCE,
                "is_illustrative": True,
                "programme": programme,
            },
        )
    if programme is not None:
        ProvinceTarget.objects.filter(
            province=province, source=SEED_003_SOURCE, programme__isnull=True
        ).update(programme=programme)
    _load_demo_reported_actual(province)


# One illustrative actual as the province office would report it: seed 003 gives no figure
# achieved, so the value is marked illustrative and says so in its source.
SEED_003_REPORTED = (2025, K.DISTRICTS_NTM, Decimal(3), datetime.date(2025, 6, 30))
SEED_003_REPORTED_SOURCE = "Số liệu minh họa: văn bản nguồn 003 không nêu số thực hiện"


def _load_demo_reported_actual(province: Province) -> None:
    year, kind, value, as_of = SEED_003_REPORTED
    target = ProvinceTarget.objects.filter(province=province, year=year, kind=kind).first()
    if target is None:
        return
    ProvinceTargetActual.objects.get_or_create(
        target=target,
        as_of=as_of,
        defaults={"value": value, "source": SEED_003_REPORTED_SOURCE, "is_illustrative": True},
    )


def demo_weeks(today: datetime.date) -> list[tuple[int, int]]:
    """The ISO weeks of the demo snapshots: the last `DEMO_WEEKS` complete weeks, oldest first."""
    last = today - datetime.timedelta(days=today.weekday() + 7)
    days = [last - datetime.timedelta(weeks=n) for n in range(DEMO_WEEKS - 1, -1, -1)]
    return [day.isocalendar()[:2] for day in days]


def load_demo_snapshots(communes: list[Commune], today: datetime.date | None = None) -> None:
    """Snapshots of each demo commune's latest-year assessments over the last weeks."""
    today = today or timezone.localdate()
    assessments = _latest_assessments(communes)
    statuses: dict[int, dict[str, str]] = {a.pk: {} for a in assessments}
    codes: dict[int, str] = {}
    rows = (
        CriterionResult.objects.filter(assessment__in=assessments)
        .select_related("criterion")
        .order_by("criterion__order")
    )
    for result in rows:
        statuses[result.assessment_id][str(result.criterion_id)] = result.status
        codes[result.criterion_id] = result.criterion.code
    snapshots = []
    weeks = demo_weeks(today)
    for assessment in assessments:
        for index, (iso_year, iso_week) in enumerate(weeks):
            drop = round((len(weeks) - 1 - index) * DEMO_RISE / (len(weeks) - 1))
            snapshots.append(
                _demo_snapshot(
                    assessment,
                    statuses[assessment.pk],
                    codes,
                    iso_year,
                    iso_week,
                    drop,
                    index == len(weeks) - 1,
                )
            )
    EvaluationSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)


def _latest_assessments(communes: list[Commune]) -> list[Assessment]:
    assessments = list(
        Assessment.objects.filter(commune__in=communes).select_related("commune", "criteria_set")
    )
    latest: dict[tuple[int, int], int] = {}
    for a in assessments:
        key = (a.commune_id, a.criteria_set_id)
        latest[key] = max(latest.get(key, 0), a.year)
    return [a for a in assessments if a.year == latest[(a.commune_id, a.criteria_set_id)]]


def _demo_snapshot(assessment, current: dict[str, str], codes, iso_year, iso_week, drop: int, is_last: bool):
    """The assessment `drop` criteria behind today (the last met ones not yet met), except
    the regression commune, whose last snapshot still had its now-failed criterion met."""
    statuses = dict(current)
    met = [key for key, status in current.items() if status == "met"]
    for key in met[len(met) - drop :] if drop else []:
        statuses[key] = "not_met"
    commune_code, set_code, criterion_code = REGRESSION
    if (
        is_last
        and (assessment.commune.code, assessment.criteria_set.code) == (commune_code, set_code)
        and (assessment.commune.is_legacy)
    ):
        for key in current:
            if codes.get(int(key)) == criterion_code:
                statuses[key] = "met"
    criteria_met = sum(1 for status in statuses.values() if status == "met")
    return EvaluationSnapshot(
        assessment=assessment,
        iso_year=iso_year,
        iso_week=iso_week,
        week_start=week_start(iso_year, iso_week),
        criteria_met=criteria_met,
        criteria_total=assessment.criteria_total,
        indicators_met=max(0, assessment.indicators_met + criteria_met - assessment.criteria_met),
        title_qualified=assessment.title_qualified and criteria_met == assessment.criteria_total,
        status=assessment.status,
        criterion_statuses=statuses,
    )


# The demo's periodic reports: xã Hương Sơn's report of the previous quarter, written, submitted
# and accepted (its written sections are ILLUSTRATIVE, labelled so on the page), and the due
# dates Hà Tĩnh's office set: the previous quarter's, and the current quarter's about
# 2-3 weeks after the day the demo is loaded.
PERIODIC_COMMUNE = "18133"
PERIODIC_DUE_IN_DAYS = 18
PERIODIC_SECTIONS = {
    "difficulties": (
        "(Minh họa) Nguồn vốn đối ứng của xã còn hạn chế; một số thôn chưa hoàn thành hàng rào "
        "xanh theo kế hoạch."
    ),
    "next_tasks": (
        "(Minh họa) Tập trung hoàn thành các tiêu chí chưa đạt; đôn đốc các thôn báo cáo tuần đúng hạn."
    ),
    "other_results": "",
}


def load_demo_periodic(communes: list[Commune]) -> None:
    from django.contrib.auth import get_user_model

    from .models import PeriodicReport, PeriodicReportDue, PeriodicReportTransition
    from .periods import period_of, previous

    commune = next((c for c in communes if not c.is_legacy and c.code == PERIODIC_COMMUNE), None)
    if commune is None:
        return
    today = timezone.localdate()
    this_quarter = period_of("quarter", today)
    last_quarter = previous(this_quarter)
    for period, due in (
        (this_quarter, today + datetime.timedelta(days=PERIODIC_DUE_IN_DAYS)),
        (last_quarter, last_quarter.end - datetime.timedelta(days=10)),
    ):
        PeriodicReportDue.objects.get_or_create(
            province_id=commune.province_id,
            kind=period.kind,
            year=period.year,
            number=period.number,
            defaults={"due_date": due},
        )
    fields = {"kind": last_quarter.kind, "year": last_quarter.year, "number": last_quarter.number}
    if PeriodicReport.objects.filter(level="commune", commune=commune, **fields).exists():
        return
    users = get_user_model().objects.in_bulk(["canbo.huongson", "vpdp.hatinh"], field_name="username")
    officer, office = users.get("canbo.huongson"), users.get("vpdp.hatinh")
    if officer is None or office is None:
        return
    submitted = timezone.make_aware(
        datetime.datetime.combine(last_quarter.end - datetime.timedelta(days=12), datetime.time(9, 0))
    )
    reviewed = submitted + datetime.timedelta(days=2)
    report = PeriodicReport.objects.create(
        level="commune",
        province_id=commune.province_id,
        commune=commune,
        **fields,
        **PERIODIC_SECTIONS,
        status=PeriodicReport.State.ACCEPTED,
        submitted_at=submitted,
        submitted_by=officer,
        reviewed_at=reviewed,
        reviewed_by=office,
        updated_by=officer,
        version=3,
        illustrative=True,
    )
    for by, from_status, to_status, at in (
        (officer, "draft", "submitted", submitted),
        (office, "submitted", "accepted", reviewed),
    ):
        step = PeriodicReportTransition.objects.create(
            report=report, from_status=from_status, to_status=to_status, by=by
        )
        PeriodicReportTransition.objects.filter(pk=step.pk).update(at=at)


# Sơn Bằng (old map) starts a recognition file for its approved 2023 assessment: the page shows
# what is still missing (the request needs every criterion met; the meeting's vote and the
# residents' survey are the commune's to enter, and the seeds give neither).
DEMO_RECOGNITION_FILES = [("legacy", "18190", "xa_ntm_2021_2025", 2023, "canbo.sonbang")]


def load_demo_recognition_files(communes: list[Commune]) -> None:
    by_key = {(commune.map, commune.code): commune for commune in communes}
    for map_code, code, set_code, year, username in DEMO_RECOGNITION_FILES:
        commune = by_key.get((map_code, code))
        criteria_set = CriteriaSet.objects.filter(code=set_code).first()
        if commune is None or criteria_set is None:
            continue
        RecognitionFile.objects.get_or_create(
            commune=commune,
            criteria_set=criteria_set,
            year=year,
            defaults={"created_by": get_user_model().objects.filter(username=username).first()},
        )
