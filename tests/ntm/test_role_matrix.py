"""Every URL of the app, visited as every role: allowed (200, or a redirect to the right page),
403, 404 or a redirect to the login page. The URL list comes from the resolver, so a URL added
without a row here fails `test_every_url_of_the_app_has_a_row_in_the_matrix`.

The objects all belong to commune A (village A1, district A); officer_b works in the unrelated
commune B. Each request gets fresh objects, so a POST allowed for one role does not change what
the next role meets. A second part sends ids of another unit in URLs, forms and uploads and
checks the answer is 404/403 (or a refusal) with zero writes.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from communes.models import Commune, Role
from communes.office import office_communes
from criteria.models import Assessment, CriteriaSet, Indicator, Recognition, Threshold
from criteria.services import evidence_add
from plans.models import Allocation, CountedObject, Programme, SocioTarget, WeeklyReport
from plans.photos import photo_process
from plans.services import daily_report_post
from reports import rollups
from reports.documents.models import OutgoingDocument, RecognitionFile
from reports.excel import commune_groups
from reports.excel.commune_groups import build_commune_groups
from reports.models import ExportJob, ProvinceTarget, ProvinceTargetActual, RollUp
from reports.periodic import periodic_report_for, periodic_report_save
from reports.periods import period_of

from ..entry_helpers import indicator, pdf, post_data
from ..excel_helpers import assess
from ..factories import CommuneFactory, UserFactory, VillageFactory
from ..plans_helpers import make_jpeg, make_plan
from ..reliability_helpers import form_with, row_counts
from ..reports.test_import import SHEET, edit, export, row_of

ROLES = (
    "anonymous",
    "officer_a",
    "village_head_a",
    "district_member_a",
    "province_office",
    "officer_b",
    "admin",
)
OK, GO, NO, NF, BAD = 200, "redirect", 403, 404, 400
IN = "login"  # a redirect to the login page
MOVED = "moved"  # a permanent redirect to call.target
YEARS = itertools.count(2030)  # years a form accepts, after the fixtures' years
OLD_YEARS = itertools.count(1000)
PERCENTS = itertools.count(40)  # years of throwaway assessments, never in a form
# Left to their own small checks below.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Call:
    method: str
    path: str
    data: dict | None = None
    target: str | None = None  # where an allowed redirect must lead (a path prefix)


class World:
    """Commune A's objects; `fresh_*` make a new one for a request that changes it."""

    def __init__(self, cast, catalogue, client):
        self.cast, self.set, self.client = cast, catalogue, client
        self.road = indicator(catalogue, "3.1")
        self.assessment = assess(catalogue, cast.commune_a, year=2024)
        self.evidence = evidence_add(
            assessment=self.assessment, indicator=self.road, user=cast.admin, upload=pdf()
        )
        self.year = timezone.localdate().isocalendar().year
        self.plan = make_plan(cast.commune_a, year=self.year, villages=[cast.village_a])
        self.daily = self.fresh_daily()
        self.programme = Programme.objects.create(
            commune=cast.commune_a, name="Chương trình", start_year=2021, end_year=2030
        )
        self.rollup = rollups.rollup_build(
            rollup_id=rollups.rollup_request(
                unit=rollups.unit_ref(cast.district_a), iso_year=2024, iso_week=10, enqueue=False
            ).pk,
            send_mail=False,
        )
        self.job = ExportJob(
            user=cast.officer_a,
            kind=ExportJob.Kind.PROVINCE_SUMMARY,
            title="Tổng hợp",
            status=ExportJob.State.DONE,
            progress=100,
            filename="tong-hop.xlsx",
        )
        self.job.file.save("tong-hop.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
        document_job = ExportJob(
            user=cast.officer_a, kind=ExportJob.Kind.DOCUMENT, title="Báo cáo", status=ExportJob.State.DONE
        )
        document_job.file.save("bao-cao.docx", ContentFile(b"PK\x03\x04 not really a document"))
        self.document = OutgoingDocument.objects.create(
            commune=cast.commune_a,
            kind="periodic_report",
            doc_type="BC",
            summary="Báo cáo",
            source="t",
            job=document_job,
        )
        self.recognition_file = RecognitionFile.objects.create(
            commune=cast.commune_a, criteria_set=catalogue, year=2024
        )
        self.period = period_of("quarter", timezone.localdate())
        self.periodic = periodic_report_save(
            unit=cast.commune_a,
            period=self.period,
            sections={"difficulties": "Thiếu vốn", "next_tasks": "Làm đường", "other_results": ""},
            user=cast.officer_a,
            expected_version=periodic_report_for(cast.commune_a, self.period).version,
        )

    @property
    def table(self) -> bytes:
        """The commune's table as exported now (an import moves the version on)."""
        return export(self.cast.commune_a, self.set)

    def fresh(self, status: str = Assessment.State.DRAFT) -> Assessment:
        assessment = Assessment.objects.create(
            criteria_set=self.set, commune=self.cast.commune_a, year=next(OLD_YEARS)
        )
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.status = status
        return assessment

    def fresh_daily(self):
        """A daily report of village A1, posted by its head."""
        return daily_report_post(
            plan=self.plan,
            village=self.cast.village_a,
            reporter=None,
            day=timezone.localdate(),
            work_item=None,
            quantity=None,
            note="",
            photo=photo_process(io.BytesIO(make_jpeg(400, 300)), label="Ảnh"),
            keep_location=False,
            user=self.cast.village_head_a,
        )

    def fresh_evidence(self):
        return evidence_add(assessment=self.fresh(), indicator=self.road, user=self.cast.admin, upload=pdf())

    def upload(self, content: bytes, name: str = "bieu.xlsx"):
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")

    def changed_table(self) -> bytes:
        percent = next(PERCENTS)  # a new value each time, so each import has a change

        def change(wb):
            wb[SHEET].cell(row=row_of(wb, "3.1"), column=5).value = percent / 100

        return edit(self.table, change)

    def faulty_table(self) -> bytes:
        def change(wb):
            wb[SHEET].cell(row=row_of(wb, "3.1"), column=5).value = "nhiều lắm"

        return edit(self.table, change)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def _report_week(w: World) -> tuple[int, int]:
    return w.year, 1


def _plan_post(w: World) -> Call:
    w.client.force_login(w.cast.admin)
    page = w.client.get(url("plans:edit", w.plan.pk)).content.decode()
    return Call(
        "post", url("plans:edit", w.plan.pk), form_with(page, "plan-name"), url("plans:detail", w.plan.pk)
    )


def _funds_post(w: World, kind: str = "plan") -> Call:
    data = {
        "action": "lines",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-source": "people",
        "lines-0-planned": "150,5",
    }
    if kind == "programme":
        path = url("plans:programme_funds", w.programme.pk)
        return Call("post", path, data, path)
    return Call("post", url("plans:funds", w.plan.pk), data, url("plans:funds", w.plan.pk))


def _target(w: World, kind: str = "numeric", owner: str = "plan"):
    """A fresh target of the plan (or of the programme; numeric, in %) or a counted one with
    one object."""
    target = SocioTarget.objects.create(
        **({"plan": w.plan} if owner == "plan" else {"programme": w.programme}),
        name=f"Chỉ tiêu {next(YEARS)}",
        kind=kind,
        value=Decimal(90),
        unit="%",
    )
    if kind == "counted":
        CountedObject.objects.create(target=target, name="Vườn mẫu 1")
    return target


def _target_actual_post(w: World) -> Call:
    target = _target(w)
    data = {"as_of": timezone.localdate().isoformat(), "value": "91,5"}
    return Call(
        "post", url("plans:target_actual", w.plan.pk, target.pk), data, url("plans:detail", w.plan.pk)
    )


def _programme_target_actual_post(w: World) -> Call:
    target = _target(w, owner="programme")
    data = {"as_of": timezone.localdate().isoformat(), "value": "91,5"}
    path = url("plans:programme_target_actual", w.programme.pk, target.pk)
    return Call("post", path, data, url("plans:programme", w.programme.pk))


def _programme_counted_meets(w: World) -> Call:
    target = _target(w, "counted", owner="programme")
    obj = target.counted_objects.get()
    path = url("plans:programme_counted_meets", w.programme.pk, target.pk, obj.pk)
    return Call("post", path, {"meets": "1"}, url("plans:programme_counted", w.programme.pk, target.pk))


def _counted_post(w: World) -> Call:
    target = _target(w, "counted")
    path = url("plans:counted", w.plan.pk, target.pk)
    return Call("post", path, {"name": "Vườn mẫu 2", "meets": "on"}, path)


def _counted_meets(w: World) -> Call:
    target = _target(w, "counted")
    obj = target.counted_objects.get()
    path = url("plans:counted_meets", w.plan.pk, target.pk, obj.pk)
    return Call("post", path, {"meets": "1"}, url("plans:counted", w.plan.pk, target.pk))


def _allocations_post(w: World) -> Call:
    cast = w.cast
    item = w.plan.work_items.get()
    return Call(
        "post",
        url("plans:allocations", w.plan.pk),
        {f"c_{item.pk}_{cast.village_a.pk}": "3200"},
        url("plans:allocations", w.plan.pk),
    )


def _report_post(w: World) -> Call:
    year, week = _report_week(w)
    item = w.plan.work_items.get()
    path = url("plans:report", w.plan.pk, w.cast.village_a.code, year, week)
    data = {f"item_{item.pk}": "12", "notes": "Đổ bê tông", "next_week_plan": ""}
    return Call("post", path, data, url("plans:village", w.plan.pk, w.cast.village_a.code))


def _daily_post(w: World) -> Call:
    photo = SimpleUploadedFile("IMG_1.jpg", make_jpeg(600, 400), content_type="image/jpeg")
    data = {"sender": f"v{w.cast.village_a.pk}", "day": timezone.localdate().isoformat(), "photo": photo}
    return Call("post", url("plans:daily_post", w.plan.pk), data, url("plans:daily", w.plan.pk))


def _daily_edit(w: World) -> Call:
    data = {"day": timezone.localdate().isoformat(), "work_item": "", "quantity": "", "note": "Sửa lại"}
    return Call("post", url("plans:daily_edit", w.daily.pk), data, url("plans:daily", w.plan.pk))


def _daily_delete(w: World) -> Call:
    return Call("post", url("plans:daily_delete", w.fresh_daily().pk), {}, url("plans:daily", w.plan.pk))


def _import_apply(w: World) -> Call:
    code = w.cast.commune_a.code
    page = w.client.post(url("reports:import", code), {"file": w.upload(w.changed_table())})
    token = page.context.get("token", "none") if page.context else "none"
    return Call(
        "post", url("reports:import_apply", code), {"token": token}, url("criteria:entry", w.assessment.pk)
    )


def _import_marked(w: World) -> Call:
    code = w.cast.commune_a.code
    w.client.post(url("reports:import", code), {"file": w.upload(w.faulty_table())})
    return Call("get", url("reports:import_marked", code))


def _rollup_build(w: World, unit: str) -> Call:
    return Call("post", url("reports:rollup_build"), {"unit": unit, "week": "2024-W11"}, "/reports/rollups/")


def _reset_confirm(w: World) -> Call:
    return Call("get", url("password_reset_confirm", "MQ", "set-password"))


def _recognition(w: World, set_code: str = "xa_ntm_2021_2025") -> Recognition:
    """Commune A's active recognition for the set: the one left by an earlier row, or a new one."""
    criteria_set = CriteriaSet.objects.get(code=set_code)
    found = Recognition.objects.active().filter(commune=w.cast.commune_a, criteria_set=criteria_set).first()
    return found or Recognition.objects.create(
        criteria_set=criteria_set,
        commune=w.cast.commune_a,
        level=Recognition.Level.PROVINCE_CHAIR,
        decision_number="12/QĐ-UBND",
        decision_date=date(2024, 5, 10),
    )


def _recognition_record(w: World) -> Call:
    commune = CommuneFactory(district=w.cast.district_a)  # a fresh unit: each allowed POST records one
    data = {
        "commune": commune.code,
        "criteria_set": w.set.code,
        "level": Recognition.Level.PROVINCE_CHAIR,
        "decision_number": "15/QĐ-UBND",
        "decision_date": "2024-06-12",
    }
    return Call("post", url("criteria:recognition_record"), data, url("criteria:recognitions"))


def _recognition_revoke(w: World) -> Call:
    recognition = _recognition(w, "xa_ntm_nang_cao_2021_2025")
    data = {"revoked_on": "2024-09-01", "revocation_number": "20/QĐ-UBND", "reason": "Không giữ chuẩn"}
    return Call(
        "post", url("criteria:recognition_revoke", recognition.pk), data, url("criteria:recognitions")
    )


def _export_query(w: World) -> str:
    return f"?set={w.set.code}&year=2024"


# --- the province office's units and people -----------------------------------------------


def _province_target(w: World) -> ProvinceTarget:
    """A fresh district target of the province: the app cannot count it, the office reports it."""
    return ProvinceTarget.objects.create(
        province=w.cast.province,
        year=next(YEARS),
        kind=ProvinceTarget.Kind.DISTRICTS_NTM,
        value=4,
        source="t",
    )


def _target_actuals_post(w: World) -> Call:
    path = url("reports:target_actuals", _province_target(w).pk)
    data = {"value": "3", "as_of": timezone.localdate().isoformat(), "source": "Báo cáo"}
    return Call("post", path, data, path)


def _target_actual_delete(w: World) -> Call:
    target = _province_target(w)
    actual = ProvinceTargetActual.objects.create(target=target, value=3, as_of=timezone.localdate())
    path = url("reports:target_actual_delete", target.pk, actual.pk)
    return Call("post", path, {}, url("reports:target_actuals", target.pk))


ACCOUNTS = itertools.count(1)
DECISION = "Quyết định số 1/QĐ-UBND"


def _office(name: str, w: World, *args) -> str:
    return url(name, w.cast.province.code, *args)


def _classification_post(w: World) -> Call:
    group = Commune.objects.get(pk=w.cast.commune_a.pk).commune_group
    data = {"commune_group": str(group % 3 + 1 if group else 1), "decision": DECISION}
    path = _office("communes:commune_classification", w, w.cast.commune_a.code)
    return Call("post", path, data, _office("communes:office_communes", w))


def _account_create(w: World) -> Call:
    data = {
        "username": f"matrix.{next(ACCOUNTS)}",
        "full_name": "Người thử",
        "kind": Role.Kind.COMMUNE_OFFICER,
        "commune": w.cast.commune_a.code,
    }
    return Call("post", _office("communes:account_create", w), data)


def _fresh_role(w: World) -> Role:
    user = UserFactory(username=f"matrix.role.{next(ACCOUNTS)}")
    return Role.objects.create(user=user, kind=Role.Kind.COMMUNE_OFFICER, commune=w.cast.commune_a)


def _province_indicator(w: World):
    """One of the province's own indicators, under criterion 1 of the 2026-2030 set."""
    import datetime

    from criteria.evaluation import Kind
    from criteria.models import Criterion
    from criteria.province_indicators import IndicatorSpec, province_indicator_save

    criterion = Criterion.objects.get(criteria_set__code="xa_ntm_2026_2030", code="1")
    return province_indicator_save(
        by=w.cast.province_office,
        province=w.cast.province,
        criterion=criterion,
        spec=IndicatorSpec(f"1.{next(ACCOUNTS)}", "Chỉ tiêu của tỉnh", "", Kind.BOOL, "", [], {"": True}),
        decision_number="12/2026/QĐ-UBND",
        decision_date=datetime.date(2026, 3, 1),
    )


def _province_indicator_active(w: World) -> Call:
    path = _office("criteria:province_indicator_active", w, _province_indicator(w).pk)
    data = {"active": "0", "decision_number": "13/2026/QĐ-UBND", "decision_date": "2026-04-01"}
    return Call("post", path, data, url("criteria:province_indicators", w.cast.province.code))


def _role_deactivate(w: World) -> Call:
    path = _office("communes:role_deactivate", w, _fresh_role(w).pk)
    return Call("post", path, {}, _office("communes:office_accounts", w))


def _groups_table(w: World, group: object) -> bytes:
    """The province's groups table as the office downloads it, with commune A's group set."""
    province = w.cast.province
    communes = list(office_communes(province).order_by("name", "code"))
    content = build_commune_groups(province, communes, today=timezone.localdate())
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[commune_groups.sheet_title()]
    for row in range(commune_groups.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == w.cast.commune_a.code:
            ws.cell(row=row, column=3).value = group
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _changed_groups(w: World) -> bytes:
    group = Commune.objects.get(pk=w.cast.commune_a.pk).commune_group
    return _groups_table(w, group % 3 + 1 if group else 1)


def _groups_apply(w: World) -> Call:
    page = w.client.post(
        _office("reports:commune_groups_import", w), {"file": w.upload(_changed_groups(w), "nhom-xa.xlsx")}
    )
    form = page.context.get("decision_form") if page.context else None
    token = form.initial["token"] if form is not None else "none"
    data = {"token": token, "decision": DECISION}
    return Call(
        "post", _office("reports:commune_groups_apply", w), data, _office("communes:office_communes", w)
    )


def _groups_marked(w: World) -> Call:
    w.client.post(
        _office("reports:commune_groups_import", w), {"file": w.upload(_groups_table(w, 9), "nhom-xa.xlsx")}
    )
    return Call("get", _office("reports:commune_groups_marked", w))


def _stricter_threshold(w: World) -> Call:
    national = (
        Threshold.objects.filter(
            indicator__criterion__criteria_set=w.set, indicator__kind="percent_min", province__isnull=True
        )
        .select_related("indicator")
        .order_by("pk")
        .first()
    )
    path = url("criteria:province_threshold", w.cast.province.code, w.set.code, national.indicator.code)
    data = {
        "threshold": "100",
        "classifier_value": national.classifier_value,
        "year": "",
        "decision_number": "3/QĐ-UBND",
        "decision_date": "2026-01-05",
    }
    return Call("post", path, data, url("criteria:province_thresholds", w.cast.province.code))


def _threshold_remove(w: World) -> Call:
    row = Threshold.objects.create(
        indicator=w.road, province=w.cast.province, year=next(YEARS), flag=True, value=100, source="x"
    )
    path = url("criteria:province_threshold_remove", w.cast.province.code, row.pk)
    return Call("post", path, {}, url("criteria:province_thresholds", w.cast.province.code))


# name (+ " POST" for a second row of the same URL) → request, and the answer per role in
# ROLES order: anonymous, officer_a, village_head_a, district_member_a, province_office,
# officer_b, admin.
MATRIX: dict[str, tuple[Callable[[World], Call], tuple]] = {
    # --- accounts -------------------------------------------------------------------------
    # Each user goes to the page of their unit; the administrator (no unit) to the admin.
    "home": (lambda w: Call("get", "/"), (IN, GO, GO, GO, GO, GO, GO)),
    "login": (lambda w: Call("get", url("login")), (OK, OK, OK, OK, OK, OK, OK)),
    "logout": (lambda w: Call("post", url("logout")), (IN,) * 7),  # back to the login page
    "password_change": (lambda w: Call("get", url("password_change")), (IN, OK, OK, OK, OK, OK, OK)),
    "password_change_done": (
        lambda w: Call("get", url("password_change_done")),
        (IN, OK, OK, OK, OK, OK, OK),
    ),
    "password_reset": (lambda w: Call("get", url("password_reset")), (OK,) * 7),
    "password_reset_done": (lambda w: Call("get", url("password_reset_done")), (OK,) * 7),
    "password_reset_confirm": (_reset_confirm, (OK,) * 7),
    "password_reset_complete": (lambda w: Call("get", url("password_reset_complete")), (OK,) * 7),
    # --- units --------------------------------------------------------------------------------
    # The container's liveness probe: public, and says nothing but "ok".
    "healthz": (lambda w: Call("get", url("healthz")), (OK,) * 7),
    "about": (lambda w: Call("get", url("about")), (IN, OK, OK, OK, OK, OK, OK)),
    # The help page is readable before logging in (the login page links to it).
    "help": (lambda w: Call("get", url("help")), (OK,) * 7),
    "reports:commune_detail": (
        lambda w: Call("get", url("reports:commune_detail", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:village": (
        lambda w: Call("get", url("reports:village", w.cast.village_a.code)),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    # The units' first addresses: permanent redirects for everyone; the page they lead to
    # decides who may see it (its own row).
    **{
        f"communes:{name}": (
            lambda w, name=name, target=target, unit=unit: Call(
                "get", url(f"communes:{name}", unit(w.cast).code), target=url(target, unit(w.cast).code)
            ),
            (MOVED,) * 7,
        )
        for name, target, unit in (
            ("commune", "reports:commune_detail", lambda cast: cast.commune_a),
            ("village", "reports:village", lambda cast: cast.village_a),
            ("district", "reports:district", lambda cast: cast.district_a),
            ("province", "reports:province", lambda cast: cast.province),
        )
    },
    # --- assessments ------------------------------------------------------------------------
    "criteria:create": (
        lambda w: Call(
            "post",
            url("criteria:create"),
            # A year of the set's period (opening it again finds the same assessment).
            {"set": w.set.code, "unit": w.cast.commune_a.code, "year": 2025},
            "/assessments/",
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "criteria:review": (lambda w: Call("get", url("criteria:review")), (IN, OK, OK, OK, OK, OK, OK)),
    "criteria:review POST": (
        lambda w: Call(
            "post",
            url("criteria:review"),
            {"assessment": [w.fresh(Assessment.State.SUBMITTED).pk], "confirm": "1"},
            url("criteria:review"),
        ),
        (IN, GO, GO, GO, GO, GO, GO),
    ),
    "criteria:entry": (
        lambda w: Call("get", url("criteria:entry", w.assessment.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "criteria:entry POST": (
        lambda w: (
            (a := w.fresh())
            and Call(
                "post", url("criteria:entry", a.pk), post_data(a, {"3.1": "81"}), url("criteria:entry", a.pk)
            )
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "criteria:submit": (
        lambda w: (
            (a := w.fresh()) and Call("post", url("criteria:submit", a.pk), {}, url("criteria:entry", a.pk))
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "criteria:withdraw": (
        lambda w: (
            (a := w.fresh(Assessment.State.SUBMITTED))
            and Call("post", url("criteria:withdraw", a.pk), {"reason": "Lý do"}, url("criteria:entry", a.pk))
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    **{
        f"criteria:{name}": (
            lambda w, name=name, status=status: (
                (a := w.fresh(status))
                and Call(
                    "post", url(f"criteria:{name}", a.pk), {"reason": "Lý do"}, url("criteria:entry", a.pk)
                )
            ),
            (IN, NO, NF, GO, NO, NF, GO),
        )
        for name, status in (
            ("approve", Assessment.State.SUBMITTED),
            ("return", Assessment.State.SUBMITTED),
            ("reopen", Assessment.State.APPROVED),
        )
    },
    "criteria:history": (
        lambda w: Call("get", url("criteria:history", w.assessment.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "criteria:indicator_history": (
        lambda w: Call("get", url("criteria:indicator_history", w.assessment.pk, w.road.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "criteria:evidence_upload": (
        lambda w: (
            (a := w.fresh())
            and Call(
                "post",
                url("criteria:evidence_upload", a.pk, w.road.pk),
                {f"file_{w.road.pk}": pdf()},
                url("criteria:entry", a.pk),
            )
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "criteria:evidence": (
        lambda w: Call("get", url("criteria:evidence", w.evidence.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "criteria:evidence_delete": (
        lambda w: (
            (e := w.fresh_evidence())
            and Call(
                "post", url("criteria:evidence_delete", e.pk), {}, url("criteria:entry", e.assessment_id)
            )
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    # --- recognition decisions: the province office writes; others see their units' ----------
    "criteria:recognitions": (
        lambda w: Call("get", url("criteria:recognitions")),
        (IN, OK, OK, OK, OK, OK, OK),
    ),
    "criteria:recognition_record": (
        lambda w: Call("get", url("criteria:recognition_record")),
        (IN, NO, NO, NO, OK, NO, OK),
    ),
    "criteria:recognition_record POST": (_recognition_record, (IN, NO, NO, NO, GO, NO, GO)),
    "criteria:recognition_revoke": (
        lambda w: Call("get", url("criteria:recognition_revoke", _recognition(w).pk)),
        (IN, NO, NF, NO, OK, NF, OK),
    ),
    "criteria:recognition_revoke POST": (_recognition_revoke, (IN, NO, NF, NO, GO, NF, GO)),
    "criteria:province_thresholds": (
        lambda w: Call("get", url("criteria:province_thresholds", w.cast.province.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "criteria:province_threshold": (
        lambda w: Call("get", url("criteria:province_threshold", w.cast.province.code, w.set.code, "3.1")),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "criteria:province_threshold POST": (_stricter_threshold, (IN, NF, NF, NF, GO, NF, GO)),
    # The province's own indicators: only its office (and the administrator).
    "criteria:province_indicators": (
        lambda w: Call("get", _office("criteria:province_indicators", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "criteria:province_indicator_add": (
        lambda w: Call("get", _office("criteria:province_indicator_add", w, "xa_ntm_2026_2030", "1")),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "criteria:province_indicator_edit": (
        lambda w: Call("get", _office("criteria:province_indicator_edit", w, _province_indicator(w).pk)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "criteria:province_indicator_active": (_province_indicator_active, (IN, NF, NF, NF, GO, NF, GO)),
    "criteria:province_threshold_remove": (_threshold_remove, (IN, NF, NF, NF, GO, NF, GO)),
    # --- plans and weekly reports --------------------------------------------------------------
    "plans:commune": (
        lambda w: Call("get", url("plans:commune", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "plans:create": (
        lambda w: Call("get", url("plans:create", w.cast.commune_a.code)),
        (IN, OK, NF, NO, NO, NF, OK),
    ),
    "plans:create POST": (
        lambda w: Call(
            "post",
            url("plans:create", w.cast.commune_a.code),
            {"name": "Kế hoạch", "year": next(YEARS), "target_title": "keep_ntm"},
            "/plans/",
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "plans:detail": (lambda w: Call("get", url("plans:detail", w.plan.pk)), (IN, OK, OK, OK, OK, NF, OK)),
    "plans:programmes": (
        lambda w: Call("get", url("plans:programmes", "commune", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "plans:programme_create": (
        lambda w: Call("get", url("plans:programme_create", "commune", w.cast.commune_a.code)),
        (IN, OK, NF, NO, NO, NF, OK),
    ),
    "plans:programme_create POST": (
        lambda w: Call(
            "post",
            url("plans:programme_create", "commune", w.cast.commune_a.code),
            {"programme-name": "Chương trình mới", "programme-start_year": 2026, "programme-end_year": 2030},
            "/plans/programmes/",
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "plans:programme": (
        lambda w: Call("get", url("plans:programme", w.programme.pk)),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    "plans:programme_edit": (
        lambda w: Call("get", url("plans:programme_edit", w.programme.pk)),
        (IN, OK, NO, NO, NO, NF, OK),
    ),
    "plans:programme_funds": (
        lambda w: Call("get", url("plans:programme_funds", w.programme.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "plans:programme_funds POST": (lambda w: _funds_post(w, "programme"), (IN, GO, NF, NO, NO, NF, GO)),
    "plans:programme_target_actual": (
        lambda w: Call(
            "get", url("plans:programme_target_actual", w.programme.pk, _target(w, owner="programme").pk)
        ),
        (IN, OK, NO, NO, NO, NF, OK),
    ),
    "plans:programme_target_actual POST": (_programme_target_actual_post, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:programme_counted": (
        lambda w: Call(
            "get", url("plans:programme_counted", w.programme.pk, _target(w, "counted", "programme").pk)
        ),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    "plans:programme_counted_meets": (_programme_counted_meets, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:edit": (lambda w: Call("get", url("plans:edit", w.plan.pk)), (IN, OK, NO, NO, NO, NF, OK)),
    "plans:edit POST": (_plan_post, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:funds": (lambda w: Call("get", url("plans:funds", w.plan.pk)), (IN, OK, NF, OK, OK, NF, OK)),
    "plans:funds POST": (_funds_post, (IN, GO, NF, NO, NO, NF, GO)),
    "plans:target_actual": (
        lambda w: Call("get", url("plans:target_actual", w.plan.pk, _target(w).pk)),
        (IN, OK, NO, NO, NO, NF, OK),
    ),
    "plans:target_actual POST": (_target_actual_post, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:counted": (
        lambda w: Call("get", url("plans:counted", w.plan.pk, _target(w, "counted").pk)),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    "plans:counted POST": (_counted_post, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:counted_meets": (_counted_meets, (IN, GO, NO, NO, NO, NF, GO)),
    "plans:allocations": (
        lambda w: Call("get", url("plans:allocations", w.plan.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "plans:allocations POST": (_allocations_post, (IN, GO, NF, NO, NO, NF, GO)),
    "plans:overview": (lambda w: Call("get", url("plans:overview", w.plan.pk)), (IN, OK, NF, OK, OK, NF, OK)),
    "plans:village": (
        lambda w: Call("get", url("plans:village", w.plan.pk, w.cast.village_a.code)),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    "plans:report": (
        lambda w: Call("get", url("plans:report", w.plan.pk, w.cast.village_a.code, *_report_week(w))),
        (IN, OK, OK, NO, NO, NF, OK),
    ),
    "plans:report POST": (_report_post, (IN, GO, GO, NO, NO, NF, GO)),
    "plans:daily": (lambda w: Call("get", url("plans:daily", w.plan.pk)), (IN, OK, OK, OK, OK, NF, OK)),
    "plans:daily_post": (
        lambda w: Call("get", url("plans:daily_post", w.plan.pk)),
        (IN, OK, OK, NO, NO, NF, OK),
    ),
    "plans:daily_post POST": (_daily_post, (IN, GO, GO, NO, NO, NF, GO)),
    "plans:daily_photo": (
        lambda w: Call("get", url("plans:daily_photo", w.daily.pk)),
        (IN, OK, OK, OK, OK, NF, OK),
    ),
    # The poster (village A1's head) and the plan's manager correct or delete a daily report.
    "plans:daily_edit": (
        lambda w: Call("get", url("plans:daily_edit", w.daily.pk)),
        (IN, OK, OK, NO, NO, NF, OK),
    ),
    "plans:daily_edit POST": (_daily_edit, (IN, GO, GO, NO, NO, NF, GO)),
    "plans:daily_delete": (
        lambda w: Call("get", url("plans:daily_delete", w.daily.pk)),
        (IN, OK, OK, NO, NO, NF, OK),
    ),
    "plans:daily_delete POST": (_daily_delete, (IN, GO, GO, NO, NO, NF, GO)),
    # --- dashboards -----------------------------------------------------------------------------
    "reports:commune": (
        lambda w: Call("get", url("reports:commune", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:district": (
        lambda w: Call("get", url("reports:district", w.cast.district_a.code)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:province": (
        lambda w: Call("get", url("reports:province", w.cast.province.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:district_villages": (
        lambda w: Call("get", url("reports:district_villages", w.cast.district_a.code)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:province_villages": (
        lambda w: Call("get", url("reports:province_villages", w.cast.province.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    # --- exports, downloads and imports -------------------------------------------------------
    "reports:commune_table": (
        lambda w: Call("get", url("reports:commune_table", w.cast.commune_a.code) + _export_query(w)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:district_summary": (
        lambda w: Call("get", url("reports:district_summary", w.cast.district_a.code) + _export_query(w)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:province_summary": (
        lambda w: Call(
            "post",
            url("reports:province_summary", w.cast.province.code),
            {"set": w.set.code, "year": "2024"},
            url("reports:downloads"),
        ),
        (IN, NF, NF, NF, GO, NF, GO),
    ),
    "reports:plan_table": (
        lambda w: Call("get", url("reports:plan_table", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:downloads": (lambda w: Call("get", url("reports:downloads")), (IN, OK, OK, OK, OK, OK, OK)),
    "reports:downloads_status": (
        lambda w: Call("get", url("reports:downloads_status")),
        (IN, OK, OK, OK, OK, OK, OK),
    ),
    # Only the person who asked for an export downloads it: officer_a here.
    "reports:job_file": (
        lambda w: Call("get", url("reports:job_file", w.job.pk)),
        (IN, OK, NF, NF, NF, NF, NF),
    ),
    "reports:import": (
        lambda w: Call("get", url("reports:import", w.cast.commune_a.code)),
        (IN, OK, NF, NF, NF, NF, OK),
    ),
    "reports:import POST": (
        lambda w: Call(
            "post", url("reports:import", w.cast.commune_a.code), {"file": w.upload(w.changed_table())}
        ),
        (IN, OK, NF, NF, NF, NF, OK),
    ),
    "reports:import_apply": (_import_apply, (IN, GO, NF, NF, NF, NF, GO)),
    "reports:import_marked": (_import_marked, (IN, OK, NF, NF, NF, NF, OK)),
    # --- the province office's units and people (and the public password-by-code page) -------
    "communes:office_communes": (
        lambda w: Call("get", _office("communes:office_communes", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:classification_history": (
        lambda w: Call("get", _office("communes:classification_history", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:commune_classification": (
        lambda w: Call("get", _office("communes:commune_classification", w, w.cast.commune_a.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:commune_classification POST": (_classification_post, (IN, NF, NF, NF, GO, NF, GO)),
    "communes:office_accounts": (
        lambda w: Call("get", _office("communes:office_accounts", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:account_create": (
        lambda w: Call("get", _office("communes:account_create", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    # The answer is the page with the new account's one-time code.
    "communes:account_create POST": (_account_create, (IN, NF, NF, NF, OK, NF, OK)),
    "communes:account_code": (
        lambda w: Call("post", _office("communes:account_code", w, w.cast.officer_b.pk)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:role_deactivate": (
        lambda w: Call("get", _office("communes:role_deactivate", w, _fresh_role(w).pk)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:role_deactivate POST": (_role_deactivate, (IN, NF, NF, NF, GO, NF, GO)),
    "communes:role_add": (
        lambda w: Call("get", _office("communes:role_add", w, _fresh_role(w).user_id)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "communes:password_code": (lambda w: Call("get", url("communes:password_code")), (OK,) * 7),
    "reports:commune_groups_template": (
        lambda w: Call("get", _office("reports:commune_groups_template", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:commune_groups_import": (
        lambda w: Call("get", _office("reports:commune_groups_import", w)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:commune_groups_import POST": (
        lambda w: Call(
            "post",
            _office("reports:commune_groups_import", w),
            {"file": w.upload(_changed_groups(w), "nhom-xa.xlsx")},
        ),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:commune_groups_apply": (_groups_apply, (IN, NF, NF, NF, GO, NF, GO)),
    "reports:commune_groups_marked": (_groups_marked, (IN, NF, NF, NF, OK, NF, OK)),
    # --- weekly roll-ups ------------------------------------------------------------------------
    "reports:rollups": (lambda w: Call("get", url("reports:rollups")), (IN, OK, OK, OK, OK, OK, OK)),
    # The district committee asks for its district's roll-up, the province office for the
    # province's own (communes outside districts); the administrator has no unit to ask for.
    "reports:rollup_build": (
        lambda w: _rollup_build(w, f"district:{w.cast.district_a.code}"),
        (IN, NF, NF, GO, NF, NF, NF),
    ),
    "reports:rollup_build province": (
        lambda w: _rollup_build(w, f"province:{w.cast.province.code}"),
        (IN, NF, NF, NF, GO, NF, NF),
    ),
    "reports:rollup": (
        lambda w: Call("get", url("reports:rollup", w.rollup.pk)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:rollup_rebuild": (
        lambda w: Call(
            "post", url("reports:rollup_rebuild", w.rollup.pk), {}, url("reports:rollup", w.rollup.pk)
        ),
        (IN, NF, NF, GO, NO, NF, GO),
    ),
    "reports:rollup_status": (
        lambda w: Call("get", url("reports:rollup_status", w.rollup.pk)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:rollup_file": (
        lambda w: Call("get", url("reports:rollup_file", w.rollup.pk)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    # --- documents sent upward, recognition files, periodic reports ----------------------------
    "reports:document_register": (
        lambda w: Call("get", url("reports:document_register", "communes", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:document_register_status": (
        lambda w: Call("get", url("reports:document_register_status", "communes", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:document_settings": (
        lambda w: Call("get", url("reports:document_settings", "communes", w.cast.commune_a.code)),
        (IN, OK, NF, NO, NO, NF, OK),
    ),
    "reports:document_settings district": (
        lambda w: Call("get", url("reports:document_settings", "districts", w.cast.district_a.code)),
        (IN, NF, NF, OK, NO, NF, OK),
    ),
    "reports:document_file": (
        lambda w: Call("get", url("reports:document_file", w.document.pk, "docx")),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:document_issue": (
        lambda w: Call("get", url("reports:document_issue", w.document.pk)),
        (IN, OK, NF, NO, NO, NF, OK),
    ),
    "reports:document_templates": (
        lambda w: Call("get", url("reports:document_templates", w.cast.province.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:document_template_file": (
        lambda w: Call("get", url("reports:document_template_file", w.cast.province.code, "periodic_report")),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:document_template_reset": (
        lambda w: Call(
            "post",
            url("reports:document_template_reset", w.cast.province.code, "periodic_report"),
            {},
            url("reports:document_templates", w.cast.province.code),
        ),
        (IN, NF, NF, NF, GO, NF, GO),
    ),
    "reports:recognition_files": (
        lambda w: Call("get", url("reports:recognition_files", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:recognition_file": (
        lambda w: Call("get", url("reports:recognition_file", w.recognition_file.pk)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:recognition_documents": (
        lambda w: Call(
            "post",
            url("reports:recognition_documents", w.recognition_file.pk),
            {},
            url("reports:recognition_file", w.recognition_file.pk),
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "reports:recognition_zip": (
        lambda w: Call(
            "post", url("reports:recognition_zip", w.recognition_file.pk), {}, url("reports:downloads")
        ),
        (IN, GO, NF, GO, GO, NF, GO),
    ),
    "reports:periodic_list": (
        lambda w: Call("get", url("reports:periodic_list", "commune", w.cast.commune_a.code)),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:periodic_report": (
        lambda w: Call("get", _periodic_url(w, "reports:periodic_report")),
        (IN, OK, NF, OK, OK, NF, OK),
    ),
    "reports:periodic_document": (
        lambda w: Call(
            "post",
            _periodic_url(w, "reports:periodic_document"),
            {},
            _periodic_url(w, "reports:periodic_report"),
        ),
        (IN, GO, NF, NO, NO, NF, GO),
    ),
    "reports:periodic_review": (
        lambda w: Call("post", _periodic_url(w, "reports:periodic_review"), {"action": "accept"}),
        (IN, NO, NF, NO, NO, NF, NO),
    ),
    "reports:periodic_submissions": (
        lambda w: Call("get", url("reports:periodic_submissions", "district", w.cast.district_a.code)),
        (IN, NF, NF, OK, OK, NF, OK),
    ),
    "reports:periodic_dues": (
        lambda w: Call("get", url("reports:periodic_dues", w.cast.province.code)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    # --- actuals the province office reports for the targets the app cannot count ---------------
    "reports:target_actuals": (
        lambda w: Call("get", url("reports:target_actuals", _province_target(w).pk)),
        (IN, NF, NF, NF, OK, NF, OK),
    ),
    "reports:target_actuals POST": (_target_actuals_post, (IN, NF, NF, NF, GO, NF, GO)),
    "reports:target_actual_delete": (_target_actual_delete, (IN, NF, NF, NF, GO, NF, GO)),
}


def _periodic_url(w: World, name: str) -> str:
    period = w.period
    return url(name, "commune", w.cast.commune_a.code, period.kind, period.year, period.number)


def app_url_names() -> set[str]:
    """Every named URL pattern of the app, walking the resolver recursively."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name in SKIPPED_NAMES:
                    continue
                assert pattern.name, (
                    f"URL pattern {pattern.pattern} has no name: name it and add it to MATRIX"
                )
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_of_the_app_has_a_row_in_the_matrix():
    covered = {key.split(" ")[0] for key in MATRIX}
    missing = sorted(app_url_names() - covered)
    assert not missing, f"URLs without a row in tests/ntm/test_role_matrix.py MATRIX: {', '.join(missing)}"
    assert not covered - app_url_names(), f"rows for URLs that no longer exist: {covered - app_url_names()}"


def _send(client, call: Call):
    send = client.post if call.method == "post" else client.get
    return send(call.path, call.data or {})


def _check(response, expected, call: Call, where: str) -> None:
    status = response.status_code
    if expected == IN:
        assert status == 302 and response.url.startswith("/login/"), (where, status)
    elif expected == MOVED:
        assert status == 301 and response.url == call.target, (where, status, getattr(response, "url", ""))
    elif expected == GO:
        assert status == 302 and not response.url.startswith("/login/"), (
            where,
            status,
            getattr(response, "url", ""),
        )
        if call.target:
            assert response.url.startswith(call.target), (where, response.url, call.target)
    else:
        assert status == expected, (where, status)


def test_every_url_answers_each_role_as_the_matrix_says(client, cast, catalogue):
    """One pass over the whole matrix (one catalogue load), reporting every wrong answer."""
    world = World(cast, catalogue, client)
    wrong = []
    for key, (build, answers) in MATRIX.items():
        for role, expected in zip(ROLES, answers, strict=True):
            wrong += _visit(client, world, key, build, role, expected)
    assert not wrong, "\n".join(wrong)


def _visit(client, world: World, key: str, build, role: str, expected) -> list[str]:
    user = getattr(world.cast, role)
    client.logout()
    if user is not None:
        client.force_login(user)
    call = build(world)
    if client.session.get("_auth_user_id") != (str(user.pk) if user else None):
        # A builder logged in someone else to read a form: back to this role.
        client.logout()
        if user is not None:
            client.force_login(user)
    assert resolve(call.path.split("?")[0]).view_name == key.split(" ")[0], call.path
    try:
        _check(_send(client, call), expected, call, f"{key} as {role}")
    except AssertionError as error:
        return [f"{key} as {role}: expected {expected}, got {error}"]
    return []


# --- admin and language switch --------------------------------------------------------------


def test_the_admin_sends_non_staff_to_its_login_and_opens_for_the_administrator(client, cast):
    for role in ROLES[:-1]:
        client.logout()
        if getattr(cast, role) is not None:
            client.force_login(getattr(cast, role))
        response = client.get("/admin/")
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), role
        response = client.get("/admin/criteria/assessment/")
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), role
    client.force_login(cast.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/criteria/assessment/").status_code == 200


def test_the_language_switch_works_for_everyone_and_stays_on_the_site(client, cast):
    for role in ROLES:
        client.logout()
        if getattr(cast, role) is not None:
            client.force_login(getattr(cast, role))
        response = client.post(url("set_language"), {"language": "en", "next": "https://evil.example/"})
        assert response.status_code == 302 and not response.url.startswith("https://evil"), role


# --- ids of another unit in URLs, forms and uploads -----------------------------------------


@pytest.fixture
def other(cast, catalogue):
    """Commune B's objects: an assessment (submitted) with evidence, a plan, a village."""
    village_b = VillageFactory(commune=cast.commune_b)
    assessment = assess(catalogue, cast.commune_b, year=2024)
    road = indicator(catalogue, "3.1")
    evidence = evidence_add(assessment=assessment, indicator=road, user=cast.admin, upload=pdf())
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.State.SUBMITTED)
    year = timezone.localdate().isocalendar().year
    return SimpleNamespace(
        village=village_b,
        assessment=Assessment.objects.get(pk=assessment.pk),
        evidence=evidence,
        plan=make_plan(cast.commune_b, year=year, villages=[village_b]),
        year=year,
    )


def _refused(client, user, method: str, path: str, data=None, expected=(403, 404)):
    client.force_login(user)
    before = row_counts()
    response = getattr(client, method)(path, data or {})
    assert response.status_code in expected, (path, response.status_code)
    assert row_counts() == before, path
    return response


def test_values_cannot_be_saved_into_another_communes_assessment(client, cast, other):
    path = url("criteria:entry", other.assessment.pk)
    _refused(client, cast.officer_a, "post", path, post_data(other.assessment, {"3.1": "12"}), (404,))
    assert Assessment.objects.get(pk=other.assessment.pk).version == other.assessment.version


def test_another_districts_assessment_cannot_be_approved_returned_or_bulk_approved(client, cast, other):
    for name in ("approve", "return", "reopen", "submit"):
        _refused(
            client,
            cast.district_member_a,
            "post",
            url(f"criteria:{name}", other.assessment.pk),
            {"reason": "x"},
        )
    response = _refused(
        client,
        cast.district_member_a,
        "post",
        url("criteria:review"),
        {"assessment": [other.assessment.pk], "confirm": "1"},
        (302,),
    )
    assert response.url == url("criteria:review")
    assert Assessment.objects.get(pk=other.assessment.pk).status == Assessment.State.SUBMITTED


def test_another_communes_evidence_cannot_be_read_deleted_or_added_to(client, cast, catalogue, other):
    _refused(client, cast.officer_a, "get", url("criteria:evidence", other.evidence.pk), expected=(404,))
    _refused(
        client, cast.officer_a, "post", url("criteria:evidence_delete", other.evidence.pk), expected=(404,)
    )
    road = indicator(catalogue, "3.1")
    upload = {f"file_{road.pk}": pdf()}
    path = url("criteria:evidence_upload", other.assessment.pk, road.pk)
    _refused(client, cast.officer_a, "post", path, upload, expected=(404,))


def test_an_indicator_of_another_set_cannot_be_given_evidence(client, cast, catalogue):
    own = assess(catalogue, cast.commune_a, year=2024)
    foreign = Indicator.objects.exclude(criterion__criteria_set=catalogue).first()
    path = url("criteria:evidence_upload", own.pk, foreign.pk)
    _refused(client, cast.officer_a, "post", path, {f"file_{foreign.pk}": pdf()}, (404,))


def test_no_assessment_opens_for_another_unit(client, cast, catalogue):
    data = {"set": catalogue.code, "unit": cast.commune_b.code, "year": 2031}
    _refused(client, cast.officer_a, "post", url("criteria:create"), data, (404,))
    advanced = CriteriaSet.objects.exclude(pk=catalogue.pk).filter(unit_level="village").first()
    if advanced is not None:  # a village set: a village head opens only their own village's
        other_village = VillageFactory(commune=cast.commune_a)
        data = {"set": advanced.code, "unit": other_village.code, "year": 2031}
        _refused(client, cast.village_head_a, "post", url("criteria:create"), data, (404,))


def test_a_weekly_report_cannot_be_filed_for_another_village(client, cast, other):
    year = timezone.localdate().isocalendar().year
    plan = make_plan(cast.commune_a, year=year, villages=[cast.village_a])
    item = plan.work_items.get()
    data = {f"item_{item.pk}": "5", "notes": "x", "next_week_plan": ""}
    # Commune B's village under commune A's plan, and commune B's plan itself.
    _refused(client, cast.officer_a, "post", url("plans:report", plan.pk, other.village.code, year, 1), data)
    _refused(
        client, cast.officer_a, "post", url("plans:report", other.plan.pk, other.village.code, year, 1), data
    )
    # Another village of the same commune: its head reports only for their own village.
    neighbour = VillageFactory(commune=cast.commune_a)
    _refused(client, cast.village_head_a, "post", url("plans:report", plan.pk, neighbour.code, year, 1), data)
    # An item of another plan in the form is not reported.
    foreign_item = other.plan.work_items.get()
    data = {f"item_{item.pk}": "5", f"item_{foreign_item.pk}": "7", "notes": "x", "next_week_plan": ""}
    client.force_login(cast.officer_a)
    assert client.post(url("plans:report", plan.pk, cast.village_a.code, year, 1), data).status_code == 302
    assert not WeeklyReport.objects.filter(plan=other.plan).exists()
    assert not WeeklyReport.objects.get(plan=plan).lines.filter(work_item=foreign_item).exists()


def test_the_allocation_grid_takes_no_cell_of_another_communes_village(client, cast, other):
    plan = make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    item = plan.work_items.get()
    data = {f"c_{item.pk}_{cast.village_a.pk}": "3200", f"c_{item.pk}_{other.village.pk}": "100"}
    client.force_login(cast.officer_a)
    assert client.post(url("plans:allocations", plan.pk), data).status_code == 302
    assert not Allocation.objects.filter(village=other.village, work_item=item).exists()
    foreign = {f"c_{other.plan.work_items.get().pk}_{other.village.pk}": "1"}
    _refused(client, cast.officer_a, "post", url("plans:allocations", other.plan.pk), foreign, (404,))
    _refused(client, cast.officer_a, "post", url("plans:edit", other.plan.pk), {"plan-name": "x"}, (404,))


def test_another_users_export_job_cannot_be_downloaded_or_seen(client, cast, other):
    job = ExportJob(user=cast.province_office, kind=ExportJob.Kind.PROVINCE_SUMMARY, title="Bí mật")
    job.status, job.filename = ExportJob.State.DONE, "bi-mat.xlsx"
    job.file.save("bi-mat.xlsx", ContentFile(b"PK\x03\x04"))
    for user in (cast.officer_a, cast.district_member_a, cast.officer_b, cast.admin):
        _refused(client, user, "get", url("reports:job_file", job.pk), expected=(404,))
        assert "Bí mật" not in client.get(url("reports:downloads_status")).content.decode()


def test_another_units_rollup_cannot_be_asked_for_or_rebuilt(client, cast):
    rollup_b = rollups.rollup_build(
        rollup_id=rollups.rollup_request(
            unit=rollups.unit_ref(cast.district_b), iso_year=2024, iso_week=10, enqueue=False
        ).pk,
        send_mail=False,
    )
    data = {"unit": f"district:{cast.district_b.code}", "week": "2024-W12"}
    _refused(client, cast.district_member_a, "post", url("reports:rollup_build"), data, (404,))
    _refused(
        client, cast.district_member_a, "post", url("reports:rollup_rebuild", rollup_b.pk), expected=(404,)
    )
    assert RollUp.objects.count() == 1


def test_an_import_cannot_be_applied_to_another_commune(client, cast, catalogue, other):
    own = assess(catalogue, cast.commune_a, year=2024)
    assert own.pk
    client.force_login(cast.officer_a)

    def change(wb):
        wb[SHEET].cell(row=row_of(wb, "3.1"), column=5).value = 0.5

    table = edit(export(cast.commune_a, catalogue), change)
    page = client.post(
        url("reports:import", cast.commune_a.code), {"file": SimpleUploadedFile("b.xlsx", table)}
    )
    token = page.context["token"]
    _refused(
        client,
        cast.officer_a,
        "post",
        url("reports:import_apply", cast.commune_b.code),
        {"token": token},
        (404,),
    )
    # Commune B's own table, uploaded to commune A's page, is refused by its hidden unit key.
    foreign = edit(export(cast.commune_b, catalogue), change)
    upload = {"file": SimpleUploadedFile("b.xlsx", foreign)}
    _refused(client, cast.officer_a, "post", url("reports:import", cast.commune_a.code), upload, (400,))
