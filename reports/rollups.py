"""The weekly roll-up of a district (or of a province's communes without a district).

`rollup_data` reads one unit's week in a fixed number of queries whatever the number of its
communes, villages, plans and reports: every figure is aggregated in SQL or read for all
communes of the unit at once. `rollup_build` claims the unit's RollUp row, freezes the figures
as JSON, stores the workbook and mails it to the committee; building the same unit and week
again replaces the row in place (one row per unit and week, a database constraint).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province, Role, Village
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, IndicatorValue, Transition
from plans import deadlines
from plans.models import CriterionDeadline, Plan, ReportLine, WeeklyReport, WorkItem

from .models import EvaluationSnapshot, RollUp
from .snapshots import snapshots_take

logger = logging.getLogger(__name__)

# Errors worth a retry: the database or the broker went away for a moment.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)

# A build that has been "running" this long is taken to be lost with its worker.
STALE_AFTER = datetime.timedelta(minutes=15)


# --- Weeks and units ---------------------------------------------------------------------


def week_bounds(iso_year: int, iso_week: int) -> tuple[datetime.date, datetime.date]:
    """The Monday and the Sunday of an ISO week."""
    monday = datetime.date.fromisocalendar(iso_year, iso_week, 1)
    return monday, monday + datetime.timedelta(days=6)


def rollup_default_week(now: datetime.datetime) -> tuple[int, int]:
    """The week a scheduled run rolls up: the latest week whose default report deadline
    (Thursday 14:30) has passed, i.e. the current week from Thursday afternoon on (Friday's
    run) and the previous week before that."""
    monday = deadlines.current_week(now)
    if now < deadlines.report_deadline(monday):
        monday -= datetime.timedelta(weeks=1)
    iso_year, iso_week, _day = monday.isocalendar()
    return iso_year, iso_week


@dataclass(frozen=True)
class UnitRef:
    level: str
    code: str
    province_id: int
    district_id: int | None


def rollup_units() -> list[UnitRef]:
    """Every district with communes, and every province with communes outside any district."""
    districts = District.objects.filter(communes__isnull=False).distinct().order_by("code")
    units = [UnitRef(RollUp.Level.DISTRICT, d.code, d.province_id, d.pk) for d in districts]
    provinces = Province.objects.filter(communes__district__isnull=True).distinct().order_by("code")
    units += [UnitRef(RollUp.Level.PROVINCE, p.code, p.pk, None) for p in provinces]
    return units


def unit_ref(unit: District | Province) -> UnitRef:
    if isinstance(unit, District):
        return UnitRef(RollUp.Level.DISTRICT, unit.code, unit.province_id, unit.pk)
    return UnitRef(RollUp.Level.PROVINCE, unit.code, unit.pk, None)


def unit_communes(rollup: RollUp) -> QuerySet:
    if rollup.district_id:
        return Commune.objects.filter(district_id=rollup.district_id)
    return Commune.objects.filter(province_id=rollup.province_id, district__isnull=True)


# --- Requests ------------------------------------------------------------------------------


def rollup_request(*, unit: UnitRef, iso_year: int, iso_week: int, user=None, enqueue: bool = True) -> RollUp:
    """Create or reset the unit's row for the week and enqueue its build after commit. A build
    already queued or running (and not stale) is left alone: asking twice builds once."""
    now = timezone.now()
    monday, _sunday = week_bounds(iso_year, iso_week)
    with transaction.atomic():
        rollup, created = RollUp.objects.select_for_update().get_or_create(
            level=unit.level,
            unit_code=unit.code,
            iso_year=iso_year,
            iso_week=iso_week,
            defaults={
                "province_id": unit.province_id,
                "district_id": unit.district_id,
                "week_start": monday,
                "requested_at": now,
                "requested_by": user,
            },
        )
        if not created and _in_progress(rollup, now):
            return rollup
        if not created:
            rollup.status, rollup.requested_at, rollup.requested_by = RollUp.State.QUEUED, now, user
            rollup.error = ""
            rollup.save(update_fields=["status", "requested_at", "requested_by", "error"])
        if enqueue:
            from ntm.celery import enqueue as send

            transaction.on_commit(
                lambda: send(
                    "reports.tasks.rollup_build",
                    rollup.pk,
                    on_failure=lambda error: rollup_fail(rollup_id=rollup.pk, error=error),
                )
            )
    return rollup


def _in_progress(rollup: RollUp, now: datetime.datetime) -> bool:
    if rollup.status == RollUp.State.QUEUED:
        return now - rollup.requested_at < STALE_AFTER
    if rollup.status == RollUp.State.RUNNING:
        return rollup.started_at is not None and now - rollup.started_at < STALE_AFTER
    return False


def rollups_request_all(*, iso_year: int, iso_week: int) -> int:
    """The fan-out: one build per unit of the country for the week."""
    units = rollup_units()
    for unit in units:
        rollup_request(unit=unit, iso_year=iso_year, iso_week=iso_week)
    return len(units)


# --- Building ------------------------------------------------------------------------------


def rollup_build(*, rollup_id: int, send_mail: bool = True) -> RollUp:
    """Build one roll-up. Delivered twice (acks_late after a lost worker), the second delivery
    rebuilds it once more in place; a request already served is skipped. Transient database
    and connection errors propagate (the task retries them); any other error is recorded on
    the row and shown on its page."""
    token = uuid.uuid4().hex
    now = timezone.now()
    served = Q(status=RollUp.State.DONE, finished_at__gte=F("requested_at"))
    claimed = (
        RollUp.objects.filter(pk=rollup_id)
        .exclude(served)
        .update(status=RollUp.State.RUNNING, token=token, started_at=now, attempts=F("attempts") + 1)
    )
    rollup = RollUp.objects.select_related("district", "province").get(pk=rollup_id)
    if not claimed:
        return rollup
    started = time.monotonic()
    try:
        with translation.override("vi"):
            data = rollup_data(rollup=rollup, today=timezone.localdate())
            content = rollup_workbook_bytes(data)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # noqa: BLE001 - any other failure must show on the page
        logger.exception("Roll-up %s failed", rollup_id)
        rollup_fail(rollup_id=rollup_id, error=error, token=token)
        rollup.refresh_from_db()
        return rollup
    if not _store(rollup, token, data, content, int((time.monotonic() - started) * 1000)):
        return rollup
    rollup.refresh_from_db()
    if send_mail:
        rollup_send(rollup=rollup, content=content)
    return rollup


def _store(rollup: RollUp, token: str, data: dict, content: bytes, duration_ms: int) -> bool:
    """Save the workbook and the figures if this build still holds the row's claim."""
    storage = rollup.file.storage
    name = storage.save(f"rollups/{rollup.iso_year}/{rollup_filename(rollup)}", ContentFile(content))
    old = rollup.file.name
    stored = RollUp.objects.filter(pk=rollup.pk, token=token).update(
        status=RollUp.State.DONE,
        data=data,
        file=name,
        filename=rollup_filename(rollup),
        error="",
        finished_at=timezone.now(),
        duration_ms=duration_ms,
    )
    if not stored:
        storage.delete(name)
        return False
    if old and old != name:
        storage.delete(old)
    return True


def rollup_fail(*, rollup_id: int, error: Exception, token: str | None = None) -> None:
    rows = RollUp.objects.filter(pk=rollup_id)
    if token is not None:
        rows = rows.filter(token=token)
    rows.update(status=RollUp.State.FAILED, error=failure_text(error), finished_at=timezone.now())


def failure_text(error: Exception) -> str:
    with translation.override("vi"):
        return _("Không tổng hợp được: %(error)s") % {"error": str(error)[:500] or error.__class__.__name__}


def rollup_filename(rollup: RollUp) -> str:
    return f"tong-hop-tuan_{rollup.unit_code}_{rollup.week_label}.xlsx"


def rollup_workbook_bytes(data: dict) -> bytes:
    from .excel.rollup import build_rollup_workbook
    from .excel.styles import workbook_bytes

    return workbook_bytes(build_rollup_workbook(data))


# --- E-mail --------------------------------------------------------------------------------


def committee_emails(rollup: RollUp) -> list[str]:
    """The committee that receives the roll-up: the district committee, or for a province's
    own roll-up its coordination office."""
    if rollup.district_id:
        roles = Role.objects.filter(kind=Role.Kind.DISTRICT_COMMITTEE, district_id=rollup.district_id)
    else:
        roles = Role.objects.filter(kind=Role.Kind.PROVINCE_OFFICE, province_id=rollup.province_id)
    emails = roles.filter(user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)
    return sorted(set(emails))


def rollup_send(*, rollup: RollUp, content: bytes) -> int:
    """Mail the workbook once per roll-up (a conditional claim on `emailed_at`)."""
    recipients = committee_emails(rollup)
    if not recipients:
        return 0
    if not RollUp.objects.filter(pk=rollup.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return 0
    with translation.override("vi"):
        message = EmailMessage(rollup_subject(rollup), rollup_body(rollup), None, recipients)
    message.attach(rollup.filename, content, XLSX)
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - the roll-up stays built; the page shows the error
        logger.exception("Roll-up %s: mail failed", rollup.pk)
        with translation.override("vi"):
            text = _("Không gửi được thư: %(error)s") % {"error": str(error)[:300]}
        RollUp.objects.filter(pk=rollup.pk).update(emailed_at=None, error=text)
        return 0
    return len(recipients)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_label(rollup: RollUp) -> str:
    if rollup.district_id:
        return _("Huyện %(name)s") % {"name": rollup.district.name}
    return _("Tỉnh %(name)s") % {"name": rollup.province.name}


def rollup_subject(rollup: RollUp) -> str:
    return _("Báo cáo tổng hợp tuần %(week)s — %(unit)s") % {
        "week": rollup.week_label,
        "unit": unit_label(rollup),
    }


def rollup_body(rollup: RollUp) -> str:
    totals = rollup.data.get("totals", {})
    monday, sunday = week_bounds(rollup.iso_year, rollup.iso_week)
    lines = [
        _("Kính gửi Ban Chỉ đạo,"),
        "",
        _("Báo cáo tổng hợp tuần %(week)s (%(start)s – %(end)s) của %(unit)s đính kèm thư này.")
        % {
            "week": rollup.week_label,
            "start": monday.strftime("%d/%m/%Y"),
            "end": sunday.strftime("%d/%m/%Y"),
            "unit": unit_label(rollup),
        },
        _("Số xã: %(communes)s; đã đánh giá: %(assessed)s; bình quân %(average)s tiêu chí đạt/xã.")
        % {
            "communes": totals.get("communes", 0),
            "assessed": totals.get("assessed", 0),
            "average": str(totals.get("average") or "—").replace(".", ","),
        },
        _("Tiêu chí mới đạt: %(gained)s; tiêu chí không còn đạt: %(lost)s.")
        % {"gained": totals.get("gained", 0), "lost": totals.get("lost", 0)},
        _("Báo cáo tuần của thôn: %(on_time)s đúng hạn, %(late)s trễ hạn, %(missing)s chưa nộp.")
        % totals.get("reports", {"on_time": 0, "late": 0, "missing": 0}),
        "",
        _("Thư gửi tự động từ NTM Tracker."),
    ]
    return "\n".join(lines)


# --- The figures ---------------------------------------------------------------------------


def rollup_snapshots_ensure(*, communes: QuerySet, iso_year: int, iso_week: int) -> int:
    """Take the week's evaluation snapshots of the unit's assessments unless already taken."""
    assessments = Assessment.objects.filter(Q(commune__in=communes) | Q(village__commune__in=communes))
    taken = EvaluationSnapshot.objects.filter(
        assessment__in=assessments, iso_year=iso_year, iso_week=iso_week
    ).exists()
    if taken:
        return 0
    return snapshots_take(iso_year=iso_year, iso_week=iso_week, assessments=assessments)


def main_set(province_id: int) -> CriteriaSet | None:
    """The set a roll-up counts criteria against: the basic commune set (national first, then
    the province's own), the one the other commune sets build on."""
    sets = CriteriaSet.objects.filter(
        Q(province__isnull=True) | Q(province_id=province_id), unit_level=CriteriaSet.UnitLevel.COMMUNE
    )
    return min(
        sets,
        key=lambda item: (item.prerequisite_id is not None, item.province_id is not None, item.code),
        default=None,
    )


def rollup_data(*, rollup: RollUp, today: datetime.date) -> dict:
    """All figures of a roll-up as plain JSON values. Queries: the communes, their snapshots
    (taken if missing), the sets, assessments, criteria, snapshots, edits after approval,
    plans, work items, quantities done, criterion deadlines, their results, villages and
    the week's reports: the same number for a district of 5 or of 500 communes."""
    communes_qs = unit_communes(rollup)
    rollup_snapshots_ensure(communes=communes_qs, iso_year=rollup.iso_year, iso_week=rollup.iso_week)
    communes = list(communes_qs.order_by("name", "code"))
    monday, sunday = week_bounds(rollup.iso_year, rollup.iso_week)
    as_of = min(sunday, max(today, monday))
    criteria_set = main_set(rollup.province_id)
    sets = {s.pk: s for s in CriteriaSet.objects.filter(unit_level=CriteriaSet.UnitLevel.COMMUNE)}
    assessments = list(
        Assessment.objects.filter(
            commune__in=communes_qs, year__lte=rollup.iso_year, criteria_set_id__in=sets
        ).order_by("commune_id", "criteria_set_id", "-year")
    )
    main = _latest_main(assessments, criteria_set)
    criteria = list(criteria_set.criteria.order_by("order")) if criteria_set else []
    changes = _changes([a.pk for a in main.values()], monday, criteria)
    edits = _edits_after_approval(assessments, monday)
    plans = _plan_figures(communes_qs, rollup.iso_year, sunday, as_of)
    reports = _report_figures(communes_qs, rollup.iso_year, monday)
    rows = []
    for commune in communes:
        assessment = main.get(commune.pk)
        row = _commune_row(commune, assessment, assessments, sets, criteria_set)
        row["gained"], row["lost"] = changes.get(assessment.pk if assessment else None, (None, None))
        row["edited_after_approval"] = edits.get(commune.pk, [])
        row["plan"] = plans.get(commune.pk)
        row["reports"] = reports.get(commune.pk, {"expected": 0, "on_time": 0, "late": 0, "missing": 0})
        rows.append(row)
    return {
        "unit": _unit_json(rollup),
        "week": {
            "iso_year": rollup.iso_year,
            "iso_week": rollup.iso_week,
            "label": rollup.week_label,
            "start": monday.isoformat(),
            "end": sunday.isoformat(),
            "as_of": as_of.isoformat(),
        },
        "criteria_set": _set_json(criteria_set),
        "criteria": [{"id": c.pk, "code": c.code, "name": c.name} for c in criteria],
        "communes": rows,
        "totals": rollup_totals(rows),
        "built_at": timezone.now().isoformat(timespec="seconds"),
    }


def _unit_json(rollup: RollUp) -> dict:
    unit = rollup.unit
    return {
        "level": rollup.level,
        "code": rollup.unit_code,
        "name": unit.name,
        "province": rollup.province.name,
        "label": unit_label(rollup),
    }


def _set_json(criteria_set: CriteriaSet | None) -> dict:
    if criteria_set is None:
        return {"code": "", "name": "", "title": ""}
    return {"code": criteria_set.code, "name": criteria_set.name_vi, "title": criteria_set.title_vi}


def _latest_main(assessments: list[Assessment], criteria_set: CriteriaSet | None) -> dict[int, Assessment]:
    """Each commune's latest assessment of the main set (assessments come newest year first)."""
    latest: dict[int, Assessment] = {}
    for assessment in assessments:
        if criteria_set and assessment.criteria_set_id == criteria_set.pk:
            latest.setdefault(assessment.commune_id, assessment)
    return latest


def _commune_row(commune, assessment, assessments, sets, criteria_set) -> dict:
    row = {"code": commune.code, "name": commune.name, "year": None, "status": "none"}
    row |= {"criteria_met": None, "criteria_total": None, "indicators_met": None, "band": "", "title": ""}
    if assessment is None:
        return row
    band = evaluation.band(assessment.criteria_met, assessment.criteria_total or 19)
    row |= {
        "year": assessment.year,
        "status": assessment.status,
        "criteria_met": assessment.criteria_met,
        "criteria_total": assessment.criteria_total,
        "indicators_met": assessment.indicators_met,
        "band": band.code,
        "title": _title_reached(commune.pk, assessment.year, assessments, sets),
    }
    return row


def _title_reached(commune_id: int, year: int, assessments: list[Assessment], sets: dict) -> str:
    """The highest title the commune qualified for in `year`: a set that requires another
    outranks it. Returns the set's title text (Vietnamese), or ""."""
    best = None
    for a in assessments:
        if a.commune_id != commune_id or a.year != year or not a.title_qualified:
            continue
        candidate = sets[a.criteria_set_id]
        if best is None or (candidate.prerequisite_id is not None, candidate.code) > (
            best.prerequisite_id is not None,
            best.code,
        ):
            best = candidate
    return (best.title_vi or best.name_vi) if best else ""


def _changes(assessment_ids: list[int], monday: datetime.date, criteria: list[Criterion]) -> dict:
    """Per assessment: criteria gained and lost between last week's snapshot and this
    week's (None when either snapshot is missing). One query."""
    previous_monday = monday - datetime.timedelta(weeks=1)
    snapshots: dict[tuple[int, datetime.date], dict] = {}
    rows = EvaluationSnapshot.objects.filter(
        assessment_id__in=assessment_ids, week_start__in=[monday, previous_monday]
    ).values_list("assessment_id", "week_start", "criterion_statuses")
    for assessment_id, start, statuses in rows:
        snapshots[(assessment_id, start)] = statuses
    codes = {str(c.pk): c.code for c in criteria}
    order = {c.code: c.order for c in criteria}
    changes = {}
    for assessment_id in assessment_ids:
        now, before = snapshots.get((assessment_id, monday)), snapshots.get((assessment_id, previous_monday))
        if now is None or before is None:
            continue
        gained = [codes[k] for k, s in now.items() if s == "met" and before.get(k) != "met" and k in codes]
        lost = [codes[k] for k, s in before.items() if s == "met" and now.get(k) != "met" and k in codes]
        changes[assessment_id] = (sorted(gained, key=order.get), sorted(lost, key=order.get))
    return changes


def _edits_after_approval(assessments: list[Assessment], monday: datetime.date) -> dict[int, list[str]]:
    """Per commune: indicator codes whose value changed during the week in an assessment that
    had been approved before the change (reopened, then edited). One query."""
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time()))
    end = start + datetime.timedelta(weeks=1)
    approved_before = Transition.objects.filter(
        assessment_id=OuterRef("assessment_id"),
        to_status=Assessment.State.APPROVED,
        at__lt=OuterRef("history_date"),
    )
    rows = (
        IndicatorValue.history.filter(
            assessment_id__in=[a.pk for a in assessments], history_date__gte=start, history_date__lt=end
        )
        .filter(Exists(approved_before))
        .values_list("assessment_id", "indicator__code")
        .distinct()
    )
    commune_of = {a.pk: a.commune_id for a in assessments}
    codes: dict[int, set[str]] = defaultdict(set)
    for assessment_id, code in rows:
        codes[commune_of[assessment_id]].add(code)
    return {commune_id: sorted(found, key=_code_key) for commune_id, found in codes.items()}


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def _plan_figures(communes: QuerySet, iso_year: int, sunday: datetime.date, as_of: datetime.date) -> dict:
    """Per commune, its plan of the week's year (else its latest earlier plan): work items
    done by the end of the week, and its criterion deadlines due this quarter or overdue.
    Five queries."""
    plans: dict[int, Plan] = {}
    for plan in Plan.objects.filter(commune__in=communes, year__lte=iso_year).order_by("commune_id", "-year"):
        plans.setdefault(plan.commune_id, plan)
    plan_ids = [plan.pk for plan in plans.values()]
    items = list(WorkItem.objects.filter(plan_id__in=plan_ids).values("pk", "plan_id", "quantity"))
    done = dict(
        ReportLine.objects.filter(work_item__plan_id__in=plan_ids, report__week__lte=sunday)
        .order_by()
        .values("work_item_id")
        .annotate(total=Sum("quantity"))
        .values_list("work_item_id", "total")
    )
    due = _deadline_figures(plans, as_of)
    figures = {}
    for commune_id, plan in plans.items():
        own = [item for item in items if item["plan_id"] == plan.pk]
        figures[commune_id] = _plan_json(plan, own, done) | {"deadlines": due.get(plan.pk, [])}
    return figures


def _plan_json(plan: Plan, items: list[dict], done: dict) -> dict:
    percents = [min(Decimal(100), (done.get(i["pk"]) or 0) * 100 / i["quantity"]) for i in items]
    average = (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None
    return {
        "year": plan.year,
        "items": len(items),
        "items_done": sum(1 for i in items if (done.get(i["pk"]) or 0) >= i["quantity"]),
        "percent": float(average) if average is not None else None,
    }


def _deadline_figures(plans: dict[int, Plan], as_of: datetime.date) -> dict[int, list[dict]]:
    """Criterion deadlines due this quarter (at risk) or overdue, per plan. Two queries."""
    by_plan = {plan.pk: plan for plan in plans.values()}
    items = list(
        CriterionDeadline.objects.filter(plan_id__in=list(by_plan))
        .select_related("criterion")
        .order_by("quarter", "criterion__order")
    )
    met = set(
        CriterionResult.objects.filter(
            criterion_id__in={item.criterion_id for item in items},
            status=evaluation.Status.MET.value,
            assessment__commune_id__in=list(plans),
        ).values_list("assessment__commune_id", "assessment__year", "criterion_id")
    )
    result: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        plan = by_plan[item.plan_id]
        is_met = (plan.commune_id, plan.year, item.criterion_id) in met
        status = deadlines.criterion_deadline_status(is_met, plan.year, item.quarter, as_of)
        if status in (deadlines.DeadlineStatus.AT_RISK, deadlines.DeadlineStatus.OVERDUE):
            result[plan.pk].append(
                {"criterion": item.criterion.code, "quarter": item.quarter, "status": status.value}
            )
    return result


def _report_figures(communes: QuerySet, iso_year: int, monday: datetime.date) -> dict[int, dict]:
    """Per commune: villages expected to report this week (communes with a plan of the week's
    year), reports on time and late, and the missing rest. Three queries."""
    planned = set(
        Plan.objects.filter(commune__in=communes, year=iso_year).values_list("commune_id", flat=True)
    )
    figures: dict[int, dict] = {}
    villages = (
        Village.objects.filter(commune__in=communes).order_by().values("commune_id").annotate(n=Count("pk"))
    )
    for row in villages:
        expected = row["n"] if row["commune_id"] in planned else 0
        figures[row["commune_id"]] = {"expected": expected, "on_time": 0, "late": 0, "missing": expected}
    reports = (
        WeeklyReport.objects.filter(village__commune__in=communes, week=monday)
        .order_by()
        .values("village__commune_id")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_at__lt=F("deadline"))),
            late=Count("pk", filter=Q(submitted_at__gte=F("deadline"))),
        )
    )
    for row in reports:
        item = figures.setdefault(
            row["village__commune_id"], {"expected": 0, "on_time": 0, "late": 0, "missing": 0}
        )
        item["on_time"], item["late"] = row["on_time"], row["late"]
        item["missing"] = max(0, item["expected"] - item["on_time"] - item["late"])
    return figures


BAND_ORDER = ["all", "15-18", "10-14", "5-9", "under5"]


def rollup_totals(rows: list[dict]) -> dict:
    """The unit's totals from its commune rows (pure)."""
    assessed = [row for row in rows if row["criteria_met"] is not None]
    bands = dict.fromkeys(BAND_ORDER, 0)
    for row in assessed:
        bands[row["band"]] = bands.get(row["band"], 0) + 1
    average = None
    if assessed:
        average = float(
            (Decimal(sum(r["criteria_met"] for r in assessed)) / len(assessed)).quantize(Decimal("0.1"))
        )
    reports = {
        key: sum(row["reports"][key] for row in rows) for key in ("expected", "on_time", "late", "missing")
    }
    deadline_rows = [d for row in rows if row["plan"] for d in row["plan"]["deadlines"]]
    percents = [row["plan"]["percent"] for row in rows if row["plan"] and row["plan"]["percent"] is not None]
    return {
        "communes": len(rows),
        "assessed": len(assessed),
        "bands": bands,
        "average": average,
        "titled": sum(1 for row in rows if row["title"]),
        "gained": sum(len(row["gained"] or []) for row in rows),
        "lost": sum(len(row["lost"] or []) for row in rows),
        "edited": sum(len(row["edited_after_approval"]) for row in rows),
        "deadlines_due": sum(1 for d in deadline_rows if d["status"] == "at_risk"),
        "deadlines_overdue": sum(1 for d in deadline_rows if d["status"] == "overdue"),
        "plan_percent": round(sum(percents) / len(percents), 1) if percents else None,
        "reports": reports,
    }
