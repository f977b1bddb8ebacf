"""The periodic report pages: who sees and does what, bad input, stale saves, the committee's
view and the due dates page, each at a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import PeriodicReport, PeriodicReportDue
from reports.periods import period_of

from ..conftest import count_queries
from ..dashboard_helpers import populate
from ..factories import CommuneFactory
from .periodic_helpers import saved


def current():
    return period_of("quarter", timezone.localdate())


def report_url(commune, period=None, level="commune"):
    period = period or current()
    return reverse(
        "reports:periodic_report", args=[level, commune.key, period.kind, period.year, period.number]
    )


def review_url(commune, period=None):
    period = period or current()
    return reverse(
        "reports:periodic_review", args=["commune", commune.key, period.kind, period.year, period.number]
    )


def post_sections(client, commune, action="save", version=0, **sections):
    data = {"difficulties": "Thiếu vốn đối ứng", "next_tasks": "Hoàn thành tiêu chí 17", "other_results": ""}
    return client.post(report_url(commune), data | sections | {"action": action, "version": version})


def test_the_officer_lists_the_periods_current_quarter_first(client, cast):
    client.force_login(cast.officer_a)
    response = client.get(reverse("reports:periodic_list", args=["commune", cast.commune_a.key]))
    assert response.status_code == 200
    page = response.content.decode()
    slugs = [f'data-testid="period-{current().slug}"', 'data-testid="period-half-']
    assert page.index(slugs[0]) < page.index(slugs[1])
    assert "chưa có hạn nộp" in page


def test_the_officer_writes_saves_and_submits_then_the_page_is_read_only(client, cast):
    client.force_login(cast.officer_a)
    page = client.get(report_url(cast.commune_a)).content.decode()
    assert 'data-testid="periodic-form"' in page and "chưa có hạn nộp" in page
    assert post_sections(client, cast.commune_a).status_code == 302
    report = PeriodicReport.objects.get()
    assert report.status == "draft" and report.difficulties == "Thiếu vốn đối ứng"
    response = post_sections(client, cast.commune_a, action="submit", version=report.version)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == cast.officer_a
    page = client.get(report_url(cast.commune_a)).content.decode()
    assert 'data-testid="periodic-form"' not in page and "Thiếu vốn đối ứng" in page
    assert 'data-testid="periodic-review"' not in page
    # A save posted after the submission is refused.
    assert post_sections(client, cast.commune_a, version=report.version).status_code == 403


def test_another_communes_officer_gets_404(client, cast):
    saved(cast.commune_a, cast.officer_a, period=current())
    client.force_login(cast.officer_b)
    assert client.get(report_url(cast.commune_a)).status_code == 404
    assert post_sections(client, cast.commune_a, version=1).status_code == 404
    assert (
        client.get(reverse("reports:periodic_list", args=["commune", cast.commune_a.key])).status_code == 404
    )


def test_a_village_head_cannot_submit(client, cast):
    client.force_login(cast.village_head_a)
    assert post_sections(client, cast.commune_a, action="submit").status_code == 404
    assert not PeriodicReport.objects.exists()


def test_the_reviewer_returns_with_a_reason_and_accepts_the_resubmission(client, cast):
    report = saved(cast.commune_a, cast.officer_a, period=current(), submit=True)
    client.force_login(cast.district_member_a)
    page = client.get(report_url(cast.commune_a)).content.decode()
    assert 'data-testid="periodic-review"' in page
    # The reviewer does not write the commune's report.
    assert post_sections(client, cast.commune_a, version=report.version).status_code == 403
    response = client.post(review_url(cast.commune_a), {"action": "return", "reason": ""}, follow=True)
    assert "Lý do trả lại: bắt buộc nhập." in response.content.decode()
    assert PeriodicReport.objects.get().status == "submitted"
    client.post(review_url(cast.commune_a), {"action": "return", "reason": "Bổ sung số liệu thôn"})
    assert PeriodicReport.objects.get().status == "returned"
    client.force_login(cast.officer_a)
    page = client.get(report_url(cast.commune_a)).content.decode()
    assert "Bổ sung số liệu thôn" in page and 'data-testid="periodic-form"' in page
    post_sections(client, cast.commune_a, action="submit", version=PeriodicReport.objects.get().version)
    client.force_login(cast.district_member_a)
    client.post(review_url(cast.commune_a), {"action": "accept"})
    assert PeriodicReport.objects.get().status == "accepted"


def test_the_officer_cannot_accept_their_own_report(client, cast):
    saved(cast.commune_a, cast.officer_a, period=current(), submit=True)
    client.force_login(cast.officer_a)
    assert client.post(review_url(cast.commune_a), {"action": "accept"}).status_code == 403
    assert PeriodicReport.objects.get().status == "submitted"


def test_submitting_without_the_required_sections_names_them_and_stores_nothing(client, cast):
    client.force_login(cast.officer_a)
    response = post_sections(client, cast.commune_a, action="submit", difficulties="", next_tasks=" ")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Khó khăn, vướng mắc: cần nhập trước khi nộp." in page
    assert "Nhiệm vụ, giải pháp kỳ tới: cần nhập trước khi nộp." in page
    assert not PeriodicReport.objects.exists()


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999"])
def test_a_bad_version_is_a_form_error_not_a_500(client, cast, version):
    client.force_login(cast.officer_a)
    assert post_sections(client, cast.commune_a, version=version).status_code == 200
    assert not PeriodicReport.objects.exists()


def test_a_section_too_long_is_refused_with_its_name(client, cast):
    client.force_login(cast.officer_a)
    response = post_sections(client, cast.commune_a, other_results="x" * 20_001)
    assert response.status_code == 200
    assert not PeriodicReport.objects.exists()


@pytest.mark.parametrize(
    "args", [("quarter", 2026, 5), ("3years", 2025, 1), ("weekly", 2026, 1), ("year", 99999, 1)]
)
def test_a_period_that_does_not_exist_is_404(client, cast, args):
    client.force_login(cast.officer_a)
    url = reverse("reports:periodic_report", args=["commune", cast.commune_a.key, *args])
    assert client.get(url).status_code == 404


def test_a_save_from_an_older_copy_keeps_the_typed_text_and_shows_the_stored_one(client, cast):
    client.force_login(cast.officer_a)
    post_sections(client, cast.commune_a, difficulties="Bản đầu")
    opened_at = PeriodicReport.objects.get().version
    post_sections(client, cast.commune_a, version=opened_at, difficulties="Bản của đồng nghiệp")
    response = post_sections(client, cast.commune_a, version=opened_at, difficulties="Bản tôi đang gõ")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bản tôi đang gõ" in page and "Bản của đồng nghiệp" in page
    assert 'data-testid="periodic-conflict"' in page
    assert PeriodicReport.objects.get().difficulties == "Bản của đồng nghiệp"


def test_the_committee_sees_who_has_not_submitted_on_time_or_late(client, cast):
    period = current()
    PeriodicReportDue.objects.create(
        province=cast.province,
        kind=period.kind,
        year=period.year,
        number=period.number,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    saved(cast.commune_a, cast.officer_a, period=period, submit=True)
    client.force_login(cast.province_office)
    response = client.get(reverse("reports:periodic_submissions", args=["province", cast.province.key]))
    assert response.status_code == 200
    page = response.content.decode()
    missing = page[page.index('data-testid="submissions-missing"') :]
    assert "Xã Liên Minh" in missing.split("</ul>")[0] and "Xã Sơn Bằng" not in missing.split("</ul>")[0]
    assert "Đúng hạn" in page
    client.force_login(cast.district_member_a)
    district = client.get(reverse("reports:periodic_submissions", args=["district", cast.district_a.key]))
    assert district.status_code == 200 and "Xã Liên Minh" not in district.content.decode()


def test_officers_do_not_see_the_committee_view(client, cast):
    client.force_login(cast.officer_a)
    assert (
        client.get(reverse("reports:periodic_submissions", args=["province", cast.province.key])).status_code
        == 404
    )
    client.force_login(cast.district_member_a)
    assert (
        client.get(
            reverse("reports:periodic_submissions", args=["district", cast.district_b.key])
        ).status_code
        == 404
    )


def test_the_province_office_sets_a_due_date_and_bad_input_names_the_field(client, cast):
    url = reverse("reports:periodic_dues", args=[cast.province.key])
    client.force_login(cast.officer_a)
    assert client.get(url).status_code == 404
    client.force_login(cast.province_office)
    bad = client.post(
        url, {"kind": "quarter", "year": 2026, "number": 4, "due_date": "20/13/2026", "action": "set"}
    )
    assert bad.status_code == 200 and "Hạn nộp" in bad.content.decode()
    wrong = client.post(
        url, {"kind": "half", "year": 2026, "number": 3, "due_date": "2026-12-20", "action": "set"}
    )
    assert "Số kỳ: không có kỳ này trong năm." in wrong.content.decode()
    assert not PeriodicReportDue.objects.exists()
    client.post(
        url, {"kind": "quarter", "year": 2026, "number": 4, "due_date": "2026-12-20", "action": "set"}
    )
    assert PeriodicReportDue.objects.get().due_date == datetime.date(2026, 12, 20)
    client.post(url, {"kind": "quarter", "year": 2026, "number": 4, "due_date": "", "action": "clear"})
    assert not PeriodicReportDue.objects.exists()


def test_the_landing_and_the_province_dashboard_link_to_the_periodic_reports(client, cast):
    client.force_login(cast.officer_a)
    page = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key])).content.decode()
    assert 'data-testid="next-periodic"' in page
    client.force_login(cast.province_office)
    page = client.get(reverse("reports:province", args=[cast.province.key])).content.decode()
    assert 'data-testid="periodic-submissions-link"' in page and 'data-testid="periodic-dues-link"' in page


# Query budgets -------------------------------------------------------------------------------


@pytest.fixture(params=[0, 3])
def sized(request, cast, catalogue):
    """The cast with `extra` more communes (each assessed, with a plan, villages and reports)
    and as many reports of the current quarter."""
    year = timezone.localdate().year
    populate(catalogue, cast.commune_a, year, villages=1 + request.param)
    for _ in range(request.param):
        commune = CommuneFactory(district=cast.district_a)
        populate(catalogue, commune, year, villages=2)
        saved(commune, cast.officer_a, period=current(), submit=True)
    saved(cast.commune_a, cast.officer_a, period=current())
    return cast


# Session and user (2), roles (1), the commune (1), the stored reports (1), the dues (1).
LIST_QUERIES = 6
# Session, user, roles, the commune, the report, the content (17 with the dues, the snapshot,
# the plan's numeric targets and the funds), the transitions, the report's documents.
REPORT_QUERIES = 24
# Session, user, roles, the province, the districts, the communes, the due, the reports, the due.
SUBMISSIONS_QUERIES = 9
# Session, user, roles, the dues with who set them.
DUES_QUERIES = 4


def test_the_pages_cost_the_same_queries_at_two_sizes(client, sized):
    cast = sized
    client.force_login(cast.officer_a)
    assert (
        count_queries(
            lambda: client.get(reverse("reports:periodic_list", args=["commune", cast.commune_a.key])),
            status=200,
        )
        == LIST_QUERIES
    )
    assert count_queries(lambda: client.get(report_url(cast.commune_a)), status=200) == REPORT_QUERIES
    client.force_login(cast.province_office)
    assert (
        count_queries(
            lambda: client.get(reverse("reports:periodic_submissions", args=["province", cast.province.key])),
            status=200,
        )
        == SUBMISSIONS_QUERIES
    )
    assert (
        count_queries(
            lambda: client.get(reverse("reports:periodic_dues", args=[cast.province.key])), status=200
        )
        == DUES_QUERIES
    )
