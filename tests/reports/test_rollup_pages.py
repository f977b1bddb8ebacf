"""Roll-up pages: who sees and rebuilds what, the status feed, the download, and query budgets
at two sizes."""

import pytest
from django.urls import reverse

from communes.models import District
from reports import rollups
from reports.models import RollUp

from ..conftest import count_queries
from ..excel_helpers import workbook
from ..factories import CommuneFactory, VillageFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def built(unit, week=10) -> RollUp:
    rollup = rollups.rollup_request(unit=rollups.unit_ref(unit), iso_year=2024, iso_week=week, enqueue=False)
    return rollups.rollup_build(rollup_id=rollup.pk, send_mail=False)


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_the_district_member_and_the_province_office_see_the_rollup_others_get_404(client, cast):
    rollup = built(cast.district_a)
    for name in ("rollup", "rollup_status", "rollup_file"):
        url = reverse(f"reports:{name}", args=[rollup.pk])
        client.logout()
        assert client.get(url).status_code == 302  # anonymous: to the login page
        for outsider in (cast.officer_b, cast.officer_a, cast.village_head_a):
            client.force_login(outsider)
            assert client.get(url).status_code == 404, (name, outsider)
        for user in (cast.district_member_a, cast.province_office, cast.admin):
            client.force_login(user)
            assert client.get(url).status_code == 200, (name, user)


def test_the_list_shows_only_the_users_rollups_by_week(client, cast):
    built(cast.district_a)
    built(cast.district_b)
    page = get(client, cast.district_member_a, reverse("reports:rollups")).content.decode()
    assert f"rollup-{cast.district_a.code}-2024-W10" in page and cast.district_b.code + "-2024" not in page
    assert "Tuần 2024-W10" in page
    page = get(client, cast.province_office, reverse("reports:rollups")).content.decode()
    assert (
        f"rollup-{cast.district_a.code}-2024-W10" in page
        and f"rollup-{cast.district_b.code}-2024-W10" in page
    )
    page = get(client, cast.officer_b, reverse("reports:rollups")).content.decode()
    assert "rollup-" not in page and "rollup-build-form" not in page


def test_the_page_shows_figures_and_the_download_is_the_workbook(client, cast):
    rollup = built(cast.district_a)
    page = get(client, cast.district_member_a, reverse("reports:rollup", args=[rollup.pk])).content.decode()
    assert "Sơn Bằng" in page and "Liên Minh" not in page and 'data-testid="total-communes">1<' in page
    assert "js/rollup.js" in page and "<script>" not in page
    response = client.get(reverse("reports:rollup_file", args=[rollup.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert workbook(b"".join(response.streaming_content)).worksheets[0]["B8"].value == "Tên xã"


def test_a_district_member_rebuilds_now_and_the_feed_reports_progress(
    client, cast, django_capture_on_commit_callbacks
):
    rollup = built(cast.district_a)
    client.force_login(cast.district_member_a)
    url = reverse("reports:rollup_rebuild", args=[rollup.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 302 and len(callbacks) == 1
    state = client.get(reverse("reports:rollup_status", args=[rollup.pk])).json()
    assert state["status"] == "queued" and state["active"] is True
    page = client.get(reverse("reports:rollup", args=[rollup.pk])).content.decode()
    assert "data-active" in page and "Đang chờ" in page
    callbacks[0]()  # the worker (eager) builds it
    state = client.get(reverse("reports:rollup_status", args=[rollup.pk])).json()
    assert state == {
        "status": "done",
        "status_label": "Hoàn thành",
        "active": False,
        "error": "",
        "file_url": reverse("reports:rollup_file", args=[rollup.pk]),
    }
    assert RollUp.objects.count() == 1 and RollUp.objects.get().attempts == 2


def test_asking_twice_while_queued_enqueues_once(client, cast, django_capture_on_commit_callbacks):
    rollup = built(cast.district_a)
    client.force_login(cast.district_member_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("reports:rollup_rebuild", args=[rollup.pk]))
        client.post(reverse("reports:rollup_rebuild", args=[rollup.pk]))
    assert len(callbacks) == 1


def test_only_the_districts_committee_may_rebuild(client, cast):
    rollup = built(cast.district_a)
    url = reverse("reports:rollup_rebuild", args=[rollup.pk])
    assert client.post(url).status_code == 302 and "login" in client.post(url).url
    client.force_login(cast.officer_b)
    assert client.post(url).status_code == 404
    client.force_login(cast.province_office)  # sees the district's roll-up, does not rebuild it
    assert client.post(url).status_code == 403
    client.force_login(cast.district_member_a)
    assert client.post(url).status_code == 302


def test_a_member_asks_for_a_week_and_a_bad_week_is_refused(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.district_member_a)
    url = reverse("reports:rollup_build")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"unit": f"district:{cast.district_a.code}", "week": "2024-W11"}, follow=True
        )
    rollup = RollUp.objects.get()
    assert (rollup.unit_code, rollup.week_label, rollup.status) == (cast.district_a.code, "2024-W11", "done")
    assert response.redirect_chain[-1][0] == reverse("reports:rollup", args=[rollup.pk])
    response = client.post(url, {"unit": f"district:{cast.district_a.code}", "week": "2024-W60"}, follow=True)
    assert "Tuần không hợp lệ" in response.content.decode() and RollUp.objects.count() == 1
    response = client.post(url, {"unit": f"district:{cast.district_b.code}", "week": "2024-W11"})
    assert response.status_code == 404


def test_a_failed_rollup_shows_its_error_on_the_page(client, cast):
    rollup = built(cast.district_a)
    RollUp.objects.filter(pk=rollup.pk).update(status="failed", error="Không tổng hợp được: lỗi thử")
    page = get(client, cast.district_member_a, reverse("reports:rollup", args=[rollup.pk])).content.decode()
    assert "Không tổng hợp được: lỗi thử" in page and "alert-danger" in page


def grow(district: District, communes: int) -> None:
    for n in range(communes):
        commune = CommuneFactory(district=district, province=district.province, name=f"Xã thêm {n}")
        VillageFactory(commune=commune)


def test_the_rollup_page_and_list_cost_the_same_queries_at_two_sizes(client, cast):
    client.force_login(cast.district_member_a)
    small_rollup = built(cast.district_a, week=10)
    urls = lambda rollup: [  # noqa: E731
        reverse("reports:rollup", args=[rollup.pk]),
        reverse("reports:rollups"),
        reverse("reports:rollup_status", args=[rollup.pk]),
    ]
    client.get(urls(small_rollup)[0])  # warm-up
    small = [count_queries(lambda u=url: client.get(u)) for url in urls(small_rollup)]
    grow(cast.district_a, 15)
    large_rollup = built(cast.district_a, week=11)
    large = [count_queries(lambda u=url: client.get(u)) for url in urls(large_rollup)]
    assert small == large
    # session, user, roles, the roll-up; the list: session, user, roles, the roll-ups.
    assert small[0] <= 6 and small[1] <= 6 and small[2] <= 4


def test_a_province_without_districts_has_its_own_rollup_for_its_office(client, cast):
    commune = CommuneFactory(district=None, province=cast.province, name="Xã sau sáp nhập")
    rollup = built(cast.province)
    assert rollup.level == "province" and [row["code"] for row in rollup.data["communes"]] == [commune.code]
    url = reverse("reports:rollup", args=[rollup.pk])
    for user in (cast.district_member_a, cast.officer_a, cast.officer_b):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(cast.province_office)
    assert client.get(url).status_code == 200
    assert client.post(reverse("reports:rollup_rebuild", args=[rollup.pk])).status_code == 302
