"""Word documents: a kind's template (the province office's own, else the default beside this
module) filled with the letterhead and a body built in code (docxtpl renders; the body is a
python-docx sub-document using the template's styles)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from .default_templates import grid_borders, set_column_widths, template_path
from .letterhead import Letterhead
from .models import DocumentTemplate

BodyBuilder = Callable[["Body"], None]


def template_source(kind: str, province_id: int | None):
    """The province's own template for `kind` if it uploaded one, else the default."""
    own = DocumentTemplate.objects.filter(province_id=province_id, kind=kind).first() if province_id else None
    if own:
        return io.BytesIO(own.file.read())
    return template_path(kind)


def letterhead_fields(letterhead: Letterhead) -> dict:
    fields = asdict(letterhead)
    fields.pop("on")
    for name in ("number_line", "place_and_date", "signature_lines", "signer_line", "recipient_lines"):
        fields[name] = getattr(letterhead, name)
    return fields


def render(
    *,
    kind: str,
    province_id: int | None,
    letterhead: Letterhead,
    build_body: BodyBuilder,
    note: str = "",
    **extra,
) -> bytes:
    template = DocxTemplate(template_source(kind, province_id))
    subdoc = template.new_subdoc()
    build_body(Body(subdoc.subdocx))
    context = {"lh": letterhead_fields(letterhead), "body": subdoc, "note": note, **extra}
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


class Body:
    """What a document's body is made of: headings, justified paragraphs with a first-line
    indent, and tables set in 12 pt (decree 30/2020: body 13-14 pt, justified)."""

    def __init__(self, document) -> None:
        self.document = document

    def heading(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(text).bold = True

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        for line in (text or "").splitlines() or [""]:
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1.27)
            run = paragraph.add_run(line)
            run.italic = italic or None

    def bullets(self, lines: list[str]) -> None:
        for line in lines:
            self.paragraph(f"- {line}")

    def table(
        self, headers: list[str], rows: list[list[object]], *, widths: list[float] | None = None
    ) -> None:
        table = self.document.add_table(rows=1, cols=len(headers))
        try:
            table.style = "Table Grid"
        except KeyError:  # a province's own template without Word's default table styles
            grid_borders(table)
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, text, bold=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                self._cell(cell, "" if value is None else str(value))
        if widths:
            set_column_widths(table, [Cm(width) for width in widths])
        self.document.add_paragraph()

    @staticmethod
    def _cell(cell, text: str, *, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = "Bảng"
        paragraph.paragraph_format.first_line_indent = Cm(0)
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(12)
