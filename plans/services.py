"""Writes of the plans app: allocations, weekly reports and reminders. Keyword-only arguments;
each service validates before it writes and writes in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from communes.models import Role, Village
from criteria.evaluation import format_number

from . import deadlines
from .models import (
    Allocation,
    CountedObject,
    DailyReport,
    DeadlineRule,
    FundActual,
    Plan,
    PlanReporter,
    Programme,
    ReminderSent,
    ReportEdit,
    ReportLine,
    SocioTarget,
    TargetActual,
    WeeklyReport,
    WorkItem,
)
from .photos import ProcessedPhoto


def plan_allowed_villages(plan: Plan) -> dict[int, Village]:
    return {village.pk: village for village in plan.commune.villages.all()}


def allocation_difference_messages(items: list[WorkItem], differences: dict[int, Decimal]) -> list[str]:
    messages = []
    for item in items:
        if item.pk not in differences:
            continue
        difference = differences[item.pk]
        values = {
            "item": item.name,
            "diff": format_number(abs(difference)),
            "unit": item.unit,
            "total": format_number(item.quantity),
        }
        if difference < 0:
            text = _(
                "Hàng «%(item)s»: tổng phân bổ còn thiếu %(diff)s %(unit)s so với khối lượng %(total)s %(unit)s."
            )
        else:
            text = _(
                "Hàng «%(item)s»: tổng phân bổ thừa %(diff)s %(unit)s so với khối lượng %(total)s %(unit)s."
            )
        messages.append(text % values)
    return messages


@transaction.atomic
def allocation_save(*, plan: Plan, cells: dict[tuple[int, int], Decimal | None]) -> int:
    """Replace the plan's allocation grid with `cells` ((item id, village id) → quantity, blank
    meaning none). Every row must add up to its item's quantity, else nothing is written."""
    items = list(plan.work_items.all())
    villages = plan_allowed_villages(plan)
    item_ids = {item.pk for item in items}
    filled = {key: value for key, value in cells.items() if value is not None}
    if any(item_id not in item_ids or village_id not in villages for item_id, village_id in filled):
        raise ValidationError(_("Bảng phân bổ có ô không thuộc kế hoạch này."))
    if any(value < 0 for value in filled.values()):
        raise ValidationError(_("Khối lượng phân bổ không được âm."))
    differences = deadlines.row_differences({item.pk: item.quantity for item in items}, filled)
    if differences:
        raise ValidationError(allocation_difference_messages(items, differences))
    # The grid is the whole truth for the plan: rows not in it are removed.
    Allocation.objects.filter(work_item__plan=plan).delete()
    Allocation.objects.bulk_create(
        [
            Allocation(work_item_id=item_id, village_id=village_id, quantity=quantity)
            for (item_id, village_id), quantity in filled.items()
        ]
    )
    return len(filled)


def report_week_check(*, plan: Plan, week: date, now: datetime) -> None:
    """Refuse a week that has not started yet and a week outside the plan's year."""
    if deadlines.is_future_week(week, now):
        raise ValidationError(
            _("Không thể báo cáo cho tuần %(week)s: tuần này chưa bắt đầu.")
            % {"week": deadlines.iso_label(week)}
        )
    if week.isocalendar().year != plan.year:
        raise ValidationError(
            _("Tuần %(week)s không thuộc năm kế hoạch %(year)s.")
            % {"week": deadlines.iso_label(week), "year": plan.year}
        )


def report_deadline_for(plan: Plan, week: date) -> datetime:
    weekday, at = DeadlineRule.for_commune(plan.commune)
    return deadlines.report_deadline(week, weekday, at)


class WeeklyReportConflict(Exception):
    """A save started from an older copy of the report (or from none, when another user
    submitted the first one meanwhile); `report` is the stored report, with its lines."""

    def __init__(self, report: WeeklyReport):
        self.report = report
        super().__init__(_("Người khác đã lưu báo cáo này sau khi bạn mở trang."))


def weekly_report_submit(
    *,
    plan: Plan,
    village: Village,
    week: date,
    quantities: dict[int, Decimal],
    notes: str,
    next_week_plan: str,
    user,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> WeeklyReport:
    """Create or edit a village's report for a week. The first submission fixes its deadline
    and timeliness; a later edit is kept with its old and new values (flagged after the deadline).
    With `expected_version` (0: the page had no report yet), a save from an older copy is
    refused (WeeklyReportConflict)."""
    now = now or timezone.now()
    report_week_check(plan=plan, week=week, now=now)
    allocated = set(
        Allocation.objects.filter(work_item__plan=plan, village=village, quantity__gt=0).values_list(
            "work_item_id", flat=True
        )
    )
    if set(quantities) - allocated:
        raise ValidationError(_("Chỉ báo cáo được các hạng mục đã giao cho thôn."))
    args = (plan, village, week, quantities, notes, next_week_plan, user, now, expected_version)
    try:
        return _report_write(*args)
    except IntegrityError:
        # Two first submissions at the same moment: the second becomes an edit of the first
        # (or, from a page that had no report, a conflict).
        return _report_write(*args)


@transaction.atomic
def _report_write(
    plan, village, week, quantities, notes, next_week_plan, user, now, expected_version
) -> WeeklyReport:
    report = WeeklyReport.objects.select_for_update().filter(plan=plan, village=village, week=week).first()
    if report is not None and expected_version is not None and report.version != expected_version:
        raise WeeklyReportConflict(report)
    if report is None:
        report = WeeklyReport.objects.create(
            plan=plan,
            village=village,
            week=week,
            notes=notes,
            next_week_plan=next_week_plan,
            deadline=report_deadline_for(plan, week),
            submitted_at=now,
            submitted_by=user,
            updated_at=now,
        )
        _lines_write(report, quantities)
        return report
    changes = _report_changes(report, quantities, notes, next_week_plan)
    if changes:
        report.notes, report.next_week_plan, report.updated_at = notes, next_week_plan, now
        report.version += 1
        report.save(update_fields=["notes", "next_week_plan", "updated_at", "version"])
        _lines_write(report, quantities)
        ReportEdit.objects.create(
            report=report,
            edited_at=now,
            edited_by=user,
            after_deadline=now >= report.deadline,
            changes=changes,
        )
    return report


def _lines_write(report: WeeklyReport, quantities: dict[int, Decimal]) -> None:
    report.lines.exclude(work_item_id__in=list(quantities)).delete()
    ReportLine.objects.bulk_create(
        [
            ReportLine(report=report, work_item_id=item_id, quantity=value)
            for item_id, value in quantities.items()
        ],
        update_conflicts=True,
        unique_fields=["report", "work_item"],
        update_fields=["quantity"],
    )


def _report_changes(report: WeeklyReport, quantities: dict[int, Decimal], notes: str, next_plan: str) -> dict:
    """Old and new values of what an edit changes, as JSON-friendly strings."""
    changes: dict = {}
    if report.notes != notes:
        changes["notes"] = [report.notes, notes]
    if report.next_week_plan != next_plan:
        changes["next_week_plan"] = [report.next_week_plan, next_plan]
    old = {line.work_item_id: line.quantity for line in report.lines.all()}
    for item_id in sorted(set(old) | set(quantities)):
        before, after = old.get(item_id), quantities.get(item_id)
        if before != after:
            changes.setdefault("quantities", {})[str(item_id)] = [
                None if before is None else str(before),
                None if after is None else str(after),
            ]
    return changes


def weekly_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail (in Vietnamese) the heads of villages that have work allocated in a plan that
    covers the current week and no report for it. Each village is reminded at most once a
    week."""
    now = now or timezone.now()
    week = deadlines.current_week(now)
    pending = _villages_without_report(week)
    heads = Role.objects.filter(kind=Role.Kind.VILLAGE_HEAD, village_id__in=pending).select_related(
        "user", "village__commune"
    )
    by_village: dict[int, list[Role]] = {}
    for role in heads:
        if role.user.email and role.user.is_active:
            by_village.setdefault(role.village_id, []).append(role)
    sent = 0
    for village_id, roles in by_village.items():
        _claimed, created = ReminderSent.objects.get_or_create(
            village_id=village_id, week=week, defaults={"recipients": len(roles)}
        )
        if created:
            sent += sum(_reminder_mail(role, pending[village_id], week) for role in roles)
    return sent


def _villages_without_report(week: date) -> dict[int, Plan]:
    """Village id → the plan it has to report on, for villages still missing this week, among
    plans whose reporting span covers the week (adopted before its deadline day, and inside
    a campaign wave for a plan with waves). Five queries."""
    allocated = list(
        Allocation.objects.filter(
            work_item__plan__year=week.isocalendar().year, quantity__gt=0
        ).select_related("work_item__plan__commune")
    )
    spans = Plan.objects.filter(pk__in={a.work_item.plan_id for a in allocated}).reporting_spans()
    reported = set(WeeklyReport.objects.filter(week=week).values_list("plan_id", "village_id"))
    pending: dict[int, Plan] = {}
    for allocation in allocated:
        plan = allocation.work_item.plan
        if spans[plan.pk].covers(week) and (plan.pk, allocation.village_id) not in reported:
            pending.setdefault(allocation.village_id, plan)
    return pending


def _reminder_mail(role: Role, plan: Plan, week: date) -> int:
    user, village = role.user, role.village
    with translation.override("vi"):
        deadline = timezone.localtime(report_deadline_for(plan, week))
        context = {
            "name": user.get_full_name() or user.username,
            "village": village.name,
            "commune": village.commune.name,
            "week": deadlines.iso_label(week),
            "deadline": formats.date_format(deadline, "l d/m/Y H:i"),
            "url": getattr(settings, "SITE_URL", "")
            + reverse("plans:report", args=[plan.pk, village.code, *week.isocalendar()[:2]]),
        }
        subject = _("Nhắc báo cáo tuần %(week)s — thôn %(village)s") % context
        body = (
            _(
                "Kính gửi %(name)s,\n\nThôn %(village)s (xã %(commune)s) chưa gửi báo cáo kết quả "
                "tuần %(week)s. Hạn nộp: %(deadline)s.\nVui lòng báo cáo tại: %(url)s\n\nNTM Tracker"
            )
            % context
        )
    return send_mail(subject, body, None, [user.email])


@transaction.atomic
def plan_create(*, commune, form) -> Plan:
    plan = form.save(commit=False)
    plan.commune = commune
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, editor) -> Plan:
    """Save the plan's main form and its tables together, or nothing."""
    plan = editor.form.save()
    for _title, formset in editor.formsets:
        formset.instance = plan
        formset.save()
    return plan


@transaction.atomic
def funds_update(*, owner: Plan | Programme, formset) -> None:
    """Save a plan's or programme's table of fund sources (added, changed, removed lines)
    together."""
    formset.instance = owner
    with transaction.atomic():
        formset.save()


def fund_actual_record(*, form, user) -> FundActual:
    """Record what one source mobilised in a period. A second value for the same source and
    day (two tabs, a double click) is refused by the unique constraint and said so."""
    actual = form.save(commit=False)
    actual.entered_by = user
    try:
        with transaction.atomic():
            actual.save()
    except IntegrityError as error:
        raise ValidationError(
            FundActual.DUPLICATE_PERIOD % {"day": actual.period_end.strftime("%d/%m/%Y")}
        ) from error
    return actual


def fund_actual_delete(*, actual: FundActual) -> None:
    actual.delete()


# --- Daily photo reports ---------------------------------------------------------------------


def daily_day_check(*, plan: Plan, day: date, now: datetime) -> None:
    """Refuse a day in the future, and a day outside the campaign waves (or, for a plan
    without waves, outside its reporting span)."""
    if day > deadlines.local_today(now):
        raise ValidationError(
            _("Ngày %(day)s chưa đến: không thể báo cáo trước.") % {"day": formats.date_format(day, "d/m/Y")}
        )
    if not plan.reporting_span().covers_day(day):
        if plan.waves.exists():
            text = _("Ngày %(day)s không nằm trong đợt cao điểm nào của kế hoạch.")
        else:
            text = _("Ngày %(day)s nằm ngoài thời gian báo cáo của kế hoạch năm %(year)s.")
        raise ValidationError(text % {"day": formats.date_format(day, "d/m/Y"), "year": plan.year})


def daily_report_post(
    *,
    plan: Plan,
    village: Village | None,
    reporter: PlanReporter | None,
    day: date,
    work_item: WorkItem | None,
    quantity: Decimal | None,
    note: str,
    photo: ProcessedPhoto,
    keep_location: bool,
    user,
    now: datetime | None = None,
    is_illustrative: bool = False,
) -> DailyReport:
    """Store a daily report with its processed photo. The position read from the photo is kept
    (in the model's fields; the stored file never carries it) only when `keep_location`."""
    now = now or timezone.now()
    keep = keep_location and photo.latitude is not None
    report = DailyReport(
        plan=plan,
        village=village,
        reporter=reporter,
        day=day,
        work_item=work_item,
        quantity=quantity,
        note=note,
        keep_location=keep,
        latitude=photo.latitude if keep else None,
        longitude=photo.longitude if keep else None,
        posted_by=user,
        posted_at=now,
        is_illustrative=is_illustrative,
    )
    _daily_check(report, now)
    _daily_photo_store(report, photo)
    try:
        with transaction.atomic():
            report.save()
    except Exception:
        # Nothing half-written: the files of a refused row are removed.
        report.photo.delete(save=False)
        report.thumbnail.delete(save=False)
        raise
    return report


def _daily_check(report: DailyReport, now: datetime) -> None:
    """What a daily report must be, posted or corrected: a day of the plan's reporting span,
    not in the future; a sender of the plan; a work item of the plan (a village's board: one
    allocated to the village), needed for a quantity."""
    plan, village, reporter = report.plan, report.village, report.reporter
    work_item, quantity = report.work_item, report.quantity
    daily_day_check(plan=plan, day=report.day, now=now)
    if village is None and reporter is None:
        raise ValidationError(_("Chọn thôn hoặc người báo cáo."))
    if village is not None and village.commune_id != plan.commune_id:
        raise ValidationError(_("Thôn này không thuộc xã của kế hoạch."))
    if reporter is not None and reporter.plan_id != plan.pk:
        raise ValidationError(_("Người báo cáo này không thuộc kế hoạch."))
    if work_item is not None and work_item.plan_id != plan.pk:
        raise ValidationError(_("Hạng mục này không thuộc kế hoạch."))
    if quantity is not None and work_item is None:
        raise ValidationError(_("Khối lượng: chọn hạng mục công việc trước khi nhập khối lượng."))
    if reporter is None and work_item is not None and not _allocated(work_item, village):
        raise ValidationError(_("Hạng mục: chỉ báo cáo được các hạng mục đã giao cho thôn."))


def _daily_photo_store(report: DailyReport, photo: ProcessedPhoto) -> None:
    """Write the processed photo and its thumbnail under new names (the row is saved by the
    caller), with the photo's size and shooting time."""
    report.photo.save("photo.jpg", ContentFile(photo.content), save=False)
    report.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
    report.photo_width, report.photo_height = photo.width, photo.height
    report.photo_taken_at = photo.taken_at


def _daily_files_delete(storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


def daily_report_edit(
    *,
    report: DailyReport,
    day: date,
    work_item: WorkItem | None,
    quantity: Decimal | None,
    note: str,
    keep_location: bool,
    photo: ProcessedPhoto | None = None,
    now: datetime | None = None,
) -> DailyReport:
    """Correct a daily report with the posting rules. Unticking `keep_location` deletes the
    stored position; ticking it keeps only a position still stored (or the new photo's): a
    position once removed is not brought back. A new `photo` replaces the files, the old ones
    deleted after the commit. The sender, who posted it and when, and is_illustrative stay."""
    now = now or timezone.now()
    stored = report.day, report.work_item, report.quantity
    report.day, report.work_item, report.quantity = day, work_item, quantity
    try:
        _daily_check(report, now)
    except ValidationError:
        # Refused: the report stays as stored, for the page shown again.
        report.day, report.work_item, report.quantity = stored
        raise
    old_files = [report.photo.name, report.thumbnail.name]
    storage = report.photo.storage
    if photo is not None:
        latitude, longitude = photo.latitude, photo.longitude
    else:
        latitude, longitude = report.latitude, report.longitude
    keep = keep_location and latitude is not None
    report.note, report.keep_location = note, keep
    report.latitude, report.longitude = (latitude, longitude) if keep else (None, None)
    if photo is not None:
        _daily_photo_store(report, photo)
    try:
        with transaction.atomic():
            report.save()
            if photo is not None:
                transaction.on_commit(lambda: _daily_files_delete(storage, old_files))
    except Exception:
        if photo is not None:
            _daily_files_delete(storage, [report.photo.name, report.thumbnail.name])
        raise
    return report


def daily_report_delete(*, report: DailyReport) -> None:
    """Delete the report; its photo and thumbnail files go once the deletion is committed."""
    files = [report.photo.name, report.thumbnail.name]
    storage = report.photo.storage
    with transaction.atomic():
        report.delete()
        transaction.on_commit(lambda: _daily_files_delete(storage, files))


def _allocated(work_item: WorkItem, village: Village | None) -> bool:
    return (
        village is not None
        and Allocation.objects.filter(work_item=work_item, village=village, quantity__gt=0).exists()
    )


def target_actual_record(
    *,
    target: SocioTarget,
    as_of: date,
    value: Decimal,
    user,
    period_label: str = "",
    note: str = "",
    source: str = TargetActual.Source.TARGET,
) -> TargetActual:
    """Record the target's actual value as of a day; a second entry for the same day replaces
    the first (one value per day)."""
    actual, _created = TargetActual.objects.update_or_create(
        target=target,
        as_of=as_of,
        defaults={
            "value": value,
            "period_label": period_label,
            "note": note,
            "source": source,
            "is_illustrative": False,
            "entered_by": user,
            "entered_at": timezone.now(),
        },
    )
    return actual


def counted_object_mark(*, counted: CountedObject, meets: bool, today: date) -> CountedObject:
    """Mark an object of a counted target as meeting it (recognised today unless it already
    has a day) or not (its day cleared)."""
    counted.meets = meets
    counted.recognised_on = (counted.recognised_on or today) if meets else None
    counted.save(update_fields=["meets", "recognised_on"])
    return counted


@transaction.atomic
def programme_create(*, unit, form) -> Programme:
    programme = form.save(commit=False)
    setattr(programme, unit._meta.model_name, unit)
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, editor) -> Programme:
    """Save the programme's main form and its target tables together, or nothing."""
    programme = editor.form.save()
    for _title, formset in editor.formsets:
        formset.instance = programme
        formset.save()
    return programme
