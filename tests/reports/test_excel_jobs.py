"""Large exports as Celery jobs: the province summary, its progress, the downloads page and
the owner-only download; eagerly in unit tests and on a real worker on Redis."""

import time

import pytest
from django.urls import reverse

from communes.models import Province
from reports import services
from reports.models import ExportJob

from ..conftest import count_queries
from ..excel_helpers import assess, metadata, rows_by_key, workbook
from ..factories import CommuneFactory, DistrictFactory

NTM = "xa_ntm_2021_2025"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(client, user, province, year=2024):
    client.force_login(user)
    url = reverse("reports:province_summary", args=[province.key])
    return client.post(url, {"set": NTM, "year": year})


def test_the_province_summary_runs_as_a_job_and_the_owner_downloads_it(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assess(catalogue, cast.commune_a)
    assess(catalogue, cast.commune_b)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = start(client, cast.province_office, cast.province)
    assert response.status_code == 302 and response.url == reverse("reports:downloads")
    assert len(callbacks) == 1
    job = ExportJob.objects.get()
    assert job.user == cast.province_office and job.kind == ExportJob.Kind.PROVINCE_SUMMARY
    assert job.parameters == {"unit": cast.province.code, "set": NTM, "year": 2024}
    assert job.status == ExportJob.State.DONE and job.progress == 100 and job.file.name.endswith(".xlsx")
    assert job.started_at and job.finished_at and not job.error

    page = client.get(reverse("reports:downloads")).content.decode()
    assert reverse("reports:job_file", args=[job.pk]) in page and "js/downloads.js" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it

    response = client.get(reverse("reports:job_file", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = workbook(b"".join(response.streaming_content))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "UBND TỈNH HÀ TĨNH" and ws["A5"].value == "Tỉnh Hà Tĩnh"
    assert ws["C8"].value == "Huyện" and ws["D8"].value == "Tiêu chí"
    keys = rows_by_key(ws, 4 + 19 + 5)
    row = keys[f"commune:{cast.commune_a.code}"]
    assert ws.cell(row=row, column=3).value == "Hương Sơn"
    assert metadata(wb)["unit_level"] == "province" and metadata(wb)["communes"] == 2
    assert ws.freeze_panes == "D10" and ws.print_title_cols == "$A:$C"


def test_the_status_feed_reports_progress_of_the_users_own_jobs(client, cast, catalogue):
    mine = ExportJob.objects.create(
        user=cast.province_office, kind="province_summary", title="x", progress=40, status="running"
    )
    ExportJob.objects.create(user=cast.officer_a, kind="province_summary", title="y")
    client.force_login(cast.province_office)
    jobs = client.get(reverse("reports:downloads_status")).json()["jobs"]
    assert jobs == [
        {
            "id": mine.pk,
            "status": "running",
            "status_label": "Đang tạo",
            "progress": 40,
            "active": True,
            "error": "",
            "download_url": "",
            "filename": "",
        }
    ]


def test_only_the_owner_downloads_a_jobs_file(client, cast, catalogue):
    job = services.export_job_create(
        user=cast.province_office,
        kind="province_summary",
        unit=cast.province,
        criteria_set=catalogue,
        year=2024,
    )
    services.export_job_run(job_id=job.pk)
    url = reverse("reports:job_file", args=[job.pk])
    assert client.get(url).status_code == 302
    for other in (cast.officer_b, cast.district_member_a, cast.admin):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert f'data-job="{job.pk}"' not in client.get(reverse("reports:downloads")).content.decode()
    client.force_login(cast.province_office)
    assert client.get(url).status_code == 200


def test_only_the_province_office_starts_a_province_summary(client, cast, catalogue):
    url = reverse("reports:province_summary", args=[cast.province.key])
    assert client.post(url, {"set": NTM, "year": 2024}).url.startswith("/login/")
    for outsider in (cast.officer_a, cast.officer_b, cast.village_head_a, cast.district_member_a):
        assert start(client, outsider, cast.province).status_code == 404
    client.force_login(cast.province_office)
    assert client.get(url).status_code == 405
    assert not ExportJob.objects.exists()
    assert client.get(reverse("reports:downloads")).status_code == 200


def test_the_downloads_pages_ask_strangers_to_log_in(client):
    for name in ("reports:downloads", "reports:downloads_status"):
        assert client.get(reverse(name)).status_code == 302


def test_a_failed_job_shows_its_error_and_a_done_job_is_not_built_twice(cast, catalogue):
    job = ExportJob.objects.create(
        user=cast.province_office,
        kind="province_summary",
        title="x",
        parameters={"unit": "no-such-province", "set": NTM, "year": 2024},
    )
    failed = services.export_job_run(job_id=job.pk)
    assert failed.status == ExportJob.State.FAILED and failed.error.startswith("Không tạo được tệp")
    good = services.export_job_create(
        user=cast.province_office,
        kind="province_summary",
        unit=cast.province,
        criteria_set=catalogue,
        year=2024,
    )
    first = services.export_job_run(job_id=good.pk)
    again = services.export_job_run(job_id=good.pk)
    assert first.status == again.status == ExportJob.State.DONE and again.file.name == first.file.name


def test_a_province_without_districts_gets_a_summary_without_the_district_column(cast, catalogue):
    province = Province.objects.create(code="99", name="Tỉnh Mới")
    for _ in range(2):
        assess(catalogue, CommuneFactory(province=province, district=None))
    job = services.export_job_create(
        user=cast.province_office, kind="province_summary", unit=province, criteria_set=catalogue, year=2024
    )
    ws = workbook(services.export_job_run(job_id=job.pk).file.read()).worksheets[0]
    assert ws["C8"].value == "Tiêu chí" and ws.freeze_panes == "C10"


def test_a_job_costs_the_same_queries_with_2_and_20_communes(cast, catalogue):
    for commune in (cast.commune_a, cast.commune_b):
        assess(catalogue, commune)

    def run():
        job = services.export_job_create(
            user=cast.province_office,
            kind="province_summary",
            unit=cast.province,
            criteria_set=catalogue,
            year=2024,
        )
        assert services.export_job_run(job_id=job.pk).status == "done"

    small = count_queries(run)
    district = DistrictFactory(province=cast.province)
    for _ in range(18):
        assess(catalogue, CommuneFactory(district=district))
    assert count_queries(run) == small
    # create; load job, claim, province, set, progress; the scope figures (communes, sets,
    # assessments, criteria, results, snapshots, recognitions, plans, deadlines, villages and
    # village titles); progress; finish — never per commune (progress every 200 rows).
    assert small <= 20, small


def test_the_province_page_start_costs_the_same_queries_with_2_and_20_communes(client, cast, catalogue):
    client.force_login(cast.province_office)
    url = reverse("reports:province_summary", args=[cast.province.key])
    small = count_queries(lambda: client.post(url, {"set": NTM, "year": 2024}))
    for _ in range(18):
        CommuneFactory(district=cast.district_a)
    assert count_queries(lambda: client.post(url, {"set": NTM, "year": 2024})) == small
    # session, user, roles; province; set; whether it has criteria; insert the job (the task
    # waits for the commit).
    assert small <= 7, small


@pytest.mark.redis
def test_a_real_worker_on_redis_builds_the_province_summary(celery_worker_on_redis, cast, catalogue):
    assess(catalogue, cast.commune_a)
    job = services.export_job_create(
        user=cast.province_office,
        kind="province_summary",
        unit=cast.province,
        criteria_set=catalogue,
        year=2024,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            break
        time.sleep(0.2)
    assert job.status == ExportJob.State.DONE, (job.status, job.error)
    ws = workbook(job.file.read()).worksheets[0]
    assert ws["A1"].value == "UBND TỈNH HÀ TĨNH"
    assert f"commune:{cast.commune_a.code}" in rows_by_key(ws, 4 + 19 + 5)
