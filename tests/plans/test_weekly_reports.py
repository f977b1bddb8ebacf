"""Weekly village reports against the clock (frozen with time-machine), their edits, the
deadline rules and the Thursday reminder task (run eagerly, mail in Django's locmem outbox)."""

from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from communes.models import Role
from ntm.schedule import DEFAULT_SCHEDULE
from plans import deadlines
from plans.deadlines import VN_TZ, Timeliness
from plans.models import DeadlineRule, ReminderSent, ReportEdit, WeeklyReport
from plans.services import weekly_report_submit
from plans.tasks import send_weekly_reminders

from ..factories import VillageFactory, user_with_role
from ..plans_helpers import make_plan


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def plan(cast):
    return make_plan(cast.commune_a, year=2023, items=[("Trồng hàng rào xanh", "m", "3200")])


def submit(plan, village, user, week, quantity="100", notes="", **kwargs):
    item = plan.work_items.get()
    return weekly_report_submit(
        plan=plan,
        village=village,
        week=week,
        quantities={item.pk: Decimal(quantity)},
        notes=notes,
        next_week_plan="",
        user=user,
        **kwargs,
    )


WEEK_12 = deadlines.iso_week_monday(2023, 12)  # Monday 20/03/2023; deadline Thursday 23/03 14:30


def test_it_marks_a_report_at_142959_on_time(plan, cast):
    with time_machine.travel(vn(2023, 3, 23, 14, 29, 59), tick=False):
        report = submit(plan, cast.village_a, cast.village_head_a, WEEK_12)
    assert report.deadline == vn(2023, 3, 23, 14, 30)
    assert report.state(vn(2023, 4, 1)).timeliness is Timeliness.ON_TIME


def test_it_marks_a_report_at_1430_and_later_late_by_how_long(plan, cast):
    with time_machine.travel(vn(2023, 3, 23, 14, 30, 0), tick=False):
        report = submit(plan, cast.village_a, cast.village_head_a, WEEK_12)
    assert report.state(vn(2023, 4, 1)).timeliness is Timeliness.LATE
    WeeklyReport.objects.all().delete()
    with time_machine.travel(vn(2023, 3, 24, 9, 0), tick=False):
        report = submit(plan, cast.village_a, cast.village_head_a, WEEK_12)
    state = report.state(vn(2023, 4, 1))
    assert state.timeliness is Timeliness.LATE and state.late_by == deadlines.timedelta(hours=18, minutes=30)


def test_it_refuses_a_report_for_a_week_that_has_not_started(plan, cast):
    week_13 = deadlines.iso_week_monday(2023, 13)
    with (
        time_machine.travel(vn(2023, 3, 26, 23, 59, 59), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        submit(plan, cast.village_a, cast.village_head_a, week_13)
    assert "2023-W13" in error.value.messages[0] and "chưa bắt đầu" in error.value.messages[0]
    assert not WeeklyReport.objects.exists()
    with time_machine.travel(vn(2023, 3, 27, 0, 0), tick=False):
        submit(plan, cast.village_a, cast.village_head_a, week_13)
    assert WeeklyReport.objects.count() == 1


def test_week_53_and_week_1_are_reported_across_the_new_year(cast):
    plan_2020 = make_plan(cast.commune_a, year=2020)
    plan_2021 = make_plan(cast.commune_a, year=2021)
    week_53, week_1 = deadlines.iso_week_monday(2020, 53), deadlines.iso_week_monday(2021, 1)
    with time_machine.travel(vn(2021, 1, 2, 10, 0), tick=False):  # Saturday of 2020-W53
        late = submit(plan_2020, cast.village_a, cast.village_head_a, week_53)
        with pytest.raises(ValidationError):
            submit(plan_2021, cast.village_a, cast.village_head_a, week_1)
    assert late.deadline == vn(2020, 12, 31, 14, 30) and late.is_late
    with time_machine.travel(vn(2021, 1, 7, 14, 29, 59), tick=False):
        on_time = submit(plan_2021, cast.village_a, cast.village_head_a, week_1)
    assert not on_time.is_late


def test_a_week_outside_the_plan_year_is_refused(plan, cast):
    with time_machine.travel(vn(2024, 1, 3, 9, 0), tick=False), pytest.raises(ValidationError) as error:
        submit(plan, cast.village_a, cast.village_head_a, deadlines.iso_week_monday(2024, 1))
    assert "không thuộc năm kế hoạch 2023" in error.value.messages[0]


def test_an_edit_after_the_deadline_is_recorded_with_old_and_new_values(plan, cast):
    with time_machine.travel(vn(2023, 3, 22, 9, 0), tick=False):
        submit(plan, cast.village_a, cast.village_head_a, WEEK_12, quantity="100", notes="Tuần 12")
        submit(plan, cast.village_a, cast.village_head_a, WEEK_12, quantity="100", notes="Tuần 12")
    assert not ReportEdit.objects.exists()  # nothing changed, nothing recorded
    with time_machine.travel(vn(2023, 3, 24, 8, 0), tick=False):
        report = submit(
            plan, cast.village_a, cast.officer_a, WEEK_12, quantity="120", notes="Tuần 12 (bổ sung)"
        )
    edit = ReportEdit.objects.get()
    item = plan.work_items.get()
    assert edit.after_deadline and edit.edited_by == cast.officer_a
    assert edit.changes["notes"] == ["Tuần 12", "Tuần 12 (bổ sung)"]
    assert edit.changes["quantities"] == {str(item.pk): ["100.000", "120"]}
    # Timeliness stays that of the first submission.
    assert report.state(vn(2023, 4, 1)).timeliness is Timeliness.ON_TIME
    assert report.lines.get().quantity == Decimal("120")


def test_a_village_reports_only_the_items_allocated_to_it(plan, cast):
    other = make_plan(cast.commune_b, year=2023, villages=[VillageFactory(commune=cast.commune_b)])
    with time_machine.travel(vn(2023, 3, 22, 9, 0), tick=False), pytest.raises(ValidationError):
        weekly_report_submit(
            plan=plan,
            village=cast.village_a,
            week=WEEK_12,
            quantities={other.work_items.get().pk: Decimal(1)},
            notes="",
            next_week_plan="",
            user=cast.officer_a,
        )


def test_a_district_rule_beats_the_province_rule_which_beats_the_default(plan, cast):
    assert DeadlineRule.for_commune(cast.commune_a) == (3, time(14, 30))
    DeadlineRule.objects.create(province=cast.province, weekday=4, time=time(10, 0))
    assert DeadlineRule.for_commune(cast.commune_a) == (4, time(10, 0))
    DeadlineRule.objects.create(district=cast.district_a, weekday=2, time=time(17, 0))
    assert DeadlineRule.for_commune(cast.commune_a) == (2, time(17, 0))
    assert DeadlineRule.for_commune(cast.commune_b) == (4, time(10, 0))
    with time_machine.travel(vn(2023, 3, 22, 17, 0), tick=False):
        report = submit(plan, cast.village_a, cast.village_head_a, WEEK_12)
    assert report.deadline == vn(2023, 3, 22, 17, 0) and report.is_late


@pytest.fixture
def two_villages(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    village_b = VillageFactory(name="Thôn 2", commune=cast.commune_a)
    head_b = user_with_role("head_b", Role.Kind.VILLAGE_HEAD, village=village_b)
    for user, email in ((cast.village_head_a, "a@example.vn"), (head_b, "b@example.vn")):
        user.email = email
        user.save(update_fields=["email"])
    plan = make_plan(cast.commune_a, year=2023, villages=[cast.village_a, village_b])
    return plan, village_b


def test_the_thursday_reminder_mails_only_heads_of_villages_without_a_report(two_villages, cast):
    plan, village_b = two_villages
    with time_machine.travel(vn(2023, 3, 23, 7, 0), tick=False):
        submit(plan, cast.village_a, cast.village_head_a, WEEK_12)
        assert send_weekly_reminders.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["b@example.vn"]
    assert message.subject == "Nhắc báo cáo tuần 2023-W12 — thôn Thôn 2"
    assert "chưa gửi báo cáo kết quả tuần 2023-W12" in message.body
    assert "Hạn nộp: Thứ 5 23/03/2023 14:30" in message.body
    assert f"/plans/{plan.pk}/villages/{village_b.code}/weeks/2023/12/" in message.body
    assert ReminderSent.objects.get().village == village_b


def test_the_reminder_is_in_vietnamese_whatever_the_active_language_and_sent_once(two_villages, cast):
    from django.utils import translation

    with translation.override("en"), time_machine.travel(vn(2023, 3, 23, 7, 0), tick=False):
        assert send_weekly_reminders.delay().get() == 2
        assert send_weekly_reminders.delay().get() == 0
    assert all(message.subject.startswith("Nhắc báo cáo tuần") for message in mail.outbox)
    assert len(mail.outbox) == 2


def test_the_reminder_is_in_the_one_schedule_and_lands_in_the_beat_tables(db):
    task, fields = DEFAULT_SCHEDULE["weekly-village-report-reminders"]
    assert task == "plans.tasks.send_weekly_reminders"
    assert fields == {"minute": "0", "hour": "7", "day_of_week": "4"}  # Thursday 07:00
    call_command("setup_schedule", verbosity=0)
    periodic = PeriodicTask.objects.get(name="weekly-village-report-reminders")
    assert periodic.crontab.hour == "7" and str(periodic.crontab.timezone) == "Asia/Ho_Chi_Minh"


@pytest.mark.redis
def test_a_real_worker_sends_the_reminders(celery_worker_on_redis, cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.village_head_a.email = "a@example.vn"
    cast.village_head_a.save(update_fields=["email"])
    today = deadlines.local_today(timezone.now())
    make_plan(cast.commune_a, year=deadlines.week_monday(today).isocalendar().year)

    assert send_weekly_reminders.delay().get(timeout=30) == 1
    assert [message.to for message in mail.outbox] == [["a@example.vn"]]
