"""The plan table carries the plan's own targets above the work-item grid: the title and the
criteria to meet ("13/19" for Dương Đức's 2024 plan, seed 001), criterion deadlines, village
targets, socio-economic targets and campaign waves, each row with its hidden key."""

from datetime import date, datetime
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import Commune
from criteria.models import CriteriaSet, Criterion
from plans.deadlines import VN_TZ
from plans.models import CampaignWave, CriterionDeadline, Plan, SocioTarget, VillageTarget

from ..conftest import ADVANCED_SET, count_queries
from ..excel_helpers import metadata, rows_by_key, workbook
from ..factories import VillageFactory
from ..plans_helpers import make_plan


def plan_sheet(client, commune, year):
    response = client.get(reverse("reports:plan_table", args=[commune.key]) + f"?year={year}")
    assert response.status_code == 200
    wb = workbook(response.content)
    meta = metadata(wb)
    ws = wb.worksheets[0]
    key_column = ws[f"{meta['key_column']}1"].column
    return ws, meta, rows_by_key(ws, key_column)


def texts(ws, row):
    return [cell.value for cell in ws[row] if cell.value is not None]


def test_duong_duc_2024_plan_table_shows_13_of_19_criterion_8_by_quarter_iv_and_cong_phen(client, demo):
    client.force_login(get_user_model().objects.get(username="canbo.duongduc"))
    commune = Commune.objects.get(code="07408")
    ws, meta, keys = plan_sheet(client, commune, 2024)
    criteria = CriteriaSet.objects.get(code=ADVANCED_SET).criteria.count()
    assert criteria == 19  # the set's own count, read from its data
    assert meta["template"] == "ntm.plan_table" and meta["template_version"] == 2
    assert ws.cell(row=keys["target:title"], column=1).value == (
        "1. Danh hiệu phấn đấu: Giữ vững xã nông thôn mới"
    )
    line = ws.cell(row=keys["target:criteria"], column=1).value
    assert line.startswith("Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao")
    assert f"→ mục tiêu 13/{criteria} tiêu chí" in line and line.count(f"/{criteria}") == 2
    assert texts(ws, keys["deadline:8"])[:3] == [1, "8. Thông tin và Truyền thông", "Quý IV/2024"]
    cong_phen = commune.villages.get(name="Cống Phên")
    assert texts(ws, keys[f"village_target:{cong_phen.code}"])[1:3] == [
        "Cống Phên",
        "Đạt chuẩn thôn kiểu mẫu",
    ]
    assert sum(key.startswith("village_target:") for key in keys) == 5
    poverty = texts(ws, keys["socio:1"])
    # The target in words with its direction (a ceiling), its latest actual and its status.
    assert poverty[1:] == [
        "Tỷ lệ hộ nghèo (chuẩn Nghị định 07/2021/NĐ-CP): ≤ 2,21 % (2024)",
        "—",
        "Chưa có số liệu thực hiện",
        "socio:1",
    ]
    # Health insurance reads its actual from the commune's 2024 assessment.
    insurance = texts(ws, keys["socio:7"])
    assert insurance[1] == "Tỷ lệ người dân có bảo hiểm y tế: ≥ 99,7 % (2024)"
    assert insurance[2].endswith("% (31/12/2024)") and insurance[3] in ("Đã đạt", "Không đạt")
    assert not any(key.startswith("wave:") for key in keys)  # the 2024 plan has no waves
    # Part II, the grid, follows the targets: its header row is recorded in `_meta`.
    header = meta["header_row"]
    assert header > keys["socio:8"] and ws.cell(row=header, column=2).value == "Nội dung công việc"
    assert meta["first_data_row"] == header + 2 and ws.print_title_rows == f"${header}:${header + 1}"
    assert ws.cell(row=header - 1, column=1).value.startswith("II. PHÂN BỔ VÀ TIẾN ĐỘ")
    # A block of targets taller than a window: only the item columns stay frozen.
    assert ws.freeze_panes == "C1"


def test_the_plan_table_reads_the_deadline_status_on_the_day_it_is_built(client, cast, catalogue):
    plan = make_plan(cast.commune_a, year=2024)
    plan.target_set, plan.target_criteria_met = catalogue, 15
    plan.save()
    eight = Criterion.objects.get(criteria_set=catalogue, code="8")
    CriterionDeadline.objects.create(plan=plan, criterion=eight, quarter=4)
    client.force_login(cast.officer_a)
    with time_machine.travel(datetime(2024, 11, 15, 9, 0, tzinfo=VN_TZ), tick=False):
        ws, _meta, keys = plan_sheet(client, cast.commune_a, 2024)
    assert texts(ws, keys["deadline:8"])[2:4] == ["Quý IV/2024", "Có nguy cơ chậm"]
    total = catalogue.criteria.count()
    line = ws.cell(row=keys["target:criteria"], column=1).value
    assert line.endswith(f"Hiện đạt: chưa có đánh giá → mục tiêu 15/{total} tiêu chí")


def test_a_plan_without_targets_shows_its_title_alone_and_keeps_the_grid_frozen(client, cast):
    make_plan(cast.commune_a, year=2024)
    client.force_login(cast.officer_a)
    ws, meta, keys = plan_sheet(client, cast.commune_a, 2024)
    assert [key for key in keys if not key.startswith(("item:", "total:"))] == ["target:title"]
    assert meta["first_data_row"] == 13 and ws.freeze_panes == "C13"


def test_the_plan_table_lists_campaign_waves_and_reads_in_english(client, cast):
    plan = make_plan(cast.commune_a, year=2023)
    CampaignWave.objects.create(plan=plan, name="Đợt 1", start=date(2023, 3, 15), end=date(2023, 5, 15))
    client.force_login(cast.officer_a)
    ws, _meta, keys = plan_sheet(client, cast.commune_a, 2023)
    row = keys["wave:2023-03-15"]
    assert texts(ws, row)[1] == "Đợt 1" and ws.cell(row=row, column=3).number_format == "DD/MM/YYYY"
    assert ws.cell(row=row - 1, column=2).value == "Đợt" and ws.cell(row=row - 1, column=3).value == "Từ ngày"
    client.cookies["django_language"] = "en"
    ws, _meta, keys = plan_sheet(client, cast.commune_a, 2023)
    assert ws.cell(row=keys["target:title"], column=1).value.startswith("1. Targeted title: ")
    assert ws.cell(row=keys["wave:2023-03-15"] - 2, column=1).value == "2. Campaigns"


def add_targets(plan, catalogue, count: int, first: int = 0) -> None:
    """`count` more targets of every kind: deadlines, villages with a target, socio-economic
    targets and waves."""
    criteria = Criterion.objects.filter(criteria_set=catalogue).order_by("order")[first : first + count]
    CriterionDeadline.objects.bulk_create(
        CriterionDeadline(plan=plan, criterion=c, quarter=3) for c in criteria
    )
    for n in range(first, first + count):
        village = VillageFactory(commune=plan.commune, name=f"Thôn {n}")
        VillageTarget.objects.create(plan=plan, village=village, kind="reach_ntm", note=f"Ghi chú {n}")
        SocioTarget.objects.create(plan=plan, name=f"Chỉ tiêu {n}", value=Decimal("1.5"), unit="%", order=n)
        day = date(plan.year, 1 + n % 12, 1)
        CampaignWave.objects.create(plan=plan, name=f"Đợt {n}", start=day, end=day)


def test_the_plan_table_costs_the_same_queries_with_more_targets_and_villages(client, cast, catalogue):
    plan = make_plan(cast.commune_a, year=2024)
    Plan.objects.filter(pk=plan.pk).update(target_set=catalogue, target_criteria_met=12)
    add_targets(plan, catalogue, 1)
    client.force_login(cast.officer_a)
    url = reverse("reports:plan_table", args=[cast.commune_a.key]) + "?year=2024"
    client.get(url)
    # Session, user, roles; commune, plan (with its commune, district, province and target set);
    # villages, items, allocations, quantities done; the set's criteria count, the assessment,
    # its criteria met, the deadlines, village targets, socio-economic targets, their actuals
    # and their counted objects, and waves.
    small = count_queries(lambda: client.get(url), status=200)
    add_targets(plan, catalogue, 6, first=1)
    assert count_queries(lambda: client.get(url), status=200) == small
    ws, _meta, keys = plan_sheet(client, cast.commune_a, 2024)
    assert sum(key.startswith("deadline:") for key in keys) == 7
    assert sum(key.startswith("socio:") for key in keys) == 7
    assert sum(key.startswith("wave:") for key in keys) == 7
