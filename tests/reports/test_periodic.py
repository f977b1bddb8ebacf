"""Periodic reports: periods, the workflow, stale saves, due dates, reminders and the content
read from the figures layer."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from criteria.models import CriterionResult, Recognition
from plans.models import Plan
from reports.figures.periodic import periodic_report_content
from reports.figures.scope import commune_sets, scope_rows
from reports.models import (
    EvaluationSnapshot,
    PeriodicReminderSent,
    PeriodicReport,
    PeriodicReportDue,
    PeriodicReportTransition,
)
from reports.periodic import (
    PeriodicReportConflict,
    periodic_due_set,
    periodic_reminders_send,
    periodic_report_accept,
    periodic_report_return,
    periodic_report_submit,
)
from reports.periods import Period, is_valid, listed_periods, period_of
from reports.snapshots import snapshots_take

from ..dashboard_helpers import populate
from .periodic_helpers import Q4_2024, saved

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_periods_have_their_bounds_and_words():
    assert (Q4_2024.start, Q4_2024.end) == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    assert Q4_2024.label == "quý IV năm 2024"
    first_half = Period("half", 2026, 1)
    assert first_half.end == datetime.date(2026, 6, 30) and first_half.label == "6 tháng đầu năm 2026"
    five = Period("5years", 2025, 1)
    assert five.start == datetime.date(2021, 1, 1) and five.label == "5 năm 2021-2025"
    assert period_of("quarter", datetime.date(2026, 2, 3)) == Period("quarter", 2026, 1)


def test_multi_year_periods_are_only_for_a_province():
    assert not is_valid("3years", 2025, 1)
    assert is_valid("3years", 2025, 1, province=True)
    assert not is_valid("quarter", 2025, 5)
    assert "3years" not in {p.kind for p in listed_periods(datetime.date(2026, 5, 1))}
    assert listed_periods(datetime.date(2026, 5, 1))[0] == Period("quarter", 2026, 2)


def test_the_database_refuses_a_multi_year_report_of_a_commune(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodicReport.objects.create(
            level="commune", province=cast.province, commune=cast.commune_a, kind="3years", year=2025
        )


def test_the_database_refuses_a_commune_report_without_its_commune(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodicReport.objects.create(level="commune", province=cast.province, kind="year", year=2025)


def test_the_summary_line_names_the_period(cast):
    report = saved(cast.commune_a, cast.officer_a)
    assert report.document_summary() == (
        "Kết quả thực hiện Chương trình xây dựng nông thôn mới quý IV năm 2024"
    )


def test_it_goes_draft_submitted_returned_submitted_accepted(cast):
    report = saved(cast.commune_a, cast.officer_a)
    assert report.status == "draft" and report.difficulties == "Thiếu vốn"
    report = periodic_report_submit(report=report, user=cast.officer_a)
    assert report.status == "submitted" and report.submitted_by == cast.officer_a
    with pytest.raises(ValidationError):
        saved(cast.commune_a, cast.officer_a, difficulties="đổi sau khi nộp")
    report = periodic_report_return(report=report, user=cast.district_member_a, reason="Thiếu số liệu thôn")
    assert report.status == "returned" and report.return_reason == "Thiếu số liệu thôn"
    report = saved(cast.commune_a, cast.officer_a, submit=True, difficulties="Đã bổ sung")
    assert report.status == "submitted" and report.difficulties == "Đã bổ sung"
    report = periodic_report_accept(report=report, user=cast.district_member_a)
    assert report.status == "accepted" and report.reviewed_by == cast.district_member_a
    steps = list(PeriodicReportTransition.objects.filter(report=report).order_by("at", "pk"))
    assert [(s.from_status, s.to_status) for s in steps] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    assert steps[1].reason == "Thiếu số liệu thôn"


def test_a_return_needs_a_reason_and_changes_nothing_without_one(cast):
    report = saved(cast.commune_a, cast.officer_a, submit=True)
    with pytest.raises(ValidationError) as error:
        periodic_report_return(report=report, user=cast.district_member_a, reason="   ")
    assert "Lý do trả lại" in str(error.value)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_draft_cannot_be_accepted(cast):
    report = saved(cast.commune_a, cast.officer_a)
    with pytest.raises(ValidationError):
        periodic_report_accept(report=report, user=cast.district_member_a)


def test_a_save_from_an_older_copy_is_refused_and_changes_nothing(cast):
    first = saved(cast.commune_a, cast.officer_a)
    opened_at = first.version
    saved(cast.commune_a, cast.officer_a, difficulties="Bản của người khác")
    from reports.periodic import periodic_report_save

    with pytest.raises(PeriodicReportConflict) as conflict:
        periodic_report_save(
            unit=cast.commune_a,
            period=Q4_2024,
            sections={"difficulties": "Bản cũ"},
            user=cast.officer_a,
            expected_version=opened_at,
        )
    assert conflict.value.report.difficulties == "Bản của người khác"
    assert PeriodicReport.objects.get().difficulties == "Bản của người khác"


def test_a_first_save_from_a_page_opened_before_another_first_save_is_refused(cast):
    from reports.periodic import periodic_report_save

    saved(cast.commune_a, cast.officer_a)
    with pytest.raises(PeriodicReportConflict):
        periodic_report_save(
            unit=cast.commune_a, period=Q4_2024, sections={}, user=cast.officer_a, expected_version=0
        )


def test_it_is_on_time_up_to_the_due_day_and_late_after(cast):
    periodic_due_set(province=cast.province, period=Q4_2024, due_date=datetime.date(2024, 12, 20), user=None)
    due = PeriodicReportDue.objects.get()
    with time_machine.travel(datetime.datetime(2024, 12, 20, 23, 0, tzinfo=VN), tick=False):
        on_time = saved(cast.commune_a, cast.officer_a, submit=True)
    with time_machine.travel(datetime.datetime(2024, 12, 21, 0, 5, tzinfo=VN), tick=False):
        late = saved(cast.commune_b, cast.officer_b, submit=True)
    assert on_time.timeliness(due) == "on_time"
    assert late.timeliness(due) == "late"
    assert on_time.timeliness(None) is None


def test_without_a_due_date_the_content_says_so(cast):
    content = periodic_report_content(saved(cast.commune_a, cast.officer_a), today=datetime.date(2024, 11, 1))
    assert content.due_date is None and content.due_note == "chưa có hạn nộp"
    assert content.funds == [] and content.funds_note == "chưa có số liệu nguồn vốn trong kỳ"


@pytest.fixture
def reminders(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user, email in ((cast.officer_a, "a@example.vn"), (cast.officer_b, "b@example.vn")):
        user.email = email
        user.save(update_fields=["email"])
    periodic_due_set(province=cast.province, period=Q4_2024, due_date=datetime.date(2024, 12, 20), user=None)


def test_reminders_go_only_to_officers_who_have_not_submitted_once_a_day(cast, reminders):
    from reports.tasks import periodic_reminders_send as task

    with time_machine.travel(datetime.datetime(2024, 12, 15, 7, 0, tzinfo=VN), tick=False):
        saved(cast.commune_a, cast.officer_a, submit=True)
        assert task.delay().get() == 1
        assert task.delay().get() == 0
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]
    message = mail.outbox[0]
    assert message.subject == "Nhắc nộp báo cáo định kỳ quý IV năm 2024 — Liên Minh"
    assert "Hạn nộp: 20/12/2024" in message.body
    assert f"/periodic/commune/{cast.commune_b.key}/quarter/2024/4/" in message.body
    assert PeriodicReminderSent.objects.get().report.commune == cast.commune_b
    with time_machine.travel(datetime.datetime(2024, 12, 16, 7, 0, tzinfo=VN), tick=False):
        assert periodic_reminders_send() == 1


def test_no_reminder_before_the_window_or_for_a_returned_report_submitted_again(cast, reminders):
    with time_machine.travel(datetime.datetime(2024, 12, 1, 7, 0, tzinfo=VN), tick=False):
        assert periodic_reminders_send() == 0
    with time_machine.travel(datetime.datetime(2024, 12, 22, 7, 0, tzinfo=VN), tick=False):
        report = saved(cast.commune_b, cast.officer_b, submit=True)
        periodic_report_return(report=report, user=cast.district_member_a, reason="Bổ sung")
        # Overdue and returned: both communes' officers are reminded.
        assert periodic_reminders_send() == 2


def test_the_reminder_is_in_the_one_schedule():
    from ntm.schedule import DEFAULT_SCHEDULE

    task, fields = DEFAULT_SCHEDULE["daily-periodic-report-reminders"]
    assert task == "reports.tasks.periodic_reminders_send"
    assert fields["hour"] == "7"


@pytest.mark.redis
def test_a_real_worker_sends_the_periodic_reminders(celery_worker_on_redis, cast, reminders):
    from reports.tasks import periodic_reminders_send as task

    with time_machine.travel(datetime.datetime(2024, 12, 15, 7, 0, tzinfo=VN), tick=True):
        assert task.delay().get(timeout=30) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]


# Content ----------------------------------------------------------------------------------------


def test_the_content_agrees_with_the_dashboard_figures(cast, catalogue):
    today = datetime.date(2024, 11, 15)
    with time_machine.travel(datetime.datetime(2024, 11, 15, 9, 0, tzinfo=VN), tick=False):
        assessment = populate(catalogue, cast.commune_a, 2024, villages=2)
        # Adopted before the year began: every week of the period was due.
        Plan.objects.update(created_at=datetime.datetime(2023, 12, 31, tzinfo=VN))
        report = saved(cast.commune_a, cast.officer_a)
        content = periodic_report_content(report, today=today)
    row = scope_rows(
        type(cast.commune_a).objects.filter(pk=cast.commune_a.pk),
        catalogue,
        2024,
        commune_sets(cast.province.pk),
        today,
    ).rows[0]
    assert content.met_now == assessment.criteria_met == row.criteria_met
    assert content.criteria_total == 19
    assert content.band_label == row.band.label
    assert content.plan_target_met == row.progress.plan.target_criteria_met
    assert content.plan_reached == row.progress.reached
    # The Q4 deadline of criterion 17 falls in the period, with the dashboard's status.
    assert [(d.code, d.status) for d in content.deadlines] == [
        (item.deadline.criterion.code, item.status.value) for item in row.progress.deadlines
    ]
    assert [(w.name, w.target, w.done) for w in content.work] == [
        ("Hàng rào xanh", Decimal(100), Decimal(20))
    ]
    # Three villages (A1 and two with reports), six weeks of the quarter due by 15/11 (the
    # week of 11/11 closed on Thursday 14/11), two on-time reports.
    assert (content.compliance.weeks, content.compliance.expected, content.compliance.on_time) == (6, 18, 2)
    assert content.compliance.missing == 16
    assert content.start_note == "không có số liệu đầu kỳ"


def test_the_start_of_the_period_comes_from_the_snapshot_with_what_changed(cast, catalogue):
    with time_machine.travel(datetime.datetime(2024, 10, 2, 9, 0, tzinfo=VN), tick=False):
        assessment = populate(catalogue, cast.commune_a, 2024)
        results = CriterionResult.objects.filter(assessment=assessment)
        results.filter(criterion__code="17").update(status="not_met")
        lost = results.filter(status="met").exclude(criterion__code="17").select_related("criterion").first()
        snapshots_take(iso_year=2024, iso_week=40)
    results.filter(criterion__code="17").update(status="met")
    results.filter(pk=lost.pk).update(status="not_met")
    content = periodic_report_content(
        saved(cast.commune_a, cast.officer_a), today=datetime.date(2024, 11, 15)
    )
    snapshot = EvaluationSnapshot.objects.get(assessment=assessment, iso_week=40)
    assert content.met_at_start == snapshot.criteria_met and content.start_note == ""
    assert [line.code for line in content.newly_met] == ["17"]
    assert [line.code for line in content.lost] == [lost.criterion.code]


def test_recognitions_in_the_period_are_listed(cast, catalogue):
    Recognition.objects.create(
        criteria_set=catalogue,
        commune=cast.commune_a,
        level="province_chair",
        decision_number="123/QĐ-UBND",
        decision_date=datetime.date(2024, 11, 5),
    )
    content = periodic_report_content(saved(cast.commune_a, cast.officer_a), today=datetime.date(2024, 12, 1))
    assert [(r.decision_number, r.unit_name) for r in content.recognitions] == [("123/QĐ-UBND", "Sơn Bằng")]


def test_a_province_report_counts_its_communes_and_who_submitted(cast, catalogue):
    populate(catalogue, cast.commune_a, 2024)
    saved(cast.commune_a, cast.officer_a, submit=True)
    report = saved(cast.province, cast.province_office)
    content = periodic_report_content(report, today=datetime.date(2024, 11, 15))
    assert content.communes == 2 and content.assessed == 1
    assert sum(line.count for line in content.bands) == 1
    by_unit = {line.unit_name: line.status for line in content.submissions}
    assert by_unit["Xã Sơn Bằng"] == "submitted" and by_unit["Xã Liên Minh"] == "none"
    assert by_unit["Huyện Hương Sơn"] == "none"


@pytest.mark.parametrize("extra", [0, 3])
def test_the_content_costs_the_same_queries_at_two_sizes(cast, catalogue, extra, django_assert_num_queries):
    from ..factories import CommuneFactory

    populate(catalogue, cast.commune_a, 2024, villages=1 + extra)
    for _ in range(extra):
        populate(catalogue, CommuneFactory(district=cast.district_a), 2024, villages=2)
    commune_report = saved(cast.commune_a, cast.officer_a)
    province_report = saved(cast.province, cast.province_office)
    with django_assert_num_queries(COMMUNE_CONTENT_QUERIES):
        periodic_report_content(commune_report, today=datetime.date(2024, 11, 15))
    with django_assert_num_queries(PROVINCE_CONTENT_QUERIES):
        periodic_report_content(province_report, today=datetime.date(2024, 11, 15))


# The due date (1), the sets in force (1), scope_rows (8: communes with their recognitions,
# assessments, criteria, criterion results, plans with their deadline rules, criterion
# deadlines and, with their joins, the plans' waves), the snapshot at the start (1),
# plan_progress (2), the plan's numeric targets (1, none here: their actuals, objects and
# assessment values are read only when there are targets), report_compliance (2: villages by
# group, reports), the recognitions (1) and the funds mobilised in the period by source (1)
# = 16 at most.
COMMUNE_CONTENT_QUERIES = 16
# The due date, the districts, who submitted (due date, reports), the sets, scope_rows,
# group_figures' village counts, report_compliance, the recognitions and the funds.
PROVINCE_CONTENT_QUERIES = 17
