"""The body of a document, frozen when it is asked for as a list of sections (plain text and
tables, already in Vietnamese: an official document does not change language), and written
into the Word file by one function for every kind."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import DocumentKind

# What the sources say of a form whose exact content they do not give (shared/domain README,
# "Recognition"): printed in italics at the top of the document until a province office
# replaces the template with its own.
DOSSIER_NOTE = _(
    "Ghi chú: nội dung mẫu này dựng theo thành phần hồ sơ của các mẫu giai đoạn 2014-2020; "
    "điều quy định hồ sơ của Quyết định 18/2022/QĐ-TTg chưa được đối chiếu. Văn phòng Điều phối "
    "tỉnh thay bằng mẫu của tỉnh tại trang “Mẫu văn bản”."
)
NOTES = {
    DocumentKind.RECOGNITION_REQUEST: DOSSIER_NOTE,
    DocumentKind.RECOGNITION_REPORT: DOSSIER_NOTE,
    DocumentKind.MEETING_MINUTES: DOSSIER_NOTE,
    DocumentKind.EVIDENCE_LIST: DOSSIER_NOTE,
    DocumentKind.SATISFACTION: DOSSIER_NOTE,
}

SAMPLE = {
    "sections": [
        {"heading": "I. KẾT QUẢ", "paragraphs": ["Nội dung mẫu."]},
        {"table": {"headers": ["TT", "Nội dung"], "rows": [["1", "Mẫu"]]}},
    ]
}


def write_sections(body, parameters: dict) -> None:
    """`parameters["sections"]`: each with an optional `heading`, `paragraphs`, `bullets`
    and `table` ({"headers", "rows", "widths" in cm})."""
    for section in parameters.get("sections", []):
        if section.get("heading"):
            body.heading(section["heading"])
        for text in section.get("paragraphs", []):
            body.paragraph(text, italic=section.get("italic", False))
        if section.get("bullets"):
            body.bullets(section["bullets"])
        table = section.get("table")
        if table:
            body.table(table["headers"], table["rows"], widths=table.get("widths"))
