"""The plan table of a commune's yearly plan: the plan's own targets, then one row per work
item with, for each village, the quantity allocated and the quantity reported done, and the
item's total done and progress.

Template `ntm.plan_table`, version 2. Rows 1-3 heading, 4-6 title, plan and document; from
row 8 part I, the plan's targets (`target:title`, `target:criteria`, then one row per
`deadline:<criterion code>`, `village_target:<village code>`, `socio:<order>`,
`wave:<start date>`, each block headed and numbered, empty blocks left out); then part II,
the work-item grid: two header rows (the village names over "Giao" / "Đã làm"), the items
(`item:<id>`) and `total:villages` (allocated and done per village). The row keys are in the
hidden column after the last one; the grid's first row is in `_meta` (`header_row`,
`first_data_row`), as it moves with the number of targets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import Village
from criteria.evaluation import format_number
from criteria.models import Assessment
from plans import deadlines, selectors
from plans.models import (
    Allocation,
    CampaignWave,
    CriterionDeadline,
    Plan,
    ReportLine,
    SocioTarget,
    VillageTarget,
    WorkItem,
)
from reports.documents.letterhead import DocumentType, Letterhead, letterhead_for

from .styles import (
    BORDER,
    CENTER,
    GROUP_FILL,
    HEADER_FILL,
    WRAP,
    decimal_format,
    fit_row_height,
    font,
    hide_column,
    letterhead_heading,
    merge_boxed,
    merge_text,
    metadata_sheet,
    print_setup,
    put,
    set_widths,
    signature_block,
)

TEMPLATE = "ntm.plan_table"
TEMPLATE_VERSION = 2
FIRST_BLOCK_ROW = 8
FIXED = 5  # TT, item, unit, quantity, criterion
QUANTITY_FORMAT = "#,##0.###"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "DD/MM/YYYY"
# Excel freezes every row above the grid's first row: with a long block of targets above, the
# frozen part would fill the window, so then only the item columns are frozen.
MAX_FROZEN_ROWS = 16
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADING = Alignment(horizontal="left", vertical="bottom")
HEADING_HEIGHT = 21


@dataclass
class PlanTableData:
    plan: Plan
    villages: list[Village]
    items: list[WorkItem]
    allocated: dict[tuple[int, int], Decimal]
    done: dict[tuple[int, int], Decimal]
    today: datetime.date
    letterhead: Letterhead
    # The plan's targets, shown above the grid.
    criteria_total: int | None
    assessment: Assessment | None
    deadlines: list[selectors.DeadlineRow]
    village_targets: list[VillageTarget]
    socio_targets: list[selectors.TargetRow]
    waves: list[CampaignWave]


def plan_table_data(plan: Plan) -> PlanTableData:
    """Queries: villages, work items, allocations, quantities done per item and village; the
    target set's criteria count, the commune's assessment of the set and year, its criteria
    met, the criterion deadlines, the village targets, the socio-economic targets (with their
    actuals and counted objects, and their assessment values when linked to an indicator:
    plans.selectors.target_rows), the waves;
    the commune's letterhead settings. `plan` comes with its commune, district, province and target set selected."""
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
    deadline_rows, assessment = selectors.plan_criterion_status(plan, today)
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
        criteria_total=plan.target_set.criteria.count() if plan.target_set_id else None,
        assessment=assessment,
        deadlines=deadline_rows,
        village_targets=list(plan.village_targets.select_related("village")),
        socio_targets=selectors.target_rows(SocioTarget.objects.of_plan(plan), today),
        waves=list(plan.waves.all()),
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
    row = _targets(ws, FIRST_BLOCK_ROW, data, last)
    _section(ws, row, _("II. PHÂN BỔ VÀ TIẾN ĐỘ THỰC HIỆN CÁC HẠNG MỤC CÔNG VIỆC"), last)
    header_row = row + 1
    _headers(ws, header_row, data, last)
    row = first_data_row = header_row + 2
    for number, item in enumerate(data.items, start=1):
        _item_row(ws, row, number, item, data)
        row += 1
    _village_totals(ws, row, data)
    signature_block(ws, data.letterhead, row + 3, split=min(3, last - 1), last=last)
    hide_column(ws, last + 1)
    frozen = first_data_row if first_data_row <= MAX_FROZEN_ROWS + 1 else 1
    print_setup(ws, header_rows=(header_row, header_row + 1), freeze=f"C{frozen}")
    ws.print_title_cols = "A:B"
    metadata_sheet(wb, _metadata(data, header_row))
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


# --- Part I: the plan's targets ---------------------------------------------------------------


def _section(ws: Worksheet, row: int, text: str, last: int) -> None:
    """A heading line (a part or a block), with some air above it."""
    merge_text(ws, row, 1, last, text, font=font(bold=True), alignment=HEADING)
    ws.row_dimensions[row].height = HEADING_HEIGHT


def _targets(ws: Worksheet, row: int, data: PlanTableData, last: int) -> int:
    """Part I: the title and criteria targets, then one numbered block per kind of target the
    plan has. Returns the row after it."""
    _section(ws, row, _("I. MỤC TIÊU, CHỈ TIÊU CỦA KẾ HOẠCH"), last)
    row = _title_target(ws, row + 1, data, last)
    blocks = [
        (
            _("Hạn hoàn thành tiêu chí"),
            _deadline_header(),
            [_deadline_line(item, data) for item in data.deadlines],
        ),
        (
            _("Mục tiêu của thôn"),
            _field_names(VillageTarget, "village", "kind", "note"),
            [_village_line(target) for target in data.village_targets],
        ),
        (
            _("Chỉ tiêu kinh tế - xã hội"),
            [
                str(capfirst(SocioTarget._meta.get_field("name").verbose_name)),
                _("Thực hiện"),
                _("Tình trạng"),
            ],
            [_socio_line(target) for target in data.socio_targets],
        ),
        (
            _("Đợt cao điểm"),
            _field_names(CampaignWave, "name", "start", "end"),
            [_wave_line(wave) for wave in data.waves],
        ),
    ]
    number = 2
    for heading, header, lines in blocks:
        if not lines:
            continue
        _section(ws, row, f"{number}. {heading}", last)
        _block_row(ws, row + 1, [_("TT"), *header], last, header=True)
        for offset, (key, values) in enumerate(lines, start=1):
            _block_row(ws, row + 1 + offset, [offset, *values], last)
            put(ws, row + 1 + offset, last + 1, key)
        row += len(lines) + 2
        number += 1
    return row


def _title_target(ws: Worksheet, row: int, data: PlanTableData, last: int) -> int:
    """ "1. Danh hiệu phấn đấu: …" and, with a target set, the set's criteria: met now and
    targeted, of the set's number of criteria ("hiện đạt 12/19 → mục tiêu 13/19 tiêu chí")."""
    plan = data.plan
    _section(ws, row, f"1. {_('Danh hiệu phấn đấu')}: {plan.get_target_title_display()}", last)
    put(ws, row, last + 1, "target:title")
    if plan.target_set_id is None:
        return row + 1
    merge_text(ws, row + 1, 1, last, f"{plan.target_set.name}: {criteria_target_text(data)}", alignment=LEFT)
    put(ws, row + 1, last + 1, "target:criteria")
    return row + 2


def criteria_target_text(data: PlanTableData) -> str:
    total = data.criteria_total
    if data.assessment is None:
        parts = [f"{_('Hiện đạt')}: {_('chưa có đánh giá')}"]
    else:
        parts = [_("Hiện đạt %(met)s/%(total)s") % {"met": data.assessment.criteria_met, "total": total}]
    if data.plan.target_criteria_met is not None:
        target = data.plan.target_criteria_met
        parts.append(_("mục tiêu %(target)s/%(total)s tiêu chí") % {"target": target, "total": total})
    return " → ".join(parts)


def _field_names(model: type[Model], *fields: str) -> list[str]:
    """Block headers are the model's own (translated) field names."""
    return [str(capfirst(model._meta.get_field(name).verbose_name)) for name in fields]


def _deadline_header() -> list[str]:
    return [*_field_names(CriterionDeadline, "criterion", "quarter"), _("Tiến độ")]


def _deadline_line(row: selectors.DeadlineRow, data: PlanTableData) -> tuple[str, list[object]]:
    item = row.deadline
    due = _("Quý %(quarter)s/%(year)s") % {"quarter": item.get_quarter_display(), "year": data.plan.year}
    return f"deadline:{item.criterion.code}", [str(item.criterion), due, row.status.label]


def _village_line(target: VillageTarget) -> tuple[str, list[object]]:
    return f"village_target:{target.village.code}", [
        target.village.name,
        target.get_kind_display(),
        target.note,
    ]


def _socio_line(row: selectors.TargetRow) -> tuple[str, list[object]]:
    """The target in words, its latest actual (with its unit and date) and its status."""
    target, latest = row.target, row.result.latest
    actual = "—"
    if latest is not None:
        actual = f"{format_number(latest.value)} {target.unit}".strip() + f" ({latest.as_of:%d/%m/%Y})"
    return f"socio:{target.order}", [target.statement(), actual, row.result.label]


def _wave_line(wave: CampaignWave) -> tuple[str, list[object]]:
    return f"wave:{wave.start.isoformat()}", [wave.name, wave.start, wave.end]


def _block_row(ws: Worksheet, row: int, values: list[object], last: int, *, header: bool = False) -> None:
    """A row of a target block: TT in A, the target in B, the next value over C-E, the last
    over F to the last column (every block has the same four columns). Text in B and in the
    last, wide span reads from the left; the rest is centred."""
    style = {"border": BORDER}
    if header:
        style |= {"font": font(bold=True), "fill": HEADER_FILL}
    spans = [(1, 1), (2, 2), (3, FIXED), (FIXED + 1, last)]
    for (first, end), value in zip(spans, values, strict=True):
        wide = first == 2 or end == last
        alignment = LEFT if wide and isinstance(value, str) and not header else CENTER
        if isinstance(value, Decimal):
            style["number_format"] = decimal_format(value)
        elif isinstance(value, datetime.date):
            style["number_format"] = DATE_FORMAT
        put(ws, row, first, value, alignment=alignment, **style)
        style.pop("number_format", None)
        if end > first:
            merge_boxed(ws, row, first, row, end)
    fit_row_height(ws, row)


# --- Part II: the work-item grid --------------------------------------------------------------


def _headers(ws: Worksheet, top: int, data: PlanTableData, last: int) -> None:
    style = {"font": font(bold=True), "alignment": CENTER, "border": BORDER, "fill": HEADER_FILL}
    fixed = [_("TT"), _("Nội dung công việc"), _("Đơn vị tính"), _("Khối lượng"), _("Tiêu chí")]
    tail = [_("Tổng đã thực hiện"), _("Tỷ lệ hoàn thành")]
    for column in range(1, last + 1):
        put(ws, top + 1, column, None, **style)
    for column, text in enumerate(fixed, start=1):
        put(ws, top, column, text, **style)
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    for index, village in enumerate(data.villages):
        column = FIXED + 1 + 2 * index
        put(ws, top, column + 1, None, **style)
        merge_text(ws, top, column, column + 1, village.name, **style)
        put(ws, top + 1, column, _("Giao"), **style)
        put(ws, top + 1, column + 1, _("Đã làm"), **style)
    for offset, text in enumerate(tail):
        column = last - 1 + offset
        put(ws, top, column, text, **style)
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    put(ws, top, last + 1, _("Mã (không sửa)"))
    fit_row_height(ws, top)


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


def _metadata(data: PlanTableData, header_row: int) -> dict[str, object]:
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "commune_code": data.plan.commune.code,
        "year": data.plan.year,
        "plan_id": data.plan.pk,
        "villages": ",".join(village.code for village in data.villages),
        "header_row": header_row,
        "first_data_row": header_row + 2,
        "key_column": get_column_letter(_last_column(data) + 1),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
