"""Checks on uploaded evidence files: size, and type by content (magic bytes), never by name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


PDF = FileType("application/pdf", ".pdf")
PNG = FileType("image/png", ".png")
JPEG = FileType("image/jpeg", ".jpg")
WEBP = FileType("image/webp", ".webp")
OLE = FileType("application/msword", ".doc")  # legacy .doc/.xls share one container
OOXML = {
    "word/": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT)


def sniff(head: bytes, upload=None) -> FileType | None:
    """The type of a file from its first bytes (and, for zip containers, its member names)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04") and upload is not None:
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload) -> FileType | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in ODF:
                    return FileType(mimetype, ODF[mimetype])
            if "[Content_Types].xml" in names:
                for prefix, file_type in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return file_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def check_upload(upload) -> FileType:
    """Raise ValidationError (on the "file" field) unless the upload is an allowed type and size."""
    if upload is None:
        raise ValidationError({"file": _("Chưa chọn tệp.")})
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": limit // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("Tệp rỗng.")})
    upload.seek(0)
    detected = sniff(upload.read(16), upload)
    if detected is None:
        raise ValidationError(
            {
                "file": _(
                    "Chỉ nhận tệp PDF, ảnh (JPEG, PNG, WebP) và văn bản văn phòng (Word, Excel, PowerPoint, OpenDocument)."
                )
            }
        )
    return detected


# Other extensions that name the same content: the user's spelling is kept when it is one.
ALIASES = {
    ".jpg": (".jpeg", ".jpe", ".jfif"),
    ".doc": (".xls", ".ppt"),  # the legacy container is the same for the three
}
OLE_TYPES = {".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}


def true_type(name: str, detected: FileType) -> FileType:
    """The detected type, spelt with the name's extension when that names the same content
    (".jpeg" for a JPEG, ".xls" for a legacy Excel file)."""
    extension = PurePath(name).suffix.lower()
    if extension in ALIASES.get(detected.extension, ()):
        return FileType(OLE_TYPES.get(extension, detected.content_type), extension)
    return detected


def renamed(name: str, file_type: FileType) -> str:
    """`name` with the extension of its content: "anh.pdf" holding a JPEG becomes "anh.jpg",
    so that whoever downloads it opens it with the right program."""
    path = PurePath(name)
    if path.suffix.lower() == file_type.extension:
        return name
    stem = path.stem if path.suffix else name
    return f"{stem[: 200 - len(file_type.extension)]}{file_type.extension}"


def sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def display_name(name: str) -> str:
    """A harmless name to show and to offer on download: no path, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f\"<>]", "", base).strip() or "tep"
    return base[:200]
