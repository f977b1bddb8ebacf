"""Malformed input at every form and upload, generated with hypothesis: each ends in a clear
error (never a 500) and writes nothing (every table's row count is the same before and after).

Each generated request carries at least one value that cannot be valid ("x…" where a number or
a choice belongs, random bytes where a file belongs), plus arbitrary text in the other fields.
The Excel import has its own generated mutations of a real export in tests/test_import.py; here
it gets random bytes.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.files import sniff
from criteria.models import Indicator

from ..entry_helpers import indicator, new_assessment, post_data
from ..plans_helpers import make_plan
from ..reliability_helpers import form_with, row_counts

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
# Any text, including control characters, NUL, right-to-left marks and very long strings.
junk = st.text(max_size=300)
bad = junk.map(lambda text: "x" + text)  # never a number, a date or a choice


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def refused(response, *, statuses=(200, 400)) -> str:
    assert response.status_code in statuses, response.status_code
    return response.content.decode()


def test_the_entry_form_refuses_malformed_values(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    codes = list(Indicator.objects.filter(criterion__criteria_set=catalogue).values_list("code", flat=True))
    client.force_login(cast.officer_a)
    path = reverse("criteria:entry", args=[assessment.pk])

    @FUZZ
    @given(
        target=st.sampled_from(codes),
        value=bad,
        others=st.dictionaries(st.sampled_from(codes), junk, max_size=5),
    )
    def check(target, value, others):
        data = post_data(assessment, others | {target: value})
        before = row_counts()
        page = refused(client.post(path, data))
        assert "is-invalid" in page or "invalid-feedback" in page or "alert-danger" in page
        assert row_counts() == before

    check()


def test_the_entry_form_refuses_a_malformed_version_or_reason(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    path = reverse("criteria:entry", args=[assessment.pk])

    @FUZZ
    @given(version=bad, reason=st.one_of(junk, st.text(min_size=301, max_size=400)))
    def check(version, reason):
        before = row_counts()
        refused(
            client.post(path, post_data(assessment, {"3.1": "50"}) | {"version": version, "reason": reason})
        )
        assert row_counts() == before

    check()


def test_evidence_uploads_of_random_content_are_refused(client, cast, catalogue):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    client.force_login(cast.officer_a)
    path = reverse("criteria:evidence_upload", args=[assessment.pk, road.pk])

    @FUZZ
    @given(
        # Content with none of the allowed types' signatures (the legacy Office and WebP ones
        # included: an 8-byte OLE header is a .doc to the checker, rightly accepted).
        content=st.binary(max_size=4096).filter(
            lambda b: sniff(b[:16]) is None and not b.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"PK"))
        ),
        name=st.text(max_size=120),
        item=junk,
    )
    def check(content, name, item):
        before = row_counts()
        upload = SimpleUploadedFile((name or "f") + ".pdf", content, content_type="application/pdf")
        response = client.post(path, {f"file_{road.pk}": upload, f"item_{road.pk}": item})
        assert response.status_code == 302
        assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))
        assert row_counts() == before

    check()


def test_the_weekly_report_form_refuses_malformed_quantities_and_weeks(client, cast, catalogue):
    year = timezone.localdate().isocalendar().year
    plan = make_plan(cast.commune_a, year=year, villages=[cast.village_a])
    item = plan.work_items.get()
    client.force_login(cast.officer_a)
    path = reverse("plans:report", args=[plan.pk, cast.village_a.code, year, 1])

    @FUZZ
    @given(
        quantity=st.one_of(bad, st.sampled_from(["-1", "-0,5", "1e999", "NaN", "∞"])),
        notes=junk,
        plan_text=junk,
    )
    def check(quantity, notes, plan_text):
        before = row_counts()
        page = refused(
            client.post(path, {f"item_{item.pk}": quantity, "notes": notes, "next_week_plan": plan_text})
        )
        assert "is-invalid" in page or "invalid-feedback" in page
        assert row_counts() == before

    @FUZZ
    @given(week_year=st.integers(0, 99999), week=st.integers(0, 999))
    def weeks(week_year, week):
        before = row_counts()
        url = reverse("plans:report", args=[plan.pk, cast.village_a.code, week_year, week])
        response = client.post(url, {f"item_{item.pk}": "1", "notes": ""})
        assert response.status_code in (302, 400, 404), response.status_code
        if response.status_code != 302:
            assert row_counts() == before

    check()
    weeks()


def test_the_allocation_grid_refuses_malformed_cells(client, cast, catalogue):
    plan = make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    item = plan.work_items.get()
    client.force_login(cast.officer_a)
    path = reverse("plans:allocations", args=[plan.pk])

    @FUZZ
    @given(cell=st.one_of(bad, st.sampled_from(["-5", "1.2.3,4", "1e400", "  ,  "])))
    def check(cell):
        before = row_counts()
        page = refused(client.post(path, {f"c_{item.pk}_{cast.village_a.pk}": cell}))
        assert "is-invalid" in page or "invalid-feedback" in page or "alert-danger" in page
        assert row_counts() == before

    check()


def test_the_plan_forms_refuse_malformed_fields(client, cast, catalogue):
    plan = make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    client.force_login(cast.officer_a)
    create = reverse("plans:create", args=[cast.commune_a.key])
    edit = reverse("plans:edit", args=[plan.pk])
    valid = form_with(client.get(edit).content.decode(), "plan-name")

    @FUZZ
    @given(year=bad, name=junk, date=junk, title=junk)
    def creating(year, name, date, title):
        before = row_counts()
        data = {"name": name, "year": year, "document_date": date, "target_title": title}
        refused(client.post(create, data))
        assert row_counts() == before

    @FUZZ
    @given(
        year=bad,
        others=st.dictionaries(st.sampled_from(sorted(valid)), junk, max_size=6),
    )
    def editing(year, others):
        before = row_counts()
        refused(client.post(edit, valid | others | {"plan-year": year}))
        assert row_counts() == before

    creating()
    editing()


def test_the_excel_import_refuses_random_bytes(client, cast, catalogue):
    client.force_login(cast.officer_a)
    path = reverse("reports:import", args=[cast.commune_a.key])

    @FUZZ
    @given(
        content=st.one_of(st.binary(max_size=4096), st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b))
    )
    def check(content):
        before = row_counts()
        page = refused(client.post(path, {"file": SimpleUploadedFile("bieu.xlsx", content)}), statuses=(400,))
        assert "alert" in page or "invalid-feedback" in page
        assert row_counts() == before

    check()


def test_the_unit_import_command_refuses_malformed_files_with_a_clear_error(db, tmp_path):
    header = "province_code,province_name,district_code,district_name,commune_code,commune_name,village_code,village_name"

    @FUZZ
    @given(
        text=st.one_of(
            junk,
            st.lists(junk.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5).map(
                lambda rows: header + "\n" + "\n".join("," + row for row in rows)
            ),
        ),
        suffix=st.sampled_from([".csv", ".xlsx"]),
    )
    def check(text, suffix):
        path = tmp_path / f"units{suffix}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        before = row_counts()
        with pytest.raises(CommandError) as error:
            call_command("import_units", str(path), stdout=io.StringIO())
        assert str(error.value).strip()
        assert row_counts() == before

    check()


# URL paths and GET parameters: hostile codes in the path and hostile values in the query
# string of every page a user opens, as the one who sees everything (so no 404 hides a bug).
HOSTILE = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "-1", "0", "99999999999", "-99999999999", "1e999", "NaN", "x" * 3000]),
    st.sampled_from(["\u202e2024", "２０２４", "𝟚𝟘𝟚𝟜", "\ufeff", "ß" * 300, "../..", "%00", "null"]),
    junk,
)
QUERY_NAMES = [
    "set",
    "unit",
    "year",
    "week",
    "qualified",
    "commune",
    "village",
    "sort",
    "band",
    "status",
    "title",
]


def test_hostile_paths_and_query_strings_are_never_a_server_error(client, cast, catalogue):
    from ..excel_helpers import assess

    assess(catalogue, cast.commune_a, year=2024)
    plan = make_plan(cast.commune_a, year=2024, villages=[cast.village_a])
    client.force_login(cast.admin)
    keys = {"district": cast.district_a.key, "province": cast.province.key, "commune": cast.commune_a.key}
    pages = [
        ("reports:district", "district"),
        ("reports:province", "province"),
        ("reports:commune", "commune"),
        ("reports:district_villages", "district"),
        ("reports:commune_detail", "commune"),
        ("reports:village", None),
        ("reports:commune_table", "commune"),
        ("reports:plan_table", "commune"),
        ("plans:commune", "commune"),
        ("communes:office_communes", "province"),
        ("criteria:province_thresholds", "province"),
    ]
    plain = [
        reverse("reports:rollups"),
        reverse("criteria:recognitions"),
        reverse("plans:overview", args=[plan.pk]),
    ]

    def path_of(name: str, kind: str | None, code: str | None = None) -> str:
        """The page's path, or with `code` percent-encoded in place of the unit's (%00 for NUL)."""
        if code is None:
            return reverse(name, args=[keys[kind] if kind else cast.village_a.code])
        return reverse(name, args=["CODE"]).replace("CODE", quote(code, safe=""))

    @FUZZ
    @given(page=st.sampled_from(pages), code=HOSTILE.filter(bool))
    def paths(page, code):
        before = row_counts()
        response = client.get(path_of(*page, code=code))
        assert response.status_code in (200, 302, 404), response.status_code
        assert row_counts() == before

    @FUZZ
    @given(
        path=st.one_of(st.sampled_from(pages).map(lambda page: path_of(*page)), st.sampled_from(plain)),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE, min_size=1, max_size=4),
    )
    def queries(path, query):
        before = row_counts()
        response = client.get(path, query)
        assert response.status_code in (200, 302, 400, 404), response.status_code
        assert row_counts() == before

    paths()
    queries()
