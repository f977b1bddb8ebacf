"""Redis stopped: entry, weekly reports and dashboards keep working; exports and roll-ups say
they could not be queued (never a 500), and work again once Redis is back.

The test runs its own throwaway redis-server on a free port (never the machine's shared one),
stops it, exercises the pages, starts it again on the same port with a real Celery worker and
shows the exports and roll-ups going through.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from criteria.models import IndicatorValue
from plans.models import WeeklyReport
from reports.models import ExportJob, RollUp

from ..entry_helpers import indicator, post_data
from ..excel_helpers import assess
from ..plans_helpers import make_plan

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server installed")


class ThrowawayRedis:
    """A redis-server of this test's own, on a fixed free port, that can be stopped and restarted."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the throwaway redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # as abrupt as a crash
            self.process.wait(timeout=10)
            self.process = None


def point_at(app, broker: str, backend) -> None:
    """Point the Celery app at another broker and result store, dropping the connections and
    the result backend it cached for the previous ones."""
    app.close()  # the connection pool of the old broker
    app.amqp._producer_pool = (
        None  # kept by close() when no pool was open: it would still publish to the old one
    )
    app._local.__dict__.pop("backend", None)
    app.conf.broker_url, app.conf.result_backend = broker, backend


@pytest.fixture
def throwaway_redis(eager_celery):
    server = ThrowawayRedis()
    server.start()
    app = eager_celery
    saved = app.conf.broker_url, app.conf.result_backend
    app.conf.task_always_eager = False
    point_at(app, server.url, server.url)
    yield server
    server.stop()
    point_at(app, *saved)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def wait_for(check, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.3)
    jobs = list(ExportJob.objects.values_list("status", "error"))
    raise AssertionError(
        f"timed out: jobs {jobs}, roll-ups {list(RollUp.objects.values_list('status', 'error'))}"
    )


def test_with_redis_down_entry_and_dashboards_work_and_queued_work_says_so_then_recovers(
    client, transactional_db, cast, catalogue, throwaway_redis, eager_celery
):
    assessment = assess(catalogue, cast.commune_a, year=2024)
    year = timezone.localdate().isocalendar().year
    plan = make_plan(cast.commune_a, year=year, villages=[cast.village_a])
    throwaway_redis.stop()

    # Entry, weekly report and dashboards do not need Redis.
    client.force_login(cast.officer_a)
    assert client.get(reverse("criteria:entry", args=[assessment.pk])).status_code == 200
    response = client.post(
        reverse("criteria:entry", args=[assessment.pk]), post_data(assessment, {"3.1": "77"})
    )
    assert response.status_code == 302
    road = indicator(catalogue, "3.1")
    assert IndicatorValue.objects.get(assessment=assessment, indicator=road).number == 77
    item = plan.work_items.get()
    report = reverse("plans:report", args=[plan.pk, cast.village_a.code, year, 1])
    assert client.post(report, {f"item_{item.pk}": "4", "notes": "ok"}).status_code == 302
    assert WeeklyReport.objects.filter(plan=plan).count() == 1
    for name, code in (
        ("reports:commune", cast.commune_a.code),
        ("reports:commune_detail", cast.commune_a.code),
    ):
        assert client.get(reverse(name, args=[code])).status_code == 200

    # An export asked for now is recorded as failed to queue, with a message; no 500.
    client.force_login(cast.province_office)
    summary = reverse("reports:province_summary", args=[cast.province.key])
    response = client.post(summary, {"set": catalogue.code, "year": "2024"})
    assert response.status_code == 302 and response.url == reverse("reports:downloads")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.State.FAILED and "hàng đợi" in job.error.lower()
    page = client.get(reverse("reports:downloads")).content.decode()
    assert job.error in page
    feed = client.get(reverse("reports:downloads_status")).json()
    assert feed

    # A roll-up asked for now says the same.
    client.force_login(cast.district_member_a)
    data = {"unit": f"district:{cast.district_a.code}", "week": "2024-W10"}
    response = client.post(reverse("reports:rollup_build"), data)
    assert response.status_code == 302
    rollup = RollUp.objects.get()
    assert rollup.status == RollUp.State.FAILED and "hàng đợi" in rollup.error.lower()
    status = client.get(reverse("reports:rollup_status", args=[rollup.pk])).json()
    assert status["status"] == "failed" and status["error"] == rollup.error

    # Redis is back (same port): asking again goes through a real worker.
    throwaway_redis.start()
    with start_worker(eager_celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        client.force_login(cast.province_office)
        assert client.post(summary, {"set": catalogue.code, "year": "2024"}).status_code == 302
        client.force_login(cast.district_member_a)
        assert client.post(reverse("reports:rollup_rebuild", args=[rollup.pk])).status_code == 302
        wait_for(lambda: ExportJob.objects.filter(status=ExportJob.State.DONE).count() == 1)
        wait_for(lambda: RollUp.objects.get().status == RollUp.State.DONE)
    rollup = RollUp.objects.get()
    assert rollup.file and not rollup.error
    client.force_login(cast.district_member_a)
    assert client.get(reverse("reports:rollup_file", args=[rollup.pk])).status_code == 200
