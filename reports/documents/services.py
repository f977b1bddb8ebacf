"""Services of the documents a unit sends upward: its letterhead settings, asking for a
document (built by an export job on a worker: .docx, then PDF), issuing it with the signed
scan, and a province office's own templates."""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Province

from ..models import ExportJob
from ..services import export_job_unqueued
from . import bodies, word
from .build import document_filename
from .letterhead import letterhead_for
from .models import DocumentSettings, DocumentTemplate, OutgoingDocument, RecognitionFile, UnitBound
from .recognition import FileState

PDF_MAGIC = b"%PDF-"
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def document_settings_save(*, unit, settings: DocumentSettings, user) -> DocumentSettings:
    """Save the unit's letterhead (the form's instance: its saved row or its defaults)."""
    for name, value in UnitBound.unit_filter(unit).items():
        setattr(settings, name, value)
    settings.updated_by = user
    settings.full_clean()
    settings.save()
    return settings


def document_create(
    *, unit, kind: str, doc_type: str, summary: str, source: str, parameters: dict, user
) -> OutgoingDocument:
    """Record a document in the unit's register and enqueue its build once the request's
    transaction commits. `parameters` are the figures and texts it is built from, frozen."""
    from ntm.celery import enqueue

    job = ExportJob.objects.create(
        user=user, kind=ExportJob.Kind.DOCUMENT, parameters={}, title=summary[:300], language="vi"
    )
    document = OutgoingDocument.objects.create(
        **UnitBound.unit_filter(unit),
        kind=kind,
        doc_type=doc_type,
        summary=summary[:500],
        source=source,
        parameters=parameters,
        job=job,
        created_by=user,
    )
    job.parameters = {"document": document.pk}
    job.save(update_fields=["parameters"])
    transaction.on_commit(
        lambda: enqueue(
            "reports.tasks.export_job_run", job.pk, on_failure=lambda error: export_job_unqueued(job, error)
        )
    )
    return document


def document_issue(
    *, document: OutgoingDocument, number: str, issued_on: datetime.date, scan, user
) -> OutgoingDocument:
    """Record the signed and stamped scan (a PDF) with the number and date the clerk gave the
    document: it then shows as issued in the register."""
    errors = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = _("Nhập số văn bản đã ghi trên bản ký.")
    if scan is None:
        errors["scan"] = _("Chọn tệp PDF bản đã ký, đóng dấu.")
    elif scan.size > MAX_SCAN_BYTES:
        errors["scan"] = _("Tệp lớn hơn 20 MB.")
    else:
        head = scan.read(len(PDF_MAGIC))
        scan.seek(0)
        if head != PDF_MAGIC:
            errors["scan"] = _("Tệp không phải PDF.")
    if issued_on and issued_on > timezone.localdate():
        errors["issued_on"] = _("Ngày ban hành không được sau hôm nay.")
    if errors:
        raise ValidationError(errors)
    document.number, document.issued_on = number[:60], issued_on
    document.signed_scan.save(f"{document_filename(document, 'pdf')}", scan, save=False)
    document.issued_by, document.issued_at = user, timezone.now()
    document.save(update_fields=["number", "issued_on", "signed_scan", "issued_by", "issued_at"])
    return document


def document_template_upload(*, province: Province, kind: str, upload, user) -> DocumentTemplate:
    """Replace the default template of `kind` with the province's own .docx, refused with a
    message naming the problem unless it is a Word file that renders with a sample document."""
    if upload.size > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("Tệp mẫu lớn hơn 5 MB.")})
    content = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as error:
        raise ValidationError({"file": _("Tệp không phải tệp Word (.docx).")}) from error
    try:
        _sample_render(province, kind, content)
    except Exception as error:  # noqa: BLE001 - any template error is the uploader's to fix
        raise ValidationError(
            {"file": _("Mẫu không dùng được: %(error)s") % {"error": str(error)[:300]}}
        ) from error
    template, _created = DocumentTemplate.objects.get_or_create(
        province=province, kind=kind, defaults={"uploaded_by": user}
    )
    upload.seek(0)
    template.file.save(f"{kind}-{province.code}.docx", upload, save=False)
    template.uploaded_by, template.uploaded_at = user, timezone.now()
    template.save()
    return template


def _sample_render(province: Province, kind: str, content: bytes) -> None:
    from docxtpl import DocxTemplate

    letterhead = letterhead_for(province, doc_type="BC", summary="…", on=timezone.localdate())
    template = DocxTemplate(io.BytesIO(content))
    subdoc = template.new_subdoc()
    bodies.write_sections(word.Body(subdoc.subdocx), bodies.SAMPLE)
    template.render({"lh": word.letterhead_fields(letterhead), "body": subdoc, "note": "", "unit_name": ""})


def document_template_reset(*, province: Province, kind: str) -> None:
    DocumentTemplate.objects.filter(province=province, kind=kind).delete()


def recognition_documents_create(*, state: FileState, user) -> list[OutgoingDocument]:
    """Ask for the document of every part that is ready (a new version of each)."""
    commune = state.file.commune
    created = []
    for part in state.parts:
        if not part.ready:
            continue
        created.append(
            document_create(
                unit=commune,
                kind=part.kind,
                doc_type=part.doc_type,
                summary=part.summary,
                source=state.file.source_prefix + part.code,
                parameters={"sections": part.sections},
                user=user,
            )
        )
    return created


def recognition_file_save(*, recognition_file: RecognitionFile) -> RecognitionFile:
    recognition_file.full_clean()
    recognition_file.save()
    return recognition_file


def recognition_zip_request(*, recognition_file: RecognitionFile, user) -> ExportJob:
    """The whole file as one zip, built by a worker (evidence files can be large)."""
    from ntm.celery import enqueue

    job = ExportJob.objects.create(
        user=user,
        kind=ExportJob.Kind.RECOGNITION_FILE,
        parameters={"file": recognition_file.pk},
        title=str(recognition_file)[:300],
        language="vi",
    )
    transaction.on_commit(
        lambda: enqueue(
            "reports.tasks.export_job_run", job.pk, on_failure=lambda error: export_job_unqueued(job, error)
        )
    )
    return job
