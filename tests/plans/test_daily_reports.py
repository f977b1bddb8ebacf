"""Daily photo reports: the photo pipeline, the post service's refusals, the weekly report's
pre-fill from the week's daily quantities, access, and the feed's query budget."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communes.models import Role
from criteria.models import Criterion
from plans import photos
from plans.deadlines import VN_TZ
from plans.models import CampaignWave, DailyReport, WorkItem
from plans.services import daily_report_post

from ..conftest import count_queries
from ..factories import user_with_role
from ..plans_helpers import add_villages, has_gps, make_jpeg, make_plan

NOW = datetime(2024, 3, 21, 10, 0, tzinfo=VN_TZ)  # Thursday of ISO week 2024-W12


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(content: bytes | None = None, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else make_jpeg(), content_type="image/jpeg"
    )


# --- The photo --------------------------------------------------------------------------------


def test_a_large_photo_is_resized_turned_upright_and_keeps_its_shooting_time():
    photo = photos.photo_process(io.BytesIO(make_jpeg(2400, 1800, orientation=6)), label="Ảnh")
    assert (photo.width, photo.height) == (1200, 1600)  # rotated by the EXIF orientation
    assert photo.taken_at == datetime(2024, 3, 20, 8, 15, tzinfo=VN_TZ)
    with Image.open(io.BytesIO(photo.content)) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600
    with Image.open(io.BytesIO(photo.thumbnail)) as thumb:
        assert max(thumb.size) == photos.THUMB_SIDE


def test_the_stored_file_carries_no_exif_and_no_gps_but_the_position_is_read():
    photo = photos.photo_process(io.BytesIO(make_jpeg()), label="Ảnh")
    assert not has_gps(photo.content) and not has_gps(photo.thumbnail)
    assert (photo.latitude, photo.longitude) == (Decimal("18.520139"), Decimal("105.425000"))


def test_a_photo_without_exif_has_no_time_and_no_position():
    photo = photos.photo_process(io.BytesIO(make_jpeg(800, 600, taken=None, gps=None)), label="Ảnh")
    assert (photo.width, photo.height) == (800, 600)  # never enlarged
    assert photo.taken_at is None and photo.latitude is None


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a photo", b"", b"\xff\xd8\xff broken jpeg"])
def test_a_file_that_is_not_an_image_is_refused_naming_the_field(content):
    with pytest.raises(ValidationError) as error:
        photos.photo_process(io.BytesIO(content), label="Ảnh")
    assert "Ảnh" in error.value.messages[0]


def test_an_oversized_upload_is_refused_before_it_is_read():
    big = upload()
    big.size = photos.MAX_BYTES + 1
    with pytest.raises(ValidationError, match="quá lớn"):
        photos.photo_process(big, label="Ảnh")


# --- The service ------------------------------------------------------------------------------


def _post(plan, village, *, day, keep=False, quantity=Decimal(5), now=NOW):
    return daily_report_post(
        plan=plan,
        village=village,
        reporter=None,
        day=day,
        work_item=plan.work_items.get(),
        quantity=quantity,
        note="",
        photo=photos.photo_process(io.BytesIO(make_jpeg(1000, 800)), label="Ảnh"),
        keep_location=keep,
        user=None,
        now=now,
    )


def test_the_position_is_stored_only_when_the_user_ticked_to_keep_it(cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    stripped = _post(plan, cast.village_a, day=date(2024, 3, 20))
    kept = _post(plan, cast.village_a, day=date(2024, 3, 20), keep=True)
    assert (stripped.latitude, stripped.keep_location) == (None, False)
    assert (kept.latitude, kept.longitude) == (Decimal("18.520139"), Decimal("105.425000"))
    for report in (stripped, kept):
        assert not has_gps(report.photo.read())
        assert report.photo.name.startswith(f"daily/{plan.pk}/") and "IMG" not in report.photo.name


def test_a_day_in_the_future_is_refused(cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    with pytest.raises(ValidationError, match="chưa đến"):
        _post(plan, cast.village_a, day=date(2024, 3, 22))
    assert not DailyReport.objects.exists()


def test_a_day_outside_the_campaign_waves_is_refused(cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    CampaignWave.objects.create(plan=plan, name="Đợt 1", start=date(2024, 3, 15), end=date(2024, 3, 19))
    _post(plan, cast.village_a, day=date(2024, 3, 19))
    with pytest.raises(ValidationError, match="đợt cao điểm"):
        _post(plan, cast.village_a, day=date(2024, 3, 20))
    assert DailyReport.objects.count() == 1


def test_a_day_of_another_year_is_refused_for_a_plan_without_waves(cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    with pytest.raises(ValidationError, match="ngoài thời gian báo cáo"):
        _post(plan, cast.village_a, day=date(2023, 12, 20))


# --- The pages --------------------------------------------------------------------------------


def _form(plan, village, **values):
    data = {"sender": f"v{village.pk}", "day": "2024-03-20", "work_item": plan.work_items.get().pk}
    return data | {"quantity": "3.200", "note": "Ra quân", "photo": upload()} | values


@time_machine.travel(NOW, tick=False)
def test_the_village_head_posts_a_photo_with_a_vietnamese_quantity_and_it_is_in_the_feed(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    client.force_login(cast.village_head_a)
    response = client.post(reverse("plans:daily_post", args=[plan.pk]), _form(plan, cast.village_a))
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.quantity, report.village, report.reporter, report.posted_by) == (
        Decimal(3200),
        cast.village_a,
        None,
        cast.village_head_a,
    )
    page = client.get(response["Location"]).content.decode()
    assert f"daily-post-{report.pk}" in page and "Ra quân" in page
    photo = client.get(reverse("plans:daily_photo", args=[report.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert not has_gps(b"".join(photo.streaming_content))


@time_machine.travel(NOW, tick=False)
def test_a_refused_post_keeps_the_typed_values_and_asks_to_choose_the_photo_again(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    client.force_login(cast.village_head_a)
    data = _form(plan, cast.village_a, quantity="ba trăm", photo=upload(b"not an image", "x.jpg"))
    response = client.post(reverse("plans:daily_post", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Khối lượng: nhập một số" in page and "Ảnh: tệp này không phải là ảnh" in page
    assert 'value="ba trăm"' in page and "Ra quân" in page and "chọn lại ảnh" in page
    assert not DailyReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_future_day_typed_in_the_form_is_refused_with_the_fields_name(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("plans:daily_post", args=[plan.pk]), _form(plan, cast.village_a, day="2024-03-25")
    )
    assert response.status_code == 400 and "Ngày: không thể báo cáo" in response.content.decode()
    assert not DailyReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_weekly_report_starts_prefilled_with_the_weeks_daily_quantities(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    _post(plan, cast.village_a, day=date(2024, 3, 18), quantity=Decimal("120"))
    _post(plan, cast.village_a, day=date(2024, 3, 20), quantity=Decimal("35.5"))
    _post(plan, cast.village_a, day=date(2024, 3, 17), quantity=Decimal("999"))  # the week before
    client.force_login(cast.village_head_a)
    item = plan.work_items.get()
    page = client.get(reverse("plans:report", args=[plan.pk, cast.village_a.code, 2024, 12])).content.decode()
    assert 'data-testid="prefilled"' in page
    assert f'name="item_{item.pk}" value="155,5"' in page


def test_the_week_sums_add_up_per_item_for_the_village_only(cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a, *add_villages(cast.commune_a, 1)])
    other = plan.commune.villages.exclude(pk=cast.village_a.pk).get()
    _post(plan, cast.village_a, day=date(2024, 3, 18), quantity=Decimal("1.5"))
    _post(plan, cast.village_a, day=date(2024, 3, 19), quantity=Decimal("2"))
    _post(plan, other, day=date(2024, 3, 19), quantity=Decimal("7"))
    sums = DailyReport.objects.week_sums(plan=plan, village=cast.village_a, monday=date(2024, 3, 18))
    assert sums == {plan.work_items.get().pk: Decimal("3.5")}


@time_machine.travel(NOW, tick=False)
def test_outsiders_get_404_and_read_only_roles_cannot_post(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _post(plan, cast.village_a, day=date(2024, 3, 20))
    urls = [
        reverse("plans:daily", args=[plan.pk]),
        reverse("plans:daily_post", args=[plan.pk]),
        reverse("plans:daily_photo", args=[report.pk]),
    ]
    client.force_login(cast.officer_b)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(cast.district_member_a)
    assert [client.get(url).status_code for url in urls] == [200, 403, 200]
    client.force_login(cast.province_office)
    assert [client.get(url).status_code for url in urls] == [200, 403, 200]


def _feed_world(cast, villages: int, posts: int):
    plan = make_plan(cast.commune_a, villages=[cast.village_a, *add_villages(cast.commune_a, villages)])
    from plans.models import PlanReporter

    for index in range(villages):
        PlanReporter.objects.create(plan=plan, kind="committee_member", name=f"Thành viên {index}")
    for village in plan.commune.villages.all():
        for _ in range(posts):
            _post(plan, village, day=date(2024, 3, 20), quantity=Decimal(1))
    return plan


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("villages,posts", [(1, 1), (4, 3)])
def test_the_feed_runs_the_same_queries_whatever_the_number_of_villages_and_posts(
    client, cast, villages, posts
):
    plan = _feed_world(cast, villages, posts)
    client.force_login(cast.officer_a)
    criterion = Criterion.objects.order_by("pk").first()
    url = reverse("plans:daily", args=[plan.pk]) + f"?day=2024-03-20&criterion={criterion.pk}"
    # session, user, roles (3); the plan with its commune (1); can_see_commune (1); villages with
    # allocations (1); reporters and their villages (2); the day's posts (1); the days with
    # posts (1); the criterion's photos (1); photos per criterion (1); the criterion and the
    # commune's assessment on its set, the way back (2).
    assert count_queries(lambda: client.get(url), status=200) == 14


@time_machine.travel(NOW, tick=False)
def test_the_position_is_kept_when_the_box_is_ticked_in_the_form(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    client.force_login(cast.village_head_a)
    data = _form(plan, cast.village_a, keep_location="on")
    assert client.post(reverse("plans:daily_post", args=[plan.pk]), data).status_code == 302
    report = DailyReport.objects.get()
    assert (report.keep_location, report.latitude) == (True, Decimal("18.520139"))
    assert not has_gps(report.photo.read())  # the position is in the fields, never in the file


@time_machine.travel(NOW, tick=False)
def test_the_officer_posts_for_a_committee_member_assigned_to_a_village(client, cast):
    from plans.models import PlanReporter

    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    member = PlanReporter.objects.create(plan=plan, kind="committee_member", name="Thành viên BCĐ")
    member.villages.set([cast.village_a])
    client.force_login(cast.officer_a)
    data = _form(plan, cast.village_a, sender=f"r{member.pk}", work_item="", quantity="")
    assert client.post(reverse("plans:daily_post", args=[plan.pk]), data).status_code == 302
    report = DailyReport.objects.get()
    assert (report.reporter, report.village, report.quantity) == (member, cast.village_a, None)
    page = client.get(reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-20").content.decode()
    assert f"daily-post-{report.pk}" in page and "Thành viên BCĐ" in page


# --- Correcting and deleting a post -------------------------------------------------------------


def _posted(plan, village, *, user, keep=False, day=date(2024, 3, 20), quantity=Decimal(5)):
    report = _post(plan, village, day=day, keep=keep, quantity=quantity)
    DailyReport.objects.filter(pk=report.pk).update(posted_by=user)
    report.refresh_from_db()
    return report


def _edit_form(report, **values):
    data = {"day": f"{report.day:%Y-%m-%d}", "work_item": report.work_item_id or "", "note": report.note}
    return data | {"quantity": "12,5"} | values


def _state(report) -> tuple:
    report = DailyReport.objects.get(pk=report.pk)
    return (
        report.day,
        report.work_item_id,
        report.quantity,
        report.note,
        report.keep_location,
        report.latitude,
        report.longitude,
        report.photo.name,
        report.thumbnail.name,
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["village_head_a", "officer_a"])
def test_the_poster_and_the_commune_officer_correct_a_post(client, cast, who):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=cast.village_head_a)
    client.force_login(getattr(cast, who))
    url = reverse("plans:daily_edit", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="quantity" value="5"' in page.content.decode()
    response = client.post(url, _edit_form(report, day="2024-03-19", note="Sửa: 12,5 m"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-19"
    report.refresh_from_db()
    assert (report.day, report.quantity, report.note) == (date(2024, 3, 19), Decimal("12.5"), "Sửa: 12,5 m")
    assert (report.posted_by, report.village, report.reporter) == (cast.village_head_a, cast.village_a, None)
    feed = client.get(response["Location"]).content.decode()
    assert "Đã lưu báo cáo hằng ngày đã sửa." in feed and "12,5" in feed


@time_machine.travel(NOW, tick=False)
def test_others_cannot_correct_or_delete_a_post(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a, *add_villages(cast.commune_a, 1)])
    other_village = plan.commune.villages.exclude(pk=cast.village_a.pk).get()
    other_head = user_with_role("head_a2", Role.Kind.VILLAGE_HEAD, village=other_village)
    # The officer posted for village A1: its head did not post it and does not manage the plan.
    report = _posted(plan, cast.village_a, user=cast.officer_a)
    before = _state(report)
    urls = [reverse("plans:daily_edit", args=[report.pk]), reverse("plans:daily_delete", args=[report.pk])]
    for user, status in [
        (cast.village_head_a, 403),
        (other_head, 404),
        (cast.district_member_a, 403),
        (cast.province_office, 403),
        (cast.officer_b, 404),
    ]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [status, status], user
        assert client.post(urls[0], _edit_form(report, note="x")).status_code == status
        assert client.post(urls[1]).status_code == status
    assert _state(report) == before
    # The feed shows the links only on the posts the user may change.
    client.force_login(cast.village_head_a)
    feed = client.get(reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-20").content.decode()
    assert f"daily-post-{report.pk}" in feed and f"daily-edit-{report.pk}" not in feed
    own = _posted(plan, cast.village_a, user=cast.village_head_a)
    feed = client.get(reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-20").content.decode()
    assert f"daily-edit-{own.pk}" in feed and f"daily-delete-{own.pk}" in feed
    assert f"daily-edit-{report.pk}" not in feed


@time_machine.travel(NOW, tick=False)
def test_unticking_keep_location_deletes_the_position_and_ticking_does_not_bring_it_back(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=cast.village_head_a, keep=True)
    assert report.latitude is not None
    client.force_login(cast.village_head_a)
    url = reverse("plans:daily_edit", args=[report.pk])
    assert "lấy lại được vị trí đã xóa" in client.get(url).content.decode()
    assert client.post(url, _edit_form(report)).status_code == 302  # the box left unticked
    report.refresh_from_db()
    assert (report.keep_location, report.latitude, report.longitude) == (False, None, None)
    assert client.post(url, _edit_form(report, keep_location="on")).status_code == 302
    report.refresh_from_db()
    assert (report.keep_location, report.latitude, report.longitude) == (False, None, None)


@time_machine.travel(NOW, tick=False)
def test_a_future_day_in_the_edit_form_is_refused_naming_the_field_and_nothing_changes(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=cast.village_head_a, keep=True)
    before = _state(report)
    client.force_login(cast.village_head_a)
    data = _edit_form(report, day="2024-03-25", quantity="99", note="Ghi chú mới", keep_location="on")
    response = client.post(reverse("plans:daily_edit", args=[report.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ngày: không thể báo cáo cho ngày chưa đến." in page
    assert 'value="2024-03-25"' in page and 'value="99"' in page and "Ghi chú mới" in page
    assert _state(report) == before


@time_machine.travel(NOW, tick=False)
def test_a_day_outside_the_campaign_and_a_bad_quantity_are_refused_and_nothing_changes(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    CampaignWave.objects.create(plan=plan, name="Đợt 1", start=date(2024, 3, 18), end=date(2024, 3, 21))
    report = _posted(plan, cast.village_a, user=cast.village_head_a)
    before = _state(report)
    client.force_login(cast.officer_a)
    url = reverse("plans:daily_edit", args=[report.pk])
    response = client.post(url, _edit_form(report, day="2024-03-15"))
    assert response.status_code == 400 and "không nằm trong đợt cao điểm" in response.content.decode()
    response = client.post(url, _edit_form(report, quantity="mười"))
    assert response.status_code == 400 and "Khối lượng: nhập một số" in response.content.decode()
    response = client.post(url, _edit_form(report, photo=upload(b"not an image", "x.jpg")))
    page = response.content.decode()
    assert response.status_code == 400 and "Ảnh mới: tệp này không phải là ảnh" in page
    assert "chọn lại ảnh mới" in page
    assert _state(report) == before


@time_machine.travel(NOW, tick=False)
def test_a_replaced_photo_goes_through_the_pipeline_and_the_old_files_are_deleted(
    client, cast, django_capture_on_commit_callbacks
):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=cast.village_head_a)
    storage, old = report.photo.storage, [report.photo.name, report.thumbnail.name]
    client.force_login(cast.village_head_a)
    data = _edit_form(report, photo=upload(make_jpeg(2400, 1800)), keep_location="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:daily_edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.photo.name not in old and max(report.photo_width, report.photo_height) == 1600
    assert (report.keep_location, report.latitude) == (True, Decimal("18.520139"))  # the new photo's
    assert not has_gps(report.photo.read())
    assert not any(storage.exists(name) for name in old)
    assert storage.exists(report.thumbnail.name)


@time_machine.travel(NOW, tick=False)
def test_an_illustrative_post_stays_illustrative_when_corrected(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=None)
    DailyReport.objects.filter(pk=report.pk).update(is_illustrative=True)
    client.force_login(cast.officer_a)
    assert client.post(reverse("plans:daily_edit", args=[report.pk]), _edit_form(report)).status_code == 302
    report.refresh_from_db()
    assert (report.is_illustrative, report.quantity, report.posted_by) == (True, Decimal("12.5"), None)


@time_machine.travel(NOW, tick=False)
def test_deleting_a_post_asks_first_then_removes_the_row_and_its_files(
    client, cast, django_capture_on_commit_callbacks
):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = _posted(plan, cast.village_a, user=cast.village_head_a)
    storage, files = report.photo.storage, [report.photo.name, report.thumbnail.name]
    client.force_login(cast.village_head_a)
    url = reverse("plans:daily_delete", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="daily-delete-confirm"' in page.content.decode()
    assert DailyReport.objects.filter(pk=report.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-20"
    assert not DailyReport.objects.filter(pk=report.pk).exists()
    assert not any(storage.exists(name) for name in files)
    assert "Đã xóa báo cáo hằng ngày." in client.get(response["Location"]).content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_corrected_quantity_shows_in_the_next_weekly_prefill(client, cast):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    _post(plan, cast.village_a, day=date(2024, 3, 18), quantity=Decimal("120"))
    report = _posted(plan, cast.village_a, user=cast.village_head_a, quantity=Decimal("35.5"))
    client.force_login(cast.village_head_a)
    item = plan.work_items.get()
    week = reverse("plans:report", args=[plan.pk, cast.village_a.code, 2024, 12])
    assert f'name="item_{item.pk}" value="155,5"' in client.get(week).content.decode()
    edit = client.post(reverse("plans:daily_edit", args=[report.pk]), _edit_form(report, quantity="40"))
    assert edit.status_code == 302
    assert DailyReport.objects.week_sums(plan=plan, village=cast.village_a, monday=date(2024, 3, 18)) == {
        item.pk: Decimal(160)
    }
    assert f'name="item_{item.pk}" value="160"' in client.get(week).content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("villages,posts", [(1, 1), (4, 3)])
def test_the_edit_page_runs_the_same_queries_whatever_the_number_of_villages_and_posts(
    client, cast, villages, posts
):
    plan = _feed_world(cast, villages, posts)
    for index in range(villages):
        WorkItem.objects.create(
            plan=plan, name=f"Hạng mục {index}", unit="m", quantity=Decimal(10), order=index + 1
        )
    report = DailyReport.objects.filter(plan=plan, village=cast.village_a).first()
    client.force_login(cast.officer_a)
    url = reverse("plans:daily_edit", args=[report.pk])
    # session, user, roles (3); the report with its plan (1), its village seen (1); the plan
    # with its commune (1); the village (1); the work items (1); the village's allocations (1).
    assert count_queries(lambda: client.get(url), status=200) == 9
    # The confirmation: the same, the report's work item instead of the items and allocations.
    delete = reverse("plans:daily_delete", args=[report.pk])
    assert count_queries(lambda: client.get(delete), status=200) == 8


@time_machine.travel(NOW, tick=False)
def test_the_officer_corrects_a_committee_members_post_which_stays_the_members(client, cast):
    from plans.models import PlanReporter

    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    member = PlanReporter.objects.create(plan=plan, kind="committee_member", name="Thành viên BCĐ")
    client.force_login(cast.officer_a)
    data = _form(plan, cast.village_a, sender=f"r{member.pk}", work_item="", quantity="")
    assert client.post(reverse("plans:daily_post", args=[plan.pk]), data).status_code == 302
    report = DailyReport.objects.get()
    url = reverse("plans:daily_edit", args=[report.pk])
    assert "Thành viên BCĐ" in client.get(url).content.decode()
    # A sender typed into the form is ignored: the post stays the member's.
    item = plan.work_items.get()
    edit = _edit_form(report, sender=f"v{cast.village_a.pk}", work_item=item.pk, quantity="7")
    assert client.post(url, edit).status_code == 302
    report.refresh_from_db()
    assert (report.reporter, report.village, report.work_item, report.quantity) == (member, None, item, 7)
