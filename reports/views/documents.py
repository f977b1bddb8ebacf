"""A unit's documents sent upward: its letterhead settings, its register of documents sent
(progress of the files being made, .docx and PDF, the signed scan), issuing a document, and a
province office's own Word templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes.access import get_office_province_or_404

from ..access import get_document_for_user, get_document_unit_for_user, unit_level
from ..documents import services
from ..documents.default_templates import template_path
from ..documents.forms import DocumentSettingsForm, IssueForm, TemplateUploadForm
from ..documents.letterhead import settings_for
from ..documents.models import DocumentKind, DocumentTemplate, OutgoingDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REGISTER_SIZE = 100


@login_required
def document_settings(request: HttpRequest, level: str, code: str) -> HttpResponse:
    unit, permissions = get_document_unit_for_user(request, level, code)
    if not permissions.can_edit:
        raise PermissionDenied
    instance = settings_for(unit)
    form = DocumentSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.document_settings_save(unit=unit, settings=form.save(commit=False), user=request.user)
        messages.success(request, _("Đã lưu thể thức văn bản của đơn vị."))
        return redirect("reports:document_register", level, unit.key)
    return render(
        request,
        "reports/documents/settings.html",
        {"unit": unit, "level": level, "form": form, "is_default": instance.pk is None},
    )


@login_required
@require_GET
def document_register(request: HttpRequest, level: str, code: str) -> HttpResponse:
    unit, permissions = get_document_unit_for_user(request, level, code)
    documents = list(OutgoingDocument.objects.of_unit(unit).select_related("job")[:REGISTER_SIZE])
    return render(
        request,
        "reports/documents/register.html",
        {"unit": unit, "level": level, "documents": documents, "permissions": permissions},
    )


@login_required
@require_GET
def document_register_status(request: HttpRequest, level: str, code: str) -> JsonResponse:
    """The state of the register's documents, polled by static/js/downloads.js."""
    unit, _permissions = get_document_unit_for_user(request, level, code)
    documents = OutgoingDocument.objects.of_unit(unit).select_related("job")[:REGISTER_SIZE]
    return JsonResponse({"jobs": [document_state(document) for document in documents]})


def job_state(job, *, download_url: str, pdf_url: str | None = None, error: str | None = None) -> dict:
    """What static/js/downloads.js polls for one export job (a document's also has its PDF)."""
    state = {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "active": job.is_active,
        "error": job.error if error is None else error,
        "download_url": download_url,
        "filename": job.filename,
    }
    if pdf_url is not None:
        state["pdf_url"] = pdf_url
    return state


def document_state(document: OutgoingDocument) -> dict:
    job = document.job
    done = job.status == job.State.DONE
    return job_state(
        job,
        download_url=reverse("reports:document_file", args=[document.pk, "docx"]) if done else "",
        pdf_url=reverse("reports:document_file", args=[document.pk, "pdf"]) if done and job.pdf else "",
        error=job.error or job.pdf_error,
    )


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    document, _permissions = get_document_for_user(request, pk)
    job = document.job
    files = {
        "docx": (job.file, services.document_filename(document), DOCX),
        "pdf": (job.pdf, services.document_filename(document, "pdf"), "application/pdf"),
        "signed": (document.signed_scan, services.document_filename(document, "pdf"), "application/pdf"),
    }
    if which not in files or not files[which][0]:
        raise Http404
    stored, name, content_type = files[which]
    if which == "signed":
        name = name.replace(".pdf", "-da-ky.pdf")
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    document, permissions = get_document_for_user(request, pk)
    if not permissions.can_edit:
        raise PermissionDenied
    form = IssueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.document_issue(
                    document=document,
                    number=form.cleaned_data["number"],
                    issued_on=form.cleaned_data["issued_on"],
                    scan=form.cleaned_data["scan"],
                    user=request.user,
                )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request, _("Đã ghi văn bản vào sổ văn bản đi: số %(number)s.") % {"number": document.number}
            )
            return redirect("reports:document_register", unit_level(document.unit), document.unit.key)
    return render(request, "reports/documents/issue.html", {"document": document, "form": form})


@login_required
def document_templates(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    own = {template.kind: template for template in DocumentTemplate.objects.filter(province=province)}
    rows = [(kind, label, own.get(kind)) for kind, label in DocumentKind.choices]
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.document_template_upload(
                    province=province,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    user=request.user,
                )
            except ValidationError as error:
                for problem in error.message_dict.get("file", []):
                    messages.error(request, problem)
            else:
                messages.success(request, _("Đã thay mẫu văn bản bằng mẫu của tỉnh."))
                return redirect("reports:document_templates", province.key)
        else:
            for problems in form.errors.values():
                for problem in problems:
                    messages.error(request, problem)
    return render(request, "reports/documents/templates.html", {"province": province, "rows": rows})


@login_required
@require_GET
def document_template_file(request: HttpRequest, code: str, kind: str) -> FileResponse:
    province = get_office_province_or_404(request.user, code)
    if kind not in DocumentKind.values:
        raise Http404
    own = DocumentTemplate.objects.filter(province=province, kind=kind).first()
    source = (
        own.file.open("rb") if own and request.GET.get("default") != "1" else template_path(kind).open("rb")
    )
    return FileResponse(source, as_attachment=True, filename=f"mau-{kind}.docx", content_type=DOCX)


@login_required
@require_POST
def document_template_reset(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    if kind not in DocumentKind.values:
        raise Http404
    services.document_template_reset(province=province, kind=kind)
    messages.success(request, _("Đã dùng lại mẫu mặc định."))
    return redirect("reports:document_templates", province.key)
