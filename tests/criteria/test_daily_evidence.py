"""Daily photos as evidence on a commune assessment's page: each criterion shows how many
photos of the commune's plan of the year serve it (the feed's count), a few thumbnails and the
feed filtered by it, which leads back; only the posts the user may see in the feed count, and
the page's queries do not grow with the criteria or the photos."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from criteria.models import Criterion
from plans import photos
from plans.deadlines import VN_TZ
from plans.models import Allocation, WorkItem
from plans.selectors import EVIDENCE_THUMBS, assessment_daily_photos
from plans.services import daily_report_post

from ..conftest import count_queries
from ..entry_helpers import new_assessment
from ..plans_helpers import add_villages, make_jpeg, make_plan

NOW = datetime(2024, 3, 21, 10, 0, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def march_2024():
    with time_machine.travel(NOW, tick=False):
        yield


def criterion(catalogue, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set=catalogue, code=code)


def serve(plan, crit: Criterion, name: str = "Cứng hóa đường thôn") -> WorkItem:
    """A work item of the plan serving `crit`, given to every village of its commune."""
    item = WorkItem.objects.create(plan=plan, name=name, unit="km", quantity=Decimal(1), criterion=crit)
    Allocation.objects.bulk_create(
        Allocation(work_item=item, village=village, quantity=Decimal(1))
        for village in plan.commune.villages.all()
    )
    return item


def post(plan, village, item, day=date(2024, 3, 20)):
    return daily_report_post(
        plan=plan,
        village=village,
        reporter=None,
        day=day,
        work_item=item,
        quantity=None,
        note="",
        photo=photos.photo_process(io.BytesIO(make_jpeg(200, 150)), label="Ảnh"),
        keep_location=False,
        user=None,
        now=datetime.combine(day, datetime.min.time(), tzinfo=VN_TZ).replace(hour=17)
        if day < NOW.date()
        else NOW,
    )


def page(client, assessment) -> str:
    response = client.get(reverse("criteria:entry", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_criterion_shows_its_daily_photos_linking_to_the_filtered_feed(client, cast, catalogue):
    roads = criterion(catalogue, "2")
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    item = serve(plan, roads)
    reports = [post(plan, cast.village_a, item, date(2024, 3, day)) for day in (15, 16, 18, 19, 20)]
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=2024)
    client.force_login(cast.officer_a)
    html = page(client, assessment)
    feed = reverse("plans:daily", args=[plan.pk]) + f"?criterion={roads.pk}#criterion-posts"
    assert f'href="{feed}" data-testid="daily-photos-link-2">5 ảnh báo cáo hằng ngày</a>' in html
    # The latest three, lazy thumbnails named by their work item and day.
    for report in reports[-EVIDENCE_THUMBS:]:
        thumb = reverse("plans:daily_photo", args=[report.pk]) + "?thumb=1"
        assert f'src="{thumb}" width="96" height="72" loading="lazy"' in html
        assert f'alt="Ảnh Cứng hóa đường thôn, ngày {report.day:%d/%m/%Y}"' in html
    for report in reports[:-EVIDENCE_THUMBS]:
        assert reverse("plans:daily_photo", args=[report.pk]) + "?thumb=1" not in html
    assert 'data-testid="daily-photos-17"' not in html  # no photo serves criterion 17
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        assert "5 daily report photos" in page(client, assessment)


def test_the_count_is_the_feeds(client, cast, catalogue):
    roads = criterion(catalogue, "2")
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    item = serve(plan, roads)
    for _ in range(2):
        post(plan, cast.village_a, item)
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=2024)
    client.force_login(cast.officer_a)
    assert assessment_daily_photos(cast.officer_a, assessment)[roads.pk].count == 2
    feed = client.get(reverse("plans:daily", args=[plan.pk]) + "?day=2024-03-20").content.decode()
    assert f"{roads.name}</a>: 2 ảnh" in feed


def test_photos_of_another_commune_or_another_year_do_not_count(client, cast, catalogue):
    roads = criterion(catalogue, "2")
    own = make_plan(cast.commune_a, villages=[cast.village_a])
    post(own, cast.village_a, serve(own, roads))
    last_year = make_plan(cast.commune_a, year=2023, villages=[cast.village_a])
    post(last_year, cast.village_a, serve(last_year, roads), date(2023, 6, 1))
    village_b = add_villages(cast.commune_b, 1)[0]
    other = make_plan(cast.commune_b, villages=[village_b])
    post(other, village_b, serve(other, roads))
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=2024)
    assert {pk: row.count for pk, row in assessment_daily_photos(cast.officer_a, assessment).items()} == {
        roads.pk: 1
    }
    # The 2023 assessment counts the 2023 plan's photo only; a commune without a plan, none.
    earlier = new_assessment(catalogue, commune=cast.commune_a, year=2023)
    assert assessment_daily_photos(cast.officer_a, earlier)[roads.pk].count == 1
    no_plan = new_assessment(catalogue, commune=cast.commune_a, year=2025)
    assert assessment_daily_photos(cast.officer_a, no_plan) == {}
    client.force_login(cast.officer_a)
    assert "ảnh báo cáo hằng ngày" not in page(client, no_plan)


def test_each_user_counts_only_the_posts_they_may_see_in_the_feed(client, cast, catalogue):
    roads = criterion(catalogue, "2")
    village_a2 = add_villages(cast.commune_a, 1)[0]
    plan = make_plan(cast.commune_a, villages=[cast.village_a, village_a2])
    item = serve(plan, roads)
    post(plan, cast.village_a, item)
    for _ in range(2):
        post(plan, village_a2, item)
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=2024)

    def seen(user):
        return {
            pk: (row.count, len(row.latest)) for pk, row in assessment_daily_photos(user, assessment).items()
        }

    for user in (cast.officer_a, cast.district_member_a, cast.province_office):
        assert seen(user) == {roads.pk: (3, 3)}
    # The village head sees his own village's posts in the feed, and only those here.
    assert seen(cast.village_head_a) == {roads.pk: (1, 1)}
    # Another commune's officer sees neither the plan nor the assessment.
    assert seen(cast.officer_b) == {}
    client.force_login(cast.officer_b)
    assert client.get(reverse("criteria:entry", args=[assessment.pk])).status_code == 404
    # The district's member reviews the page and sees the photos.
    client.force_login(cast.district_member_a)
    assert "3 ảnh báo cáo hằng ngày" in page(client, assessment)


def test_the_filtered_feed_names_its_criterion_and_leads_back_to_the_assessment(client, cast, catalogue):
    roads = criterion(catalogue, "2")
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    report = post(plan, cast.village_a, serve(plan, roads))
    url = reverse("plans:daily", args=[plan.pk]) + f"?criterion={roads.pk}"
    client.force_login(cast.officer_a)
    html = client.get(url).content.decode()
    assert f"Ảnh minh chứng của tiêu chí 2 — {roads.name}" in html
    assert f"daily-post-{report.pk}" in html
    assert 'data-testid="assessment-back"' not in html  # no assessment of 2024 yet
    assessment = new_assessment(catalogue, commune=cast.commune_a, year=2024)
    html = client.get(url).content.decode()
    back = reverse("criteria:entry", args=[assessment.pk]) + "#criterion-2"
    assert f'href="{back}" data-testid="assessment-back">← Về phiếu đánh giá năm 2024 của xã</a>' in html
    # An unknown criterion is said so, never a 500.
    response = client.get(reverse("plans:daily", args=[plan.pk]) + "?criterion=999999")
    assert response.status_code == 200 and "Tiêu chí không có trong danh mục." in response.content.decode()


def _photo_world(cast, catalogue, criteria: int, per_criterion: int):
    plan = make_plan(cast.commune_a, villages=[cast.village_a])
    villages = [cast.village_a, *add_villages(cast.commune_a, 2)]
    for code in ["2", "17", "8", "5"][:criteria]:
        item = serve(plan, criterion(catalogue, code), name=f"Hạng mục {code}")
        for index in range(per_criterion):
            post(plan, villages[index % len(villages)], item)
    return new_assessment(catalogue, commune=cast.commune_a, year=2024)


@pytest.mark.parametrize("user", ["officer_a", "village_head_a"])
def test_the_page_costs_the_same_queries_with_more_criteria_and_photos(client, cast, catalogue, user):
    client.force_login(getattr(cast, user))
    small = _photo_world(cast, catalogue, 1, 1)
    if user == "village_head_a":
        # A village head does not see the commune's assessment: the selector alone (after a
        # first call, which reads his roles once).
        assessment_daily_photos(cast.village_head_a, small)
        counted = count_queries(lambda: assessment_daily_photos(cast.village_head_a, small))
        small.delete()
        cast.commune_a.plans.all().delete()
        big = _photo_world(cast, catalogue, 4, 5)
        assert count_queries(lambda: assessment_daily_photos(cast.village_head_a, big)) == counted
        return
    url = reverse("criteria:entry", args=[small.pk])
    few = count_queries(lambda: client.get(url), status=200)
    small.delete()
    cast.commune_a.plans.all().delete()
    big = _photo_world(cast, catalogue, 4, 5)
    html = client.get(reverse("criteria:entry", args=[big.pk])).content.decode()
    assert html.count("ảnh báo cáo hằng ngày</a>") == 4
    assert count_queries(lambda: client.get(reverse("criteria:entry", args=[big.pk])), status=200) == few
