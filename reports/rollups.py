"""The weekly roll-up of a district (or of a province's communes without a district).

`rollup_build` claims the unit's RollUp row, freezes the week's figures (computed by
`figures.rollup`) as JSON, stores the workbook and mails it to the committee; building the
same unit and week again replaces the row in place (one row per unit and week, a database
constraint).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import District, Province, map_on
from criteria.models import Assessment

from .documents.letterhead import DocumentType, Letterhead, letterhead_for
from .figures.rollup import rollup_built_on, rollup_figures, unit_communes
from .mail import rollup_send
from .models import EvaluationSnapshot, RollUp
from .snapshots import snapshots_take
from .weeks import rollup_default_week, week_bounds

__all__ = ["rollup_default_week", "week_bounds"]

logger = logging.getLogger(__name__)

# Errors worth a retry: the database or the broker went away for a moment.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)

# A build that has been "running" this long is taken to be lost with its worker.
STALE_AFTER = datetime.timedelta(minutes=15)


# --- Units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    level: str
    code: str  # the unit's key: its code, prefixed on the old map
    province_id: int
    district_id: int | None


def rollup_units(iso_year: int, iso_week: int) -> list[UnitRef]:
    """The recipients of a week's roll-ups, on the administrative map of the week's report
    deadline: before 1 July 2025 every district with communes (and every province with
    communes outside any district), from then on every province (no districts)."""
    unit_map = map_on(week_bounds(iso_year, iso_week)[0] + datetime.timedelta(days=3))
    districts = District.objects.filter(map=unit_map, communes__isnull=False).distinct().order_by("code")
    units = [UnitRef(RollUp.Level.DISTRICT, d.key, d.province_id, d.pk) for d in districts]
    provinces = (
        Province.objects.filter(map=unit_map, communes__district__isnull=True).distinct().order_by("code")
    )
    units += [UnitRef(RollUp.Level.PROVINCE, p.key, p.pk, None) for p in provinces]
    return units


def unit_ref(unit: District | Province) -> UnitRef:
    if isinstance(unit, District):
        return UnitRef(RollUp.Level.DISTRICT, unit.key, unit.province_id, unit.pk)
    return UnitRef(RollUp.Level.PROVINCE, unit.key, unit.pk, None)


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
    units = rollup_units(iso_year, iso_week)
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
    # The district with its province: the letterhead names both.
    rollup = RollUp.objects.select_related("district__province", "province").get(pk=rollup_id)
    if not claimed:
        return rollup
    started = time.monotonic()
    try:
        with translation.override("vi"):
            today = timezone.localdate()
            rollup_snapshots_ensure(rollup=rollup, today=today)
            data = rollup_figures(rollup=rollup, today=today)
            content = rollup_workbook_bytes(data, rollup_letterhead(rollup, data))
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # noqa: BLE001 - any other failure must show on the page
        logger.exception("Roll-up %s failed", rollup_id)
        rollup_fail(rollup_id=rollup_id, error=error, token=token)
        rollup.refresh_from_db()
        return rollup
    if not _store(rollup, token, data, content, int((time.monotonic() - started) * 1000)):
        return rollup
    if send_mail:
        rollup_send(rollup=rollup, content=content)
    return rollup


def _store(rollup: RollUp, token: str, data: dict, content: bytes, duration_ms: int) -> bool:
    """Save the workbook and the figures if this build still holds the row's claim."""
    storage = rollup.file.storage
    name = storage.save(f"rollups/{rollup.iso_year}/{rollup_filename(rollup)}", ContentFile(content))
    old = rollup.file.name
    fields = {
        "status": RollUp.State.DONE,
        "data": data,
        "file": name,
        "filename": rollup_filename(rollup),
        "error": "",
        "finished_at": timezone.now(),
        "duration_ms": duration_ms,
    }
    if not RollUp.objects.filter(pk=rollup.pk, token=token).update(**fields):
        storage.delete(name)
        return False
    if old and old != name:
        storage.delete(old)
    # The row as stored, without reading it back.
    for field, value in fields.items():
        setattr(rollup, field, value)
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


def rollup_letterhead(rollup: RollUp, data: dict) -> Letterhead:
    """The roll-up's letterhead, dated the day it was built (`rollup_built_on`)."""
    from .excel.rollup import rollup_title

    return letterhead_for(
        rollup.unit,
        doc_type=DocumentType.REPORT,
        summary=rollup_title(data),
        on=rollup_built_on(data, rollup.finished_at),
    )


def rollup_workbook_bytes(data: dict, letterhead: Letterhead) -> bytes:
    from .excel.rollup import build_rollup_workbook
    from .excel.styles import workbook_bytes

    return workbook_bytes(build_rollup_workbook(data, letterhead))


# --- The figures ---------------------------------------------------------------------------


def rollup_snapshots_ensure(*, rollup: RollUp, today: datetime.date) -> int:
    """Freeze the unit's evaluation for the roll-up's week: taken again while the week is
    still running (so the roll-up shows the current figures and compares them with last
    week), taken for a past week only if it was never taken (a past week stays as it was)."""
    communes: QuerySet = unit_communes(rollup)
    assessments = Assessment.objects.filter(Q(commune__in=communes) | Q(village__commune__in=communes))
    monday, sunday = week_bounds(rollup.iso_year, rollup.iso_week)
    running = monday <= today <= sunday
    taken = EvaluationSnapshot.objects.filter(
        assessment__in=assessments, iso_year=rollup.iso_year, iso_week=rollup.iso_week
    ).exists()
    if taken and not running:
        return 0
    return snapshots_take(iso_year=rollup.iso_year, iso_week=rollup.iso_week, assessments=assessments)
