"""Services of the periodic reports: saving the written sections (refusing a save from an older
copy), the workflow draft → submitted → accepted | returned (a returned report is edited and
submitted again), the province office's due dates and the reminders to units that have not
submitted."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province, Role

from .models import PeriodicReminderSent, PeriodicReport, PeriodicReportDue, PeriodicReportTransition
from .periods import Period

logger = logging.getLogger(__name__)

State = PeriodicReport.State
# Reminders start this many days before the due date and go on, once a day, until the report
# is submitted or this many days after it.
REMINDER_DAYS_BEFORE = 7
REMINDER_DAYS_AFTER = 30
SECTION_MAX_LENGTH = 20_000
SECTIONS = ("difficulties", "next_tasks", "other_results")


class PeriodicReportConflict(Exception):
    """A save started from an older copy of the report; `report` is the stored one."""

    def __init__(self, report: PeriodicReport):
        self.report = report
        super().__init__(_("Người khác đã lưu báo cáo này sau khi bạn mở trang."))


def unit_fields(unit: Commune | District | Province) -> dict:
    """The level and unit foreign keys of a report of `unit`."""
    if isinstance(unit, Commune):
        return {"level": PeriodicReport.Level.COMMUNE, "province_id": unit.province_id, "commune": unit}
    if isinstance(unit, District):
        return {"level": PeriodicReport.Level.DISTRICT, "province_id": unit.province_id, "district": unit}
    return {"level": PeriodicReport.Level.PROVINCE, "province": unit}


def unit_lookup_fields(unit: Commune | District | Province) -> dict:
    """The lookup of a unit's reports (the unique key without the period)."""
    fields = unit_fields(unit)
    level = fields["level"]
    key = "province" if level == PeriodicReport.Level.PROVINCE else level
    return {"level": level, key: unit}


def periodic_report_for(unit, period: Period) -> PeriodicReport:
    """The unit's stored report of the period, or an unsaved draft (version 0) to show."""
    report = PeriodicReport.objects.filter(**unit_lookup_fields(unit)).of_period(period).first()
    if report is None:
        report = PeriodicReport(
            **unit_fields(unit), kind=period.kind, year=period.year, number=period.number, version=0
        )
    return report


def periodic_report_save(
    *,
    unit,
    period: Period,
    sections: dict[str, str],
    user,
    expected_version: int,
    submit: bool = False,
) -> PeriodicReport:
    """Store the written sections of the unit's report (creating it at the first save) and,
    with `submit`, submit it. `expected_version` is the version the page was opened at (0: no
    report yet); a save from an older copy raises PeriodicReportConflict and changes nothing."""
    try:
        return _save(unit, period, sections, user, expected_version, submit)
    except IntegrityError:
        # Two first saves at the same moment: the second finds the first and is refused as
        # stale (it was opened at version 0).
        return _save(unit, period, sections, user, expected_version, submit)


@transaction.atomic
def _save(unit, period, sections, user, expected_version, submit) -> PeriodicReport:
    report = (
        PeriodicReport.objects.select_for_update()
        .filter(**unit_lookup_fields(unit))
        .of_period(period)
        .first()
    )
    if report is None:
        if expected_version != 0:
            raise ValidationError(_("Báo cáo này không còn tồn tại."))
        report = PeriodicReport(**unit_fields(unit), kind=period.kind, year=period.year, number=period.number)
    elif report.version != expected_version:
        raise PeriodicReportConflict(report)
    if not report.is_editable:
        raise ValidationError(_("Báo cáo đã nộp, không sửa được nữa."))
    for name in SECTIONS:
        setattr(report, name, sections.get(name, "").strip())
    report.updated_by = user
    report.version = (report.version or 0) + 1
    report.save()
    if submit:
        _move(report, State.SUBMITTED, user)
    return report


def _move(report: PeriodicReport, to_status: str, user, reason: str = "") -> PeriodicReport:
    from_status = report.status
    now = timezone.now()
    report.status = to_status
    if to_status == State.SUBMITTED:
        report.submitted_at, report.submitted_by = now, user
        report.reviewed_at, report.reviewed_by = None, None
    else:
        report.reviewed_at, report.reviewed_by = now, user
    report.return_reason = reason if to_status == State.RETURNED else report.return_reason
    report.version += 1
    report.save()
    PeriodicReportTransition.objects.create(
        report=report, from_status=from_status, to_status=to_status, by=user, reason=reason
    )
    return report


@transaction.atomic
def periodic_report_submit(*, report: PeriodicReport, user) -> PeriodicReport:
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(_("Báo cáo đã nộp."))
    return _move(report, State.SUBMITTED, user)


@transaction.atomic
def periodic_report_accept(*, report: PeriodicReport, user) -> PeriodicReport:
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if report.status != State.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận được báo cáo đã nộp."))
    return _move(report, State.ACCEPTED, user)


@transaction.atomic
def periodic_report_return(*, report: PeriodicReport, user, reason: str) -> PeriodicReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Lý do trả lại: bắt buộc nhập.")})
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if report.status != State.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đã nộp."))
    return _move(report, State.RETURNED, user, reason=reason)


def periodic_due_set(*, province: Province, period: Period, due_date: datetime.date | None, user) -> None:
    """Set (or, with no date, clear) the province's due date for a period."""
    lookup = {"province": province, "kind": period.kind, "year": period.year, "number": period.number}
    if due_date is None:
        PeriodicReportDue.objects.filter(**lookup).delete()
        return
    PeriodicReportDue.objects.update_or_create(**lookup, defaults={"due_date": due_date, "set_by": user})


def periodic_due_for(province_id: int, period: Period) -> PeriodicReportDue | None:
    return PeriodicReportDue.objects.filter(
        province_id=province_id, kind=period.kind, year=period.year, number=period.number
    ).first()


# Reminders -------------------------------------------------------------------------------------


def periodic_reminders_send(*, now: datetime.datetime | None = None, days_before: int | None = None) -> int:
    """E-mail (in Vietnamese) the officers of the communes, and on the 2021-2025 map of the
    districts, whose report of a period is due within `days_before` days or overdue (up to
    REMINDER_DAYS_AFTER days) and not submitted. A report is reminded at most once a day;
    reports not opened yet are created as drafts so that the reminder is logged against them.
    Returns the number of e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days_before = REMINDER_DAYS_BEFORE if days_before is None else days_before
    dues = PeriodicReportDue.objects.filter(
        due_date__lte=today + datetime.timedelta(days=days_before),
        due_date__gte=today - datetime.timedelta(days=REMINDER_DAYS_AFTER),
    ).exclude(kind__in=["3years", "5years"])
    sent = 0
    for due in dues.select_related("province"):
        sent += _remind_due(due, today)
    return sent


def _remind_due(due: PeriodicReportDue, today: datetime.date) -> int:
    """Six queries and one per report reminded."""
    period = due.period
    communes = list(Commune.objects.filter(province_id=due.province_id).values_list("pk", flat=True))
    districts = list(District.objects.filter(province_id=due.province_id).values_list("pk", flat=True))
    period_fields = {"kind": period.kind, "year": period.year, "number": period.number}
    PeriodicReport.objects.bulk_create(
        [
            PeriodicReport(level="commune", province_id=due.province_id, commune_id=pk, **period_fields)
            for pk in communes
        ]
        + [
            PeriodicReport(level="district", province_id=due.province_id, district_id=pk, **period_fields)
            for pk in districts
        ],
        ignore_conflicts=True,
    )
    pending = list(
        PeriodicReport.objects.filter(
            province_id=due.province_id, level__in=["commune", "district"], **period_fields
        )
        .filter(status__in=[State.DRAFT, State.RETURNED])
        .exclude(reminders__day=today)
        .select_related("commune", "district")
    )
    roles = Role.objects.filter(
        kind__in=[Role.Kind.COMMUNE_OFFICER, Role.Kind.DISTRICT_COMMITTEE],
        user__is_active=True,
    ).exclude(user__email="")
    by_unit: dict[tuple[str, int], list[Role]] = {}
    for role in roles.filter(
        _units_q(
            [r.commune_id for r in pending if r.commune_id], [r.district_id for r in pending if r.district_id]
        )
    ).select_related("user"):
        key = ("commune", role.commune_id) if role.commune_id else ("district", role.district_id)
        by_unit.setdefault(key, []).append(role)
    sent = 0
    for report in pending:
        recipients = by_unit.get((report.level, report.unit_id), [])
        if not recipients:
            continue
        _claim, created = PeriodicReminderSent.objects.get_or_create(
            report=report, day=today, defaults={"recipients": len(recipients)}
        )
        if created:
            sent += sum(_reminder_mail(role.user, report, due) for role in recipients)
    return sent


def _units_q(commune_ids: list[int], district_ids: list[int]):
    from django.db.models import Q

    return Q(commune_id__in=commune_ids) | Q(district_id__in=district_ids)


def _reminder_mail(user, report: PeriodicReport, due: PeriodicReportDue) -> int:
    with translation.override("vi"):
        unit = report.unit
        context = {
            "name": user.get_full_name() or user.username,
            "unit": unit.name,
            "period": report.period.label,
            "due": formats.date_format(due.due_date, "d/m/Y"),
            "url": getattr(settings, "SITE_URL", "") + report_url(report),
        }
        subject = _("Nhắc nộp báo cáo định kỳ %(period)s — %(unit)s") % context
        body = (
            _(
                "Kính gửi %(name)s,\n\n%(unit)s chưa nộp báo cáo kết quả thực hiện Chương trình xây "
                "dựng nông thôn mới %(period)s. Hạn nộp: %(due)s.\nVui lòng hoàn thành và nộp tại: "
                "%(url)s\n\nNTM Tracker"
            )
            % context
        )
    return send_mail(subject, body, None, [user.email])


def report_url(report: PeriodicReport) -> str:
    unit = report.unit
    return reverse(
        "reports:periodic_report", args=[report.level, unit.key, report.kind, report.year, report.number]
    )
