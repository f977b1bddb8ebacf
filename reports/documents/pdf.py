"""PDF from a Word document, by LibreOffice Writer run headless in the worker (never in a
request). The document names Times New Roman; where it is not installed LibreOffice sets it in
the metric-compatible Liberation Serif (Debian's fonts-liberation), so lines break the same."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180


class ConversionError(RuntimeError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(content: bytes) -> bytes:
    """The PDF of a .docx. Each call has its own LibreOffice profile, so conversions running
    side by side in several worker processes do not lock each other out."""
    program = soffice()
    if not program:
        raise ConversionError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="ntm-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(content)
        command = [
            program,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionError(f"LibreOffice failed: {error}") from error
        target = work / "document.pdf"
        if not target.exists():
            raise ConversionError("LibreOffice wrote no PDF")
        return target.read_bytes()
