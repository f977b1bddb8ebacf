"""The roll-up workbook is dated the local day it was built (not the last day of its week) and
its wrapped headers have the height they need, so printing does not run them over the
"(1) (2) …" row."""

import datetime

import pytest
import time_machine

from plans.deadlines import VN_TZ
from reports import rollups
from reports.excel.rollup import HEADER_ROW, build_rollup_workbook
from reports.excel.styles import LINE_HEIGHT
from reports.figures.rollup import rollup_built_on

from ..excel_helpers import workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build_now(cast, iso_year: int, iso_week: int):
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(cast.district_a), iso_year=iso_year, iso_week=iso_week, enqueue=False
    )
    return rollups.rollup_build(rollup_id=rollup.pk, send_mail=False)


def dated(ws) -> str:
    """The "place, ngày … tháng … năm …" line of the heading."""
    return next(cell.value for cell in ws[3] if isinstance(cell.value, str) and ", ngày " in cell.value)


def test_a_rollup_built_on_tuesday_1_december_is_dated_that_day_not_sunday_6_december(cast):
    # 06:30 in Việt Nam is still 30 November in UTC: the day is the local one.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 6, 30, tzinfo=VN_TZ), tick=False):
        rollup = build_now(cast, 2026, 49)
    assert rollup.status == "done" and rollup.data["week"]["end"] == "2026-12-06"
    assert rollup.data["built_on"] == "2026-12-01"
    ws = workbook(rollup.file.read()).worksheets[0]
    assert dated(ws) == "Hương Sơn, ngày 01 tháng 12 năm 2026"


def test_figures_frozen_before_the_build_day_was_kept_are_dated_from_what_they_have(cast):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 6, 30, tzinfo=VN_TZ), tick=False):
        rollup = build_now(cast, 2026, 49)
    data = rollup.data

    def sheet(frozen: dict, finished_at=None):
        rollup.data, rollup.finished_at = frozen, finished_at
        return build_rollup_workbook(frozen, rollups.rollup_letterhead(rollup, frozen)).worksheets[0]

    older = {key: value for key, value in data.items() if key != "built_on"}
    assert dated(sheet(older)) == "Hương Sơn, ngày 01 tháng 12 năm 2026"  # the local day of `built_at`
    oldest = {key: value for key, value in older.items() if key != "built_at"}
    finished = datetime.datetime(2026, 12, 2, 20, 0, tzinfo=datetime.UTC)  # 03:00 on 3 December there
    assert dated(sheet(oldest, finished)) == "Hương Sơn, ngày 03 tháng 12 năm 2026"
    assert dated(sheet(oldest)) == "Hương Sơn, ngày 06 tháng 12 năm 2026"  # nothing else: the week's end


def test_the_build_day_is_read_before_any_fallback():
    data = {"built_on": "2026-12-01", "built_at": "2026-12-05T01:00:00+00:00", "week": {"end": "2026-12-06"}}
    finished = datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC)
    assert rollup_built_on(data, finished) == datetime.date(2026, 12, 1)
    assert rollup_built_on({"week": {"end": "2026-12-06"}}, finished) == datetime.date(2026, 12, 4)


def test_the_rollup_headers_are_as_high_as_their_wrapped_text(cast):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=VN_TZ), tick=False):
        ws = workbook(build_now(cast, 2026, 49).file.read()).worksheets[0]
    # "Báo cáo: Đúng hạn" in a column 9 wide and "Chỉ tiêu sửa sau phê duyệt" in one 16 wide
    # take two lines; the row of column numbers below keeps its own height.
    assert ws.row_dimensions[HEADER_ROW].height >= 2 * LINE_HEIGHT
    assert ws.cell(row=HEADER_ROW + 1, column=14).value == "(14)"
