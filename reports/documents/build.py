"""Building a document's files on the worker: the .docx from its template, letterhead and
frozen sections, then its PDF."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone, translation
from django.utils.text import slugify

from ..figures.periodic import province_of
from . import bodies, pdf
from .letterhead import DocumentType, letterhead_for
from .models import OutgoingDocument


def document_files(job, on_progress) -> tuple[str, bytes, bytes | None, str]:
    """The .docx of the job's document and its PDF: (file name, docx, pdf or None, why no
    PDF). Official documents are in Vietnamese whatever the interface language."""
    # python-docx, docxtpl and Jinja load only in a process that builds a document: a worker
    # that only builds roll-ups and workbooks stays lighter by their 20 MB.
    from . import word

    document = OutgoingDocument.objects.select_related(
        "commune__province", "commune__district", "district__province", "province"
    ).get(job=job)
    unit = document.unit
    with translation.override("vi"):
        letterhead = letterhead_for(
            unit,
            doc_type=document.doc_type,
            summary=document.summary,
            on=_built_on(document),
            number=document.number,
        )
        if document.doc_type == DocumentType.MINUTES:  # minutes record a meeting: no "Kính gửi"
            letterhead = dataclasses.replace(letterhead, addressees=[])
        content = word.render(
            kind=document.kind,
            province_id=province_of(unit).pk,
            letterhead=letterhead,
            build_body=lambda body: bodies.write_sections(body, document.parameters),
            note=str(bodies.NOTES.get(document.kind, "")),
            unit_name=unit.name,
        )
    on_progress(50)
    try:
        made = pdf.docx_to_pdf(content)
    except pdf.ConversionError as error:
        return document_filename(document), content, None, str(error)
    return document_filename(document), content, made, ""


def _built_on(document: OutgoingDocument) -> datetime.date:
    return document.issued_on or timezone.localdate(document.created_at)


def document_filename(document: OutgoingDocument, extension: str = "docx") -> str:
    slug = slugify(f"{document.doc_type} {document.kind} {document.pk}") or "van-ban"
    return f"{slug}.{extension}"
