"""The letterhead of everything a unit sends upward, laid out as decree 30/2020/NĐ-CP
(Phụ lục I) asks: issuing body and "Số:" on the left, the national title and motto with place
and date on the right, the document type and summary, "Kính gửi", the signature block and
"Nơi nhận". One `Letterhead` value is built per document from the unit's settings; the Excel
tables (`reports.excel.styles`) and the Word documents (`reports.documents.word`) both print it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, District, Province

from .models import DocumentSettings, SigningMode, UnitBound

NATIONAL_TITLE = gettext_lazy("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
MOTTO = gettext_lazy("Độc lập - Tự do - Hạnh phúc")
ARCHIVE_LINE = "Lưu: VT"
BLANK_NUMBER = "\u2026\u2026"  # "……": the clerk writes the number in when registering it


class DocumentType(models.TextChoices):
    """Document types with their abbreviations in the document number (decree 30/2020,
    Phụ lục III): "Số: 05/BC-UBND". The label is printed in bold capitals."""

    REPORT = "BC", gettext_lazy("BÁO CÁO")
    REQUEST = "TTr", gettext_lazy("TỜ TRÌNH")
    PLAN = "KH", gettext_lazy("KẾ HOẠCH")
    MINUTES = "BB", gettext_lazy("BIÊN BẢN")


@dataclass(frozen=True)
class Letterhead:
    parent_body: str
    body: str
    number: str
    place: str
    on: datetime.date
    doc_type: str
    doc_type_label: str
    summary: str
    signing_mode: str
    on_behalf_of: str
    signer_position: str
    signer_name: str
    addressees: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)

    @property
    def number_line(self) -> str:
        return _("Số: %(number)s") % {"number": self.number}

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {vietnamese_date(self.on)}"

    @property
    def authority_line(self) -> str:
        """ "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", or "" when the head signs in person."""
        if not self.signing_mode:
            return ""
        return f"{self.signing_mode} {self.on_behalf_of}".strip()

    @property
    def signature_lines(self) -> list[str]:
        """The bold lines above the signature: the authority (if any) and the position."""
        return [line for line in (self.authority_line, self.signer_position) if line]

    @property
    def signer_line(self) -> str:
        return self.signer_name or BLANK_NUMBER * 3

    @property
    def recipient_lines(self) -> list[str]:
        """ "- Như trên;", …, ending with "- Lưu: VT." (decree 30: every list ends with it)."""
        items = [line for line in self.recipients if line and not line.startswith(ARCHIVE_LINE)]
        archive = next((line for line in self.recipients if line.startswith(ARCHIVE_LINE)), ARCHIVE_LINE)
        return [f"- {line.rstrip(';.')};" for line in items] + [f"- {archive.rstrip('.')}."]


def vietnamese_date(on: datetime.date) -> str:
    """ "ngày 25 tháng 11 năm 2026"; days under 10 and months 1 and 2 take a leading zero, as
    decree 30/2020/NĐ-CP asks of dates in official documents ("ngày 05 tháng 02 năm 2026")."""
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {"day": day, "month": month, "year": on.year}


def document_number(doc_type: str, suffix: str, number: str = "") -> str:
    """ "05/BC-UBND" (numbers under 10 padded), or "……/BC-UBND" for the clerk to fill."""
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    return f"{number or BLANK_NUMBER}/{doc_type}-{suffix}"


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip()]


def _commune_kind(commune: Commune) -> str:
    return str(commune.get_kind_display()) if commune.kind else _("Xã")


def defaults(unit: Commune | District | Province) -> DocumentSettings:
    """The settings a unit starts with until its officials edit them: a commune issues as its
    people's committee and sends to the committee above it; a district as its steering
    committee (2021-2025); a province as its NTM coordination office. Names only, never an
    officer: the signer's name is left to write by hand."""
    settings = DocumentSettings(**UnitBound.unit_filter(unit))
    if isinstance(unit, Commune):
        kind = _commune_kind(unit)
        settings.body = _("ỦY BAN NHÂN DÂN %(kind)s %(name)s") % {
            "kind": kind.upper(),
            "name": unit.name.upper(),
        }
        settings.place = unit.name
        settings.number_suffix = "UBND"
        settings.signing_mode, settings.on_behalf_of = SigningMode.TM, _("ỦY BAN NHÂN DÂN")
        settings.signer_position = _("CHỦ TỊCH")
        upward = (
            _("Ban Chỉ đạo các Chương trình MTQG huyện %(name)s") % {"name": unit.district.name}
            if unit.district_id
            else _("Văn phòng Điều phối nông thôn mới tỉnh %(name)s") % {"name": unit.province.name}
        )
        settings.addressees = upward
        settings.recipients = _("Như trên") + "\n" + upward
    elif isinstance(unit, District):
        settings.parent_body = _("UBND HUYỆN %(name)s") % {"name": unit.name.upper()}
        settings.body = _("BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG")
        settings.place = unit.name
        settings.number_suffix = "BCĐ"
        settings.signing_mode, settings.on_behalf_of = SigningMode.TM, _("BAN CHỈ ĐẠO")
        settings.signer_position = _("TRƯỞNG BAN")
        upward = _("Văn phòng Điều phối nông thôn mới tỉnh %(name)s") % {"name": unit.province.name}
        settings.addressees, settings.recipients = upward, _("Như trên") + "\n" + upward
    else:
        settings.parent_body = _("UBND TỈNH %(name)s") % {"name": unit.name.upper()}
        settings.body = _("VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI")
        settings.place = unit.name
        settings.number_suffix = "VPĐP"
        settings.signing_mode, settings.on_behalf_of = SigningMode.DIRECT, ""
        settings.signer_position = _("CHÁNH VĂN PHÒNG")
        upward = _("Ủy ban nhân dân tỉnh %(name)s") % {"name": unit.name}
        settings.addressees, settings.recipients = upward, _("Như trên") + "\n" + upward
    return settings


def settings_for(unit: Commune | District | Province) -> DocumentSettings:
    """The unit's saved settings, else its defaults (unsaved)."""
    saved = DocumentSettings.objects.filter(**UnitBound.unit_filter(unit)).first()
    return saved or defaults(unit)


def letterhead_for(
    unit: Commune | District | Province,
    *,
    doc_type: str,
    summary: str,
    on: datetime.date,
    number: str = "",
    settings: DocumentSettings | None = None,
) -> Letterhead:
    """The letterhead of one document of `unit` dated `on` (one query for the settings unless
    they are passed in)."""
    settings = settings or settings_for(unit)
    return Letterhead(
        parent_body=settings.parent_body,
        body=settings.body,
        number=document_number(doc_type, settings.number_suffix, number),
        place=settings.place,
        on=on,
        doc_type=doc_type,
        doc_type_label=str(DocumentType(doc_type).label),
        summary=summary,
        signing_mode=settings.signing_mode,
        on_behalf_of=settings.on_behalf_of,
        signer_position=settings.signer_position,
        signer_name=settings.signer_name,
        addressees=_lines(settings.addressees),
        recipients=_lines(settings.recipients),
    )
