"""Reading back a commune self-assessment table filled in offline (template
`ntm.commune_assessment`, see README.md): the file is checked as a whole first (type, size,
template, commune, assessment, version), then every value and note cell of every `ind:` row.
Nothing here writes to the database: `import_check` returns the changes to preview and apply,
or the errors with a marked-up copy of the file.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook

from communes.models import Commune
from communes.text import fold
from criteria.evaluation import Kind, format_value, stored_value
from criteria.forms import MAX_NOTE
from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.parsing import ParseError, check_number, parse_number, rounded

from . import commune_table
from .styles import workbook_bytes

MAX_BYTES = 2 * 1024 * 1024
# A zip of a few hundred kilobytes may unpack to gigabytes: the unpacked size is checked too.
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_ROWS = 2000
ERROR_FILL = PatternFill("solid", fgColor="FF9999")
TRUE_WORDS = {"dat", "co", "x", "yes", "true"}
FALSE_WORDS = {"chua dat", "khong dat", "khong", "no", "false"}


class ImportRefused(Exception):
    """The file as a whole cannot be read as this commune's table; the message says why."""


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    reason: str


@dataclass(frozen=True)
class Change:
    indicator: Indicator
    old: str
    new: str
    old_note: str
    new_note: str

    @property
    def value_changed(self) -> bool:
        return self.old != self.new


@dataclass
class ImportResult:
    assessment: Assessment
    file_version: int
    changes: list[Change] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    # indicator id → {"value", "note"}: what `assessment_save` receives, changed rows only.
    values: dict[int, dict] = field(default_factory=dict)
    marked: bytes | None = None


# --- The file as a whole --------------------------------------------------------------------


def check_size(size: int) -> None:
    if size == 0:
        raise ImportRefused(_("Tệp rỗng: hãy chọn biểu tự đánh giá đã điền."))
    if size > MAX_BYTES:
        raise ImportRefused(
            _("Tệp quá lớn (%(size)s KB); tối đa %(limit)s KB.")
            % {"size": size // 1024, "limit": MAX_BYTES // 1024}
        )


def load(content: bytes) -> Workbook:
    """Open an .xlsx file; refuse anything else (old .xls, CSV, renamed files, zip bombs)."""
    check_size(len(content))
    not_xlsx = _("Tệp không phải là tệp Excel .xlsx: hãy lưu biểu dưới dạng Excel Workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportRefused(not_xlsx) from error
    if "xl/workbook.xml" not in names:
        raise ImportRefused(not_xlsx)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(_("Tệp quá lớn khi giải nén; hãy dùng biểu tải từ trang của xã."))
    try:
        return openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    except Exception as error:  # noqa: BLE001 - any parser failure means "not a readable xlsx"
        raise ImportRefused(not_xlsx) from error


def metadata(wb: Workbook) -> dict[str, object]:
    if "_meta" not in wb.sheetnames:
        raise ImportRefused(_wrong_template())
    ws = wb["_meta"]
    if ws.max_row > 100:
        raise ImportRefused(_wrong_template())
    return {
        str(ws.cell(row=row, column=1).value): ws.cell(row=row, column=2).value
        for row in range(1, ws.max_row + 1)
        if ws.cell(row=row, column=1).value is not None
    }


def _wrong_template() -> str:
    return _(
        "Tệp không đúng mẫu biểu tự đánh giá của hệ thống: hãy tải biểu từ trang của xã, điền "
        "và tải lên đúng tệp đó."
    )


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def find_assessment(meta: dict, commune: Commune) -> tuple[Assessment, int]:
    """The assessment the file was exported from, and the version it was exported at."""
    if meta.get("template") != commune_table.TEMPLATE:
        raise ImportRefused(_wrong_template())
    if _as_int(meta.get("template_version")) != commune_table.TEMPLATE_VERSION:
        raise ImportRefused(
            _("Mẫu biểu phiên bản %(version)s không còn được hỗ trợ: hãy tải biểu mới từ trang của xã.")
            % {"version": meta.get("template_version")}
        )
    if str(meta.get("commune_code")) != commune.code:
        raise ImportRefused(
            _("Tệp là biểu của xã khác (mã %(code)s), không phải của xã %(name)s.")
            % {"code": meta.get("commune_code"), "name": commune.name}
        )
    assessment = (
        Assessment.objects.select_related("criteria_set")
        .filter(
            commune=commune,
            criteria_set__code=str(meta.get("criteria_set_code")),
            year=_as_int(meta.get("year")) or 0,
        )
        .first()
    )
    if assessment is None or assessment.pk != _as_int(meta.get("assessment_id")):
        raise ImportRefused(
            _("Tệp không khớp hồ sơ đánh giá nào của xã (bộ tiêu chí %(set)s, năm %(year)s).")
            % {"set": meta.get("criteria_set_code"), "year": meta.get("year")}
        )
    version = _as_int(meta.get("assessment_version"))
    if version is None:
        raise ImportRefused(_wrong_template())
    return assessment, version


def check_assessment(assessment: Assessment, version: int) -> None:
    if assessment.is_locked:
        raise ImportRefused(_("Hồ sơ đã phê duyệt và bị khóa: không nhập được số liệu."))
    if not assessment.is_editable:
        raise ImportRefused(_("Hồ sơ đang chờ huyện xem xét: không nhập được số liệu."))
    if version != assessment.version:
        raise ImportRefused(
            _(
                "Hồ sơ đã được sửa sau khi tải biểu (phiên bản trong tệp: %(file)s, hiện tại: "
                "%(current)s). Hãy tải biểu mới, điền lại và tải lên."
            )
            % {"file": version, "current": assessment.version}
        )


# --- Cells --------------------------------------------------------------------------------


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or (
        isinstance(cell.value, str) and cell.value.startswith("=") and not cell.quotePrefix
    )


def parse_cell(cell, indicator: Indicator):
    """The typed value of a value cell; raises ValueError with a Vietnamese reason."""
    if _is_formula(cell):
        raise ValueError(_("Ô chứa công thức; hãy nhập giá trị."))
    if cell.data_type == "e":
        raise ValueError(_("Ô báo lỗi %(value)s; hãy nhập giá trị.") % {"value": cell.value})
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = Kind(indicator.kind)
    if kind.is_numeric:
        return _number(kind, value, "%" in (cell.number_format or ""))
    if kind is Kind.BOOL:
        return _flag(value)
    return _level(value, indicator.levels)


def _number(kind: Kind, value: object, percent_format: bool) -> Decimal:
    if isinstance(value, bool) or isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise ValueError(_("Giá trị không phải là số."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if kind.is_percent and percent_format:
            number *= 100  # Excel keeps 92,5 % as 0,925
    else:
        # Text typed into the cell is read exactly as the entry form reads it, percent rule
        # included ("1.234" in a percent cell is 1,234, not 1234).
        try:
            number = parse_number(str(value), percent=kind.is_percent)
        except ParseError as error:
            raise ValueError(str(error)) from error
    problem = check_number(kind, number)
    if problem:
        raise ValueError(problem)
    return rounded(number)


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(str(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(
        _("“%(text)s”: hãy chọn Đạt hoặc Chưa đạt (hoặc Có / Không).") % {"text": str(value)[:50]}
    )


def _level(value: object, levels: list) -> str:
    text = str(value).strip()
    for level in levels:
        if fold(str(level)) == fold(text):
            return str(level)
    raise ValueError(
        _("Mức “%(text)s” không có trong danh sách: %(levels)s.")
        % {"text": text[:50], "levels": "; ".join(str(level) for level in levels)}
    )


def parse_note(cell) -> str:
    if _is_formula(cell):
        raise ValueError(_("Ô chứa công thức; hãy nhập giá trị."))
    value = cell.value
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > MAX_NOTE:
        raise ValueError(_("Ghi chú quá dài (tối đa %(limit)s ký tự).") % {"limit": MAX_NOTE})
    return text


# --- The whole table ----------------------------------------------------------------------


def import_check(*, content: bytes, commune: Commune) -> ImportResult:
    """Check an uploaded table against the commune's stored assessment. Raises ImportRefused
    for a file that is not the commune's current table; otherwise returns the changes, or the
    cell errors with a marked-up copy of the file."""
    wb = load(content)
    meta = metadata(wb)
    assessment, version = find_assessment(meta, commune)
    check_assessment(assessment, version)
    sheet = str(meta.get("sheet") or "")
    if sheet not in wb.sheetnames:
        raise ImportRefused(_("Không tìm thấy trang tính “%(sheet)s” của biểu.") % {"sheet": sheet})
    ws = wb[sheet]
    if ws.max_row > MAX_ROWS:
        raise ImportRefused(_("Biểu có quá nhiều dòng (tối đa %(limit)s).") % {"limit": MAX_ROWS})
    result = ImportResult(assessment=assessment, file_version=version)
    _refuse_hidden_cells(ws, result)
    _read_rows(ws, assessment, result)
    if result.errors:
        result.changes, result.values = [], {}
        result.marked = mark_errors(wb, result.errors)
    return result


def _refuse_hidden_cells(ws, result: ImportResult) -> None:
    """Cells that would be read as empty though the user typed something there: a merged
    range over an indicator's value or note (all its cells but the first read empty), and a
    value or note on a row inserted into the table (it belongs to no indicator)."""
    indicator_rows, last_keyed = set(), 0
    for row in range(commune_table.FIRST_DATA_ROW, ws.max_row + 1):
        key = ws.cell(row=row, column=commune_table.KEY_COLUMN).value
        if isinstance(key, str) and key:
            last_keyed = row
            if key.startswith("ind:"):
                indicator_rows.add(row)
    read = (commune_table.VALUE_COLUMN, commune_table.NOTE_COLUMN)
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        rows = range(merged.min_row, merged.max_row + 1)
        if any(c in range(merged.min_col, merged.max_col + 1) for c in read) and indicator_rows.intersection(
            rows
        ):
            cell = f"{_letter(merged.min_col)}{merged.min_row}"
            result.errors.append(
                CellError(
                    ws.title,
                    cell,
                    _("Ô %(cells)s: ô gộp đè lên cột giá trị hoặc ghi chú; hãy bỏ gộp ô rồi tải lên lại.")
                    % {"cells": merged.coord},
                )
            )
    for row in range(commune_table.FIRST_DATA_ROW, last_keyed + 1):
        if ws.cell(row=row, column=commune_table.KEY_COLUMN).value not in (None, ""):
            continue
        for column in read:
            cell = ws.cell(row=row, column=column)
            if cell.value is not None and str(cell.value).strip():
                result.errors.append(
                    CellError(
                        ws.title,
                        cell.coordinate,
                        _(
                            "Ô %(cell)s: dòng chèn thêm không thuộc chỉ tiêu nào; hãy nhập vào dòng "
                            "của chỉ tiêu và xóa dòng chèn thêm."
                        )
                        % {"cell": cell.coordinate},
                    )
                )


def _read_rows(ws, assessment: Assessment, result: ImportResult) -> None:
    # The rows the export wrote: the catalogue of the unit's province (`set_catalogue`).
    catalogue = Indicator.objects.in_catalogue_of(assessment.commune_of_unit.province_id)
    indicators = {
        i.code: i
        for i in catalogue.filter(criterion__criteria_set_id=assessment.criteria_set_id).select_related(
            "criterion"
        )
    }
    stored = {row.indicator_id: row for row in IndicatorValue.objects.filter(assessment=assessment)}
    seen: set[str] = set()
    key_letter = _letter(commune_table.KEY_COLUMN)
    for row in range(commune_table.FIRST_DATA_ROW, ws.max_row + 1):
        key = ws.cell(row=row, column=commune_table.KEY_COLUMN).value
        if not isinstance(key, str) or not key.startswith("ind:"):
            continue
        code = key[4:]
        indicator = indicators.get(code)
        if indicator is None or code in seen:
            reason = (
                _("Mã chỉ tiêu “%(code)s” không có trong bộ tiêu chí.")
                if indicator is None
                else _("Chỉ tiêu “%(code)s” xuất hiện hai lần.")
            )
            result.errors.append(CellError(ws.title, f"{key_letter}{row}", reason % {"code": code[:20]}))
            continue
        seen.add(code)
        _read_row(ws, row, indicator, stored.get(indicator.pk), result)
    for code in sorted(set(indicators) - seen):
        result.errors.append(
            CellError(
                ws.title,
                key_letter,
                _("Thiếu dòng của chỉ tiêu %(code)s (không xóa dòng của biểu).") % {"code": code},
            )
        )


def _letter(column: int) -> str:
    return openpyxl.utils.get_column_letter(column)


def _read_row(
    ws, row: int, indicator: Indicator, stored: IndicatorValue | None, result: ImportResult
) -> None:
    value_cell = ws.cell(row=row, column=commune_table.VALUE_COLUMN)
    note_cell = ws.cell(row=row, column=commune_table.NOTE_COLUMN)
    failed = False
    for cell, reader in ((value_cell, lambda c: parse_cell(c, indicator)), (note_cell, parse_note)):
        try:
            parsed = reader(cell)
        except ValueError as error:
            result.errors.append(CellError(ws.title, cell.coordinate, f"{indicator.code}: {error}"))
            failed = True
            continue
        if cell is value_cell:
            value = parsed
        else:
            note = parsed
    if failed:
        return
    kind = Kind(indicator.kind)
    old_value = stored_value(kind, stored)
    old_note = stored.note if stored else ""
    if _same(kind, old_value, value) and old_note == note:
        return
    result.values[indicator.pk] = {"value": value, "note": note}
    result.changes.append(
        Change(
            indicator=indicator,
            old=format_value(kind, old_value, indicator.unit),
            new=format_value(kind, value, indicator.unit),
            old_note=old_note,
            new_note=note,
        )
    )


def _same(kind: Kind, old, new) -> bool:
    if kind.is_numeric and old is not None and new is not None:
        return rounded(Decimal(old)) == rounded(Decimal(new))
    return old == new


def mark_errors(wb: Workbook, errors: list[CellError]) -> bytes:
    """The uploaded file with every faulty cell filled red and its reason as a comment."""
    for error in errors:
        if error.sheet not in wb.sheetnames or not any(ch.isdigit() for ch in error.cell):
            continue
        cell = wb[error.sheet][error.cell]
        cell.fill = ERROR_FILL
        cell.comment = Comment(error.reason, "NTM Tracker", width=300, height=100)
    return workbook_bytes(wb)
