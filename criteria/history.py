"""The history of an assessment as one list of events, newest first, read in four queries:
value changes, evidence changes, workflow transitions (with reasons) and nothing per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from .evaluation import Kind, format_value, stored_value
from .models import Assessment, Evidence, Indicator, IndicatorValue


@dataclass
class Event:
    at: datetime
    by: str
    kind: str  # "value", "evidence" or "status"
    subject: str
    old: str
    new: str
    reason: str
    indicator_id: int | None = None


def _who(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def value_events(assessment: Assessment, indicator: Indicator | None = None) -> list[Event]:
    records = IndicatorValue.history.filter(assessment_id=assessment.pk).select_related(
        "indicator", "history_user"
    )
    if indicator is not None:
        records = records.filter(indicator_id=indicator.pk)
    previous: dict[int, object] = {}
    events = []
    for record in records.order_by("history_date", "history_id"):
        kind = Kind(record.indicator.kind)
        before = previous.get(record.indicator_id)
        previous[record.indicator_id] = record
        old = format_value(kind, stored_value(kind, before), record.indicator.unit)
        new = format_value(kind, stored_value(kind, record), record.indicator.unit)
        old_note = before.note if before else ""
        if old != new:
            events.append(_event(record, f"{record.indicator.code} {record.indicator.name}", old, new))
        if old_note != record.note:
            subject = _("%(code)s — ghi chú") % {"code": record.indicator.code}
            events.append(_event(record, subject, old_note or "—", record.note or "—"))
    return events


def _event(record, subject: str, old: str, new: str, kind: str = "value") -> Event:
    return Event(
        at=record.history_date,
        by=_who(record.history_user),
        kind=kind,
        subject=subject,
        old=old,
        new=new,
        reason=record.history_change_reason or "",
        indicator_id=record.indicator_id,
    )


def evidence_events(assessment: Assessment, indicator: Indicator | None = None) -> list[Event]:
    records = Evidence.history.filter(assessment_id=assessment.pk).select_related("indicator", "history_user")
    if indicator is not None:
        records = records.filter(indicator_id=indicator.pk)
    events = []
    for record in records:
        subject = _("%(code)s — minh chứng") % {"code": record.indicator.code}
        if record.history_type == "-":
            events.append(_event(record, subject, record.original_name, "—", "evidence"))
        elif record.history_type == "+":
            events.append(_event(record, subject, "—", record.original_name, "evidence"))
    return events


def status_events(assessment: Assessment) -> list[Event]:
    return [
        Event(
            at=step.at,
            by=_who(step.by),
            kind="status",
            subject=_("Trạng thái hồ sơ"),
            old=step.get_from_status_display(),
            new=step.get_to_status_display(),
            reason=step.reason,
        )
        for step in assessment.transitions.select_related("by")
    ]


def assessment_events(assessment: Assessment, indicator: Indicator | None = None) -> list[Event]:
    events = value_events(assessment, indicator) + evidence_events(assessment, indicator)
    if indicator is None:
        events += status_events(assessment)
    return sorted(events, key=lambda event: event.at, reverse=True)
