"""Excel exports: the commune self-assessment table and the district summary, opened with
openpyxl and checked cell by cell; their downloads, scoping and query budgets."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from communes.models import Commune, District
from criteria.evaluation import Kind
from criteria.models import Assessment, CriteriaSet, IndicatorValue
from reports.documents.letterhead import letterhead_for
from reports.excel import commune_table, summary_table
from reports.excel.styles import is_formula_like, number_format, safe_text, vietnamese_date

from ..conftest import count_queries
from ..excel_helpers import assess, metadata, rows_by_key, workbook
from ..factories import CommuneFactory

NTM = "xa_ntm_2021_2025"
KEY = commune_table.KEY_COLUMN
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Pure helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, text",
    [
        (datetime.date(2026, 11, 25), "ngày 25 tháng 11 năm 2026"),
        (datetime.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (datetime.date(2024, 3, 9), "ngày 09 tháng 3 năm 2024"),
    ],
)
def test_dates_read_as_in_official_documents(day, text):
    assert vietnamese_date(day) == text


@pytest.mark.parametrize("text", ["=1+1", "+84 912", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_looks_like_a_formula_is_stored_as_text(text):
    wb = openpyxl.Workbook()
    cell = safe_text(wb.active["A1"], text)
    assert is_formula_like(text) and cell.data_type == "s" and cell.quotePrefix
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet_xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    again = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    # The standard library's XML parser reads a carriage return back as a line feed, lxml
    # keeps it; it stays text either way.
    assert again.value in (text, text.replace("\r", "\n")) and again.data_type == "s"


def test_ordinary_text_has_no_quote_prefix_and_illegal_characters_are_dropped():
    cell = safe_text(openpyxl.Workbook().active["A1"], "Sơn\x01 Bằng")
    assert cell.value == "Sơn Bằng" and not cell.quotePrefix


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        (Kind.PERCENT_MIN, Decimal("93.0000"), "0%"),
        (Kind.PERCENT_MAX, Decimal("2.7"), "0.0%"),
        (Kind.PERCENT_MIN, Decimal("12.25"), "0.00%"),
        (Kind.PERCENT_MIN, None, "0.0%"),
        (Kind.NUMBER_MIN, Decimal("75.6"), "#,##0.0"),
        (Kind.NUMBER_MIN, Decimal("4000"), "#,##0"),
    ],
)
def test_number_formats_follow_the_kind_and_the_decimals(kind, value, expected):
    assert number_format(kind, value) == expected


def test_the_ntm_set_declares_the_official_bands_in_order(catalogue):
    bands = catalogue.band_list()
    assert [band.label for band in bands] == ["19", "15-18", "10-14", "5-9", "dưới 5"]
    found = [catalogue.band_of(met, 19).code for met in (19, 17, 14, 9, 3, 15)]
    assert found == ["all", "15-18", "10-14", "5-9", "under5", "15-18"]


# The commune table ----------------------------------------------------------------------------


def commune_url(commune, year=2024, criteria_set=NTM):
    return reverse("reports:commune_table", args=[commune.key]) + f"?set={criteria_set}&year={year}"


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return workbook(response.content)


@pytest.fixture
def son_tay(demo):
    return Commune.objects.get(map="legacy", name="Sơn Tây")


@pytest.fixture
def demo_user(demo):
    from django.contrib.auth import get_user_model

    return lambda username: get_user_model().objects.get(username=username)


def test_the_commune_table_has_title_rows_headers_and_print_setup(client, son_tay, demo_user):
    wb = download(client, demo_user("bcd.huongson"), commune_url(son_tay))
    ws = wb.worksheets[0]
    assert (
        ws["A1"].value == "ỦY BAN NHÂN DÂN XÃ SƠN TÂY"
        and ws["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    assert ws["A2"].value == "Số: ……/BC-UBND" and ws["D2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["D3"].value.startswith("Sơn Tây, ngày ") and " tháng " in ws["D3"].value
    assert ws["A4"].value == "BIỂU CHI TIẾT KẾT QUẢ TỰ ĐÁNH GIÁ MỨC ĐỘ ĐẠT CÁC TIÊU CHÍ NĂM 2024"
    assert ws["A5"].value == "Xã Sơn Tây, huyện Hương Sơn, tỉnh Hà Tĩnh"
    assert ws["A6"].value.startswith("Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025")
    assert "Bắc Trung Bộ" in ws["A7"].value and "Đang soạn" in ws["A7"].value
    assert [ws.cell(row=8, column=c).value for c in range(1, 8)] == [
        "TT",
        "Tên tiêu chí",
        "Nội dung / chỉ tiêu",
        "Chỉ tiêu theo quy định",
        "Kết quả thực hiện",
        "Tự đánh giá",
        "Ghi chú",
    ]
    assert ws["A9"].value == "(1)" and ws["G9"].value == "(7)"
    assert ws.freeze_panes == "A10"
    assert ws.print_title_rows == "$8:$9"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.column_dimensions["H"].hidden and ws.column_dimensions["C"].width == 52
    assert ws["A8"].font.bold and ws["A8"].font.name == "Times New Roman"


def test_the_commune_table_has_one_row_per_indicator_with_real_numbers(client, son_tay, demo_user):
    ws = download(
        client, demo_user("canbo.sonbang"), commune_url(Commune.objects.get(map="legacy", name="Sơn Bằng"))
    ).worksheets[0]
    keys = rows_by_key(ws, KEY)
    assert len([key for key in keys if key.startswith("ind:")]) == 57
    assert [key for key in keys if key.startswith("group:")] == [
        f"group:{g}" for g in ("I", "II", "III", "IV", "V")
    ]
    # Criteria with several indicators get a summarising row; a criterion whose one indicator
    # has its number (5, 7, 10, 11, 16) is one row.
    assert "crit:17" in keys and "crit:5" not in keys and "ind:5" in keys
    singles = ["ind:5", "ind:7", "ind:10", "ind:11", "ind:16"]
    assert all(key in keys for key in singles)
    assert len([key for key in keys if key.startswith("crit:")]) + len(singles) == 19
    ws_keys = {key: [ws.cell(row=row, column=c).value for c in range(1, 8)] for key, row in keys.items()}
    assert ws_keys["crit:17"][0] == "17" and ws_keys["crit:17"][5] == "Đạt"


def test_the_commune_table_shows_thresholds_values_and_verdicts_of_son_tay(client, son_tay, demo_user):
    ws = download(client, demo_user("bcd.huongson"), commune_url(son_tay)).worksheets[0]
    keys = rows_by_key(ws, KEY)
    values = {
        code: IndicatorValue.objects.get(
            assessment__commune=son_tay,
            assessment__year=2024,
            indicator__code=code,
            assessment__criteria_set__code=NTM,
        )
        for code in ("2.1", "10", "11", "1.1")
    }
    row = keys["ind:2.1"]
    assert ws.cell(row=row, column=5).value == pytest.approx(float(values["2.1"].number) / 100)
    assert ws.cell(row=row, column=5).number_format in ("0%", "0.0%")
    assert ws.cell(row=row, column=4).value.startswith("≥ ")
    assert ws.cell(row=row, column=6).value == "Chưa đạt"  # demo: Sơn Tây fails criterion 2 in 2024
    assert ws.cell(row=keys["crit:2"], column=6).value == "Chưa đạt"
    income = ws.cell(row=keys["ind:10"], column=5)
    assert income.value == pytest.approx(float(values["10"].number)) and income.number_format.startswith(
        "#,##0"
    )
    assert "(triệu đồng/người/năm)" in ws.cell(row=keys["ind:10"], column=3).value
    poverty = ws.cell(row=keys["ind:11"], column=5)
    assert poverty.value == pytest.approx(
        float(values["11"].number) / 100
    ) and poverty.number_format.endswith("%")
    assert ws.cell(row=keys["ind:1.1"], column=5).value == "Đạt"
    assert isinstance(ws.cell(row=keys["ind:2.2"], column=5).value, float)
    # Totals: 17/19 criteria and 55/57 indicators for Sơn Tây in 2024 (demo data).
    criteria = ws.cell(row=keys["total:criteria"], column=6)
    assert criteria.value == 17 and criteria.number_format == '0"/19"'
    indicators = ws.cell(row=keys["total:indicators"], column=6)
    assert indicators.value == 55 and indicators.number_format == '0"/57"'
    assert ws.cell(row=keys["total:title"], column=6).value == "Chưa đủ điều kiện"
    # The illustrative demo thresholds are footnoted, not guessed silently.
    assert "minh họa" in ws.cell(row=keys["note:1"], column=1).value


def test_the_commune_table_carries_hidden_keys_for_a_later_import(client, son_tay, demo_user):
    wb = download(client, demo_user("bcd.huongson"), commune_url(son_tay))
    meta = metadata(wb)
    assessment = Assessment.objects.get(commune=son_tay, year=2024, criteria_set__code=NTM)
    assert wb["_meta"].sheet_state == "hidden"
    assert meta["template"] == "ntm.commune_assessment" and meta["template_version"] == 1
    assert meta["commune_code"] == son_tay.code and meta["criteria_set_code"] == NTM and meta["year"] == 2024
    assert meta["assessment_id"] == assessment.pk and meta["assessment_version"] == assessment.version
    assert meta["first_data_row"] == commune_table.FIRST_DATA_ROW


def test_a_note_that_looks_like_a_formula_stays_text(client, cast, catalogue):
    assessment = assess(catalogue, cast.commune_a)
    IndicatorValue.objects.filter(assessment=assessment, indicator__code="17.1").update(note="=1+1")
    cast.commune_a.name = '=HYPERLINK("http://x")'
    cast.commune_a.save()
    client.force_login(cast.officer_a)
    content = client.get(commune_url(cast.commune_a)).content
    ws = workbook(content).worksheets[0]
    note = ws.cell(row=rows_by_key(ws, KEY)["ind:17.1"], column=7)
    assert note.value == "=1+1" and note.data_type == "s" and note.quotePrefix
    assert ws["A5"].value.startswith("Xã =HYPERLINK")
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_a_commune_without_an_assessment_gets_an_empty_table_to_fill(client, cast, catalogue):
    ws = download(client, cast.officer_a, commune_url(cast.commune_a)).worksheets[0]
    keys = rows_by_key(ws, KEY)
    assert len([key for key in keys if key.startswith("ind:")]) == 57
    assert ws.cell(row=keys["ind:2.1"], column=5).value is None
    assert ws.cell(row=keys["ind:2.1"], column=5).number_format == "0.0%"
    assert ws.cell(row=keys["ind:2.1"], column=6).value == "Chưa nhập"
    assert ws.cell(row=keys["total:criteria"], column=6).value == 0


# The district summary -------------------------------------------------------------------------


def summary_url(district, year=2024, criteria_set=NTM):
    return reverse("reports:district_summary", args=[district.key]) + f"?set={criteria_set}&year={year}"


def test_huong_son_summary_for_2024_matches_the_demo_by_hand(client, demo, demo_user):
    huong_son = District.objects.get(name="Hương Sơn")
    wb = download(client, demo_user("bcd.huongson"), summary_url(huong_son))
    ws = wb.worksheets[0]
    layout_key = 3 + 19 + 5  # TT, name, 19 criteria, 5 totals; the key column follows
    keys = rows_by_key(ws, layout_key)
    assert ws["A1"].value == "UBND HUYỆN HƯƠNG SƠN"
    assert ws["A4"].value == "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ CỦA CÁC XÃ NĂM 2024"
    assert ws["A5"].value == "Huyện Hương Sơn, tỉnh Hà Tĩnh"
    assert ws["A8"].value == "TT" and ws["B8"].value == "Tên xã" and ws["C8"].value == "Tiêu chí"
    assert [ws.cell(row=9, column=c).value for c in range(3, 22)] == [str(n) for n in range(1, 20)]
    assert [ws.cell(row=8, column=c).value for c in range(22, 27)] == [
        "Số tiêu chí đạt",
        "Số chỉ tiêu đạt",
        "Nhóm (số tiêu chí)",
        "Xã đạt chuẩn nông thôn mới",
        "Trạng thái hồ sơ",
    ]
    expected = {"Sơn Bằng": 19, "Sơn Tây": 17, "Sơn Kim 1": 14, "Sơn Hồng": 9, "Sơn Lĩnh": 3}
    bands = {
        "Sơn Bằng": "19",
        "Sơn Tây": "15-18",
        "Sơn Kim 1": "10-14",
        "Sơn Hồng": "5-9",
        "Sơn Lĩnh": "dưới 5",
    }
    # The demo's communes of the district (its other official communes have no data).
    for commune in Commune.objects.filter(district=huong_son, name__in=expected):
        row = keys[f"commune:{commune.code}"]
        line = [ws.cell(row=row, column=c).value for c in range(1, 27)]
        assert line[1] == commune.name
        assert line[21] == expected[commune.name] and isinstance(line[21], int)
        assert line[20 + 3] == bands[commune.name]
        assert line[2:21].count("x") == expected[commune.name]
        assert line[2:21].count("–") == 19 - expected[commune.name]
        assert line[25] == "Đang soạn"
    son_bang = keys[f"commune:{Commune.objects.get(map='legacy', name='Sơn Bằng').code}"]
    # The title column says which of the three standings: Sơn Bằng's title is recognised.
    assert ws.cell(row=son_bang, column=25).value == "Đã được công nhận"
    assert (
        ws.cell(
            row=keys[f"commune:{Commune.objects.get(map='legacy', name='Sơn Tây').code}"], column=25
        ).value
        == "—"
    )
    assert ws.cell(row=keys["title:recognised"], column=8).value == 1
    # Criterion 2 is met only by Sơn Bằng; criterion 17 by Sơn Bằng and Sơn Lĩnh; 18 by all.
    per_criterion = keys["total:per_criterion"]
    assert [ws.cell(row=per_criterion, column=2 + n).value for n in (2, 17, 18)] == [1, 2, 5]
    for band in ("all", "15-18", "10-14", "5-9", "under5"):
        assert ws.cell(row=keys[f"band:{band}"], column=8).value == 1
    share = ws.cell(row=keys["band:all"], column=11)
    assert share.value == pytest.approx(0.2) and share.number_format == "0.0%"
    average = ws.cell(row=keys["total:average"], column=8)
    assert average.value == pytest.approx(12.4) and average.number_format == "0.0"
    assert ws.freeze_panes == "C10" and ws.print_title_rows == "$8:$9" and ws.print_title_cols == "$A:$B"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    # One row per commune of the district on the official list (five carry the demo's data).
    assert metadata(wb)["unit_code"] == huong_son.code
    assert metadata(wb)["communes"] == Commune.objects.filter(district=huong_son).count() > 5


def test_the_summary_reads_the_stored_evaluation_and_never_recomputes_it(client, cast, catalogue):
    assessment = assess(catalogue, cast.commune_a)
    # A stale stored evaluation is what the summary shows, because dashboards agree with it.
    Assessment.objects.filter(pk=assessment.pk).update(criteria_met=7)
    ws = download(client, cast.district_member_a, summary_url(cast.district_a)).worksheets[0]
    keys = rows_by_key(ws, 3 + 19 + 5)
    assert ws.cell(row=keys[f"commune:{cast.commune_a.code}"], column=22).value == 7


def test_a_commune_without_an_assessment_is_listed_with_empty_cells(client, cast, catalogue):
    ws = download(client, cast.district_member_a, summary_url(cast.district_a)).worksheets[0]
    keys = rows_by_key(ws, 3 + 19 + 5)
    row = keys[f"commune:{cast.commune_a.code}"]
    assert [ws.cell(row=row, column=c).value for c in range(3, 22)] == [None] * 19
    assert ws.cell(row=row, column=26).value == "Chưa có đánh giá"
    assert ws.cell(row=keys["total:not_assessed"], column=8).value == 1
    assert ws.cell(row=keys["total:average"], column=8).value is None


def test_progress_is_reported_while_rows_are_written(cast, catalogue, monkeypatch):
    from reports.figures.summary import summary_data

    for _ in range(3):
        CommuneFactory(district=cast.district_a)
    monkeypatch.setattr(summary_table, "PROGRESS_EVERY", 2)
    seen = []
    data = summary_data(unit=cast.district_a, criteria_set=catalogue, year=2024)
    letterhead = letterhead_for(cast.district_a, doc_type="BC", summary="", on=datetime.date(2024, 5, 1))
    summary_table.build_summary_table(
        data, letterhead, on_progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(2, 4), (4, 4)]


# Scope and anonymous users -------------------------------------------------------------------


def test_the_commune_table_is_for_the_commune_its_district_and_province(client, cast, catalogue):
    url = commune_url(cast.commune_a)
    assert client.get(url).status_code == 302
    for user in (cast.officer_a, cast.district_member_a, cast.province_office, cast.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for outsider in (cast.officer_b, cast.village_head_a):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_district_summary_is_for_the_district_and_its_province(client, cast, catalogue):
    url = summary_url(cast.district_a)
    assert client.get(url).status_code == 302
    for user in (cast.district_member_a, cast.province_office, cast.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for outsider in (cast.officer_a, cast.officer_b, cast.village_head_a):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_unknown_sets_and_years_are_404(client, cast, catalogue):
    client.force_login(cast.officer_a)
    assert client.get(commune_url(cast.commune_a, criteria_set="no_such_set")).status_code == 404
    assert client.get(commune_url(cast.commune_a, year="abc")).status_code == 404
    assert client.get(commune_url(cast.commune_a, year=1800)).status_code == 404
    village_set = CriteriaSet.objects.filter(unit_level="village").first()
    if village_set:
        assert client.get(commune_url(cast.commune_a, criteria_set=village_set.code)).status_code == 404


def test_the_pages_offer_the_downloads(client, cast, catalogue):
    assess(catalogue, cast.commune_a)
    client.force_login(cast.province_office)
    commune_url = reverse("reports:commune_detail", args=[cast.commune_a.key]) + "?year=2024"
    commune_page = client.get(commune_url).content.decode()
    assert reverse("reports:commune_table", args=[cast.commune_a.key]) in commune_page
    district_page = client.get(reverse("reports:district", args=[cast.district_a.key])).content.decode()
    assert reverse("reports:district_summary", args=[cast.district_a.key]) in district_page
    province_page = client.get(reverse("reports:province", args=[cast.province.key])).content.decode()
    assert reverse("reports:province_summary", args=[cast.province.key]) in province_page


# Query budgets --------------------------------------------------------------------------------


def grow(catalogue, cast, communes: int):
    for _ in range(communes):
        assess(catalogue, CommuneFactory(district=cast.district_a))


def test_the_commune_table_costs_the_same_queries_with_2_and_20_communes(client, cast, catalogue):
    for commune in (cast.commune_a, cast.commune_b):
        assess(catalogue, commune)
    client.force_login(cast.district_member_a)
    url = commune_url(cast.commune_a)
    small = count_queries(lambda: client.get(url))
    grow(catalogue, cast, 18)
    assert count_queries(lambda: client.get(url)) == small
    # session, user, roles; commune; set; criteria, indicators, thresholds; assessment;
    # values; regions; the commune's letterhead settings.
    assert small <= 12, small


def test_the_district_summary_costs_the_same_queries_with_2_and_20_communes(client, cast, catalogue):
    for commune in (cast.commune_a, cast.commune_b):
        assess(catalogue, commune)
    client.force_login(cast.province_office)
    url = summary_url(cast.district_a)
    small = count_queries(lambda: client.get(url))
    grow(catalogue, cast, 18)
    assert count_queries(lambda: client.get(url)) == small
    # session, user, roles; district; set; the scope figures (communes, sets, assessments,
    # criteria, criterion results, snapshots, recognitions, plans, deadlines, villages, village
    # titles and their recognitions) — never per commune.
    assert small <= 18, small
