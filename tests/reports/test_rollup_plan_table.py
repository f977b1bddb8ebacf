"""The plan table export: Sơn Bằng's 2023 plan (seed 004) as work items × villages, with the
allocations and the quantities reported in the demo's four weeks."""

import io
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from communes.models import Commune
from plans.models import Allocation, Plan, ReportLine
from reports.models import RollUp

from ..conftest import count_queries
from ..excel_helpers import metadata, rows_by_key, workbook
from ..factories import VillageFactory


def fetch(client, username, code="legacy-18190", year=""):
    client.login(username=username, password="NtmDemo@2025")
    url = reverse("reports:plan_table", args=[code]) + (f"?year={year}" if year else "")
    return client.get(url)


def test_the_son_bang_plan_table_shows_allocations_done_and_progress(client, demo):
    response = fetch(client, "canbo.sonbang")
    assert response.status_code == 200 and "ke-hoach_18190_2023.xlsx" in response["Content-Disposition"]
    wb = workbook(response.content)
    ws = wb.worksheets[0]
    plan = Plan.objects.get(commune__code="18190", year=2023)
    assert ws["A4"].value == "BẢNG PHÂN BỔ VÀ TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH NĂM 2023"
    meta = metadata(wb)
    # The grid follows the plan's targets (tests/reports/test_plan_table_targets.py).
    header = meta["header_row"]
    assert ws[f"B{header}"].value == "Nội dung công việc" and ws[f"F{header}"].value == "Thịnh Bằng"
    assert ws[f"F{header + 1}"].value == "Giao" and ws[f"G{header + 1}"].value == "Đã làm"
    keys = rows_by_key(ws, 5 + 2 * 5 + 3)
    item = plan.work_items.get(name="Trồng hàng rào xanh")
    row = keys[f"item:{item.pk}"]
    assert (
        ws.cell(row=row, column=2).value == "Trồng hàng rào xanh" and ws.cell(row=row, column=4).value == 3200
    )
    assert ws.cell(row=row, column=6).value == 800  # Thịnh Bằng's share (seed 004, illustrative split)
    done = sum(line.quantity for line in ReportLine.objects.filter(work_item=item))
    thinh_bang = sum(
        line.quantity
        for line in ReportLine.objects.filter(work_item=item, report__village__name="Thịnh Bằng")
    )
    assert Decimal(str(ws.cell(row=row, column=7).value)) == thinh_bang
    assert Decimal(str(ws.cell(row=row, column=16).value)) == done
    assert ws.cell(row=row, column=17).number_format == "0.0%"
    assert abs(ws.cell(row=row, column=17).value - float(done / 3200)) < 0.001  # 36,8 %
    assert meta["template"] == "ntm.plan_table" and meta["year"] == 2023
    assert meta["first_data_row"] == header + 2 and keys[f"item:{plan.work_items.first().pk}"] >= header + 2
    # Five village targets and two waves above the grid: only the item columns stay frozen.
    assert (
        ws.freeze_panes == "C1"
        and ws.page_setup.orientation == "landscape"
        and ws.print_title_rows == f"${header}:${header + 1}"
    )


def test_the_plan_table_is_for_the_communes_scope_only(client, demo):
    assert fetch(client, "canbo.lienminh").status_code == 404  # another commune
    assert fetch(client, "bcd.langgiang").status_code == 404  # another district
    assert fetch(client, "bcd.huongson").status_code == 200
    assert fetch(client, "vpdp.hatinh").status_code == 200
    assert fetch(client, "canbo.sonbang", year="2019").status_code == 404  # no plan that year
    client.logout()
    assert client.get(reverse("reports:plan_table", args=["legacy-18190"])).status_code == 302


def test_the_plan_table_costs_the_same_queries_with_more_villages(client, demo):
    client.login(username="canbo.sonbang", password="NtmDemo@2025")
    url = reverse("reports:plan_table", args=["legacy-18190"])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    commune = Commune.objects.get(map="legacy", code="18190")
    plan = Plan.objects.get(commune=commune, year=2023)
    for n in range(6):
        village = VillageFactory(commune=commune, name=f"Thôn mới {n}")
        Allocation.objects.bulk_create(
            Allocation(work_item=item, village=village, quantity=Decimal(1)) for item in plan.work_items.all()
        )
    assert count_queries(lambda: client.get(url)) == small


def test_libreoffice_prints_the_rollup_and_plan_workbooks_on_a4_landscape(demo, client, tmp_path, settings):
    from .test_excel_pdf import A4_LANDSCAPE, to_pdf

    settings.MEDIA_ROOT = tmp_path / "media"
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice is missing: apt-get install -y libreoffice-calc-nogui")
    call_command("build_rollups", week="2023-W15", unit="legacy-439", no_mail=True, stdout=io.StringIO())
    rollup = RollUp.objects.get(unit_code="legacy-439")
    exports = {"rollup.xlsx": rollup.file.read(), "plan.xlsx": fetch(client, "canbo.sonbang").content}
    for name, content in exports.items():
        pdf = to_pdf(path, tmp_path, name, content)
        assert pdf.startswith(b"%PDF") and A4_LANDSCAPE.search(pdf), name
