"""The default Word templates (`templates/<kind>.docx` beside this file), written with
python-docx in the layout of decree 30/2020/NĐ-CP (Phụ lục I) and filled in by docxtpl.
`manage.py document_templates` writes them again after a change here; a province office
replaces any of them with its own file using the same fields (listed on its templates page).

Fields of every template: `lh` (the letterhead: `parent_body`, `body`, `number_line`,
`place_and_date`, `doc_type_label`, `summary`, `addressees`, `signature_lines`, `signer_line`,
`recipient_lines`), `body` (the document's content, placed with `{{p body }}`), `note` (what
the sources say of the form, when they do not give its content) and `unit_name`."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .models import DocumentKind

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FONT = "Times New Roman"
LEFT_WIDTH, RIGHT_WIDTH = Cm(6.5), Cm(9.5)  # the A4 text width with 30 and 15 mm margins is 16.5 cm


def template_path(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}.docx"


def write_all() -> list[Path]:
    TEMPLATE_DIR.mkdir(exist_ok=True)
    paths = []
    for kind in DocumentKind.values:
        path = template_path(kind)
        build_template().save(path)
        paths.append(path)
    return paths


def build_template() -> Document:
    document = Document()
    _page(document)
    _styles(document)
    _letterhead(document)
    _title(document)
    _addressees(document)
    _paragraph(document, "{%p if note %}")
    note = _paragraph(document, "{{ note }}", italic=True, size=12)
    note.paragraph_format.first_line_indent = Cm(0)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{{p body }}")
    _signature(document)
    return document


def _page(document: Document) -> None:
    """A4 portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm; page numbers
    centred in the top margin from page 2 on."""
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance = Cm(1)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _styles(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    table_text = document.styles.add_style("Bảng", 1)
    table_text.base_style = normal
    table_text.font.size = Pt(12)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0


def _paragraph(container, text: str = "", *, bold=False, italic=False, size=None, align=None, style=None):
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _rule(cell, *, indent: float) -> None:
    """A short solid line under a heading: the bottom border of an empty paragraph narrowed
    by its indents."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Cm(indent)
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run()
    run.font.size = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _borders(table, value: str) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _borderless(table) -> None:
    _borders(table, "nil")


def grid_borders(table) -> None:
    _borders(table, "single")


def set_column_widths(table, widths) -> None:
    """Column widths that Word and LibreOffice both keep: the grid's and every cell's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _two_columns(document: Document):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    set_column_widths(table, [LEFT_WIDTH, RIGHT_WIDTH])
    return table.rows[0].cells


def _cell_line(
    cell, text: str, *, first=False, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    run.font.size = Pt(size)
    return paragraph


def _letterhead(document: Document) -> None:
    left, right = _two_columns(document)
    _cell_line(left, "{%p if lh.parent_body %}", first=True, size=12)
    _cell_line(left, "{{ lh.parent_body }}", size=12)
    _cell_line(left, "{%p endif %}", size=12)
    _cell_line(left, "{{ lh.body }}", bold=True, size=12)
    _rule(left, indent=2.2)
    _cell_line(left, "{{ lh.number_line }}")
    _cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first=True, bold=True, size=12)
    _cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _rule(right, indent=2.1)
    _cell_line(right, "{{ lh.place_and_date }}", italic=True)


def _title(document: Document) -> None:
    _paragraph(document)
    for text, size in (("{{ lh.doc_type_label }}", 14), ("{{ lh.summary }}", 14)):
        paragraph = _paragraph(document, text, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.first_line_indent = Cm(0)
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    _rule(cell, indent=6)
    cell._tc.remove(cell.paragraphs[0]._p)
    _borderless(document.tables[-1])


def _addressees(document: Document) -> None:
    _paragraph(document, "{%p if lh.addressees %}")
    _paragraph(document, "{%p if lh.addressees|length == 1 %}")
    _paragraph(document, "Kính gửi: {{ lh.addressees[0] }}.", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p else %}")
    _paragraph(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p for line in lh.addressees %}")
    paragraph = _paragraph(document, "- {{ line }};")
    paragraph.paragraph_format.left_indent = Cm(5)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endif %}")


def _signature(document: Document) -> None:
    _paragraph(document)
    left, right = _two_columns(document)
    align = WD_ALIGN_PARAGRAPH.LEFT
    _cell_line(left, "Nơi nhận:", first=True, bold=True, italic=True, size=12, align=align)
    _cell_line(left, "{%p for line in lh.recipient_lines %}", size=11, align=align)
    _cell_line(left, "{{ line }}", size=11, align=align)
    _cell_line(left, "{%p endfor %}", size=11, align=align)
    _cell_line(right, "{%p for line in lh.signature_lines %}", first=True, bold=True)
    _cell_line(right, "{{ line }}", bold=True)
    _cell_line(right, "{%p endfor %}", bold=True)
    _cell_line(right, "(Ký tên, đóng dấu)", italic=True)
    for _ in range(3):
        _cell_line(right, "")
    _cell_line(right, "{{ lh.signer_line }}", bold=True)
