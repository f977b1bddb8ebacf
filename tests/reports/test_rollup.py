"""Weekly roll-ups built from the demo data: figures checked against counts made by hand from
communes/fixtures/demo.yaml, the plans demo (seed 004) and the reports demo's snapshots."""

import datetime
import os
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes.models import AdminMap, Commune, District, Province, Role
from criteria.models import Assessment, Indicator
from criteria.services import assessment_approve, assessment_reopen, assessment_save, assessment_submit
from plans.deadlines import VN_TZ
from reports import rollups
from reports.excel.rollup import KEY_COLUMN
from reports.models import EvaluationSnapshot, RollUp
from reports.tasks import rollup_build, rollups_request_all

from ..excel_helpers import metadata, rows_by_key, workbook
from ..factories import CommuneFactory, UserFactory, VillageFactory

HUONG_SON = "439"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def vn(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN_TZ)


def build(code: str, week: str) -> RollUp:
    """Build the roll-up of the district of the old map with `code` (or a unit key)."""
    key = code if code.startswith("legacy-") else f"legacy-{code}"
    call_command("build_rollups", week=week, unit=key, stdout=open(os.devnull, "w"))
    iso_year, iso_week = (int(part) for part in week.split("-W"))
    return RollUp.objects.select_related("district", "province").get(
        unit_code=key, iso_year=iso_year, iso_week=iso_week
    )


def by_code(rollup: RollUp) -> dict[str, dict]:
    return {row["code"]: row for row in rollup.data["communes"]}


def this_week() -> str:
    year, week, _day = timezone.localdate().isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture
def demo_in_2025(db):
    """The demo loaded and read on a Wednesday of June 2025, the last months of the 2021-2025
    set and of the districts (the demo's figures are of that period)."""
    with time_machine.travel(vn(2025, 6, 18, 10, 0), tick=True):
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
        yield


def test_the_huong_son_rollup_of_this_week_matches_the_hand_counts(demo_in_2025):
    rollup = build(HUONG_SON, this_week())
    assert rollup.status == RollUp.State.DONE and not rollup.error and rollup.file.name.endswith(".xlsx")
    rows = by_code(rollup)
    # 2024 (latest year) NTM set: Sơn Bằng 0 unmet, Sơn Tây 2, Sơn Kim 1 5, Sơn Hồng 10, Sơn Lĩnh 16.
    expected = {"18190": (19, "all"), "18172": (17, "15-18"), "18196": (14, "10-14")}
    expected |= {"18139": (9, "5-9"), "18160": (3, "under5")}
    assert {code: (rows[code]["criteria_met"], rows[code]["band"]) for code in expected} == expected
    # The district's other communes (official list) carry no demo data.
    assert all(row["criteria_met"] is None for code, row in rows.items() if code not in expected)
    # Sơn Bằng holds the NTM title by the province's decision (the demo's illustrative record).
    assert rows["18190"]["title"]["set"] == "xa_ntm_2021_2025"
    assert rows["18190"]["title"]["state"] == "recognised"
    assert not any(rows[c]["title"] for c in expected if c != "18190")
    # Sơn Tây met criterion 17 in last week's demo snapshot and fails it now: one loss.
    assert rows["18172"]["lost"] == ["17"] and rows["18172"]["gained"] == []
    assert all(rows[c]["lost"] == [] for c in expected if c != "18172")
    totals = rollup.data["totals"]
    communes = Commune.objects.filter(map=AdminMap.LEGACY, district__code=HUONG_SON).count()
    assert communes > 5 and totals["communes"] == communes
    assert totals["assessed"] == 5 and totals["titles"] == {"recognised": 1}
    assert totals["bands"] == {"all": 1, "15-18": 1, "10-14": 1, "5-9": 1, "under5": 1}
    assert totals["average"] == 12.4  # (19 + 17 + 14 + 9 + 3) / 5
    assert totals["lost"] == 1 and totals["gained"] == 0
    # Sơn Bằng's only plan is 2023's: 9 work items, none finished by four weeks of reports.
    assert rows["18190"]["plan"]["year"] == 2023 and rows["18190"]["plan"]["items"] == 9
    assert rows["18190"]["plan"]["items_done"] == 0
    # No commune has a plan for this year: no village is expected to report.
    assert totals["reports"] == {"expected": 0, "on_time": 0, "late": 0, "missing": 0}


def test_the_son_bang_week_15_of_2023_counts_reports_on_time_late_and_missing(demo):
    rollup = build(HUONG_SON, "2023-W15")
    son_bang = by_code(rollup)["18190"]
    # Week 15: Thịnh Bằng Thu 14:29, Thôn 2 Thu 11:00, Thôn 3 Thu 13:00 on time; Thôn 4 missing;
    # Thôn 5 Saturday 09:40 late.
    assert son_bang["reports"] == {"expected": 5, "on_time": 3, "late": 1, "missing": 1}
    assert son_bang["year"] == 2023 and son_bang["criteria_met"] == 18  # 2023: criterion 17 unmet
    assert son_bang["plan"]["year"] == 2023
    # Four weeks at 8-14 % of each allocation: about 40 % of the plan on average.
    assert 30 <= son_bang["plan"]["percent"] <= 50
    assert by_code(rollup)["18160"]["criteria_met"] is None  # Sơn Lĩnh: no 2023 assessment
    assert rollup.data["totals"]["assessed"] == 4


def test_the_duong_duc_criterion_8_deadline_is_due_in_q4_and_overdue_after(demo):
    rollup = build("217", "2024-W45")
    deadlines = by_code(rollup)["07408"]["plan"]["deadlines"]
    assert deadlines == [{"criterion": "8", "quarter": 4, "status": "at_risk"}]
    # The roll-up counts the NTM set, where Dương Đức meets every criterion.
    assert by_code(rollup)["07408"]["criteria_met"] == 19
    rollup = build("217", "2025-W02")
    assert by_code(rollup)["07408"]["plan"]["deadlines"][0]["status"] == "overdue"
    assert rollup.data["totals"]["deadlines_overdue"] == 1


def test_building_a_week_twice_leaves_one_rollup_replaced_in_place(demo):
    first = build(HUONG_SON, "2024-W10")
    old_file = first.file.name
    second = build(HUONG_SON, "2024-W10")
    assert RollUp.objects.filter(unit_code="legacy-" + HUONG_SON).count() == 1
    assert second.pk == first.pk and second.attempts == 2 and second.status == RollUp.State.DONE
    assert not second.file.storage.exists(old_file) or old_file == second.file.name
    assert second.file.storage.exists(second.file.name)


def test_the_build_takes_the_weeks_snapshots_when_missing(demo):
    assert not EvaluationSnapshot.objects.filter(iso_year=2024, iso_week=10).exists()
    build(HUONG_SON, "2024-W10")
    taken = EvaluationSnapshot.objects.filter(iso_year=2024, iso_week=10)
    assert taken.exists()
    districts = set(taken.values_list("assessment__commune__district__code", flat=True))
    districts |= set(taken.values_list("assessment__village__commune__district__code", flat=True))
    assert districts - {None} == {HUONG_SON}


def test_values_edited_after_approval_are_listed_for_the_week(demo):
    officer = UserFactory(username="officer_son_tay")
    commune = Commune.objects.get(map="legacy", code="18172")
    Role.objects.create(user=officer, kind=Role.Kind.COMMUNE_OFFICER, commune=commune)
    reviewer = District.objects.get(code=HUONG_SON)
    member = Role.objects.filter(district=reviewer).select_related("user").first().user
    assessment = Assessment.objects.get(commune=commune, year=2024, criteria_set__code="xa_ntm_2021_2025")
    indicator = Indicator.objects.get(criterion__criteria_set=assessment.criteria_set, code="17.1")
    with time_machine.travel(vn(2024, 3, 5, 9, 0), tick=True):
        assessment_submit(assessment=assessment, user=officer)
        assessment_approve(assessment=assessment, user=member)
        assessment_reopen(assessment=assessment, user=member, reason="Sửa tỷ lệ")
        assessment.refresh_from_db()
        assessment_save(
            assessment=assessment,
            user=officer,
            values={indicator.pk: {"value": Decimal(99), "note": ""}},
            expected_version=assessment.version,
            reason="",
        )
    rollup = build(HUONG_SON, "2024-W10")
    assert by_code(rollup)["18172"]["edited_after_approval"] == ["17.1"]
    assert by_code(rollup)["18190"]["edited_after_approval"] == []
    assert rollup.data["totals"]["edited"] == 1
    assert build(HUONG_SON, "2024-W11").data["totals"]["edited"] == 0


def test_the_workbook_has_titles_headers_one_row_per_commune_and_totals(demo_in_2025):
    rollup = build(HUONG_SON, this_week())
    wb = workbook(rollup.file.open("rb").read())
    ws = wb.worksheets[0]
    assert ws.title == "Tổng hợp tuần" and ws["A4"].value.startswith("BÁO CÁO TỔNG HỢP TUẦN")
    assert ws["B8"].value == "Tên xã" and ws["D8"].value == "Số tiêu chí đạt"
    keys = rows_by_key(ws, KEY_COLUMN)
    row = keys["commune:18172"]
    assert ws.cell(row=row, column=2).value == "Sơn Tây" and ws.cell(row=row, column=4).value == 17
    assert ws.cell(row=row, column=4).number_format == '0"/19"'
    assert ws.cell(row=row, column=9).value == "17"
    assert ws.cell(row=keys["total:all"], column=4).value == 12.4
    assert ws.cell(row=keys["band:all"], column=2).value == "19"
    assert ws.cell(row=keys["band:all"], column=3).value == 1
    assert ws.freeze_panes == "C10" and ws.page_setup.orientation == "landscape"
    assert (
        metadata(wb)["template"] == "ntm.weekly_rollup" and metadata(wb)["unit_code"] == "legacy-" + HUONG_SON
    )


def test_the_committee_gets_a_vietnamese_mail_with_the_workbook_once(demo):
    member = Role.objects.filter(district__code=HUONG_SON).select_related("user").first().user
    member.email = "bcd@huongson.example"
    member.save()
    build(HUONG_SON, "2024-W10")
    build(HUONG_SON, "2024-W10")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bcd@huongson.example"]
    assert message.subject == "Báo cáo tổng hợp tuần 2024-W10 — Huyện Hương Sơn"
    assert "Kính gửi Ban Chỉ đạo" in message.body and "Đúng hạn" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "tong-hop-tuan_legacy-439_2024-W10.xlsx" and mimetype.endswith("spreadsheetml.sheet")
    assert workbook(content).worksheets[0]["B8"].value == "Tên xã"


def test_the_fan_out_of_a_2024_week_builds_the_district_rollups_of_that_time(
    demo, django_capture_on_commit_callbacks
):
    province = Province.objects.get(map=AdminMap.LEGACY, code="24")
    CommuneFactory(name="Xã không huyện", district=None, province=province, map=AdminMap.LEGACY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = rollups_request_all.delay(2024, 10).get()
    # Every district of the old map (with communes), and old Bắc Giang's commune outside any.
    districts = District.objects.filter(map=AdminMap.LEGACY).count()
    assert count == districts + 1 and len(callbacks) == count
    week = RollUp.objects.filter(iso_year=2024, iso_week=10, status="done")
    assert week.count() == count and not week.filter(province__map=AdminMap.CURRENT).exists()
    assert week.filter(level="district", unit_code="legacy-439").exists()
    own = week.get(level="province")
    assert own.unit_code == "legacy-24" and [row["name"] for row in own.data["communes"]] == [
        "Xã không huyện"
    ]


def test_the_fan_out_of_a_2026_week_builds_one_rollup_per_province_covering_its_communes(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = rollups_request_all.delay(2026, 48).get()
    assert count == Province.objects.filter(map=AdminMap.CURRENT).count() == 2
    ha_tinh = RollUp.objects.get(iso_year=2026, iso_week=48, unit_code="42")
    assert ha_tinh.level == "province" and ha_tinh.status == "done"
    assert (
        len(ha_tinh.data["communes"])
        == Commune.objects.filter(map=AdminMap.CURRENT, province__code="42").count()
    )
    huong_son = by_code(ha_tinh)["18133"]
    assert huong_son["criteria_met"] == 8 and huong_son["criteria_total"] == 10


def test_the_default_week_is_this_week_from_thursday_afternoon_and_last_week_before():
    assert rollups.rollup_default_week(vn(2024, 3, 8, 7, 0)) == (2024, 10)  # Friday 07:00
    assert rollups.rollup_default_week(vn(2024, 3, 7, 14, 29)) == (2024, 9)  # Thursday before
    assert rollups.rollup_default_week(vn(2024, 3, 11, 7, 0)) == (2024, 10)  # Monday after


def test_a_failure_is_recorded_on_the_rollup(demo, monkeypatch):
    def broken(**kwargs):
        raise ValueError("dữ liệu hỏng")

    monkeypatch.setattr(rollups, "rollup_figures", broken)
    rollup = build_failed("legacy-" + HUONG_SON, "2024-W10")
    assert rollup.status == RollUp.State.FAILED and "dữ liệu hỏng" in rollup.error


def build_failed(code, week):
    with pytest.raises(Exception, match="bị lỗi"):
        call_command("build_rollups", week=week, unit=code, stdout=open(os.devnull, "w"))
    return RollUp.objects.get(unit_code=code)


def test_transient_errors_are_retried_until_the_build_succeeds(demo, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection")
        return original(**kwargs)

    original = rollups.rollup_figures
    monkeypatch.setattr(rollups, "rollup_figures", flaky)
    monkeypatch.setattr("reports.tasks.rollup_build.retry", _eager_retry)
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(District.objects.get(code=HUONG_SON)), iso_year=2024, iso_week=10, enqueue=False
    )
    for _attempt in range(3):
        try:
            rollup_build.run(rollup.pk)
            break
        except _Retried:
            continue
    rollup.refresh_from_db()
    assert len(calls) == 3 and rollup.status == RollUp.State.DONE and rollup.attempts == 3


class _Retried(Exception):
    pass


def _eager_retry(*args, **kwargs):
    raise _Retried()


def query_count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def grow_district(district: District, communes: int) -> None:
    for n in range(communes):
        commune = CommuneFactory(district=district, province=district.province, name=f"Xã thêm {n}")
        VillageFactory(commune=commune)


def test_the_builder_costs_the_same_queries_for_a_small_and_a_large_district(demo):
    district = District.objects.get(code=HUONG_SON)

    def run(week):
        rollup = rollups.rollup_request(
            unit=rollups.unit_ref(district), iso_year=2024, iso_week=week, enqueue=False
        )
        return lambda: rollups.rollup_build(rollup_id=rollup.pk)

    run(9)()  # warm-up: content types and the like are cached after the first build
    small = query_count(run(10))
    grow_district(district, 12)
    large = query_count(run(11))
    assert small == large
    assert small <= 40


def test_a_transient_error_after_the_last_retry_is_recorded_as_a_failure(demo, monkeypatch):
    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(rollups, "rollup_figures", down)
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(District.objects.get(code=HUONG_SON)), iso_year=2024, iso_week=10, enqueue=False
    )
    with pytest.raises(OperationalError):
        rollup_build.apply(args=(rollup.pk,), retries=rollup_build.max_retries)
    rollup.refresh_from_db()
    assert rollup.status == RollUp.State.FAILED and "could not connect to server" in rollup.error


def test_the_beat_schedule_builds_the_provinces_rollup_of_a_2026_week(
    demo, django_capture_on_commit_callbacks
):
    """What the scheduler does on Friday 27 November 2026 at 07:00: send the periodic task by
    its stored name, with no arguments (the week is the one whose deadline has just passed)."""
    from django_celery_beat.models import PeriodicTask

    from ntm.celery import app

    periodic = PeriodicTask.objects.get(task="reports.tasks.rollups_request_all")
    assert (periodic.crontab.day_of_week, periodic.crontab.hour) == ("5", "7")
    with time_machine.travel(vn(2026, 11, 27, 7, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            count = app.tasks[periodic.task].delay().get()
    week = RollUp.objects.filter(iso_year=2026, iso_week=48)
    assert count == week.count() == 2 and set(week.values_list("level", flat=True)) == {"province"}
    ha_tinh = week.get(unit_code="42")
    assert ha_tinh.status == "done" and by_code(ha_tinh)["18133"]["criteria_total"] == 10


def test_a_rollup_covers_every_commune_set_in_force_in_its_year(demo):
    # 2024: the basic set counts the communes; the advanced and model sets are in force beside it.
    rollup = build(HUONG_SON, "2024-W10")
    assert rollup.data["criteria_set"]["code"] == "xa_ntm_2021_2025"
    assert [item["code"] for item in rollup.data["other_sets"]] == [
        "xa_ntm_kieu_mau_2021_2025",
        "xa_ntm_nang_cao_2021_2025",
    ]
    son_bang = by_code(rollup)["18190"]["other_sets"]["xa_ntm_nang_cao_2021_2025"]
    assert (son_bang["criteria_met"], son_bang["criteria_total"]) == (9, 19)
    assert rollup.data["totals"]["other_sets"]["xa_ntm_nang_cao_2021_2025"] == {"assessed": 1, "qualified": 0}
    sheet = workbook(rollup.file.read())["Các bộ tiêu chí khác"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Sơn Bằng" in values and "9/19" in values
    # 2026 on today's map: the 2026-2030 set, and the pilot "xã nông thôn mới hiện đại" beside it.
    call_command("build_rollups", week="2026-W48", unit="42", no_mail=True, stdout=open(os.devnull, "w"))
    today = RollUp.objects.get(unit_code="42", iso_year=2026, iso_week=48)
    assert today.data["criteria_set"]["code"] == "xa_ntm_2026_2030"
    assert [item["code"] for item in today.data["other_sets"]] == ["xa_ntm_hien_dai_2026_2030"]
