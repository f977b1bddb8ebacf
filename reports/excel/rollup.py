"""The weekly roll-up workbook of a district (or of a province's communes without a district),
built from the roll-up's frozen figures (`RollUp.data`), so it can be rebuilt identically.

Template `ntm.weekly_rollup`, version 1. Sheet "Tổng hợp tuần": rows 1-3 heading (dated the
local day the roll-up was built, `figures.rollup.rollup_built_on`), 4-6 title, unit and set,
8-9 headers (row 8 as high as its wrapped text needs) and column numbers, one row per commune
from row 10 (hidden last column `commune:<code>`), then `total:all` and the band table
(`band:<code>`). `_meta` as in the other templates.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import NamedStyle
from openpyxl.worksheet.worksheet import Worksheet

from criteria.titles import LABELS as TITLE_LABELS
from plans.deadlines import DeadlineStatus, Timeliness
from reports.documents.letterhead import Letterhead

from ..labels import band_label, set_name, status_label, title_label, unit_label
from .styles import (
    AVERAGE_FORMAT,
    BORDER,
    CENTER,
    COUNT_FORMAT,
    GROUP_FILL,
    WRAP,
    column_numbers_row,
    fit_row_height,
    font,
    header_row,
    hide_column,
    letterhead_heading,
    merge_text,
    metadata_sheet,
    print_setup,
    put,
    safe_text,
    set_widths,
    signature_block,
)

TEMPLATE = "ntm.weekly_rollup"
TEMPLATE_VERSION = 1
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 2
COLUMNS = 16
KEY_COLUMN = COLUMNS + 1
WIDTHS = (6, 20, 8, 10, 9, 18, 14, 14, 14, 16, 11, 11, 18, 9, 9, 9, 14)
PERCENT_FORMAT = '0.0" %"'


def headers() -> list[str]:
    return [
        _("TT"),
        _("Tên xã"),
        _("Năm đánh giá"),
        _("Số tiêu chí đạt"),
        _("Nhóm"),
        _("Danh hiệu đạt"),
        _("Trạng thái hồ sơ"),
        _("Tiêu chí mới đạt"),
        _("Tiêu chí không còn đạt"),
        _("Chỉ tiêu sửa sau phê duyệt"),
        _("Hạng mục hoàn thành"),
        _("Tiến độ kế hoạch"),
        _("Hạn tiêu chí"),
        _("Báo cáo: %(state)s") % {"state": Timeliness.ON_TIME.label},
        _("Báo cáo: %(state)s") % {"state": Timeliness.LATE.label},
        _("Báo cáo: %(state)s") % {"state": Timeliness.MISSING.label},
        _("Mã (không sửa)"),
    ]


# Named styles: one style record shared by every data cell, instead of a font, border and
# alignment hashed per cell, keep a district of hundreds of communes fast to build.
CELL_STYLE, WRAP_STYLE = "ntm_rollup_cell", "ntm_rollup_wrap"


def _named_styles(wb: Workbook) -> None:
    for name, alignment in ((CELL_STYLE, CENTER), (WRAP_STYLE, WRAP)):
        wb.add_named_style(NamedStyle(name=name, font=font(), border=BORDER, alignment=alignment))


def _cell(ws: Worksheet, row: int, column: int, value: object, style: str):
    cell = ws.cell(row=row, column=column)
    # The named style first: setting it afterwards would clear the quote prefix `safe_text`
    # gives formula-like text.
    cell.style = style
    if isinstance(value, str):
        safe_text(cell, value)
    elif value is not None:
        cell.value = value
    return cell


def build_rollup_workbook(data: dict, letterhead: Letterhead) -> Workbook:
    wb = Workbook()
    _named_styles(wb)
    ws = wb.active
    ws.title = _("Tổng hợp tuần")[:31]
    set_widths(ws, WIDTHS)
    _title(ws, data, letterhead)
    header_row(ws, HEADER_ROW, headers()[:COLUMNS])
    # The headers wrap over two lines: without the height their text needs, printing
    # runs them over the "(1) (2) …" row.
    fit_row_height(ws, HEADER_ROW)
    column_numbers_row(ws, HEADER_ROW + 1, COLUMNS)
    row = FIRST_DATA_ROW
    bands = data["criteria_set"]["bands"]
    for number, commune in enumerate(data["communes"], start=1):
        _commune_row(ws, row, number, commune, bands)
        row += 1
    row = _total_row(ws, row, data["totals"])
    row = _band_table(ws, row + 1, data["totals"], bands)
    signature_block(ws, letterhead, row + 1, split=5, last=COLUMNS)
    hide_column(ws, KEY_COLUMN)
    print_setup(ws, header_rows=(HEADER_ROW, HEADER_ROW + 1), freeze=f"C{FIRST_DATA_ROW}")
    ws.print_title_cols = "A:B"
    if data.get("other_sets"):
        _other_sets_sheet(wb, data)
    metadata_sheet(wb, _metadata(data))
    return wb


def _other_sets_sheet(wb: Workbook, data: dict) -> None:
    """The other commune sets in force in the year: each commune's criteria met of the total
    and the state of its assessment, one pair of columns per set."""
    ws = wb.create_sheet(_("Các bộ tiêu chí khác")[:31])
    sets = data["other_sets"]
    set_widths(ws, [6, 28] + [14, 16] * len(sets))
    put(
        ws,
        1,
        1,
        _("Các bộ tiêu chí khác áp dụng năm %(year)s") % {"year": data["week"]["iso_year"]},
        font=font(bold=True),
    )
    headers = [_("TT"), _("Tên xã")]
    for item in sets:
        headers += [f"{set_name(item)}: " + _("tiêu chí đạt"), _("Trạng thái hồ sơ")]
    header_row(ws, 3, headers)
    for number, commune in enumerate(data["communes"], start=1):
        row = 3 + number
        put(ws, row, 1, number, border=BORDER, alignment=CENTER)
        put(ws, row, 2, commune["name"], border=BORDER)
        for index, item in enumerate(sets):
            result = commune.get("other_sets", {}).get(item["code"])
            met = f"{result['criteria_met']}/{result['criteria_total']}" if result else "—"
            state = status_label(result["status"]) if result else "—"
            put(ws, row, 3 + 2 * index, met, border=BORDER, alignment=CENTER)
            put(ws, row, 4 + 2 * index, state, border=BORDER)


def rollup_title(data: dict) -> str:
    week = data["week"]
    return _("BÁO CÁO TỔNG HỢP TUẦN %(week)s NĂM %(year)s") % {
        "week": week["iso_week"],
        "year": week["iso_year"],
    }


def _title(ws: Worksheet, data: dict, letterhead: Letterhead) -> None:
    unit = data["unit"]
    week = data["week"]
    start = datetime.date.fromisoformat(week["start"])
    end = datetime.date.fromisoformat(week["end"])
    letterhead_heading(ws, letterhead, split=5, last=COLUMNS)
    merge_text(ws, 4, 1, COLUMNS, letterhead.summary, font=font(bold=True, size=14))
    period = _("(từ %(start)s đến %(end)s)") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }
    merge_text(ws, 5, 1, COLUMNS, f"{unit_label(unit)}, {unit['province']} {period}", font=font(bold=True))
    merge_text(ws, 6, 1, COLUMNS, set_name(data["criteria_set"]), font=font(italic=True))


def _commune_row(ws: Worksheet, row: int, number: int, commune: dict, bands: list[dict]) -> None:
    plan = commune["plan"] or {}
    reports = commune["reports"]
    met = commune["criteria_met"]
    cells = [
        number,
        commune["name"],
        commune["year"],
        met,
        _band_text(commune, bands),
        title_label(commune["title"]),
        status_label(commune["status"]),
        _codes(commune["gained"]),
        _codes(commune["lost"]),
        ", ".join(commune["edited_after_approval"]),
        f"{plan['items_done']}/{plan['items']}" if plan else "",
        plan.get("percent"),
        _deadlines(plan.get("deadlines", [])),
        reports["on_time"],
        reports["late"],
        reports["missing"],
    ]
    for column, value in enumerate(cells, start=1):
        cell = _cell(ws, row, column, value, WRAP_STYLE if column in (2, 6, 10, 13) else CELL_STYLE)
        if column == 4 and met is not None:
            cell.number_format = f'0"/{commune["criteria_total"]}"'
        elif column == 12:
            cell.number_format = PERCENT_FORMAT
    put(ws, row, KEY_COLUMN, f"commune:{commune['code']}")
    fit_row_height(ws, row)


def _band_text(commune: dict, bands: list[dict]) -> str:
    """The commune's band, or "x/N" where the set declares no bands."""
    if commune["criteria_met"] is None:
        return ""
    return band_label(bands, commune["band"]) or f"{commune['criteria_met']}/{commune['criteria_total']}"


def _codes(codes: list[str] | None) -> str:
    if codes is None:
        return "—"
    return ", ".join(codes)


def _deadlines(items: list[dict]) -> str:
    return "; ".join(
        _("TC %(code)s quý %(quarter)s: %(status)s")
        % {
            "code": item["criterion"],
            "quarter": item["quarter"],
            "status": DeadlineStatus(item["status"]).label,
        }
        for item in items
    )


def _total_row(ws: Worksheet, row: int, totals: dict) -> int:
    reports = totals["reports"]
    cells = {
        2: _("Tổng cộng"),
        3: totals["assessed"],
        4: totals["average"],
        8: totals["gained"],
        9: totals["lost"],
        10: totals["edited"],
        12: totals["plan_percent"],
        13: f"{DeadlineStatus.AT_RISK.label} {totals['deadlines_due']}, "
        f"{DeadlineStatus.OVERDUE.label} {totals['deadlines_overdue']}",
        14: reports["on_time"],
        15: reports["late"],
        16: reports["missing"],
    }
    for column in range(1, COLUMNS + 1):
        cell = put(ws, row, column, cells.get(column), font=font(bold=True), alignment=CENTER, border=BORDER)
        cell.fill = GROUP_FILL
        if column == 4:
            cell.number_format = AVERAGE_FORMAT
        elif column == 12:
            cell.number_format = PERCENT_FORMAT
        elif isinstance(cells.get(column), int):
            cell.number_format = COUNT_FORMAT
    put(ws, row, KEY_COLUMN, "total:all")
    return row + 1


def _band_table(ws: Worksheet, row: int, totals: dict, bands: list[dict]) -> int:
    put(ws, row, 2, _("Số xã theo nhóm tiêu chí đạt"), font=font(bold=True))
    row += 1
    lines = [(f"band:{code}", band_label(bands, code), count) for code, count in totals["bands"].items()]
    if not bands:
        lines.append(("total:all_met", _("Số xã đạt đủ các tiêu chí"), totals["all_met"]))
    lines += [
        ("total:communes", _("Tổng số xã"), totals["communes"]),
        ("total:assessed", _("Số xã đã đánh giá"), totals["assessed"]),
    ]
    lines += [
        (f"total:title:{state}", str(label), totals["titles"].get(state.value, 0))
        for state, label in TITLE_LABELS.items()
    ]
    for key, label, count in lines:
        # Label in the wide name column, count beside it: no merged cells, which openpyxl
        # formats cell by cell.
        _cell(ws, row, 2, label, WRAP_STYLE)
        _cell(ws, row, 3, count, CELL_STYLE).number_format = COUNT_FORMAT
        put(ws, row, KEY_COLUMN, key)
        row += 1
    return row


def _metadata(data: dict) -> dict[str, object]:
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "unit_level": data["unit"]["level"],
        "unit_code": data["unit"]["code"],
        "iso_year": data["week"]["iso_year"],
        "iso_week": data["week"]["iso_week"],
        "criteria_set_code": data["criteria_set"]["code"],
        "communes": len(data["communes"]),
        "first_data_row": FIRST_DATA_ROW,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
