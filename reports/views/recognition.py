"""A commune's recognition files: start one for a title and year, enter the facts only the
commune knows, build its parts as documents of the register, see what is missing, and
download the whole file as one zip built by a worker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import get_visible_or_404, is_commune_officer, unit_lookup
from communes.models import Commune
from criteria.models import CriteriaSet

from ..access import get_recognition_file_for_user
from ..documents import services
from ..documents.forms import RecognitionFileFacts, RecognitionFileStart
from ..documents.models import RecognitionFile
from ..documents.recognition import file_state

YEARS_BACK = 5


def _title_sets(commune: Commune):
    return (
        CriteriaSet.objects.for_province(commune.province_id)
        .filter(unit_level=CriteriaSet.UnitLevel.COMMUNE)
        .exclude(title_rule={})
        .order_by("-valid_from_year", "code")
    )


@login_required
def recognition_files(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_visible_or_404(
        Commune.objects.select_related("province", "district"), request.user, **unit_lookup(code)
    )
    can_edit = is_commune_officer(request.user, commune.pk)
    this_year = commune.open_year(timezone.localdate())
    years = list(range(this_year, this_year - YEARS_BACK, -1))
    form = RecognitionFileStart(request.POST or None, sets=_title_sets(commune), years=years)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            criteria_set, year = form.cleaned_data["criteria_set"], form.cleaned_data["year"]
            if problem := criteria_set.period_error(year):
                form.add_error("year", problem)
            else:
                try:
                    with transaction.atomic():
                        made = RecognitionFile.objects.create(
                            commune=commune, criteria_set=criteria_set, year=year, created_by=request.user
                        )
                except IntegrityError:
                    made = RecognitionFile.objects.get(commune=commune, criteria_set=criteria_set, year=year)
                return redirect("reports:recognition_file", made.pk)
    files = list(RecognitionFile.objects.filter(commune=commune).select_related("criteria_set"))
    return render(
        request,
        "reports/recognition/list.html",
        {"commune": commune, "files": files, "form": form, "can_edit": can_edit},
    )


@login_required
def recognition_file(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_file, permissions = get_recognition_file_for_user(request, pk)
    form = RecognitionFileFacts(request.POST or None, instance=recognition_file)
    if request.method == "POST":
        if not permissions.can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.recognition_file_save(recognition_file=form.save(commit=False))
            messages.success(request, _("Đã lưu."))
            return redirect("reports:recognition_file", recognition_file.pk)
    state = file_state(recognition_file)
    return render(
        request,
        "reports/recognition/detail.html",
        {"file": recognition_file, "state": state, "form": form, "permissions": permissions},
    )


@login_required
@require_POST
def recognition_documents(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_file, permissions = get_recognition_file_for_user(request, pk)
    if not permissions.can_edit:
        raise PermissionDenied
    created = services.recognition_documents_create(state=file_state(recognition_file), user=request.user)
    if created:
        messages.success(
            request,
            _("Đang tạo %(count)s văn bản; trang sổ văn bản đi cho biết tiến độ.") % {"count": len(created)},
        )
    else:
        messages.error(request, _("Chưa có phần nào đủ dữ liệu để tạo văn bản."))
    return redirect("reports:recognition_file", recognition_file.pk)


@login_required
@require_POST
def recognition_zip(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_file, _permissions = get_recognition_file_for_user(request, pk)
    services.recognition_zip_request(recognition_file=recognition_file, user=request.user)
    return redirect("reports:downloads")
