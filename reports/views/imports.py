"""Uploading a commune's self-assessment table filled in offline: upload, preview of the
changes, apply in one transaction through `criteria.services.assessment_save`. On any error
nothing is applied; the page lists sheet, cell and reason and offers the marked-up copy.

The uploaded file waits in storage (under `imports/`) between the preview and the apply; the
session holds its name, so only the person who uploaded it can apply it or fetch its marked
copy.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from criteria.services import AssessmentConflict, AssessmentLocked, assessment_save

from ..access import get_commune_for_import
from ..excel.importer import MAX_BYTES, ImportRefused, ImportResult, check_size, import_check
from .exports import XLSX

SESSION_KEY = "ntm_import"
IMPORT_REASON = "Nhập từ tệp Excel"


class XlsxUploadForm(forms.Form):
    """One filled-in workbook, refused above the importer's size limit. Subclasses word its
    label, help and messages for what the workbook holds."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class UploadForm(XlsxUploadForm):
    file = forms.FileField(
        label=gettext_lazy("Biểu tự đánh giá đã điền (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp biểu tự đánh giá (.xlsx)."),
            "empty": gettext_lazy("Tệp rỗng: hãy chọn biểu tự đánh giá đã điền."),
            "invalid": gettext_lazy("Không đọc được tệp tải lên."),
        },
        help_text=gettext_lazy("Tải biểu từ trang của xã, điền trong Excel rồi tải lên tại đây."),
    )


def store_upload(content: bytes) -> str:
    """Keep an uploaded (or marked-up) workbook until the user confirms or leaves it."""
    return default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", ContentFile(content))


def forget_upload(request: HttpRequest, session_key: str = SESSION_KEY) -> None:
    """Drop the previous upload's files of this session (under `session_key`)."""
    state = request.session.pop(session_key, None) or {}
    for name in (state.get("upload"), state.get("marked")):
        if name and default_storage.exists(name):
            default_storage.delete(name)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_commune_for_import(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"commune": commune, "form": form, "max_kb": MAX_BYTES // 1024}
    if request.method != "POST" or not form.is_valid():
        return render(request, "reports/import_upload.html", context, status=400 if form.errors else 200)
    forget_upload(request)
    content = form.cleaned_data["file"].read()
    try:
        result = import_check(content=content, commune=commune)
    except ImportRefused as error:
        context["refusal"] = str(error)
        return render(request, "reports/import_upload.html", context, status=400)
    return _after_check(request, commune, content, result, context)


def _after_check(request, commune, content: bytes, result: ImportResult, context: dict) -> HttpResponse:
    context |= {"result": result}
    if result.errors:
        request.session[SESSION_KEY] = {"commune": commune.key, "marked": store_upload(result.marked)}
        return render(request, "reports/import_errors.html", context, status=400)
    if result.changes:
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {
            "commune": commune.key,
            "upload": store_upload(content),
            "token": token,
        }
        context["token"] = token
    return render(request, "reports/import_preview.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_commune_for_import(request, code)
    state = request.session.get(SESSION_KEY) or {}
    upload = state.get("upload")
    if state.get("commune") != commune.key or not upload or request.POST.get("token") != state.get("token"):
        messages.error(request, _("Không tìm thấy tệp đã tải lên; hãy tải tệp lên lại."))
        return redirect("reports:import", code=commune.key)
    with default_storage.open(upload, "rb") as handle:
        content = handle.read()
    context = {"commune": commune, "form": UploadForm(), "max_kb": MAX_BYTES // 1024}
    try:
        result = import_check(content=content, commune=commune)
        if result.errors:
            forget_upload(request)
            return _after_check(request, commune, content, result, context)
        assessment_save(
            assessment=result.assessment,
            user=request.user,
            values=result.values,
            expected_version=result.file_version,
            reason=IMPORT_REASON,
        )
    except (ImportRefused, AssessmentLocked) as error:
        forget_upload(request)
        context["refusal"] = str(error)
        return render(request, "reports/import_upload.html", context, status=400)
    except AssessmentConflict as error:
        forget_upload(request)
        context["refusal"] = _refusal(error)
        return render(request, "reports/import_upload.html", context, status=409)
    forget_upload(request)
    messages.success(request, _("Đã nhập %(count)s chỉ tiêu từ tệp Excel.") % {"count": len(result.values)})
    return redirect("criteria:entry", pk=result.assessment.pk)


def _refusal(error: AssessmentConflict) -> str:
    codes = ", ".join(change.indicator_code for change in error.changes) or "—"
    return _(
        "Người khác đã lưu hồ sơ sau khi bạn tải biểu (chỉ tiêu đã đổi: %(codes)s). Không có gì "
        "được nhập; hãy tải biểu mới và điền lại."
    ) % {"codes": codes}


@login_required
def import_marked(request: HttpRequest, code: str) -> FileResponse:
    """The uploaded file with its faulty cells filled red, each with its reason as a comment."""
    commune = get_commune_for_import(request, code)
    state = request.session.get(SESSION_KEY) or {}
    name = state.get("marked")
    if state.get("commune") != commune.key or not name or not default_storage.exists(name):
        raise Http404
    filename = f"loi_bieu-tu-danh-gia_{commune.code}.xlsx"
    return FileResponse(
        default_storage.open(name, "rb"), as_attachment=True, filename=filename, content_type=XLSX
    )
