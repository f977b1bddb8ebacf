"""Cells an import would read as empty though something was typed there: merged cells over
the value or note column, and rows inserted into the table. The file is refused with the cell
named and nothing is written."""

from openpyxl.utils import get_column_letter

from reports.excel import commune_table

from .test_import import SHEET, edit, export, row_of, state, upload
from .test_import import ready as ready  # the fixture: an assessment with every indicator filled

VALUE = get_column_letter(commune_table.VALUE_COLUMN)
NOTE = get_column_letter(commune_table.NOTE_COLUMN)


def refused(client, cast, ready, content: bytes) -> str:
    before = state(ready)
    response = upload(client, cast.officer_a, cast.commune_a, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-changes"' not in page
    assert state(ready) == before
    return page


def test_a_merged_range_over_two_indicators_values_is_refused_with_its_cells(client, cast, catalogue, ready):
    holder = {}

    def merge(wb):
        first = row_of(wb, "3.1")
        holder["range"] = f"{VALUE}{first}:{VALUE}{first + 1}"
        wb[SHEET].merge_cells(holder["range"])

    page = refused(client, cast, ready, edit(export(cast.commune_a, catalogue), merge))
    assert f"Ô {holder['range']}: ô gộp đè lên cột giá trị hoặc ghi chú" in page


def test_a_value_merged_with_the_name_beside_it_is_refused(client, cast, catalogue, ready):
    holder = {}

    def merge(wb):
        row = row_of(wb, "3.1")
        holder["range"] = f"D{row}:{VALUE}{row}"
        wb[SHEET].merge_cells(holder["range"])

    page = refused(client, cast, ready, edit(export(cast.commune_a, catalogue), merge))
    assert f"Ô {holder['range']}" in page


def test_a_merged_note_is_refused(client, cast, catalogue, ready):
    def merge(wb):
        row = row_of(wb, "3.1")
        wb[SHEET].merge_cells(f"{NOTE}{row}:{NOTE}{row + 2}")

    page = refused(client, cast, ready, edit(export(cast.commune_a, catalogue), merge))
    assert "ô gộp đè lên cột giá trị hoặc ghi chú" in page


def test_a_value_typed_on_an_inserted_row_is_refused_with_its_cell(client, cast, catalogue, ready):
    holder = {}

    def insert(wb):
        ws = wb[SHEET]
        row = row_of(wb, "3.1") + 1
        ws.insert_rows(row)
        ws.cell(row=row, column=commune_table.VALUE_COLUMN).value = 75
        holder["cell"] = f"{VALUE}{row}"

    page = refused(client, cast, ready, edit(export(cast.commune_a, catalogue), insert))
    assert f"Ô {holder['cell']}: dòng chèn thêm không thuộc chỉ tiêu nào" in page
