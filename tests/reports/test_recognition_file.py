"""The recognition file of a demo commune: its parts from the approved assessment, the facts
only the commune knows, what is missing, the parts as documents of the register, and the one
zip with its table of contents."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import AdminMap, Commune
from criteria.models import Assessment, CriteriaSet
from reports.documents.models import OutgoingDocument, RecognitionFile
from reports.models import ExportJob

from ..conftest import count_queries
from ..document_helpers import assert_official_layout, docx_lines

NTM = "xa_ntm_2021_2025"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def son_bang(demo):
    return Commune.objects.get(map=AdminMap.LEGACY, code="18190")


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def start(client, commune):
    ntm = CriteriaSet.objects.get(code=NTM)
    response = client.post(
        reverse("reports:recognition_files", args=[commune.key]), {"criteria_set": ntm.pk, "year": 2023}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return RecognitionFile.objects.get(commune=commune, criteria_set=ntm, year=2023)


def test_a_demo_commune_assembles_its_file_and_downloads_it_as_one_zip(
    client, son_bang, django_capture_on_commit_callbacks
):
    assessment = Assessment.objects.get(commune=son_bang, criteria_set__code=NTM, year=2023)
    # Approved, and short of some criteria (seed 004: the 2023 plan consolidates them).
    assert assessment.status == Assessment.State.APPROVED and not assessment.title_qualified
    shortfall = f"đánh giá đã duyệt chưa đạt đủ tiêu chí ({assessment.criteria_met}/19)"
    login(client, "canbo.sonbang")
    recognition_file = start(client, son_bang)
    url = reverse("reports:recognition_file", args=[recognition_file.pk])
    page = client.get(url).content.decode()
    assert "Còn thiếu trước khi gửi" in page and "chưa nhập ngày họp và kết quả biểu quyết" in page
    assert "chưa nhập tỷ lệ người dân hài lòng" in page and shortfall in page

    bad = {"meeting_date": "2023-11-20", "members_total": "25", "members_present": "30", "votes_for": "20"}
    response = client.post(url, bad)
    assert "Số thành viên tham dự lớn hơn tổng số thành viên" in response.content.decode()
    recognition_file.refresh_from_db()
    assert recognition_file.members_total is None  # nothing saved

    facts = {"meeting_date": "2023-11-20", "members_total": "25", "members_present": "23", "votes_for": "23"}
    assert client.post(url, facts).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:recognition_documents", args=[recognition_file.pk]))
    documents = {
        doc.source.rsplit(":", 1)[1]: doc for doc in OutgoingDocument.objects.filter(commune=son_bang)
    }
    assert set(documents) == {"report", "minutes"}  # the request, evidence and satisfaction are missing
    for document in documents.values():
        assert document.job.status == ExportJob.State.DONE, document.job.error
    minutes = docx_lines(documents["minutes"].job.file.open("rb").read())
    assert_official_layout(minutes, body="ỦY BAN NHÂN DÂN XÃ SƠN BẰNG", signature="CHỦ TỊCH")
    assert "BIÊN BẢN" in minutes and any("23/25 thành viên tham dự, đạt 92.0%" in line for line in minutes)
    report = docx_lines(documents["report"].job.file.open("rb").read())
    print(report[:20])
    met = f"Theo đánh giá năm 2023 (Đã phê duyệt), xã Sơn Bằng đạt {assessment.criteria_met}/19 tiêu chí"
    assert "BÁO CÁO" in report and any(line.startswith(met) for line in report)
    assert (
        "II. BẢNG CHI TIẾT KẾT QUẢ THEO TIÊU CHÍ, CHỈ TIÊU" in report
        and "Tỷ lệ nghèo đa chiều giai đoạn 2021-2025" in report
    )
    assert any(line.startswith("Ghi chú: nội dung mẫu này") for line in report)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:recognition_zip", args=[recognition_file.pk]))
    assert response.url == reverse("reports:downloads")
    job = ExportJob.objects.get(kind=ExportJob.Kind.RECOGNITION_FILE)
    assert job.status == ExportJob.State.DONE, job.error
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    toc = archive.read("00_muc-luc.txt").decode()
    assert "HỒ SƠ ĐỀ NGHỊ XÉT, CÔNG NHẬN XÃ SƠN BẰNG" in toc and "MỤC LỤC" in toc
    assert "01. [THIẾU] Tờ trình đề nghị xét, công nhận" in toc and shortfall in toc
    assert "02. [ĐỦ] Báo cáo kết quả thực hiện các tiêu chí" in toc
    assert "04. [ĐỦ] Biên bản họp đề nghị xét công nhận" in toc
    assert "03. [THIẾU] Danh mục hồ sơ minh chứng" in toc and "chưa có tệp minh chứng nào" in toc
    assert "05. [THIẾU] Kết quả lấy ý kiến sự hài lòng của người dân" in toc
    names = archive.namelist()
    assert any(name.startswith("02_report/") and name.endswith(".docx") for name in names)
    assert any(name.startswith("04_minutes/") and name.endswith(".pdf") for name in names)


def test_the_committee_reads_the_file_and_others_do_not_see_it(client, son_bang):
    login(client, "canbo.sonbang")
    recognition_file = start(client, son_bang)
    url = reverse("reports:recognition_file", args=[recognition_file.pk])
    login(client, "bcd.huongson")
    page = client.get(url)
    assert page.status_code == 200 and "recognition-facts" not in page.content.decode()
    assert client.post(url, {"members_total": "3"}).status_code == 403
    login(client, "canbo.duongduc")
    assert client.get(url).status_code == 404


def test_the_file_page_costs_a_fixed_number_of_queries(client, son_bang, django_capture_on_commit_callbacks):
    login(client, "canbo.sonbang")
    recognition_file = start(client, son_bang)
    url = reverse("reports:recognition_file", args=[recognition_file.pk])
    before = count_queries(lambda: client.get(url), status=200)
    recognition_file.meeting_date, recognition_file.members_total = "2023-11-20", 25
    recognition_file.members_present = recognition_file.votes_for = 20
    recognition_file.satisfaction_percent = 96
    recognition_file.save()
    with django_capture_on_commit_callbacks(execute=False):  # documents asked for, not built
        client.post(reverse("reports:recognition_documents", args=[recognition_file.pk]))
    assert OutgoingDocument.objects.filter(commune=son_bang).count() == 3
    assert count_queries(lambda: client.get(url), status=200) == before
