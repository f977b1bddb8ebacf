"""LibreOffice (headless) converts every export to PDF without error: A4 landscape pages."""

import re
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import Commune, District, Province
from reports import services

NTM = "xa_ntm_2021_2025"
A4_LANDSCAPE = re.compile(rb"/MediaBox\s*\[\s*0 0 841\.8\d* 595\.3\d*\s*\]")


@pytest.fixture(scope="module")
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(
            "LibreOffice is missing: install it with 'apt-get install -y libreoffice-calc-nogui' "
            "(.ci/run does) to check that the Excel exports print."
        )
    return path


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


def test_libreoffice_prints_every_export_on_a4_landscape(soffice, demo, client, tmp_path, settings):
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
    for name, content in exports.items():
        assert content.startswith(b"PK"), name
        pdf = to_pdf(soffice, tmp_path, name, content)
        assert pdf.startswith(b"%PDF") and A4_LANDSCAPE.search(pdf), name
