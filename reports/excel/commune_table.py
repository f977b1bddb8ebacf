"""The commune's self-assessment table ("biểu chi tiết"): one row per indicator, grouped by
criterion group, with the threshold that applies to the commune, the current value, the
verdict and the note. The layout is described in README.md beside this file."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from criteria.evaluation import Kind, Result, Status
from criteria.services import CriterionEvaluation

from .data import CommuneTableData
from .styles import (
    BORDER,
    CENTER,
    GROUP_FILL,
    WRAP,
    cell_number,
    column_numbers_row,
    fit_row_height,
    font,
    header_row,
    hide_column,
    letterhead_heading,
    merge_text,
    metadata_sheet,
    number_format,
    print_setup,
    put,
    set_widths,
    signature_block,
)

TEMPLATE = "ntm.commune_assessment"
TEMPLATE_VERSION = 1
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 2
VALUE_COLUMN, NOTE_COLUMN, KEY_COLUMN = 5, 7, 8
LAST_VISIBLE = 7
WIDTHS = (7, 26, 52, 22, 16, 13, 28, 12)


def status_label(status: Status) -> str:
    return Status(status).label


def headers() -> list[str]:
    return [
        _("TT"),
        _("Tên tiêu chí"),
        _("Nội dung / chỉ tiêu"),
        _("Chỉ tiêu theo quy định"),
        _("Kết quả thực hiện"),
        _("Tự đánh giá"),
        _("Ghi chú"),
        _("Mã (không sửa)"),
    ]


def build_commune_table(data: CommuneTableData) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Biểu tự đánh giá")[:31]
    set_widths(ws, WIDTHS)
    _title(ws, data)
    header_row(ws, HEADER_ROW, headers())
    fit_row_height(ws, HEADER_ROW)
    column_numbers_row(ws, HEADER_ROW + 1, LAST_VISIBLE)
    sources = threshold_sources(data)
    row = _body(ws, data, FIRST_DATA_ROW, sources)
    row = _totals(ws, data, row)
    row = _footnotes(ws, row, sources)
    signature_block(ws, data.letterhead, row + 2, split=3, last=LAST_VISIBLE)
    hide_column(ws, KEY_COLUMN)
    print_setup(ws, header_rows=(HEADER_ROW, HEADER_ROW + 1), freeze=f"A{FIRST_DATA_ROW}")
    metadata_sheet(wb, _metadata(data))
    return wb


def _title(ws: Worksheet, data: CommuneTableData) -> None:
    commune = data.commune
    letterhead_heading(ws, data.letterhead, split=3, last=LAST_VISIBLE)
    merge_text(ws, 4, 1, LAST_VISIBLE, data.letterhead.summary, font=font(bold=True, size=14))
    unit_line = _("Xã %(commune)s, %(above)s") % {"commune": commune.name, "above": _where(commune)}
    merge_text(ws, 5, 1, LAST_VISIBLE, unit_line, font=font(bold=True))
    basis = f" ({data.criteria_set.legal_basis})" if data.criteria_set.legal_basis else ""
    merge_text(ws, 6, 1, LAST_VISIBLE, f"{data.criteria_set.name}{basis}", font=font(italic=True))
    merge_text(ws, 7, 1, LAST_VISIBLE, _status_line(data), font=font(italic=True, size=11))


def _where(commune) -> str:
    if commune.district:
        return _("huyện %(district)s, tỉnh %(province)s") % {
            "district": commune.district.name,
            "province": commune.province.name,
        }
    return _("tỉnh %(province)s") % {"province": commune.province.name}


def _status_line(data: CommuneTableData) -> str:
    region = _("Ngưỡng áp dụng: %(label)s") % {"label": data.classifier_label or "—"}
    if data.assessment is None:
        return f"{region} · " + _("Chưa có đánh giá")
    return f"{region} · " + _("Trạng thái hồ sơ: %(status)s (phiên bản %(version)s)") % {
        "status": data.assessment.get_status_display(),
        "version": data.assessment.version,
    }


def threshold_sources(data: CommuneTableData) -> dict[str, int]:
    """Each distinct threshold source (a province decision, "illustrative value") gets a
    footnote number, so the threshold column stays short."""
    sources: dict[str, int] = {}
    for item in data.outcome.criteria:
        for _indicator, _value, result in item.results:
            source = result.threshold.source if result.threshold else ""
            if source and source not in sources:
                sources[source] = len(sources) + 1
    return sources


def _body(ws: Worksheet, data: CommuneTableData, row: int, sources: dict[str, int]) -> int:
    bool_list = DataValidation(type="list", formula1=f'"{_("Đạt")},{_("Chưa đạt")}"', allow_blank=True)
    ws.add_data_validation(bool_list)
    group = None
    for item in data.outcome.criteria:
        if item.criterion.group_id != getattr(group, "pk", None):
            group = item.criterion.group
            row = _group_row(ws, row, group)
        if _is_single(item):
            row = _indicator_row(ws, row, data, item, item.results[0], (bool_list, sources), single=True)
            continue
        row = _criterion_row(ws, row, item)
        for entry in item.results:
            row = _indicator_row(ws, row, data, item, entry, (bool_list, sources), single=False)
    return row


def _is_single(item: CriterionEvaluation) -> bool:
    """A criterion whose only indicator carries its own number (criterion 5, indicator "5")
    takes one row, as in the official tables."""
    return len(item.results) == 1 and item.results[0][0].code == item.criterion.code


def _group_row(ws: Worksheet, row: int, group) -> int:
    if group is None:
        return row
    put(ws, row, 1, group.code, font=font(bold=True), alignment=CENTER, border=BORDER, fill=GROUP_FILL)
    for column in range(2, LAST_VISIBLE + 1):
        put(ws, row, column, None, border=BORDER, fill=GROUP_FILL)
    merge_text(
        ws, row, 2, LAST_VISIBLE, group.name.upper(), font=font(bold=True), alignment=WRAP, fill=GROUP_FILL
    )
    put(ws, row, KEY_COLUMN, f"group:{group.code}")
    return row + 1


def _criterion_row(ws: Worksheet, row: int, item: CriterionEvaluation) -> int:
    cells = [
        item.criterion.code,
        item.criterion.name,
        _("%(met)s/%(total)s chỉ tiêu đạt") % {"met": item.indicators_met, "total": item.indicators_total},
        None,
        None,
        status_label(item.status),
        None,
    ]
    for column, value in enumerate(cells, start=1):
        bold = column in (1, 2, 6)
        put(
            ws,
            row,
            column,
            value,
            font=font(bold=bold, italic=column == 3),
            alignment=_align(column),
            border=BORDER,
        )
    put(ws, row, KEY_COLUMN, f"crit:{item.criterion.code}")
    fit_row_height(ws, row)
    return row + 1


def _indicator_row(ws, row, data, item, entry, extras, *, single: bool) -> int:
    indicator, value, result = entry
    bool_list, sources = extras
    kind = Kind(indicator.kind)
    status = item.status if single else result.status
    cells = [
        indicator.code,
        item.criterion.name if single else None,
        _indicator_name(indicator, kind),
        _threshold_text(result, sources),
        None,
        status_label(status),
        data.notes.get(indicator.pk, ""),
    ]
    for column, text in enumerate(cells, start=1):
        bold = single and column in (1, 2, 6)
        put(ws, row, column, text, font=font(bold=bold), alignment=_align(column), border=BORDER)
    _value_cell(ws, row, kind, indicator, value, bool_list)
    put(ws, row, KEY_COLUMN, f"ind:{indicator.code}")
    fit_row_height(ws, row)
    return row + 1


def _value_cell(ws: Worksheet, row: int, kind: Kind, indicator, value, bool_list: DataValidation) -> None:
    """Numbers stay numbers (percents as Excel percents); yes/no and levels are words chosen
    from a drop-down list, so a copy filled in offline can be read back."""
    cell = put(ws, row, VALUE_COLUMN, None, alignment=_align(VALUE_COLUMN), border=BORDER)
    if kind.is_numeric:
        if value is not None:
            cell.value = cell_number(kind, value)
        cell.number_format = number_format(kind, value)
        return
    if kind is Kind.BOOL:
        bool_list.add(cell)
        if value is not None:
            put(ws, row, VALUE_COLUMN, _("Đạt") if value else _("Chưa đạt"))
        return
    levels = [str(level) for level in indicator.levels]
    if levels and all("," not in level and '"' not in level for level in levels):
        choices = DataValidation(type="list", formula1='"' + ",".join(levels) + '"', allow_blank=True)
        ws.add_data_validation(choices)
        choices.add(cell)
    if value:
        put(ws, row, VALUE_COLUMN, str(value))


def _indicator_name(indicator, kind: Kind) -> str:
    if indicator.unit and not kind.is_percent and kind.is_numeric:
        return f"{indicator.name} ({indicator.unit})"
    return indicator.name


def _threshold_text(result: Result, sources: dict[str, int]) -> str:
    source = result.threshold.source if result.threshold else ""
    return f"{result.threshold_text} ({sources[source]})" if source else result.threshold_text


def _align(column: int):
    return CENTER if column in (1, 5, 6) else WRAP


def _totals(ws: Worksheet, data: CommuneTableData, row: int) -> int:
    outcome = data.outcome
    lines = [
        ("total:criteria", _("Tổng số tiêu chí đạt"), outcome.criteria_met, f'0"/{outcome.criteria_total}"'),
        (
            "total:indicators",
            _("Tổng số chỉ tiêu đạt"),
            outcome.indicators_met,
            f'0"/{outcome.indicators_total}"',
        ),
    ]
    qualified = bool(data.assessment and data.assessment.title_qualified)
    title = data.criteria_set.title or _("Danh hiệu")
    for key, label, number, fmt in lines:
        _total_row(ws, row, label, number, key, number_format=fmt)
        row += 1
    verdict = _("Đủ điều kiện") if qualified else _("Chưa đủ điều kiện")
    _total_row(ws, row, title, verdict, "total:title")
    return row + 1


def _total_row(ws: Worksheet, row: int, label: str, value, key: str, **style) -> None:
    for column in range(1, LAST_VISIBLE + 1):
        put(ws, row, column, None, border=BORDER)
    merge_text(ws, row, 1, 5, label, font=font(bold=True), border=BORDER)
    put(ws, row, 6, value, font=font(bold=True), alignment=CENTER, border=BORDER, **style)
    ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=LAST_VISIBLE)
    put(ws, row, KEY_COLUMN, key)


def _footnotes(ws: Worksheet, row: int, sources: dict[str, int]) -> int:
    for source, number in sources.items():
        row += 1
        merge_text(
            ws, row, 1, LAST_VISIBLE, f"({number}) {source}", font=font(italic=True, size=11), alignment=WRAP
        )
        put(ws, row, KEY_COLUMN, f"note:{number}")
    return row


def _metadata(data: CommuneTableData) -> dict[str, object]:
    assessment = data.assessment
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "commune_code": data.commune.code,
        "criteria_set_code": data.criteria_set.code,
        "year": data.year,
        "assessment_id": assessment.pk if assessment else "",
        "assessment_version": assessment.version if assessment else 0,
        "assessment_status": assessment.status if assessment else "",
        "sheet": _("Biểu tự đánh giá")[:31],
        "first_data_row": FIRST_DATA_ROW,
        "key_column": "H",
        "value_column": "E",
        "note_column": "G",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
