"""The database connection dropped during a save (PostgreSQL: the server ends the backend in
the middle of the transaction): nothing partial is stored, and the user gets a 503 page in
Vietnamese with the values they typed, ready to send again."""

from __future__ import annotations

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from criteria.models import Assessment
from plans.models import WeeklyReport

from ..entry_helpers import new_assessment, post_data
from ..plans_helpers import make_plan
from ..reliability_helpers import row_counts


@pytest.fixture(autouse=True)
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("ending a server backend mid-transaction needs PostgreSQL (DATABASE_URL=postgres://…)")


def terminate_on(fragment: str):
    """An execute wrapper that, at the first statement containing `fragment` (after earlier
    writes of the same transaction), has a second connection end this connection's backend."""
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        if not state["done"] and fragment in sql and connection.in_atomic_block:
            state["done"] = True
            settings = connection.settings_dict
            other = psycopg2.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                password=settings["PASSWORD"],
                host=settings["HOST"],
                port=settings["PORT"],
            )
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
            other.close()
        return execute(sql, params, many, context)

    return wrapper, state


def _after_drop() -> dict:
    connection.close()  # the test's own handle to the ended backend; the next query reconnects
    return row_counts()


def test_a_dropped_connection_during_an_assessment_save_stores_nothing_and_keeps_the_typed_values(
    client, transactional_db, cast, catalogue
):
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    client.force_login(cast.officer_a)
    data = post_data(assessment, {"3.1": "81,5", "17.1": "92"})
    data["reason"] = "Số liệu quý III"
    before = row_counts()
    wrapper, state = terminate_on('UPDATE "criteria_assessment"')
    with connection.execute_wrapper(wrapper):
        response = client.post(reverse("criteria:entry", args=[assessment.pk]), data)
    assert state["done"], "the save never reached the assessment update"
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "mất kết nối cơ sở dữ liệu" in page and "Không có gì được lưu" in page
    assert 'value="81,5"' in page and 'value="92"' in page and "Số liệu quý III" in page
    assert (
        "csrfmiddlewaretoken" in page
        and f'action="{reverse("criteria:entry", args=[assessment.pk])}"' in page
    )
    assert _after_drop() == before
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_a_dropped_connection_during_a_weekly_report_stores_nothing_and_keeps_the_typed_values(
    client, transactional_db, cast, catalogue
):
    year = timezone.localdate().isocalendar().year
    plan = make_plan(cast.commune_a, year=year, villages=[cast.village_a])
    item = plan.work_items.get()
    client.force_login(cast.village_head_a)
    before = row_counts()
    wrapper, state = terminate_on('INSERT INTO "plans_reportline"')
    with connection.execute_wrapper(wrapper):
        response = client.post(
            reverse("plans:report", args=[plan.pk, cast.village_a.code, year, 1]),
            {f"item_{item.pk}": "12,5", "notes": "Đổ bê tông 120 m", "next_week_plan": "Rải đá"},
        )
    assert state["done"] and response.status_code == 503
    page = response.content.decode()
    assert 'value="12,5"' in page and "Đổ bê tông 120 m" in page and "Rải đá" in page
    assert _after_drop() == before
    assert not WeeklyReport.objects.exists()
