"""Every export carries the decree-30 letterhead and LibreOffice (headless) converts it to PDF
without error: the Excel tables on A4 landscape, the Word documents on A4 portrait."""

import io
import os
import pathlib
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import Commune, District, Province
from reports import rollups, services
from reports.documents.models import DocumentKind
from reports.documents.services import document_create

from ..document_helpers import assert_official_layout, assert_sheet_letterhead, docx_lines

NTM = "xa_ntm_2021_2025"
A4_LANDSCAPE = re.compile(rb"/MediaBox\s*\[\s*0 0 841\.8\d* 595\.3\d*\s*\]")
A4_PORTRAIT = re.compile(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+\s*\]")


@pytest.fixture(scope="module")
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(
            "LibreOffice is missing: install it with 'apt-get install -y libreoffice-calc-nogui' "
            "(.ci/run does) to check that the Excel exports print."
        )
    return path


def keep(name: str, pdf: bytes) -> None:
    """With NTM_KEEP_PDFS=<folder>, the PDFs are kept there for a look at their pages."""
    folder = os.environ.get("NTM_KEEP_PDFS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        (pathlib.Path(folder) / f"{name}.pdf").write_bytes(pdf)


def to_pdf(soffice, tmp_path, name: str, content: bytes) -> bytes:
    source = tmp_path / name
    source.write_bytes(content)
    # A private profile directory: parallel runs of LibreOffice must not share one.
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert result.returncode == 0 and pdf.exists(), (
        f"LibreOffice failed on {name}: {result.stdout} {result.stderr}"
    )
    return pdf.read_bytes()


def test_every_excel_export_has_the_letterhead_and_prints_on_a4_landscape(
    soffice, demo, client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(get_user_model().objects.get(username="vpdp.hatinh"))
    son_tay = Commune.objects.get(map="legacy", name="Sơn Tây")
    huong_son = District.objects.get(name="Hương Sơn")
    exports = {
        "commune.xlsx": client.get(
            reverse("reports:commune_table", args=[son_tay.key]) + f"?set={NTM}&year=2024"
        ).content,
        "district.xlsx": client.get(
            reverse("reports:district_summary", args=[huong_son.key]) + f"?set={NTM}&year=2024"
        ).content,
    }
    province = Province.objects.get(map="legacy", name="Hà Tĩnh")
    criteria_set = son_tay.assessments.first().criteria_set
    job = services.export_job_create(
        user=get_user_model().objects.get(username="vpdp.hatinh"),
        kind="province_summary",
        unit=province,
        criteria_set=criteria_set,
        year=2024,
    )
    exports["province.xlsx"] = services.export_job_run(job_id=job.pk).file.read()
    client.force_login(get_user_model().objects.get(username="canbo.duongduc"))
    exports["plan.xlsx"] = client.get(reverse("reports:plan_table", args=["legacy-07408"])).content
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(huong_son), iso_year=2024, iso_week=10, enqueue=False
    )
    exports["rollup.xlsx"] = rollups.rollup_build(rollup_id=rollup.pk, send_mail=False).file.read()
    bodies = {
        "commune.xlsx": "ỦY BAN NHÂN DÂN XÃ SƠN TÂY",
        "district.xlsx": "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG",
        "province.xlsx": "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI",
        "plan.xlsx": "ỦY BAN NHÂN DÂN XÃ DƯƠNG ĐỨC",
        "rollup.xlsx": "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG",
    }
    for name, content in exports.items():
        assert content.startswith(b"PK"), name
        assert_sheet_letterhead(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0], body=bodies[name])
        pdf = to_pdf(soffice, tmp_path, name, content)
        keep(name, pdf)
        assert pdf.startswith(b"%PDF") and A4_LANDSCAPE.search(pdf), name


def test_every_word_document_has_the_letterhead_and_prints_on_a4_portrait(
    soffice, demo, client, tmp_path, settings, django_capture_on_commit_callbacks
):
    """One document of each kind, built as the worker builds it; LibreOffice here converts
    the .docx the user downloads (the worker's own PDF is checked in test_documents.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = get_user_model().objects.get(username="canbo.huongson")
    huong_son = Commune.objects.get(map="2025", code="18133")
    sections = {"sections": [{"heading": "I. KẾT QUẢ", "paragraphs": ["Nội dung."]}]}
    for kind, doc_type in (
        (DocumentKind.PERIODIC_REPORT, "BC"),
        (DocumentKind.RECOGNITION_REQUEST, "TTr"),
        (DocumentKind.RECOGNITION_REPORT, "BC"),
        (DocumentKind.MEETING_MINUTES, "BB"),
        (DocumentKind.EVIDENCE_LIST, "BC"),
        (DocumentKind.SATISFACTION, "BC"),
    ):
        document = document_create(
            unit=huong_son,
            kind=kind,
            doc_type=doc_type,
            summary=f"Trích yếu {kind}",
            source="test",
            parameters=sections,
            user=officer,
        )
        content = services.export_job_run(job_id=document.job_id).file.read()
        lines = docx_lines(content)
        assert_official_layout(lines, body="ỦY BAN NHÂN DÂN XÃ HƯƠNG SƠN", signature="CHỦ TỊCH")
        assert f"Trích yếu {kind}" in lines and any(
            line.startswith(f"Số: ……/{doc_type}-UBND") for line in lines
        )
        pdf = to_pdf(soffice, tmp_path, f"{kind}.docx", content)
        keep(f"{kind}.docx", pdf)
        assert pdf.startswith(b"%PDF") and A4_PORTRAIT.search(pdf), kind
