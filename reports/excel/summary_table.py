"""The district (or province) summary: one row per commune, one column per criterion met or
not, the count, the band, the title and the workflow status; then communes per band and the
average criteria per commune. It writes the figures of `reports.figures.summary` only."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import District
from criteria.evaluation import Status
from criteria.titles import LABELS as TITLE_LABELS
from reports.documents.letterhead import Letterhead

from ..figures.scope import CommuneRow
from ..figures.summary import SummaryData
from .styles import (
    AVERAGE_FORMAT,
    BORDER,
    CENTER,
    COUNT_FORMAT,
    GROUP_FILL,
    MET_FILL,
    WRAP,
    fit_row_height,
    font,
    header_row,
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

TEMPLATE = "ntm.commune_summary"
TEMPLATE_VERSION = 1
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 2
MET_MARK = "x"
NOT_MET_MARK = "–"
PROGRESS_EVERY = 200

Progress = Callable[[int, int], None]


class Layout:
    """Column positions, which depend on the district column and the number of criteria."""

    def __init__(self, data: SummaryData):
        self.first_criterion = 4 if data.with_district else 3
        self.criteria = len(data.criteria)
        self.count = self.first_criterion + self.criteria
        self.indicators, self.band, self.title, self.status = (self.count + offset for offset in (1, 2, 3, 4))
        self.last = self.status
        self.key = self.last + 1

    def widths(self, with_district: bool) -> list[float]:
        names = [6, 24] + ([18] if with_district else [])
        return names + [4.5] * self.criteria + [9, 9, 9, 15, 15, 10]


def build_summary_table(
    data: SummaryData, letterhead: Letterhead, on_progress: Progress | None = None
) -> Workbook:
    layout = Layout(data)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")
    set_widths(ws, layout.widths(data.with_district))
    _title(ws, data, letterhead, layout)
    _headers(ws, data, layout)
    row = FIRST_DATA_ROW
    for number, line in enumerate(data.lines, start=1):
        _commune_row(ws, row, number, line, data, layout)
        row += 1
        if on_progress and number % PROGRESS_EVERY == 0:
            on_progress(number, len(data.lines))
    row = _per_criterion_row(ws, row, data, layout)
    row = _band_table(ws, row + 1, data, layout)
    signature_block(ws, letterhead, row + 2, split=_split(layout), last=layout.last)
    hide_column(ws, layout.key)
    freeze = f"{get_column_letter(layout.first_criterion)}{FIRST_DATA_ROW}"
    print_setup(ws, header_rows=(HEADER_ROW, HEADER_ROW + 1), freeze=freeze)
    ws.print_title_cols = f"A:{get_column_letter(layout.first_criterion - 1)}"
    metadata_sheet(wb, _metadata(data))
    return wb


def _split(layout: Layout) -> int:
    """The last column of the left half of the heading and the signature rows."""
    return max(3, layout.last // 2)


def unit_label(unit) -> str:
    if isinstance(unit, District):
        return _("Huyện %(district)s, tỉnh %(province)s") % {
            "district": unit.name,
            "province": unit.province.name,
        }
    return _("Tỉnh %(province)s") % {"province": unit.name}


def summary_title(year: int) -> str:
    return _("BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ CỦA CÁC XÃ NĂM %(year)s") % {"year": year}


def _title(ws: Worksheet, data: SummaryData, letterhead: Letterhead, layout: Layout) -> None:
    letterhead_heading(ws, letterhead, split=_split(layout), last=layout.last)
    merge_text(ws, 4, 1, layout.last, letterhead.summary, font=font(bold=True, size=14))
    merge_text(ws, 5, 1, layout.last, unit_label(data.unit), font=font(bold=True))
    basis = f" ({data.criteria_set.legal_basis})" if data.criteria_set.legal_basis else ""
    merge_text(ws, 6, 1, layout.last, f"{data.criteria_set.name}{basis}", font=font(italic=True))
    legend = _("Ký hiệu: %(met)s = đạt; %(not_met)s = chưa đạt; ô trống = xã chưa có đánh giá") % {
        "met": MET_MARK,
        "not_met": NOT_MET_MARK,
    }
    merge_text(ws, 7, 1, layout.last, legend, font=font(italic=True, size=11))


def _headers(ws: Worksheet, data: SummaryData, layout: Layout) -> None:
    top, below = HEADER_ROW, HEADER_ROW + 1
    names = [_("TT"), _("Tên xã")] + ([_("Huyện")] if data.with_district else [])
    tail = [
        _("Số tiêu chí đạt"),
        _("Số chỉ tiêu đạt"),
        _("Nhóm (số tiêu chí)"),
        data.criteria_set.title or _("Danh hiệu"),
        _("Trạng thái hồ sơ"),
    ]
    header_row(ws, top, names, first_column=1)
    header_row(ws, below, [""] * len(names), first_column=1)
    header_row(ws, top, [_("Tiêu chí")] + [""] * (layout.criteria - 1), first_column=layout.first_criterion)
    header_row(ws, below, [c.code for c in data.criteria], first_column=layout.first_criterion)
    header_row(ws, top, tail, first_column=layout.count)
    header_row(ws, below, [""] * len(tail), first_column=layout.count)
    for column in [*range(1, layout.first_criterion), *range(layout.count, layout.last + 1)]:
        merge_boxed(ws, top, column, below, column)
    merge_boxed(ws, top, layout.first_criterion, top, layout.count - 1)
    put(ws, top, layout.key, "key")
    # Two rows hold two lines of a header; a longer one (a set's title in English) needs more.
    fit_row_height(ws, top)


def _commune_row(
    ws: Worksheet, row: int, number: int, line: CommuneRow, data: SummaryData, layout: Layout
) -> None:
    commune, assessment = line.commune, line.assessment
    cells: list[object] = [number, commune.name] + (
        [commune.district.name if commune.district else "—"] if data.with_district else []
    )
    for column, value in enumerate(cells, start=1):
        put(ws, row, column, value, alignment=CENTER if column == 1 else WRAP, border=BORDER)
    for offset, cell in enumerate(line.cells):
        mark = None if assessment is None else (MET_MARK if cell.status == Status.MET else NOT_MET_MARK)
        fill = {"fill": MET_FILL} if mark == MET_MARK else {}
        put(ws, row, layout.first_criterion + offset, mark, alignment=CENTER, border=BORDER, **fill)
    tail = _tail(line, data)
    for offset, value in enumerate(tail):
        bold = offset == 0
        put(ws, row, layout.count + offset, value, font=font(bold=bold), alignment=CENTER, border=BORDER)
    put(ws, row, layout.key, f"commune:{commune.code}")
    fit_row_height(ws, row)


def _tail(line: CommuneRow, data: SummaryData) -> list[object]:
    assessment = line.assessment
    if assessment is None:
        return [None, None, None, None, _("Chưa có đánh giá")]
    state = line.titles.get(data.criteria_set.pk)
    return [
        assessment.criteria_met,
        assessment.indicators_met,
        line.band.label if line.band else f"{assessment.criteria_met}/{assessment.criteria_total}",
        str(TITLE_LABELS[state]) if state else "—",
        assessment.get_status_display(),
    ]


def _per_criterion_row(ws: Worksheet, row: int, data: SummaryData, layout: Layout) -> int:
    """ "Số xã đạt": how many communes meet each criterion."""
    for column in range(1, layout.last + 1):
        put(ws, row, column, None, border=BORDER, fill=GROUP_FILL)
    merge_text(
        ws,
        row,
        1,
        layout.first_criterion - 1,
        _("Số xã đạt"),
        font=font(bold=True),
        border=BORDER,
        fill=GROUP_FILL,
    )
    for offset, criterion in enumerate(data.criteria):
        met = data.figures.criteria_met_by.get(criterion.pk, 0)
        put(
            ws,
            row,
            layout.first_criterion + offset,
            met,
            font=font(bold=True),
            alignment=CENTER,
            border=BORDER,
            fill=GROUP_FILL,
        )
    put(ws, row, layout.key, "total:per_criterion")
    return row + 1


def _band_table(ws: Worksheet, row: int, data: SummaryData, layout: Layout) -> int:
    """Communes per band with their share of the communes assessed, then the average."""
    label_end, count_col, share_col = (
        layout.first_criterion + 4,
        layout.first_criterion + 5,
        layout.first_criterion + 8,
    )
    merge_text(
        ws, row, 2, share_col + 2, _("TỔNG HỢP THEO SỐ TIÊU CHÍ ĐẠT"), font=font(bold=True), alignment=WRAP
    )
    row += 1
    for first, last, text in (
        (2, label_end, _("Nhóm")),
        (count_col, count_col + 2, _("Số xã")),
        (share_col, share_col + 2, _("Tỷ lệ")),
    ):
        _boxed(ws, row, first, last, text, font=font(bold=True))
    figures = data.figures
    assessed = figures.assessed
    rows = [
        (f"band:{band.code}", _("%(band)s tiêu chí") % {"band": band.label}, figures.bands.get(band.code, 0))
        for band in data.criteria_set.band_list()
    ]
    if not rows:
        rows.append(
            (
                "band:all_met",
                _("Đạt đủ %(total)s tiêu chí") % {"total": len(data.criteria)},
                figures.all_met,
            )
        )
    rows += [
        ("total:assessed", _("Số xã đã có đánh giá"), assessed),
        ("total:not_assessed", _("Số xã chưa có đánh giá"), figures.not_assessed),
    ]
    rows += [
        (f"title:{state.value}", str(label), figures.title_count(data.criteria_set.pk, state.value))
        for state, label in TITLE_LABELS.items()
    ]
    for key, label, communes in rows:
        row += 1
        _boxed(ws, row, 2, label_end, label)
        _boxed(ws, row, count_col, count_col + 2, communes, number_format=COUNT_FORMAT)
        share = communes / assessed if assessed and key.startswith(("band:", "title:")) else None
        _boxed(ws, row, share_col, share_col + 2, share, number_format="0.0%")
        put(ws, row, layout.key, key)
    row += 1
    _boxed(ws, row, 2, label_end, _("Bình quân số tiêu chí đạt/xã"), font=font(bold=True))
    _boxed(
        ws,
        row,
        count_col,
        count_col + 2,
        figures.average,
        number_format=AVERAGE_FORMAT,
        font=font(bold=True),
    )
    put(ws, row, layout.key, "total:average")
    return row


def _boxed(ws: Worksheet, row: int, first: int, last: int, value, **style) -> None:
    alignment = WRAP if isinstance(value, str) else CENTER
    put(ws, row, first, value, **({"alignment": alignment, "border": BORDER} | style))
    merge_boxed(ws, row, first, row, last)


def _metadata(data: SummaryData) -> dict[str, object]:
    return {
        "template": TEMPLATE,
        "template_version": TEMPLATE_VERSION,
        "unit_level": "district" if isinstance(data.unit, District) else "province",
        "unit_code": data.unit.code,
        "criteria_set_code": data.criteria_set.code,
        "year": data.year,
        "communes": len(data.lines),
        "first_data_row": FIRST_DATA_ROW,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
