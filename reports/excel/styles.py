"""Shared look of every exported table: title rows, headers, number formats, print setup, and
the one way text enters a cell (`safe_text`), so no exported text can become a formula."""

from __future__ import annotations

import copy
import datetime
import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from criteria.evaluation import Kind
from reports.documents.letterhead import MOTTO, NATIONAL_TITLE, Letterhead, vietnamese_date

# Government documents are set in Times New Roman (Decree 30/2020/NĐ-CP, appendix I).
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
# A column of width 52 holds about 70 characters of 12 pt Times New Roman text; a little
# less is assumed so that an estimate never cuts a line off.
CHARS_PER_WIDTH = 1.2
LINE_HEIGHT = 16.5  # points per line of 12 pt text with Vietnamese stacked diacritics
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
MET_FILL = PatternFill("solid", fgColor="C6EFCE")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top")

# A spreadsheet reads text starting with these as a formula (= + - @), or, after a paste into
# another program, as the start of one (tab, carriage return): OWASP's CSV-injection list.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

PERCENT_FORMATS = {0: "0%", 1: "0.0%"}
NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0"}
AVERAGE_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"


@functools.cache
def font(
    *, bold: bool = False, italic: bool = False, size: int = FONT_SIZE, underline: str | None = None
) -> Font:
    """One shared (never modified) Font per combination, so cells styled alike share it."""
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def safe_text(cell: Cell, text: object) -> Cell:
    """Store `text` in `cell` as a plain string, never as a formula.

    openpyxl turns any string starting with "=" into a formula; forcing the data type back to
    "s" writes it as a string. The quote prefix (Excel's leading apostrophe) keeps it text when
    somebody later edits the cell. Characters XML cannot hold are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    cell.value = value
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, column: int, value: object, **style) -> Cell:
    """Write one value: text through `safe_text`, numbers as numbers, None as an empty cell.
    Keyword arguments set style attributes (font, alignment, border, fill, number_format)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        safe_text(cell, value)
    elif value is not None:
        cell.value = value
    style.setdefault("font", font())
    # Styling a cell attribute by attribute hashes every style object into the workbook's
    # tables; a combination already applied in this workbook is copied from its first cell.
    key = (cell.quotePrefix, *sorted((name, id(setting)) for name, setting in style.items()))
    applied = ws.parent.__dict__.setdefault("_applied_styles", {})
    if key in applied:
        cell._style = copy.copy(applied[key][0])
        return cell
    for name, setting in style.items():
        setattr(cell, name, setting)
    # The settings are kept with the style, so no id in the key can be reused by another object.
    applied[key] = (copy.copy(cell._style), tuple(style.values()))
    return cell


def merge_boxed(ws: Worksheet, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
    """Merge a range whose cells all take the first cell's style (a bordered box).

    openpyxl's own merge_cells re-derives the border of every edge cell from the first one,
    building and hashing a new Border per cell (most of a summary workbook's time); here each
    covered cell copies the first cell's style, which draws the same box."""
    start = ws.cell(row=first_row, column=first_column)
    span = f"{start.coordinate}:{get_column_letter(last_column)}{last_row}"
    merged = MergedCellRange(ws, span)
    for row, column in merged.cells:
        if (row, column) != (first_row, first_column):
            cell = MergedCell(ws, row=row, column=column)
            cell._style = copy.copy(start._style)
            ws._cells[(row, column)] = cell
    ws.merged_cells.add(merged)


def merge_text(ws: Worksheet, row: int, first: int, last: int, text: str, **style) -> Cell:
    """Text spread over columns `first`..`last` of one row (a title line). A line without a
    border is merged as a plain range: no covered cell needs a style of its own (openpyxl's
    merge_cells would create each one and derive its border from the first cell, the most
    time of a small workbook); a bordered line is merged as a box (`merge_boxed`)."""
    cell = put(ws, row, first, text, **({"alignment": CENTER} | style))
    if last > first and "border" in style:
        merge_boxed(ws, row, first, row, last)
    elif last > first:
        ws.merged_cells.add(MergedCellRange(ws, f"{cell.coordinate}:{get_column_letter(last)}{row}"))
    return cell


def header_row(ws: Worksheet, row: int, headers: Sequence[str], *, first_column: int = 1) -> None:
    for offset, text in enumerate(headers):
        put(
            ws,
            row,
            first_column + offset,
            text,
            font=font(bold=True),
            alignment=CENTER,
            border=BORDER,
            fill=HEADER_FILL,
        )


def fit_row_height(ws: Worksheet, row: int, *, size: int = FONT_SIZE) -> None:
    """Give a row of wrapped text the height its longest cell needs. LibreOffice does not
    grow rows of a generated file by itself, and Excel does so only once the file is edited,
    so the height is estimated here from each cell's text and column width.

    A cell merged over several columns wraps in their joint width; one merged over rows below
    (a two-row header) has those rows' height too, one line each (they are not fitted)."""
    spans = {merged.min_col: merged for merged in ws.merged_cells.ranges if merged.min_row == row}
    height = 0.0
    for cell in ws[row]:
        if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
            continue
        merged = spans.get(cell.column)
        columns = range(merged.min_col, merged.max_col + 1) if merged else [cell.column]
        width = sum(ws.column_dimensions[get_column_letter(column)].width or 10 for column in columns)
        per_line = max(1, int(width * CHARS_PER_WIDTH * FONT_SIZE / size))
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.value.split("\n"))
        rows_below = merged.max_row - row if merged else 0
        height = max(height, (lines - rows_below) * LINE_HEIGHT * size / FONT_SIZE)
    if height > LINE_HEIGHT * size / FONT_SIZE:
        ws.row_dimensions[row].height = round(height, 1)


def column_numbers_row(ws: Worksheet, row: int, count: int) -> None:
    """The "(1) (2) (3) …" row under the headers of official tables."""
    for column in range(1, count + 1):
        put(ws, row, column, f"({column})", font=font(italic=True, size=10), alignment=CENTER, border=BORDER)


def set_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def hide_column(ws: Worksheet, column: int) -> None:
    ws.column_dimensions[get_column_letter(column)].hidden = True


def print_setup(ws: Worksheet, *, header_rows: tuple[int, int], freeze: str) -> None:
    """A4 landscape, one page wide, header rows repeated on every page, headers frozen."""
    ws.freeze_panes = freeze
    ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = _("Trang &P/&N")


def letterhead_heading(ws: Worksheet, letterhead: Letterhead, *, split: int, last: int) -> int:
    """Rows 1-3 of an official table (decree 30/2020): on the left the governing body, the
    issuing body (bold, underlined as its short rule) and "Số: …"; on the right the national
    title, the motto (bold, underlined as its rule) and the place and date in italics.
    Returns the next free row."""
    left = [
        (letterhead.parent_body, font()),
        (letterhead.body, font(bold=True, underline="single")),
        (letterhead.number_line, font()),
    ]
    if not letterhead.parent_body:
        left = [left[1], left[2], ("", font())]
    right = [
        (str(NATIONAL_TITLE), font(bold=True)),
        (str(MOTTO), font(bold=True, underline="single")),
        (letterhead.place_and_date, font(italic=True)),
    ]
    for offset, ((left_text, left_font), (right_text, right_font)) in enumerate(
        zip(left, right, strict=True)
    ):
        if left_text:
            merge_text(ws, 1 + offset, 1, split, left_text, font=left_font)
        merge_text(ws, 1 + offset, split + 1, last, right_text, font=right_font)
    return 4


def signature_block(ws: Worksheet, letterhead: Letterhead, row: int, *, split: int, last: int) -> int:
    """The closing rows of an official table: "Nơi nhận:" and its list on the left; the
    authority (TM. / KT. / Q.), the position, "(Ký tên, đóng dấu)", room to sign and the
    signer's name on the right. Returns the row after the block."""
    merge_text(ws, row, 1, split, _("Nơi nhận:"), font=font(bold=True, italic=True), alignment=LEFT)
    for offset, line in enumerate(letterhead.recipient_lines, start=1):
        merge_text(ws, row + offset, 1, split, line, font=font(size=11), alignment=LEFT)
    right = [(line, font(bold=True)) for line in letterhead.signature_lines]
    right.append((_("(Ký tên, đóng dấu)"), font(italic=True)))
    for offset, (text, style) in enumerate(right):
        merge_text(ws, row + offset, split + 1, last, text, font=style)
    name_row = row + len(right) + 3
    merge_text(ws, name_row, split + 1, last, letterhead.signer_line, font=font(bold=True))
    return max(name_row, row + len(letterhead.recipient_lines)) + 1


def decimal_format(value: Decimal) -> str:
    """Thousands grouping and as many decimals as the value has, up to 2 ("#,##0.0" for 99.7)."""
    places = min(2, max(0, -Decimal(value).normalize().as_tuple().exponent))
    return NUMBER_FORMATS.get(places, "#,##0.00")


def place_and_date(place: str, on: datetime.date) -> str:
    return f"{place}, {vietnamese_date(on)}"


def number_format(kind: Kind, value: Decimal | None) -> str:
    """The number format of an indicator value: percents as Excel percents, other numbers with
    thousands grouping; as many decimals as the value has (up to 2), one when empty."""
    places = 1 if value is None else min(2, max(0, -Decimal(value).normalize().as_tuple().exponent))
    if kind.is_percent:
        return PERCENT_FORMATS.get(places, "0.00%")
    return NUMBER_FORMATS.get(places, "#,##0.00")


def cell_number(kind: Kind, value: Decimal) -> Decimal:
    """The number stored in the cell: Excel keeps percents as fractions (92.5 % is 0.925)."""
    return Decimal(value) / 100 if kind.is_percent else Decimal(value)


def metadata_sheet(wb: Workbook, values: dict[str, object]) -> Worksheet:
    """A hidden sheet of key/value rows that identifies the template and its data, so an
    uploaded copy can be checked before any of its cells is read."""
    ws = wb.create_sheet("_meta")
    ws.sheet_state = "hidden"
    for row, (key, value) in enumerate(values.items(), start=1):
        safe_text(ws.cell(row=row, column=1), key)
        if isinstance(value, str):
            safe_text(ws.cell(row=row, column=2), value)
        else:
            ws.cell(row=row, column=2, value=value)
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ascii_filename(*parts: object) -> str:
    """A download name any browser and file system accepts: "tong-hop_439_2024.xlsx"."""
    text = "_".join(str(part) for part in parts)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") + ".xlsx"
