"""The weeks a plan's villages owe a report for (plans.deadlines.ReportingSpan): pure, no
database. Frozen dates in 2025: Wednesday 26/03 is in ISO week 13, whose deadline is
Thursday 27/03 14:30."""

from datetime import date, datetime, time, timedelta

from plans.deadlines import VN_TZ, ReportingSpan, day_end, due_weeks, iso_week_monday


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def test_a_plan_adopted_today_owes_no_report_for_the_weeks_before():
    today = date(2025, 3, 26)  # Wednesday of 2025-W13
    assert due_weeks(adopted_on=today, year=2025, now=vn(2025, 3, 26, 10, 0)) == []
    # The week's Thursday deadline comes after the adoption day, so the week is owed once the
    # deadline has passed, and never the weeks before.
    assert due_weeks(adopted_on=today, year=2025, now=vn(2025, 3, 28, 9, 0)) == [date(2025, 3, 24)]


def test_a_plan_whose_document_is_three_weeks_old_owes_exactly_three_weeks():
    # Adopted on Friday 07/03, after that week's Thursday deadline; read on Friday 28/03.
    weeks = due_weeks(adopted_on=date(2025, 3, 7), year=2025, now=vn(2025, 3, 28, 12, 0))
    assert weeks == [date(2025, 3, 10), date(2025, 3, 17), date(2025, 3, 24)]


def test_the_adoption_week_counts_only_when_its_deadline_day_comes_after_the_adoption_day():
    now = vn(2025, 3, 28, 12, 0)
    monday = date(2025, 3, 17)  # deadline Thursday 20/03
    assert monday in due_weeks(adopted_on=date(2025, 3, 19), year=2025, now=now)  # Wednesday
    assert monday not in due_weeks(adopted_on=date(2025, 3, 20), year=2025, now=now)  # Thursday


def test_a_week_becomes_due_at_its_deadline_moment():
    span = ReportingSpan(adopted_on=date(2025, 1, 1), year=2025)
    monday = date(2025, 3, 24)
    assert not span.is_due(monday, vn(2025, 3, 27, 14, 29, 59))
    assert span.is_due(monday, vn(2025, 3, 27, 14, 30))
    assert span.covers(monday)  # covered all along: a reminder goes out before the deadline


def test_a_plan_of_last_year_owes_nothing_in_this_year_once_its_year_closed():
    span = ReportingSpan(adopted_on=date(2024, 1, 15), year=2024)
    weeks = span.due_weeks(vn(2025, 3, 28, 12, 0))
    assert not [week for week in weeks if week.isocalendar().year != 2024]
    # From 2024-W03 (Thursday 18/01, after the adoption day) to 2024-W52 (Monday 23/12);
    # Monday 30/12/2024 is 2025-W01 and belongs to the plans of 2025.
    assert weeks[0] == date(2024, 1, 15) and weeks[-1] == date(2024, 12, 23) and len(weeks) == 50
    assert span.due_weeks(vn(2025, 3, 28), among=[date(2025, 1, 6), date(2025, 3, 17)]) == []


def test_a_plan_adopted_after_its_year_closed_owes_nothing():
    assert due_weeks(adopted_on=date(2025, 2, 1), year=2024, now=vn(2025, 3, 28)) == []


def test_a_plan_with_campaign_waves_owes_only_the_weeks_of_its_waves():
    waves = ((date(2025, 3, 15), date(2025, 5, 19)), (date(2025, 7, 1), date(2025, 7, 31)))
    weeks = due_weeks(adopted_on=date(2025, 3, 1), year=2025, now=day_end(date(2025, 12, 31)), waves=waves)
    first_wave = [date(2025, 3, 17) + timedelta(weeks=n) for n in range(10)]  # 17/03 … 19/05
    second_wave = [date(2025, 6, 30) + timedelta(weeks=n) for n in range(5)]  # 30/06 … 28/07
    assert weeks == first_wave + second_wave
    # The deadline of 13/03 passes before the wave starts on Saturday 15/03: not owed. The
    # report of Thursday 22/05 covers the wave's last days (16-19/05): owed.
    assert date(2025, 3, 10) not in weeks and date(2025, 5, 19) in weeks
    assert date(2025, 5, 26) not in weeks and date(2025, 6, 23) not in weeks


def test_campaign_waves_do_not_reach_before_the_adoption():
    waves = ((date(2025, 1, 1), date(2025, 12, 31)),)
    weeks = due_weeks(adopted_on=date(2025, 3, 19), year=2025, now=vn(2025, 3, 28), waves=waves)
    assert weeks == [date(2025, 3, 17), date(2025, 3, 24)]


def test_the_iso_week_across_new_year_belongs_to_the_plan_of_its_iso_year():
    now = vn(2025, 1, 10, 9, 0)
    new_year = date(2024, 12, 30)  # 2025-W01, deadline Thursday 02/01/2025
    assert due_weeks(adopted_on=date(2024, 12, 1), year=2025, now=now) == [new_year, date(2025, 1, 6)]
    assert new_year not in due_weeks(adopted_on=date(2024, 1, 1), year=2024, now=now)
    # Even with a Monday deadline, which falls on 30/12/2024, the week stays with 2025.
    monday_rule = due_weeks(adopted_on=date(2024, 12, 1), year=2025, now=now, weekday=0, at=time(8))
    assert monday_rule == [new_year, date(2025, 1, 6)]


def test_a_year_of_53_iso_weeks_owes_its_53rd_week():
    span_2020 = ReportingSpan(adopted_on=date(2019, 12, 1), year=2020)
    assert len(span_2020.weeks()) == 53 and span_2020.weeks()[0] == date(2019, 12, 30)
    assert span_2020.due_weeks(vn(2021, 2, 1))[-1] == iso_week_monday(2020, 53) == date(2020, 12, 28)
    assert len(ReportingSpan(adopted_on=date(2020, 12, 1), year=2021).weeks()) == 52


def test_the_deadline_rule_decides_the_deadline_day_and_moment():
    span = ReportingSpan(adopted_on=date(2025, 3, 18), year=2025, weekday=1, at=time(9))  # Tuesday
    monday = date(2025, 3, 17)
    assert not span.covers(monday)  # adopted on the deadline day
    assert span.deadline(date(2025, 3, 24)) == vn(2025, 3, 25, 9, 0)
    assert span.due_weeks(vn(2025, 3, 25, 9, 0)) == [date(2025, 3, 24)]
