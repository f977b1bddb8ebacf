"""The plan table of a commune's yearly plan: one row per work item, and for each village the
quantity allocated and the quantity reported done, with the item's total done and progress.

Template `ntm.plan_table`, version 1. Rows 1-3 heading, 4-6 title, plan and document, 8-9
headers (the village names over "Giao" / "Đã làm"), items from row 10 (hidden last column
`item:<id>`), then `total:villages` (allocated and done per village). `_meta` as the other
templates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import Village
from plans import deadlines
from plans.models import Allocation, Plan, ReportLine, WorkItem
from reports.documents.letterhead import DocumentType, Letterhead, letterhead_for

from .styles import (
    BORDER,
    CENTER,
    GROUP_FILL,
    HEADER_FILL,
    WRAP,
    fit_row_height,
    font,
    hide_column,
    letterhead_heading,
    merge_text,
    metadata_sheet,
    print_setup,
    put,
    set_widths,
    signature_block,
)

TEMPLATE = "ntm.plan_table"
TEMPLATE_VERSION = 1
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 2
FIXED = 5  # TT, item, unit, quantity, criterion
QUANTITY_FORMAT = "#,##0.###"
PERCENT_FORMAT = "0.0%"


@dataclass
class PlanTableData:
    plan: Plan
    villages: list[Village]
    items: list[WorkItem]
    allocated: dict[tuple[int, int], Decimal]
    done: dict[tuple[int, int], Decimal]
    today: datetime.date
    letterhead: Letterhead


def plan_table_data(plan: Plan) -> PlanTableData:
    """Queries: villages, work items, allocations, quantities done per item and village.
    `plan` comes with its commune, district and province selected."""
    today = timezone.localdate()
    items = list(WorkItem.objects.filter(plan=plan).select_related("criterion").order_by("order", "pk"))
    allocated = {
        (row.work_item_id, row.village_id): row.quantity
        for row in Allocation.objects.filter(work_item__plan=plan).only(
            "work_item_id", "village_id", "quantity"
        )
    }
    done = {
        (row["work_item_id"], row["report__village_id"]): row["total"]
        for row in ReportLine.objects.filter(report__plan=plan)
        .order_by()
        .values("work_item_id", "report__village_id")
        .annotate(total=Sum("quantity"))
    }
    return PlanTableData(
        plan=plan,
        villages=list(Village.objects.filter(commune_id=plan.commune_id).order_by("code")),
        items=items,
        allocated=allocated,
        done=done,
        today=today,
        letterhead=letterhead_for(
            plan.commune, doc_type=DocumentType.REPORT, summary=plan_table_title(plan), on=today
        ),
    )


def plan_table_title(plan: Plan) -> str:
    return _("BẢNG PHÂN BỔ VÀ TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH NĂM %(year)s") % {"year": plan.year}


def _last_column(data: PlanTableData) -> int:
    return FIXED + 2 * len(data.villages) + 2


def build_plan_table(data: PlanTableData) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kế hoạch và tiến độ")[:31]
    last = _last_column(data)
    set_widths(ws, [6, 36, 9, 11, 8] + [10] * (2 * len(data.villages)) + [11, 10, 12])
    _title(ws, data, last)
    _headers(ws, data, last)
    row = FIRST_DATA_ROW
    for number, item in enumerate(data.items, start=1):
        _item_row(ws, row, number, item, data)
        row += 1
    _village_totals(ws, row, data)
    signature_block(ws, data.letterhead, row + 3, split=min(3, last - 1), last=last)
    hide_column(ws, last + 1)
    print_setup(ws, header_rows=(HEADER_ROW, HEADER_ROW + 1), freeze=f"C{FIRST_DATA_ROW}")
    ws.print_title_cols = "A:B"
    metadata_sheet(wb, _metadata(data))
    return wb


def _title(ws: Worksheet, data: PlanTableData, last: int) -> None:
    split = min(3, last - 1)
    letterhead_heading(ws, data.letterhead, split=split, last=last)
    merge_text(ws, 4, 1, last, data.letterhead.summary, font=font(bold=True, size=14))
    merge_text(ws, 5, 1, last, data.plan.name, font=font(bold=True), alignment=WRAP)
    document = data.plan.document_number
    if data.plan.document_date:
        document += " " + _("ngày %(date)s") % {"date": data.plan.document_date.strftime("%d/%m/%Y")}
    merge_text(ws, 6, 1, last, document.strip(), font=font(italic=True))


def _headers(ws: Worksheet, data: PlanTableData, last: int) -> None:
    style = {"font": font(bold=True), "alignment": CENTER, "border": BORDER, "fill": HEADER_FILL}
    fixed = [_("TT"), _("Nội dung công việc"), _("Đơn vị tính"), _("Khối lượng"), _("Tiêu chí")]
    tail = [_("Tổng đã thực hiện"), _("Tỷ lệ hoàn thành")]
    for column in range(1, last + 1):
        put(ws, HEADER_ROW + 1, column, None, **style)
    for column, text in enumerate(fixed, start=1):
        put(ws, HEADER_ROW, column, text, **style)
        ws.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW + 1, end_column=column)
    for index, village in enumerate(data.villages):
        column = FIXED + 1 + 2 * index
        put(ws, HEADER_ROW, column + 1, None, **style)
        merge_text(ws, HEADER_ROW, column, column + 1, village.name, **style)
        put(ws, HEADER_ROW + 1, column, _("Giao"), **style)
        put(ws, HEADER_ROW + 1, column + 1, _("Đã làm"), **style)
    for offset, text in enumerate(tail):
        column = last - 1 + offset
        put(ws, HEADER_ROW, column, text, **style)
        ws.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW + 1, end_column=column)
    put(ws, HEADER_ROW, last + 1, _("Mã (không sửa)"))
    fit_row_height(ws, HEADER_ROW)


def _item_row(ws: Worksheet, row: int, number: int, item: WorkItem, data: PlanTableData) -> None:
    criterion = item.criterion.code if item.criterion else ""
    for column, value in enumerate([number, item.name, item.unit, item.quantity, criterion], start=1):
        cell = put(ws, row, column, value, alignment=WRAP if column == 2 else CENTER, border=BORDER)
        if column == 4:
            cell.number_format = QUANTITY_FORMAT
    total = Decimal(0)
    for index, village in enumerate(data.villages):
        column = FIXED + 1 + 2 * index
        given = data.allocated.get((item.pk, village.pk))
        done = data.done.get((item.pk, village.pk))
        total += done or 0
        put(ws, row, column, given, alignment=CENTER, border=BORDER, number_format=QUANTITY_FORMAT)
        put(ws, row, column + 1, done, alignment=CENTER, border=BORDER, number_format=QUANTITY_FORMAT)
    last = _last_column(data)
    put(ws, row, last - 1, total, alignment=CENTER, border=BORDER, number_format=QUANTITY_FORMAT)
    share = deadlines.percent(total, item.quantity)
    put(ws, row, last, share / 100 if share is not None else None, alignment=CENTER, border=BORDER)
    ws.cell(row=row, column=last).number_format = PERCENT_FORMAT
    put(ws, row, last + 1, f"item:{item.pk}")
    fit_row_height(ws, row)


def _village_totals(ws: Worksheet, row: int, data: PlanTableData) -> None:
    """Per village, how many items it was given work in and how many it has reported on."""
    last = _last_column(data)
    style = {"font": font(bold=True), "alignment": CENTER, "border": BORDER, "fill": GROUP_FILL}
    for column in range(1, last + 1):
        put(ws, row, column, None, **style)
    put(ws, row, 2, _("Số hạng mục được giao / đã báo cáo"), **style)
    for index, village in enumerate(data.villages):
        column = FIXED + 1 + 2 * index
        given = sum(1 for item in data.items if data.allocated.get((item.pk, village.pk)))
        reported = sum(1 for item in data.items if data.done.get((item.pk, village.pk)))
        put(ws, row, column, given, **style)
        put(ws, row, column + 1, reported, **style)
    put(ws, row, last + 1, "total:villages")


def _metadata(data: PlanTableData) -> dict[str, object]:
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "commune_code": data.plan.commune.code,
        "year": data.plan.year,
        "plan_id": data.plan.pk,
        "villages": ",".join(village.code for village in data.villages),
        "first_data_row": FIRST_DATA_ROW,
        "key_column": get_column_letter(_last_column(data) + 1),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
