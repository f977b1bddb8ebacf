"""Documents sent upward: the unit's letterhead settings, a document built on the worker as
.docx and PDF in the decree-30 layout, issuing it with the signed scan, the register, and a
province office's own templates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from reports.documents import services
from reports.documents.default_templates import template_path
from reports.documents.models import DocumentKind, DocumentSettings, DocumentTemplate, OutgoingDocument
from reports.models import ExportJob

from ..conftest import count_queries
from ..document_helpers import assert_official_layout, docx_lines
from ..factories import CommuneFactory

SECTIONS = {
    "sections": [
        {"heading": "I. KẾT QUẢ THỰC HIỆN", "paragraphs": ["Xã đạt 17/19 tiêu chí."]},
        {"table": {"headers": ["TT", "Tiêu chí", "Kết quả"], "rows": [["1", "Quy hoạch", "Đạt"]]}},
    ]
}
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def settings_url(level, unit):
    return reverse("reports:document_settings", args=[level, unit.key])


def register_url(level, unit):
    return reverse("reports:document_register", args=[level, unit.key])


def make_document(unit, user, capture, summary="Kết quả thực hiện quý IV năm 2026"):
    with capture(execute=True):
        return services.document_create(
            unit=unit,
            kind=DocumentKind.PERIODIC_REPORT,
            doc_type="BC",
            summary=summary,
            source="test:1",
            parameters=SECTIONS,
            user=user,
        )


def test_a_commune_starts_with_default_settings_and_its_officer_saves_them(client, cast):
    client.force_login(cast.officer_a)
    page = client.get(settings_url("communes", cast.commune_a)).content.decode()
    assert "ỦY BAN NHÂN DÂN XÃ SƠN BẰNG" in page and "giá trị mặc định" in page
    form = {
        "parent_body": "",
        "body": "ỦY BAN NHÂN DÂN XÃ SƠN BẰNG",
        "place": "Sơn Bằng",
        "number_suffix": "UBND",
        "signing_mode": "KT.",
        "on_behalf_of": "CHỦ TỊCH",
        "signer_position": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn An",
        "addressees": "Ban Chỉ đạo huyện Hương Sơn",
        "recipients": "Như trên\nBCĐ huyện Hương Sơn",
    }
    response = client.post(settings_url("communes", cast.commune_a), form)
    assert response.status_code == 302
    saved = DocumentSettings.objects.get(commune=cast.commune_a)
    assert saved.signer_name == "Nguyễn Văn An" and saved.updated_by == cast.officer_a


def test_bad_settings_name_the_field_and_save_nothing(client, cast):
    client.force_login(cast.officer_a)
    form = {
        "body": "",
        "place": "Sơn Bằng",
        "number_suffix": "UBND",
        "signing_mode": "TM.",
        "on_behalf_of": "",
    }
    response = client.post(settings_url("communes", cast.commune_a), form)
    page = response.content.decode()
    assert response.status_code == 200 and "ghi tên tập thể" in page and "Trường này là bắt buộc" in page
    assert not DocumentSettings.objects.exists()


def test_only_the_units_own_officials_edit_its_settings(client, cast):
    client.force_login(cast.officer_b)
    assert client.get(settings_url("communes", cast.commune_a)).status_code == 404
    client.force_login(cast.district_member_a)  # sees the commune, does not issue for it
    assert client.get(settings_url("communes", cast.commune_a)).status_code == 403
    assert client.get(register_url("communes", cast.commune_a)).status_code == 200
    assert client.get(settings_url("districts", cast.district_a)).status_code == 200
    assert client.get(reverse("reports:document_register", args=["villages", "1"])).status_code == 404


def test_a_document_is_built_as_docx_and_pdf_in_the_decree_30_layout(
    client, cast, django_capture_on_commit_callbacks
):
    document = make_document(cast.commune_a, cast.officer_a, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get(pk=document.job_id)
    assert job.status == ExportJob.State.DONE and job.kind == ExportJob.Kind.DOCUMENT, job.error
    assert job.pdf and job.pdf.read(5) == b"%PDF-" and not job.pdf_error
    client.force_login(cast.district_member_a)
    response = client.get(reverse("reports:document_file", args=[document.pk, "docx"]))
    assert response.status_code == 200
    lines = docx_lines(b"".join(response.streaming_content))
    assert_official_layout(lines, body="ỦY BAN NHÂN DÂN XÃ SƠN BẰNG", signature="CHỦ TỊCH")
    assert "BÁO CÁO" in lines and "Kết quả thực hiện quý IV năm 2026" in lines
    assert "Số: ……/BC-UBND" in lines and "TM. ỦY BAN NHÂN DÂN" in lines
    assert "Kính gửi: Ban Chỉ đạo các Chương trình MTQG huyện Hương Sơn." in lines
    assert "I. KẾT QUẢ THỰC HIỆN" in lines and "Quy hoạch" in lines
    section = Document(io.BytesIO(job.file.open("rb").read())).sections[0]
    assert round(section.page_width.cm) == 21 and round(section.left_margin.cm) == 3
    assert Document(io.BytesIO(job.file.open("rb").read())).styles["Normal"].font.name == "Times New Roman"


def test_issuing_needs_a_pdf_scan_and_a_number_and_then_shows_in_the_register(
    client, cast, django_capture_on_commit_callbacks
):
    document = make_document(cast.commune_a, cast.officer_a, django_capture_on_commit_callbacks)
    url = reverse("reports:document_issue", args=[document.pk])
    client.force_login(cast.officer_a)
    fake = SimpleUploadedFile("scan.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(url, {"number": "15/BC-UBND", "issued_on": "2026-12-01", "scan": fake})
    assert response.status_code == 200 and "Tệp không phải PDF" in response.content.decode()
    document.refresh_from_db()
    assert not document.is_issued and not document.signed_scan
    scan = SimpleUploadedFile("scan.pdf", TINY_PDF, content_type="application/pdf")
    response = client.post(url, {"number": "15/BC-UBND", "issued_on": "2026-12-01", "scan": scan})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_issued and document.number == "15/BC-UBND" and document.issued_by == cast.officer_a
    page = client.get(register_url("communes", cast.commune_a)).content.decode()
    assert "15/BC-UBND" in page and "Đã ban hành" in page
    signed = client.get(reverse("reports:document_file", args=[document.pk, "signed"]))
    assert b"".join(signed.streaming_content) == TINY_PDF
    client.force_login(cast.district_member_a)  # reads it, may not issue it
    assert client.get(url).status_code == 403


def test_the_register_costs_the_same_queries_with_2_and_12_documents(
    client, cast, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for _ in range(2):
        make_document(cast.commune_a, cast.officer_a, django_capture_on_commit_callbacks)
    client.force_login(cast.officer_a)
    url = register_url("communes", cast.commune_a)
    small = count_queries(lambda: client.get(url), status=200)
    status_small = count_queries(lambda: client.get(url + "status.json"), status=200)
    for _ in range(10):
        job = ExportJob.objects.create(user=cast.officer_a, kind=ExportJob.Kind.DOCUMENT, title="x")
        OutgoingDocument.objects.create(
            commune=cast.commune_a, kind="periodic_report", doc_type="BC", summary="x", source="t", job=job
        )
    assert count_queries(lambda: client.get(url), status=200) == small
    assert count_queries(lambda: client.get(url + "status.json"), status=200) == status_small


def test_a_province_office_replaces_a_template_and_the_next_document_uses_it(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.province_office)
    url = reverse("reports:document_templates", args=[cast.province.key])
    bad = SimpleUploadedFile("mau.docx", b"PK not a zip", content_type="application/octet-stream")
    response = client.post(url, {"kind": "periodic_report", "file": bad}, follow=True)
    assert "không phải tệp Word" in response.content.decode() and not DocumentTemplate.objects.exists()
    broken = Document(template_path("periodic_report"))
    broken.add_paragraph("{{ lh.summary ")  # an unclosed field
    buffer = io.BytesIO()
    broken.save(buffer)
    upload = SimpleUploadedFile("mau.docx", buffer.getvalue())
    response = client.post(url, {"kind": "periodic_report", "file": upload}, follow=True)
    assert "Mẫu không dùng được" in response.content.decode() and not DocumentTemplate.objects.exists()

    own = Document(template_path("periodic_report"))
    own.add_paragraph("Mẫu riêng của tỉnh Hà Tĩnh")
    buffer = io.BytesIO()
    own.save(buffer)
    response = client.post(
        url, {"kind": "periodic_report", "file": SimpleUploadedFile("mau.docx", buffer.getvalue())}
    )
    assert (
        response.status_code == 302 and DocumentTemplate.objects.filter(province=cast.province).count() == 1
    )
    document = make_document(cast.commune_a, cast.officer_a, django_capture_on_commit_callbacks)
    lines = docx_lines(ExportJob.objects.get(pk=document.job_id).file.open("rb").read())
    assert "Mẫu riêng của tỉnh Hà Tĩnh" in lines
    other = CommuneFactory(name="Khác")  # another province keeps the default
    assert other.province_id != cast.province.pk
    elsewhere = make_document(other, cast.admin, django_capture_on_commit_callbacks)
    assert "Mẫu riêng của tỉnh Hà Tĩnh" not in docx_lines(
        ExportJob.objects.get(pk=elsewhere.job_id).file.open("rb").read()
    )
    client.force_login(cast.officer_a)
    assert client.get(url).status_code == 404
