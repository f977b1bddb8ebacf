"""The recognition file of a commune ("hồ sơ đề nghị xét công nhận"): its parts, what each is
built from, what is still missing before it can be sent, and the one zip with a table of
contents. Each part is a document of the commune's register (built on the worker, issued with
its signed scan); the detailed table comes from the approved assessment through the commune
table's one evaluation path (`reports.excel.data`)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from criteria.evaluation import Kind, format_value
from criteria.models import Assessment, Evidence

from ..excel.commune_table import status_label
from ..excel.data import CommuneTableData, commune_table_data
from .build import document_filename
from .letterhead import DocumentType
from .models import DocumentKind, OutgoingDocument, RecognitionFile


@dataclass
class Part:
    number: int
    code: str
    kind: str
    doc_type: str
    title: str
    summary: str
    missing: list[str] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    document: OutgoingDocument | None = None

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass
class FileState:
    file: RecognitionFile
    table: CommuneTableData
    parts: list[Part]
    evidence: list[Evidence]

    @property
    def missing(self) -> list[str]:
        lines = [
            f"{part.number:02d}. {part.title}: {problem}" for part in self.parts for problem in part.missing
        ]
        lines += [
            f"{part.number:02d}. {part.title}: " + _("chưa tạo văn bản")
            for part in self.parts
            if part.ready and part.document is None
        ]
        return lines

    @property
    def complete(self) -> bool:
        return not self.missing


def title_words(recognition_file: RecognitionFile) -> str:
    return recognition_file.criteria_set.title or recognition_file.criteria_set.name


def file_state(recognition_file: RecognitionFile) -> FileState:
    """The file's parts with the latest document of each (a fixed number of queries)."""
    commune = recognition_file.commune
    table = commune_table_data(
        commune=commune, criteria_set=recognition_file.criteria_set, year=recognition_file.year
    )
    evidence = (
        list(
            table.assessment.evidence.select_related("indicator__criterion").order_by(
                "indicator__criterion__order", "pk"
            )
        )
        if table.assessment
        else []
    )
    parts = _parts(recognition_file, table, evidence)
    latest = {}
    for document in OutgoingDocument.objects.filter(
        source__startswith=recognition_file.source_prefix
    ).select_related("job"):
        latest.setdefault(document.source, document)
    for part in parts:
        part.document = latest.get(recognition_file.source_prefix + part.code)
    return FileState(file=recognition_file, table=table, parts=parts, evidence=evidence)


def _approval_problems(table: CommuneTableData, *, qualified: bool) -> list[str]:
    """Why the approved assessment cannot back a part yet; `qualified`: the part also needs it
    to meet the set (the request does, the report of results does not)."""
    assessment = table.assessment
    if assessment is None:
        return [_("xã chưa có đánh giá năm %(year)s") % {"year": table.year}]
    if assessment.status != Assessment.State.APPROVED:
        return [
            _("đánh giá chưa được phê duyệt (đang: %(status)s)") % {"status": assessment.get_status_display()}
        ]
    if qualified and not assessment.title_qualified:
        return [
            _("đánh giá đã duyệt chưa đạt đủ tiêu chí (%(met)s/%(total)s)")
            % {"met": assessment.criteria_met, "total": assessment.criteria_total}
        ]
    return []


def _parts(
    recognition_file: RecognitionFile, table: CommuneTableData, evidence: list[Evidence]
) -> list[Part]:
    commune, year = recognition_file.commune, recognition_file.year
    title = title_words(recognition_file)
    outcome = table.outcome
    met_line = _(
        "Theo đánh giá năm %(year)s (%(status)s), xã %(name)s đạt %(met)s/%(total)s tiêu chí, "
        "%(imet)s/%(itotal)s chỉ tiêu của %(set)s."
    ) % {
        "year": year,
        "status": table.assessment.get_status_display() if table.assessment else _("chưa đánh giá"),
        "name": commune.name,
        "met": outcome.criteria_met,
        "total": outcome.criteria_total,
        "imet": outcome.indicators_met,
        "itotal": sum(item.indicators_total for item in outcome.criteria),
        "set": recognition_file.criteria_set.name,
    }
    request = Part(
        1,
        "request",
        DocumentKind.RECOGNITION_REQUEST,
        DocumentType.REQUEST,
        _("Tờ trình đề nghị xét, công nhận"),
        _("Đề nghị xét, công nhận danh hiệu “%(title)s” năm %(year)s cho xã %(name)s")
        % {"name": commune.name, "title": title, "year": year},
        missing=_approval_problems(table, qualified=True),
        sections=[
            {"paragraphs": [met_line]},
            {
                "paragraphs": [
                    _(
                        "Ủy ban nhân dân xã %(name)s kính đề nghị xem xét, thẩm định và công nhận cho xã %(name)s "
                        "danh hiệu “%(title)s” năm %(year)s."
                    )
                    % {"name": commune.name, "title": title, "year": year}
                ]
            },
        ],
    )
    report = Part(
        2,
        "report",
        DocumentKind.RECOGNITION_REPORT,
        DocumentType.REPORT,
        _("Báo cáo kết quả thực hiện các tiêu chí"),
        _("Kết quả thực hiện bộ tiêu chí “%(title)s” năm %(year)s") % {"title": title, "year": year},
        missing=_approval_problems(table, qualified=False),
        sections=[
            {"heading": _("I. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ"), "paragraphs": [met_line]},
            _criteria_table(table),
        ],
    )
    by_criterion: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_criterion.setdefault(item.indicator.criterion.code, []).append(item)
    without = [item.criterion.code for item in outcome.criteria if item.criterion.code not in by_criterion]
    evidence_part = Part(
        3,
        "evidence",
        DocumentKind.EVIDENCE_LIST,
        DocumentType.REPORT,
        _("Danh mục hồ sơ minh chứng"),
        _("Danh mục hồ sơ minh chứng kết quả thực hiện các tiêu chí năm %(year)s") % {"year": year},
        missing=[_("chưa có tệp minh chứng nào")] if not evidence else [],
        sections=[_evidence_table(outcome, by_criterion)]
        + (
            [{"paragraphs": [_("Tiêu chí chưa có minh chứng: %(codes)s.") % {"codes": ", ".join(without)}]}]
            if without
            else []
        ),
    )
    minutes = Part(
        4,
        "minutes",
        DocumentKind.MEETING_MINUTES,
        DocumentType.MINUTES,
        _("Biên bản họp đề nghị xét công nhận"),
        _("Họp đề nghị xét, công nhận danh hiệu “%(title)s” năm %(year)s cho xã %(name)s")
        % {"name": commune.name, "title": title, "year": year},
        missing=_minutes_problems(recognition_file),
        sections=_minutes_sections(recognition_file),
    )
    satisfaction = Part(
        5,
        "satisfaction",
        DocumentKind.SATISFACTION,
        DocumentType.REPORT,
        _("Kết quả lấy ý kiến sự hài lòng của người dân"),
        _("Kết quả lấy ý kiến sự hài lòng của người dân về kết quả xây dựng nông thôn mới năm %(year)s")
        % {"year": year},
        missing=[_("chưa nhập tỷ lệ người dân hài lòng")]
        if recognition_file.satisfaction_percent is None
        else [],
        sections=_satisfaction_sections(recognition_file),
    )
    return [request, report, evidence_part, minutes, satisfaction]


def _criteria_table(table: CommuneTableData) -> dict:
    rows = []
    for item in table.outcome.criteria:
        rows.append([item.criterion.code, item.criterion.name, "", "", status_label(item.status)])
        for indicator, value, result in item.results:
            kind = Kind(indicator.kind)
            rows.append(
                [
                    indicator.code,
                    indicator.name,
                    result.threshold_text,
                    format_value(kind, value, indicator.unit),
                    status_label(result.status),
                ]
            )
    return {
        "heading": _("II. BẢNG CHI TIẾT KẾT QUẢ THEO TIÊU CHÍ, CHỈ TIÊU"),
        "table": {
            "headers": [
                _("TT"),
                _("Tiêu chí / chỉ tiêu"),
                _("Chỉ tiêu theo quy định"),
                _("Kết quả"),
                _("Đánh giá"),
            ],
            "rows": rows,
            "widths": [1.3, 6.7, 3.2, 2.8, 2.5],
        },
    }


def _evidence_table(outcome, by_criterion: dict[str, list[Evidence]]) -> dict:
    rows = []
    for item in outcome.criteria:
        files = by_criterion.get(item.criterion.code, [])
        names = "; ".join(evidence_name(evidence) for evidence in files) or _("chưa có minh chứng")
        rows.append([item.criterion.code, item.criterion.name, names])
    return {
        "table": {
            "headers": [_("TT"), _("Tiêu chí"), _("Tệp minh chứng (trong thư mục 03_minh-chung)")],
            "rows": rows,
            "widths": [1.3, 6, 9.2],
        }
    }


def evidence_name(evidence: Evidence) -> str:
    return f"{evidence.indicator.code}_{evidence.pk}_{evidence.original_name}"


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _minutes_problems(recognition_file: RecognitionFile) -> list[str]:
    values = (
        recognition_file.meeting_date,
        recognition_file.members_total,
        recognition_file.members_present,
        recognition_file.votes_for,
    )
    return [_("chưa nhập ngày họp và kết quả biểu quyết")] if any(value is None for value in values) else []


def _minutes_sections(recognition_file: RecognitionFile) -> list[dict]:
    if (
        _minutes_problems(recognition_file)
        or not recognition_file.members_total
        or not recognition_file.members_present
    ):
        return []
    present, total, votes = (
        recognition_file.members_present,
        recognition_file.members_total,
        recognition_file.votes_for,
    )
    return [
        {
            "paragraphs": [
                _("Thời gian: ngày %(date)s.") % {"date": recognition_file.meeting_date.strftime("%d/%m/%Y")},
                _("Thành phần: %(present)s/%(total)s thành viên tham dự, đạt %(percent)s%%.")
                % {"present": present, "total": total, "percent": _percent(present, total)},
                _(
                    "Kết quả biểu quyết: %(votes)s/%(present)s thành viên đồng ý đề nghị xét công nhận, đạt %(percent)s%%."
                )
                % {"votes": votes, "present": present, "percent": _percent(votes, present)},
            ]
        }
    ]


def _satisfaction_sections(recognition_file: RecognitionFile) -> list[dict]:
    if recognition_file.satisfaction_percent is None:
        return []
    lines = [
        _("Tỷ lệ người dân hài lòng với kết quả xây dựng nông thôn mới: %(percent)s %%.")
        % {"percent": format_value(Kind.PERCENT_MIN, recognition_file.satisfaction_percent)[:-2]}
    ]
    if recognition_file.satisfaction_note:
        lines.append(recognition_file.satisfaction_note)
    lines.append(_("Số liệu do xã nhập theo kết quả lấy ý kiến đã được tổ chức."))
    return [{"paragraphs": lines}]


def zip_name(recognition_file: RecognitionFile) -> str:
    return f"ho-so-cong-nhan_{recognition_file.commune.code}_{slugify(recognition_file.criteria_set.code)}_{recognition_file.year}.zip"


def recognition_zip(recognition_file: RecognitionFile, on_progress=None) -> tuple[str, bytes]:
    """The whole file as one zip: "00_muc-luc.txt" (the table of contents, with what is
    missing flagged), each part's .docx and PDF (and its signed scan once issued), and the
    evidence files by criterion."""
    state = file_state(recognition_file)
    buffer = io.BytesIO()
    toc = [
        _("HỒ SƠ ĐỀ NGHỊ XÉT, CÔNG NHẬN XÃ %(name)s — %(title)s NĂM %(year)s")
        % {
            "name": recognition_file.commune.name.upper(),
            "title": title_words(recognition_file).upper(),
            "year": recognition_file.year,
        },
        _("Tạo lúc %(when)s") % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
        "",
        _("MỤC LỤC"),
    ]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in state.parts:
            folder = f"{part.number:02d}_{part.code}"
            files = _part_files(archive, folder, part) if part.document else []
            if part.code == "evidence":
                files += _evidence_files(archive, state.evidence)
            mark = _("[ĐỦ]") if part.ready and files else _("[THIẾU]")
            toc.append(f"{part.number:02d}. {mark} {part.title}")
            toc += [f"      {name}" for name in files]
            toc += [f"      - {problem}" for problem in part.missing]
            if part.ready and part.document is None:
                toc.append("      - " + _("chưa tạo văn bản"))
            if on_progress:
                on_progress(part.number, len(state.parts))
        if state.missing:
            toc += ["", _("CÒN THIẾU TRƯỚC KHI GỬI:")] + [f"- {line}" for line in state.missing]
        archive.writestr("00_muc-luc.txt", "\r\n".join(toc) + "\r\n")
    return zip_name(recognition_file), buffer.getvalue()


def _part_files(archive: zipfile.ZipFile, folder: str, part: Part) -> list[str]:
    document, names = part.document, []
    job = document.job
    if job.file:
        names.append(f"{folder}/{document_filename(document)}")
        archive.writestr(names[-1], job.file.open("rb").read())
    if job.pdf:
        names.append(f"{folder}/{document_filename(document, 'pdf')}")
        archive.writestr(names[-1], job.pdf.open("rb").read())
    if document.signed_scan:
        names.append(f"{folder}/" + document_filename(document, "pdf").replace(".pdf", "-da-ky.pdf"))
        archive.writestr(names[-1], document.signed_scan.open("rb").read())
    return names


def _evidence_files(archive: zipfile.ZipFile, evidence: list[Evidence]) -> list[str]:
    names = []
    for item in evidence:
        name = f"03_minh-chung/{item.indicator.criterion.code}/{evidence_name(item)}"
        with item.file.open("rb") as handle:
            archive.writestr(name, handle.read())
        names.append(name)
    return names
