"""Reading official documents back: the text of a .docx (paragraphs and table cells, in order)
and the checks every document sent upward must pass (decree 30/2020/NĐ-CP layout)."""

from __future__ import annotations

import io
import re

from docx import Document

DATE_IN_WORDS = re.compile(r"\w[\w ]*, ngày \d{2} tháng \d{1,2} năm \d{4}")


def docx_lines(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    lines: list[str] = []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            elif block.text.strip():
                lines.append(block.text.strip())

    walk(document)
    return lines


def assert_official_layout(lines: list[str], *, body: str, signature: str) -> None:
    """The national title and motto, the issuing body, "Số:", place and date in words, the
    signature position and "Nơi nhận" ending with "Lưu: VT"."""
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines and "Độc lập - Tự do - Hạnh phúc" in lines
    assert body in lines, lines[:8]
    assert any(line.startswith("Số: ") for line in lines)
    assert any(DATE_IN_WORDS.fullmatch(line) for line in lines), lines[:10]
    assert signature in lines and "Nơi nhận:" in lines
    assert any(line.startswith("- Lưu: VT") for line in lines)


def sheet_texts(ws) -> list[str]:
    return [str(cell.value).strip() for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


def assert_sheet_letterhead(ws, *, body: str, signed: bool = True) -> None:
    """An Excel table's decree-30 rows: title block, issuing body, "Số:", place and date in
    words; and, for a table sent upward, "Nơi nhận" and the signature block."""
    texts = sheet_texts(ws)
    assert ws["A1"].value in (body,) or ws["A2"].value == body, (ws["A1"].value, ws["A2"].value)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert any(text.startswith("Số: ") and "/" in text for text in texts[:12])
    assert any(DATE_IN_WORDS.fullmatch(text) for text in texts[:12]), texts[:12]
    if signed:
        assert "Nơi nhận:" in texts and "(Ký tên, đóng dấu)" in texts
        assert any(text.startswith("- Lưu: VT") for text in texts)
