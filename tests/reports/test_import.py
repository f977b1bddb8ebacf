"""Uploading the commune self-assessment table back: round trip, preview and apply, cell
errors with a marked-up copy, whole-file refusals, generated malformed uploads (zero writes),
roles and query budgets."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communes.models import Commune
from criteria.models import Assessment, Indicator, IndicatorValue
from criteria.services import assessment_save
from reports import services
from reports.excel import commune_table
from reports.excel.importer import MAX_BYTES

from ..conftest import count_queries
from ..excel_helpers import assess, rows_by_key, workbook
from ..factories import CommuneFactory

SHEET = "Biểu tự đánh giá"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ready(cast, catalogue):
    """Commune A's 2024 assessment with every indicator filled, and its exported table."""
    assessment = assess(catalogue, cast.commune_a, note="ghi chú cũ")
    return assessment


def export(commune, criteria_set, year=2024) -> bytes:
    """The table as a Vietnamese user downloads it, whatever language an earlier request left
    active in this thread."""
    commune = Commune.objects.select_related("province__region", "district", "region").get(pk=commune.pk)
    with translation.override("vi"):
        return services.commune_table_export(commune=commune, criteria_set=criteria_set, year=year)[1]


def edit(content: bytes, change) -> bytes:
    wb = workbook(content)
    change(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(wb, code: str) -> int:
    return rows_by_key(wb[SHEET], commune_table.KEY_COLUMN)[f"ind:{code}"]


def indicator(criteria_set, code: str) -> Indicator:
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)


def upload(client, user, commune, content: bytes, name="bieu.xlsx"):
    client.force_login(user)
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("reports:import", args=[commune.key]), {"file": file})


def state(assessment: Assessment) -> tuple:
    """Everything an import could write: values, their history, the assessment's version."""
    values = sorted(
        IndicatorValue.objects.filter(assessment=assessment).values_list(
            "indicator_id", "number", "flag", "level", "note"
        )
    )
    history = IndicatorValue.history.filter(assessment_id=assessment.pk).count()
    return values, history, Assessment.objects.get(pk=assessment.pk).version


def kinds(criteria_set) -> dict[str, str]:
    """One indicator code per kind of value in the set."""
    found = {}
    for item in Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by("pk"):
        found.setdefault(item.kind, item.code)
    return found


def test_an_export_uploaded_unchanged_changes_nothing(client, cast, catalogue, ready):
    before = state(ready)
    response = upload(client, cast.officer_a, cast.commune_a, export(cast.commune_a, catalogue))
    assert response.status_code == 200
    assert 'data-testid="import-no-changes"' in response.content.decode()
    assert state(ready) == before


def test_the_preview_lists_old_and_new_values_and_apply_writes_them_in_one_version(
    client, cast, catalogue, ready
):
    codes = kinds(catalogue)
    percent, number, flag = codes["percent_min"], codes.get("number_min"), codes["bool"]

    def change(wb):
        ws = wb[SHEET]
        ws.cell(row=row_of(wb, percent), column=5).value = 0.975  # typed 97,5 in a % cell
        ws.cell(row=row_of(wb, flag), column=5).value = "Chưa đạt"
        ws.cell(row=row_of(wb, flag), column=7).value = "Đang xây dựng lại"
        if number:
            cell = ws.cell(row=row_of(wb, number), column=5)
            cell.value, cell.number_format = "1.234,5", "General"

    response = upload(client, cast.officer_a, cast.commune_a, edit(export(cast.commune_a, catalogue), change))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-changes"' in page
    assert "90 %" in page and "97,5 %" in page and "Chưa đạt" in page and "Đang xây dựng lại" in page
    assert Assessment.objects.get(pk=ready.pk).version == ready.version  # nothing written yet
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("reports:import_apply", args=[cast.commune_a.key]), {"token": token})
    assert response.status_code == 302
    stored = {
        row.indicator.code: row
        for row in IndicatorValue.objects.filter(assessment=ready).select_related("indicator")
    }
    assert stored[percent].number == Decimal("97.5")
    assert stored[flag].flag is False and stored[flag].note == "Đang xây dựng lại"
    if number:
        assert stored[number].number == Decimal("1234.5")
    assert Assessment.objects.get(pk=ready.pk).version == ready.version + 1
    record = IndicatorValue.history.filter(assessment_id=ready.pk, indicator__code=percent).latest(
        "history_date"
    )
    assert record.history_change_reason == "Nhập từ tệp Excel" and record.history_user == cast.officer_a


def test_cell_errors_are_listed_marked_in_a_copy_and_nothing_is_written(client, cast, catalogue, ready):
    codes = kinds(catalogue)
    rows = {}

    def change(wb):
        ws = wb[SHEET]
        rows["percent"] = row_of(wb, codes["percent_min"])
        rows["flag"] = row_of(wb, codes["bool"])
        ws.cell(row=rows["percent"], column=5).value = 1.5  # 150 %
        ws.cell(row=rows["flag"], column=5).value = "Có lẽ"
        ws.cell(row=rows["flag"] + 1, column=5).value = "=1+1"

    before = state(ready)
    response = upload(client, cast.officer_a, cast.commune_a, edit(export(cast.commune_a, catalogue), change))
    page = response.content.decode()
    assert response.status_code == 400 and state(ready) == before
    assert f"E{rows['percent']}" in page and "Tỷ lệ phải nằm trong khoảng 0 đến 100." in page
    assert f"E{rows['flag']}" in page and "hãy chọn Đạt hoặc Chưa đạt" in page
    assert "Ô chứa công thức" in page and SHEET in page
    marked = client.get(reverse("reports:import_marked", args=[cast.commune_a.key]))
    ws = workbook(b"".join(marked.streaming_content))[SHEET]
    cell = ws.cell(row=rows["percent"], column=5)
    assert cell.fill.fgColor.rgb.endswith("FF9999") and "0 đến 100" in cell.comment.text


def refusal(response) -> str:
    assert response.status_code == 400, response.status_code
    return response.content.decode()


def test_whole_file_refusals_are_clear_and_write_nothing(client, cast, catalogue, ready):
    before = state(ready)
    good = export(cast.commune_a, catalogue)
    cases = [
        (b"", "Tệp rỗng"),
        (b"x" * (MAX_BYTES + 1), "Tệp quá lớn"),
        (b"TT,Ten xa\n1,Son Bang\n", "không phải là tệp Excel .xlsx"),
        (good[:2000], "không phải là tệp Excel .xlsx"),
        (_blank_workbook(), "không đúng mẫu biểu tự đánh giá"),
        (edit(good, lambda wb: _meta(wb, "template_version", 9)), "phiên bản 9 không còn được hỗ trợ"),
        (edit(good, lambda wb: _meta(wb, "template", "ntm.commune_summary")), "không đúng mẫu"),
        (export(cast.commune_b, catalogue), "biểu của xã khác"),
        (edit(good, lambda wb: _meta(wb, "year", 2019)), "không khớp hồ sơ đánh giá"),
        (edit(good, lambda wb: setattr(wb[SHEET], "title", "Khác")), "Không tìm thấy trang tính"),
    ]
    for content, message in cases:
        assert message in refusal(upload(client, cast.officer_a, cast.commune_a, content)), message
    assert state(ready) == before


def _blank_workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _meta(wb, key: str, value) -> None:
    ws = wb["_meta"]
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == key:
            ws.cell(row=row, column=2).value = value


def test_a_locked_or_submitted_assessment_and_a_stale_copy_are_refused(client, cast, catalogue, ready):
    good = export(cast.commune_a, catalogue)
    for status, message in (("approved", "đã phê duyệt và bị khóa"), ("submitted", "đang chờ huyện xem xét")):
        Assessment.objects.filter(pk=ready.pk).update(status=status)
        assert message in refusal(upload(client, cast.officer_a, cast.commune_a, good))
    Assessment.objects.filter(pk=ready.pk).update(status="draft", version=ready.version + 1)
    assert "đã được sửa sau khi tải biểu" in refusal(upload(client, cast.officer_a, cast.commune_a, good))


def test_a_save_between_preview_and_apply_is_refused_as_a_conflict(client, cast, catalogue, ready):
    code = kinds(catalogue)["percent_min"]
    content = edit(export(cast.commune_a, catalogue), lambda wb: _set(wb, code, 0.99))
    page = upload(client, cast.officer_a, cast.commune_a, content).content.decode()
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    other = indicator(catalogue, kinds(catalogue)["bool"])
    assessment_save(
        assessment=ready,
        user=cast.officer_a,
        values={other.pk: {"value": False, "note": ""}},
        expected_version=ready.version,
        reason="",
    )
    before = state(ready)
    response = client.post(reverse("reports:import_apply", args=[cast.commune_a.key]), {"token": token})
    assert response.status_code in (400, 409)
    assert (
        "đã được sửa sau khi tải biểu" in response.content.decode()
        or "Không có gì" in response.content.decode()
    )
    assert state(ready) == before


def _set(wb, code: str, value) -> None:
    wb[SHEET].cell(row=row_of(wb, code), column=5).value = value


def test_only_the_communes_officer_may_import(client, cast, catalogue, ready):
    url = reverse("reports:import", args=[cast.commune_a.key])
    assert client.get(url).status_code == 302
    for outsider in (cast.officer_b, cast.district_member_a, cast.village_head_a, cast.province_office):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(reverse("reports:import_marked", args=[cast.commune_a.key])).status_code == 404
    for user in (cast.officer_a, cast.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_upload_page_costs_the_same_queries_at_two_sizes(client, cast, catalogue, ready):
    client.force_login(cast.officer_a)
    url = reverse("reports:import", args=[cast.commune_a.key])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for _n in range(10):
        CommuneFactory(district=cast.district_a)
    assert count_queries(lambda: client.get(url)) == small <= 6


def test_the_preview_costs_the_same_queries_with_few_or_many_changes(client, cast, catalogue, ready):
    good = export(cast.commune_a, catalogue)
    client.force_login(cast.officer_a)
    codes = list(
        Indicator.objects.filter(criterion__criteria_set=catalogue, kind="percent_min").values_list(
            "code", flat=True
        )
    )

    def post(content):
        file = SimpleUploadedFile("b.xlsx", content)
        return count_queries(
            lambda: client.post(reverse("reports:import", args=[cast.commune_a.key]), {"file": file})
        )

    few = post(edit(good, lambda wb: _set(wb, codes[0], 0.91)))
    many = post(edit(good, lambda wb: [_set(wb, code, 0.92) for code in codes]))
    assert few == many


# --- Generated malformed uploads -----------------------------------------------------------

BAD_NUMBERS = ["abc", "12,34,5", "1.2.3,4,5", "-5", "=SUM(A1:A2)", "#N/A", "1e999", "∞", "12 345 abc", True]
BAD_FLAGS = ["Có lẽ", "maybe", "2", 5, "=TRUE()", "Đạt?", "đạt một phần"]
BAD_LEVELS = ["Mức 9", "xyz", 3, "=A1"]


def _bad_value(kind: str):
    if kind == "bool":
        return st.sampled_from(BAD_FLAGS)
    if kind == "level":
        return st.sampled_from(BAD_LEVELS)
    extra = [st.floats(min_value=1.01, max_value=1e6)] if kind.startswith("percent") else []
    return st.one_of(st.sampled_from(BAD_NUMBERS), st.floats(max_value=-0.01, min_value=-1e9), *extra)


@st.composite
def mutations(draw, indicators):
    """One to three damaging edits: a bad value, a broken key, a damaged _meta entry."""
    edits = []
    for _n in range(draw(st.integers(min_value=1, max_value=3))):
        what = draw(st.sampled_from(["value", "value", "key", "meta", "note"]))
        code, kind = draw(st.sampled_from(indicators))
        if what == "value":
            edits.append(("value", code, draw(_bad_value(kind))))
        elif what == "key":
            edits.append(("key", code, draw(st.sampled_from(["ind:99.9", "", "ind:1.1", "crit:x"]))))
        elif what == "note":
            edits.append(("note", code, draw(st.sampled_from(['=HYPERLINK("x")', "x" * 2001]))))
        else:
            key = draw(
                st.sampled_from(["template", "template_version", "commune_code", "assessment_id", "year"])
            )
            edits.append(("meta", key, draw(st.sampled_from(["", "0", "khác", "9999"]))))
    return edits


def _apply(wb, edits) -> None:
    ws = wb[SHEET]
    for what, target, value in edits:
        if what == "meta":
            _meta(wb, target, value)
            continue
        row = row_of(wb, target) if f"ind:{target}" in rows_by_key(ws, commune_table.KEY_COLUMN) else None
        if row is None:
            continue
        column = {"value": 5, "note": 7, "key": commune_table.KEY_COLUMN}[what]
        cell = ws.cell(row=row, column=column)
        # The cell keeps its format: a float of 1.01 or more in a percent cell reads as over
        # 100 % (bad), which in a "General" cell would have been a valid 1.01 %.
        cell.value = value


def test_generated_malformed_uploads_each_end_in_a_clear_error_with_zero_writes(
    client, cast, catalogue, ready
):
    good = export(cast.commune_a, catalogue)
    indicators = list(
        Indicator.objects.filter(criterion__criteria_set=catalogue)
        .exclude(kind="level")
        .values_list("code", "kind")
    )
    before = state(ready)
    client.force_login(cast.officer_a)
    seen = []

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(edits=mutations(indicators))
    def check(edits):
        content = edit(good, lambda wb: _apply(wb, edits))
        file = SimpleUploadedFile("b.xlsx", content)
        response = client.post(reverse("reports:import", args=[cast.commune_a.key]), {"file": file})
        page = response.content.decode()
        if _only_harmless(edits):
            return
        seen.append(1)
        assert response.status_code == 400, edits
        assert 'data-testid="import-errors"' in page or 'data-testid="import-refusal"' in page
        assert state(ready) == before

    check()
    assert len(seen) >= 20
    assert state(ready) == before


def _only_harmless(edits) -> bool:
    """A `crit:` key on an indicator row only drops it, which is caught as a missing row; an
    empty key likewise. Every generated edit damages the file but one: row 1.1's key written
    over with its own key ("ind:1.1") changes nothing."""
    return all(what == "key" and value == f"ind:{target}" for what, target, value in edits)
