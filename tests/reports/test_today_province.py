"""The province office of a province without districts, on the day the test runs: its
dashboard opens on the 2026-2030 set and the current year with the map of its communes, last
week's roll-up covers its communes, and its Excel summary has no district column."""

import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from communes.models import AdminMap, Commune
from reports.models import ExportJob, RollUp
from reports.weeks import rollup_default_week

PASSWORD = "NtmDemo@2025"


def test_the_ha_tinh_office_meets_todays_period_map_rollup_and_summary(
    client, demo, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.login(username="vpdp.hatinh", password=PASSWORD)
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("reports:province", args=["42"])
    html = landing.content.decode()
    today = timezone.localdate()
    assert landing.context["criteria_set"].code == "xa_ntm_2026_2030"
    assert landing.context["year"] == today.year
    assert "<svg" in html and 'href="/reports/communes/18133/' in html  # the map links Hương Sơn
    assert "Tổng hợp toàn tỉnh" in html and 'data-testid="district-' not in html
    # Last week's roll-up of the province, built for the demo as the Friday schedule does.
    iso_year, iso_week = rollup_default_week(timezone.now())
    rollup = RollUp.objects.get(unit_code="42", iso_year=iso_year, iso_week=iso_week)
    assert rollup.level == "province" and rollup.status == "done"
    communes = Commune.objects.filter(map=AdminMap.CURRENT, province__code="42")
    assert {row["code"] for row in rollup.data["communes"]} == set(communes.values_list("code", flat=True))
    rollups_page = client.get(reverse("reports:rollups")).content.decode()
    assert reverse("reports:rollup", args=[rollup.pk]) in rollups_page
    # The Excel summary (a background job; eager here): one row per commune, no district column.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:province_summary", args=["42"]), {"set": "xa_ntm_2026_2030", "year": today.year}
        )
    assert response.status_code == 302
    job = ExportJob.objects.get(user__username="vpdp.hatinh")
    assert job.status == ExportJob.State.DONE
    sheet = openpyxl.load_workbook(io.BytesIO(job.file.read())).worksheets[0]
    values = [cell.value for row in sheet.iter_rows(max_row=15) for cell in row if cell.value]
    assert "Tên xã" in values and "Huyện" not in values
    assert any(
        isinstance(value, str) and "Hương Sơn" in value
        for value in [cell.value for row in sheet.iter_rows() for cell in row]
    )
