"""The province's communes with their group and flags, as a table the province office fills in
offline (template `ntm.commune_groups`, see README.md) and reads back.

`build_commune_groups` writes the table; `commune_groups_check` reads an uploaded copy, cell
by cell, into the classification of each commune it lists and what that changes. Nothing here
writes to the database: `communes.office.commune_classification_update` applies the result.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import AdminMap, Commune, Province
from communes.office import Classification, ClassificationChange, classification_changes, office_communes
from communes.text import fold
from reports.documents.letterhead import DocumentType, letterhead_for

from .importer import CellError, ImportRefused, load, mark_errors, metadata
from .styles import (
    BORDER,
    CENTER,
    WRAP,
    font,
    header_row,
    letterhead_heading,
    merge_text,
    metadata_sheet,
    print_setup,
    put,
    set_widths,
    workbook_bytes,
)

TEMPLATE = "ntm.commune_groups"
TEMPLATE_VERSION = 1
HEADER_ROW = 6
FIRST_DATA_ROW = HEADER_ROW + 1
CODE_COLUMN, NAME_COLUMN, GROUP_COLUMN, DIFFICULT_COLUMN, SAFE_ZONE_COLUMN = 1, 2, 3, 4, 5
LAST_COLUMN = SAFE_ZONE_COLUMN
WIDTHS = (11, 34, 10, 10, 10)
MAX_ROWS = 5000
# Official commune codes have five digits; Excel drops the leading zeros of a code typed as a
# number.
CODE_DIGITS = 5
YES_WORDS = {"co", "x", "yes", "true", "1"}
NO_WORDS = {"khong", "no", "false", "0", ""}
LOOKUP_BATCH = 500


def sheet_title() -> str:
    return _("Nhóm xã")[:31]


def headers() -> list[str]:
    return [_("Mã xã"), _("Tên xã"), _("Nhóm xã"), _("ĐBKK"), _("ATK")]


# --- The table ----------------------------------------------------------------------------


def build_commune_groups(province: Province, communes: list[Commune], *, today: datetime.date) -> bytes:
    """The table of `communes` (the province's, in display order) with their current group and
    flags: the office changes the cells it needs and uploads the file back."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title()
    set_widths(ws, WIDTHS)
    letterhead = letterhead_for(
        province, doc_type=DocumentType.REPORT, summary=_("DANH SÁCH XÃ THEO NHÓM XÃ VÀ LOẠI XÃ"), on=today
    )
    letterhead_heading(ws, letterhead, split=2, last=LAST_COLUMN)
    merge_text(ws, 4, 1, LAST_COLUMN, letterhead.summary, font=font(bold=True, size=14))
    merge_text(ws, 5, 1, LAST_COLUMN, _instructions(), font=font(italic=True, size=11), alignment=WRAP)
    ws.row_dimensions[5].height = 48
    header_row(ws, HEADER_ROW, headers())
    group_list = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True)
    flag_list = DataValidation(type="list", formula1=f'"{_("Có")},{_("Không")}"', allow_blank=True)
    ws.add_data_validation(group_list)
    ws.add_data_validation(flag_list)
    for row, commune in enumerate(communes, start=FIRST_DATA_ROW):
        _commune_row(ws, row, commune)
    last = FIRST_DATA_ROW + max(len(communes), 1) - 1
    group_list.add(f"C{FIRST_DATA_ROW}:C{last}")
    flag_list.add(f"D{FIRST_DATA_ROW}:E{last}")
    print_setup(ws, header_rows=(HEADER_ROW, HEADER_ROW), freeze=f"A{FIRST_DATA_ROW}")
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    metadata_sheet(wb, _metadata(province))
    return workbook_bytes(wb)


def _instructions() -> str:
    return _(
        "Nhóm xã: 1, 2 hoặc 3 (để trống nếu chưa xếp nhóm). ĐBKK (xã đặc biệt khó khăn), ATK (xã an "
        "toàn khu): Có hoặc Không. Không sửa mã xã, không gộp ô; xã không có trong tệp được giữ nguyên."
    )


def _commune_row(ws: Worksheet, row: int, commune: Commune) -> None:
    put(ws, row, CODE_COLUMN, commune.code, alignment=CENTER, border=BORDER)
    put(ws, row, NAME_COLUMN, commune.name, alignment=WRAP, border=BORDER)
    put(ws, row, GROUP_COLUMN, commune.commune_group, alignment=CENTER, border=BORDER)
    for column, flag in (
        (DIFFICULT_COLUMN, commune.is_especially_difficult),
        (SAFE_ZONE_COLUMN, commune.is_safe_zone),
    ):
        put(ws, row, column, _("Có") if flag else _("Không"), alignment=CENTER, border=BORDER)


def _metadata(province: Province) -> dict[str, object]:
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "province_code": province.code,
        "province_map": province.map,
        "sheet": sheet_title(),
        "first_data_row": FIRST_DATA_ROW,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


# --- Reading it back ----------------------------------------------------------------------


@dataclass
class GroupsImport:
    # commune id → the classification its row asks for (every row read, changed or not).
    wanted: dict[int, Classification] = field(default_factory=dict)
    changes: list[ClassificationChange] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    marked: bytes | None = None

    def fingerprint(self) -> list[list]:
        """What the preview showed, to check at the confirm step that it still holds."""
        return [[c.commune.pk, *_values(c.old), *_values(c.new)] for c in self.changes]


def _values(classification: Classification) -> list:
    return [classification.commune_group, classification.is_especially_difficult, classification.is_safe_zone]


def commune_groups_check(*, content: bytes, province: Province) -> GroupsImport:
    """Read an uploaded table of the province. Raises ImportRefused for a file that is not the
    province's table; otherwise returns the changes, or the cell errors with a marked-up copy
    of the file (and then no changes)."""
    wb = load(content)
    ws = _sheet(wb, province)
    result = GroupsImport()
    _refuse_merged_cells(ws, result)
    communes = list(office_communes(province).order_by("name", "code"))
    _read_rows(ws, province, {c.code: c for c in communes}, result)
    if result.errors:
        result.wanted = {}
        result.marked = mark_errors(wb, result.errors)
        return result
    result.changes = classification_changes(communes, result.wanted)
    return result


def _sheet(wb: Workbook, province: Province) -> Worksheet:
    try:
        meta = metadata(wb)
    except ImportRefused as error:  # no metadata sheet: not a table of this system
        raise ImportRefused(_wrong_template()) from error
    if meta.get("template") != TEMPLATE:
        raise ImportRefused(_wrong_template())
    if str(meta.get("template_version")) != str(TEMPLATE_VERSION):
        raise ImportRefused(
            _("Mẫu biểu phiên bản %(version)s không còn được hỗ trợ: hãy tải biểu mẫu mới.")
            % {"version": str(meta.get("template_version"))[:20]}
        )
    if str(meta.get("province_code")) != province.code or str(meta.get("province_map")) != province.map:
        raise ImportRefused(
            _("Tệp là biểu của tỉnh khác (mã %(code)s), không phải của tỉnh %(name)s.")
            % {"code": str(meta.get("province_code"))[:20], "name": province.name}
        )
    sheet = str(meta.get("sheet") or "")
    if sheet not in wb.sheetnames:
        raise ImportRefused(_("Không tìm thấy trang tính “%(sheet)s” của biểu.") % {"sheet": sheet[:40]})
    ws = wb[sheet]
    if ws.max_row > MAX_ROWS:
        raise ImportRefused(_("Biểu có quá nhiều dòng (tối đa %(limit)s).") % {"limit": MAX_ROWS})
    return ws


def _wrong_template() -> str:
    return _(
        "Tệp không đúng mẫu danh sách nhóm xã của hệ thống: hãy tải biểu mẫu từ trang “Nhóm xã, loại "
        "xã”, điền và tải lên đúng tệp đó."
    )


def _refuse_merged_cells(ws: Worksheet, result: GroupsImport) -> None:
    """A merged range hides all its cells but the first: which commune or column it meant
    cannot be told, so the table's header and rows take none."""
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.max_row >= HEADER_ROW:
            result.errors.append(
                CellError(
                    ws.title,
                    f"{get_column_letter(merged.min_col)}{merged.min_row}",
                    _("Ô %(cells)s: ô gộp không được chấp nhận; hãy bỏ gộp ô rồi tải lên lại.")
                    % {"cells": merged.coord},
                )
            )


def _read_rows(ws: Worksheet, province: Province, communes: dict[str, Commune], result: GroupsImport) -> None:
    rows: list[tuple[int, str]] = []
    for row in range(FIRST_DATA_ROW, ws.max_row + 1):
        cells = [ws.cell(row=row, column=column) for column in range(1, LAST_COLUMN + 1)]
        if all(_blank(cell.value) for cell in cells):
            continue
        code = _code(cells[0], result)
        if code is not None:
            rows.append((row, code))
    others = _other_communes([code for _row, code in rows if _find(communes, code) is None])
    seen: dict[int, int] = {}
    for row, code in rows:
        commune = _find(communes, code)
        cell = f"A{row}"
        if commune is None:
            result.errors.append(
                CellError(ws.title, cell, _unknown(cell, code, province, _find(others, code)))
            )
        elif commune.pk in seen:
            result.errors.append(
                CellError(
                    ws.title,
                    cell,
                    _("Ô %(cell)s: xã mã %(code)s đã có ở dòng %(row)s.")
                    % {"cell": cell, "code": commune.code, "row": seen[commune.pk]},
                )
            )
        else:
            seen[commune.pk] = row
            classification = _classification(ws, row, result)
            if classification is not None:
                result.wanted[commune.pk] = classification


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or (
        isinstance(cell.value, str) and cell.value.startswith("=") and not cell.quotePrefix
    )


def _code(cell, result: GroupsImport) -> str | None:
    """The commune code of a row; None (with the error recorded) if the cell has none."""
    value = cell.value
    problem = None
    if _is_formula(cell):
        problem = _("Ô %(cell)s: ô chứa công thức; hãy nhập mã xã.")
    elif _blank(value):
        problem = _("Ô %(cell)s: thiếu mã xã.")
    elif isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        problem = _("Ô %(cell)s: mã xã không hợp lệ.")
    elif isinstance(value, float | Decimal) and not _whole(value):
        problem = _("Ô %(cell)s: mã xã không hợp lệ.")
    if problem:
        result.errors.append(
            CellError(cell.parent.title, cell.coordinate, problem % {"cell": cell.coordinate})
        )
        return None
    return (str(value).strip() if isinstance(value, str) else str(int(value)))[:40]


def _whole(value: float | Decimal) -> bool:
    return math.isfinite(value) and value == int(value)


def _find(communes: dict[str, Commune], code: str) -> Commune | None:
    return communes.get(code) or (communes.get(code.zfill(CODE_DIGITS)) if code.isdigit() else None)


def _other_communes(codes: list[str]) -> dict[str, Commune]:
    """Communes of the current map with these codes (those outside the province), to say whose
    they are; one query per batch of codes."""
    wanted = sorted({variant for code in codes for variant in (code, code.zfill(CODE_DIGITS))})
    found: dict[str, Commune] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        rows = Commune.objects.filter(map=AdminMap.CURRENT, code__in=batch).select_related("province")
        found |= {commune.code: commune for commune in rows}
    return found


def _unknown(cell: str, code: str, province: Province, other: Commune | None) -> str:
    if other is None:
        return _("Ô %(cell)s: không có xã mã “%(code)s” trên bản đồ hành chính hiện hành.") % {
            "cell": cell,
            "code": code,
        }
    return _("Ô %(cell)s: xã %(name)s (mã %(code)s) thuộc tỉnh %(other)s, không thuộc tỉnh %(province)s.") % {
        "cell": cell,
        "name": other.name,
        "code": other.code,
        "other": other.province.name,
        "province": province.name,
    }


def _classification(ws: Worksheet, row: int, result: GroupsImport) -> Classification | None:
    readers = ((GROUP_COLUMN, _group), (DIFFICULT_COLUMN, _flag), (SAFE_ZONE_COLUMN, _flag))
    values = []
    for column, reader in readers:
        cell = ws.cell(row=row, column=column)
        try:
            values.append(reader(cell, column))
        except ValueError as error:
            result.errors.append(CellError(ws.title, cell.coordinate, f"Ô {cell.coordinate}: {error}"))
    if len(values) != len(readers):
        return None
    return Classification(commune_group=values[0], is_especially_difficult=values[1], is_safe_zone=values[2])


def _group(cell, column: int) -> int | None:
    if _is_formula(cell):
        raise ValueError(_("ô chứa công thức; hãy nhập 1, 2 hoặc 3."))
    value = cell.value
    if _blank(value):
        return None
    number = None
    if (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float | Decimal) and _whole(value)
    ):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 3:
        number = int(value.strip())
    if number not in (1, 2, 3):
        raise ValueError(_("nhóm xã phải là 1, 2 hoặc 3 (hoặc để trống nếu chưa xếp nhóm)."))
    return number


def _flag(cell, column: int) -> bool:
    label = _("ĐBKK") if column == DIFFICULT_COLUMN else _("ATK")
    if _is_formula(cell):
        raise ValueError(_("ô chứa công thức; hãy chọn Có hoặc Không."))
    value = cell.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    word = fold(str(value)) if value is not None else ""
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(_("%(column)s phải là Có hoặc Không.") % {"column": label})
