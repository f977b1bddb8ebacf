"""Services of the Excel exports: building a workbook for a unit, and running an export job."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.access import unit_lookup
from communes.models import Commune, District, Province
from criteria.models import CriteriaSet

from .documents.build import document_files
from .documents.letterhead import DocumentType, letterhead_for
from .documents.recognition import recognition_zip
from .excel import build_commune_table, build_summary_table, commune_table_data
from .excel.styles import ascii_filename, workbook_bytes
from .excel.summary_table import summary_title
from .figures.summary import summary_data
from .models import ExportJob, RecognitionFile

logger = logging.getLogger(__name__)


def commune_table_export(*, commune: Commune, criteria_set: CriteriaSet, year: int) -> tuple[str, bytes]:
    """The commune's self-assessment table as (file name, xlsx bytes)."""
    workbook = build_commune_table(commune_table_data(commune=commune, criteria_set=criteria_set, year=year))
    return ascii_filename("tu-danh-gia", commune.code, criteria_set.code, year), workbook_bytes(workbook)


def summary_export(
    *, unit: District | Province, criteria_set: CriteriaSet, year: int, on_progress=None
) -> tuple[str, bytes]:
    """The summary of a district's (or province's) communes as (file name, xlsx bytes)."""
    data = summary_data(unit=unit, criteria_set=criteria_set, year=year)
    letterhead = letterhead_for(
        unit, doc_type=DocumentType.REPORT, summary=summary_title(year), on=timezone.localdate()
    )
    workbook = build_summary_table(data, letterhead, on_progress=on_progress)
    return ascii_filename("tong-hop", unit.code, criteria_set.code, year), workbook_bytes(workbook)


def export_job_create(
    *, user, kind: str, unit: District | Province, criteria_set: CriteriaSet, year: int
) -> ExportJob:
    """Record the request and enqueue its job once the request's transaction commits."""
    from ntm.celery import enqueue

    title = _("%(unit)s — %(set)s — năm %(year)s") % {
        "unit": _unit_name(unit),
        "set": criteria_set.name,
        "year": year,
    }
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        parameters={"unit": unit.key, "set": criteria_set.code, "year": year},
        title=title[:300],
        language=translation.get_language() or "vi",
    )
    transaction.on_commit(
        lambda: enqueue(
            "reports.tasks.export_job_run", job.pk, on_failure=lambda error: export_job_unqueued(job, error)
        )
    )
    return job


def export_job_unqueued(job: ExportJob, error: Exception) -> None:
    """Redis was down: the job fails with a message saying so; asking again retries it."""
    _finish(job, status=ExportJob.State.FAILED, error=str(error))


def _unit_name(unit: District | Province) -> str:
    if isinstance(unit, District):
        return _("Huyện %(name)s") % {"name": unit.name}
    return _("Tỉnh %(name)s") % {"name": unit.name}


UNIT_OF_KIND = {ExportJob.Kind.PROVINCE_SUMMARY: Province, ExportJob.Kind.DISTRICT_SUMMARY: District}


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file. A job already done is left as it is, so a task delivered twice
    (acks_late after a lost worker) builds the file once more at most and never fails."""
    job = ExportJob.objects.get(pk=job_id)
    if job.status in (ExportJob.State.DONE, ExportJob.State.FAILED):
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.State.RUNNING, started_at=timezone.now(), progress=5
    )
    try:
        with translation.override(job.language):
            if job.kind == ExportJob.Kind.DOCUMENT:
                name, content = _build_document(job)
            elif job.kind == ExportJob.Kind.RECOGNITION_FILE:
                name, content = _build_recognition_zip(job)
            else:
                name, content = _build(job)
    except Exception as error:  # noqa: BLE001 - any failure must show on the downloads page
        logger.exception("Export job %s failed", job.pk)
        return _finish(job, status=ExportJob.State.FAILED, error=_failure_text(error))
    job.file.save(name, ContentFile(content), save=False)
    return _finish(job, status=ExportJob.State.DONE, filename=name)


def _build_recognition_zip(job: ExportJob) -> tuple[str, bytes]:
    recognition_file = RecognitionFile.objects.select_related(
        "commune__province__region", "commune__district", "commune__region", "criteria_set"
    ).get(pk=job.parameters["file"])

    def on_progress(done: int, total: int) -> None:
        _set_progress(job.pk, 10 + int(85 * done / max(total, 1)))

    return recognition_zip(recognition_file, on_progress=on_progress)


def _build_document(job: ExportJob) -> tuple[str, bytes]:
    """A document's .docx, and its PDF kept beside it; a PDF that LibreOffice could not make
    is recorded as such and the .docx is still delivered."""
    name, content, made, pdf_error = document_files(
        job, on_progress=lambda percent: _set_progress(job.pk, percent)
    )
    if made is not None:
        job.pdf.save(name.rsplit(".", 1)[0] + ".pdf", ContentFile(made), save=False)
    job.pdf_error = _("Không tạo được PDF: %(error)s") % {"error": pdf_error[:300]} if pdf_error else ""
    _set_progress(job.pk, 95)
    return name, content


def _build(job: ExportJob) -> tuple[str, bytes]:
    parameters = job.parameters
    unit = (
        UNIT_OF_KIND[job.kind]
        .objects.select_related(*_related(job.kind))
        .get(**unit_lookup(parameters["unit"]))
    )
    criteria_set = CriteriaSet.objects.get(code=parameters["set"])
    _set_progress(job.pk, 15)

    def on_progress(done: int, total: int) -> None:
        _set_progress(job.pk, 15 + int(75 * done / max(total, 1)))

    name, content = summary_export(
        unit=unit, criteria_set=criteria_set, year=int(parameters["year"]), on_progress=on_progress
    )
    _set_progress(job.pk, 95)
    return name, content


def _related(kind: str) -> list[str]:
    return ["province"] if kind == ExportJob.Kind.DISTRICT_SUMMARY else []


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=min(100, max(0, percent)))


def _failure_text(error: Exception) -> str:
    return _("Không tạo được tệp: %(error)s") % {"error": str(error)[:500] or error.__class__.__name__}


def _finish(job: ExportJob, *, status: str, filename: str = "", error: str = "") -> ExportJob:
    job.status = status
    job.progress = 100 if status == ExportJob.State.DONE else job.progress
    job.filename, job.error, job.finished_at = filename, error, timezone.now()
    job.save(
        update_fields=["status", "progress", "file", "pdf", "pdf_error", "filename", "error", "finished_at"]
    )
    return job
