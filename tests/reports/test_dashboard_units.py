"""Dashboard building blocks: pure calculations, the weekly snapshot command and task, the
demo loader, a province without districts, and the plan figures of the demo."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from communes.models import Commune
from ntm.schedule import DEFAULT_SCHEDULE
from plans.deadlines import DeadlineStatus, parse_iso_week
from plans.models import Programme
from reports import charts
from reports.demo import demo_weeks
from reports.figures.plans import DueItem, PlanProgress, plan_track, reference_day
from reports.figures.scope import Figures, commune_sets, filter_rows, main_set, scope_rows
from reports.figures.targets import target_lines
from reports.models import EvaluationSnapshot, ProvinceTarget
from reports.tasks import snapshots_take

from ..dashboard_helpers import populate
from ..factories import CommuneFactory, ProvinceFactory

TODAY = datetime.date(2024, 11, 20)  # a Wednesday of Q4


def progress(met=None, target=19, deadlines=()):
    plan = SimpleNamespace(target_criteria_met=target)
    return PlanProgress(
        plan=plan, actual_met=met, actual_total=19, title_qualified=False, deadlines=list(deadlines)
    )


def test_a_plan_is_reached_on_track_or_off_track():
    assert plan_track(progress(met=19), 2024, TODAY) == "reached"
    assert plan_track(progress(met=17), 2024, TODAY) == "on_track"
    overdue = DueItem(deadline=None, status=DeadlineStatus.OVERDUE)
    assert plan_track(progress(met=17, deadlines=[overdue]), 2024, TODAY) == "off_track"
    # The year is over and the target was not reached.
    assert plan_track(progress(met=17), 2023, TODAY) == "off_track"


def test_a_past_year_is_read_at_its_last_day():
    assert reference_day(2023, TODAY) == datetime.date(2023, 12, 31)
    assert reference_day(2024, TODAY) == TODAY


def test_the_targets_count_recognised_units_and_show_the_others_beside():
    states = {"recognised": 3, "confirmed": 2, "eligible": 4}
    total = Figures(
        met_counts=[19, 14, 12, 3, 16],
        titles={7: states},
        villages=20,
        village_titles={9: {"recognised": 2, "confirmed": 5, "eligible": 0}},
    )
    targets = [
        ProvinceTarget(kind="communes_ntm", value=Decimal(38), criteria_set_id=7, year=2025),
        ProvinceTarget(
            kind="communes_below", value=Decimal(0), criteria_below=15, criteria_set_id=7, year=2025
        ),
        ProvinceTarget(kind="villages_model_percent", value=Decimal(5), criteria_set_id=9, year=2025),
        ProvinceTarget(kind="districts_ntm", value=Decimal(4), year=2025),
    ]
    lines = {line.target.kind: line for line in target_lines(targets, total, 7)}
    ntm = lines["communes_ntm"]
    assert (ntm.actual, ntm.gap, ntm.reached, ntm.confirmed, ntm.eligible) == (3, 35, False, 2, 4)
    # The line is the target's own data: communes with fewer than 15 criteria met.
    assert (lines["communes_below"].actual, lines["communes_below"].gap) == (3, 3)
    # Counted for another set, the "below 15" line of the NTM set is not tracked.
    other = {line.target.kind: line for line in target_lines(targets, total, 8)}
    assert other["communes_below"].actual is None
    assert (
        lines["villages_model_percent"].actual == Decimal("10.0") and lines["villages_model_percent"].reached
    )
    assert lines["districts_ntm"].actual is None and lines["districts_ntm"].reached is None


def test_the_chart_puts_the_goal_at_the_top_and_the_current_value_last():
    week = SimpleNamespace(criteria_met=10, criteria_total=19, iso_year=2024, iso_week=9)
    chart = charts.criteria_over_time(
        [week], SimpleNamespace(criteria_met=19, criteria_total=19), "hiện tại", "Nay"
    )
    assert [point.value for point in chart.points] == [10, 19]
    assert chart.points[-1].y == chart.goal_y and chart.points[0].y > chart.goal_y
    assert [value for _y, value in chart.y_ticks] == [0, 5, 10, 15, 19]
    assert re.fullmatch(r"[\d.]+,[\d.]+ [\d.]+,[\d.]+", chart.polyline)
    assert charts.criteria_over_time([], None) is None


def test_filters_keep_only_the_rows_asked_for():
    def row(code, met, off_track=False, regressed=()):
        assessment = SimpleNamespace(criteria_met=met, status="draft", band=SimpleNamespace(code=code))
        return SimpleNamespace(
            band=assessment.band,
            status="draft",
            assessment=assessment,
            title=None,
            off_track=off_track,
            regressed=list(regressed),
            progress=None,
        )

    rows = [row("all", 19), row("10-14", 12, off_track=True), row("under5", 3, regressed=["17"])]
    assert filter_rows(rows, {"band": "10-14"}, []) == [rows[1]]
    assert filter_rows(rows, {"track": "off"}, []) == [rows[1]]
    assert filter_rows(rows, {"regressed": "1"}, []) == [rows[2]]
    assert filter_rows(rows, {"below": "15"}, []) == rows[1:]
    assert filter_rows(rows, {"band": "nonsense"}, []) == []


def test_iso_weeks_are_parsed_and_bad_ones_are_refused_in_vietnamese():
    assert parse_iso_week("2024-W10") == (2024, 10)
    for bad in ("2024-W54", "2024-10", "tuần 10"):
        with pytest.raises(ValueError, match="Tuần không hợp lệ"):
            parse_iso_week(bad)
    with pytest.raises(CommandError, match="2024-W10"):
        call_command("take_snapshots", week="2024/10")


def test_the_command_takes_a_week_of_snapshots_and_taking_it_again_replaces_it(cast, catalogue):
    assessment = populate(catalogue, cast.commune_a, 2024)
    call_command("take_snapshots", week="2024-W10", stdout=open("/dev/null", "w"))
    call_command("take_snapshots", week="2024-W10", stdout=open("/dev/null", "w"))
    snapshot = EvaluationSnapshot.objects.get(assessment=assessment)
    assert (snapshot.iso_year, snapshot.iso_week, snapshot.week_start) == (
        2024,
        10,
        datetime.date(2024, 3, 4),
    )
    assert snapshot.criteria_met == assessment.criteria_met
    assert snapshots_take.delay().get() == 1  # eager in unit tests: the current week
    assert EvaluationSnapshot.objects.count() == 2


def test_the_snapshot_task_is_scheduled_on_friday_morning_before_the_roll_up():
    task, fields = DEFAULT_SCHEDULE["weekly-evaluation-snapshots"]
    assert task == "reports.tasks.snapshots_take"
    assert fields == {"minute": "30", "hour": "6", "day_of_week": "5"}


def test_the_demo_weeks_are_the_last_complete_weeks():
    weeks = demo_weeks(TODAY)
    assert len(weeks) == 8 and weeks[-1] == (2024, 46) and weeks[0] == (2024, 39)


def test_loading_the_demo_again_adds_no_snapshot_or_target(demo):
    counts = (EvaluationSnapshot.objects.count, ProvinceTarget.objects.count, Programme.objects.count)
    before = tuple(count() for count in counts)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert tuple(count() for count in counts) == before
    # Seed 003's targets to 2025 and 2030, all on its (illustrative) province programme.
    assert before[1] == 18
    assert not ProvinceTarget.objects.filter(programme=None).exists()


def test_a_province_without_districts_shows_its_communes_on_the_province_page(client, catalogue, cast):
    province = ProvinceFactory(name="Tỉnh mới", code="99")
    for name in ("Xã Một", "Xã Hai"):
        populate(catalogue, CommuneFactory(name=name, district=None, province=province), 2024)
    assert Commune.objects.filter(province=province, district__isnull=True).count() == 2
    client.force_login(cast.admin)
    page = client.get(reverse("reports:province", args=["99"])).content.decode()
    assert "Xã Một" in page and "Xã Hai" in page
    assert re.search(r'data-testid="province-total">.*?<a [^>]*>2</a>', page, re.S)


def test_the_lang_giang_dashboard_shows_duong_duc_criterion_8_due_in_q4_and_overdue(client, demo):
    # Seed 001: 13/19 advanced criteria in 2024, criterion 08 by Q4; the demo has 12/19.
    client.login(username="bcd.langgiang", password="NtmDemo@2025")
    url = reverse("reports:district", args=["legacy-217"]) + "?set=xa_ntm_nang_cao_2021_2025&year=2024"
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="fig-due">\s*1 ', page)
    assert "tiêu chí 8 (quý IV)" in page and "Quá hạn" in page
    assert "12/13 tiêu chí" in page
    assert re.search(r'data-testid="fig-off-track">1<', page)
    filtered = client.get(url + "&track=off").content.decode()
    assert 'data-testid="row-07408"' in filtered and 'data-testid="row-07411"' not in filtered


def test_compliance_counts_the_weeks_ending_with_the_last_report_of_a_past_year(demo):
    communes = Commune.objects.filter(code="18190")
    sets = commune_sets(communes.get().province_id)
    scope = scope_rows(communes, main_set(sets, 2023), 2023, sets, TODAY, compliance=True)
    assert scope.weeks[-1] == datetime.date.fromisocalendar(2023, 15, 1) and len(scope.weeks) == 8
    # The current year counts the complete weeks before this one.
    this_year = scope_rows(communes, main_set(sets, 2024), 2024, sets, TODAY, compliance=True)
    assert this_year.weeks[-1] == datetime.date(2024, 11, 11) and len(this_year.weeks) == 8


@pytest.mark.redis
def test_a_real_worker_takes_the_weekly_snapshots(celery_worker_on_redis, catalogue):
    from criteria.models import Assessment

    Assessment.objects.create(criteria_set=catalogue, commune=CommuneFactory(), year=2024)
    assert snapshots_take.delay(2024, 10).get(timeout=30) == 1
    assert EvaluationSnapshot.objects.filter(iso_year=2024, iso_week=10).count() == 1
