"""The province office's table of commune groups and flags in Excel: the template to download,
the upload with its preview (old → new per commune) or its cell errors, and the confirm step,
which applies the whole file with the decision it cites through
`communes.office.commune_classification_update`, or nothing.

As for a commune's self-assessment table (`imports.py`), the uploaded file waits in storage
between the preview and the confirm step; the session holds its name, a token and what the
preview showed, so only the person who uploaded it can apply it, and only while it still
changes what was shown.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communes.access import get_office_province_or_404
from communes.forms import DecisionForm
from communes.models import Province
from communes.office import ClassificationRefused, commune_classification_update, office_communes

from ..excel.commune_groups import GroupsImport, build_commune_groups, commune_groups_check
from ..excel.importer import MAX_BYTES, ImportRefused
from ..excel.styles import ascii_filename
from .exports import XLSX, _xlsx
from .imports import XlsxUploadForm, forget_upload, store_upload

SESSION_KEY = "ntm_groups_import"


class GroupsUploadForm(XlsxUploadForm):
    file = forms.FileField(
        label=gettext_lazy("Danh sách nhóm xã đã điền (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp danh sách nhóm xã (.xlsx)."),
            "empty": gettext_lazy("Tệp rỗng: hãy chọn danh sách nhóm xã đã điền."),
            "invalid": gettext_lazy("Không đọc được tệp tải lên."),
        },
        help_text=gettext_lazy(
            "Tải biểu mẫu ở trang “Nhóm xã, loại xã”, điền trong Excel rồi tải lên tại đây."
        ),
    )


@login_required
@require_GET
def commune_groups_template(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    communes = list(office_communes(province).order_by("name", "code"))
    content = build_commune_groups(province, communes, today=timezone.localdate())
    return _xlsx(ascii_filename("nhom-xa", province.code), content)


def _forget(request: HttpRequest) -> None:
    forget_upload(request, SESSION_KEY)


def _context(province: Province, **extra) -> dict:
    return {"province": province, "form": GroupsUploadForm(), "max_kb": MAX_BYTES // 1024} | extra


@login_required
@require_http_methods(["GET", "POST"])
def commune_groups_import(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    form = GroupsUploadForm(request.POST or None, request.FILES or None)
    context = _context(province, form=form)
    if request.method != "POST" or not form.is_valid():
        return render(request, "reports/groups_upload.html", context, status=400 if form.errors else 200)
    _forget(request)
    content = form.cleaned_data["file"].read()
    try:
        result = commune_groups_check(content=content, province=province)
    except ImportRefused as error:
        context["refusal"] = str(error)
        return render(request, "reports/groups_upload.html", context, status=400)
    return _after_check(request, province, content, result)


def _after_check(
    request: HttpRequest, province: Province, content: bytes, result: GroupsImport
) -> HttpResponse:
    context = _context(province, result=result)
    if result.errors:
        request.session[SESSION_KEY] = {"province": province.key, "marked": store_upload(result.marked)}
        return render(request, "reports/groups_errors.html", context, status=400)
    if result.changes:
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {
            "province": province.key,
            "upload": store_upload(content),
            "token": token,
            "preview": result.fingerprint(),
        }
        context["decision_form"] = DecisionForm(initial={"token": token})
    return render(request, "reports/groups_preview.html", context)


@login_required
@require_POST
def commune_groups_apply(request: HttpRequest, code: str) -> HttpResponse:
    province = get_office_province_or_404(request.user, code)
    state = request.session.get(SESSION_KEY) or {}
    form = DecisionForm(request.POST)
    upload = state.get("upload")
    if state.get("province") != province.key or not upload or request.POST.get("token") != state.get("token"):
        messages.error(request, _("Không tìm thấy tệp đã tải lên; hãy tải tệp lên lại."))
        return redirect("reports:commune_groups_import", code=province.key)
    with default_storage.open(upload, "rb") as handle:
        content = handle.read()
    try:
        result = commune_groups_check(content=content, province=province)
    except ImportRefused as error:
        _forget(request)
        return render(
            request, "reports/groups_upload.html", _context(province, refusal=str(error)), status=400
        )
    if result.errors:
        _forget(request)
        return _after_check(request, province, content, result)
    if result.fingerprint() != state.get("preview"):
        _forget(request)
        refusal = _(
            "Nhóm xã, loại xã đã được sửa sau khi bạn xem trước. Không có gì được cập nhật; hãy tải tệp lên lại."
        )
        return render(request, "reports/groups_upload.html", _context(province, refusal=refusal), status=409)
    if not form.is_valid():
        context = _context(province, result=result, decision_form=form)
        return render(request, "reports/groups_preview.html", context, status=400)
    try:
        changes = commune_classification_update(
            user=request.user, province=province, wanted=result.wanted, decision=form.cleaned_data["decision"]
        )
    except ClassificationRefused as error:
        _forget(request)
        return render(
            request, "reports/groups_upload.html", _context(province, refusal=str(error)), status=400
        )
    _forget(request)
    messages.success(request, _("Đã cập nhật nhóm xã, loại xã của %(count)s xã.") % {"count": len(changes)})
    return redirect("communes:office_communes", code=province.key)


@login_required
@require_GET
def commune_groups_marked(request: HttpRequest, code: str) -> FileResponse:
    """The uploaded file with its faulty cells filled red, each with its reason as a comment."""
    province = get_office_province_or_404(request.user, code)
    state = request.session.get(SESSION_KEY) or {}
    name = state.get("marked")
    if state.get("province") != province.key or not name or not default_storage.exists(name):
        raise Http404
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=ascii_filename("loi_nhom-xa", province.code),
        content_type=XLSX,
    )
