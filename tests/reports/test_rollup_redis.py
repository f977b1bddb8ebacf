"""Roll-ups on a real Celery worker and the real Redis: building twice leaves one roll-up, and
a worker killed in the middle of a build (acks_late) leaves it built exactly once after the
task is delivered again to a new worker process."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import redis
from django.db import connection

from reports import rollups
from reports.models import RollUp
from reports.tasks import rollup_build

from ..excel_helpers import assess
from ..redis_helpers import redis_url as test_redis_url
from ..redis_helpers import use_redis

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def wait_for(condition, timeout: float, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s")


def status_of(pk: int) -> str:
    return RollUp.objects.values_list("status", flat=True).get(pk=pk)


def test_building_twice_on_the_worker_leaves_one_rollup(celery_worker_on_redis, cast, catalogue):
    assess(catalogue, cast.commune_a)
    unit = rollups.unit_ref(cast.district_a)
    first = rollups.rollup_request(unit=unit, iso_year=2024, iso_week=10)
    wait_for(lambda: status_of(first.pk) == "done", 60)
    second = rollups.rollup_request(unit=unit, iso_year=2024, iso_week=10)
    # A duplicate delivery of the same request is skipped: the request is already served.
    wait_for(lambda: status_of(second.pk) == "done", 60)
    rollup_build.delay(second.pk).get(timeout=60)
    rollup = RollUp.objects.get()
    assert rollup.pk == first.pk == second.pk and rollup.attempts == 2
    assert rollup.data["communes"][0]["code"] == cast.commune_a.code


def worker(env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "ntm", "worker", "--pool=solo", "--loglevel=INFO"]
    command += [
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"rollup-{time.time()}@test",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


@contextlib.contextmanager
def held_lock(table: str):
    """An exclusive lock on `table`, held on a connection of its own until the block ends."""
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_a_worker_killed_mid_build_leaves_the_rollup_built_exactly_once(
    eager_celery, transactional_db, cast, catalogue, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need the test database on PostgreSQL")
    redis_url = test_redis_url()
    redis.Redis.from_url(redis_url).flushdb()  # this run's own Redis database
    assess(catalogue, cast.commune_a)
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(cast.district_a), iso_year=2024, iso_week=10, enqueue=False
    )
    eager_celery.conf.task_always_eager = False
    use_redis(eager_celery, redis_url)
    rollup_build.apply_async((rollup.pk,))
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "tests.reports.rollup_helpers",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    # The test holds a lock on the assessments table, so the first worker claims the row
    # ("running") and then waits inside the build, where it is killed.
    with held_lock("criteria_assessment"):
        first = worker(env)
        try:
            wait_for(lambda: status_of(rollup.pk) == "running", 60)
        finally:
            stop(first, signal.SIGKILL)  # the worker dies holding the unacknowledged task
    assert status_of(rollup.pk) == "running" and not RollUp.objects.get().file
    second = worker(env)
    try:
        wait_for(lambda: status_of(rollup.pk) == "done", 90)
        time.sleep(3)  # a further delivery, if any, would now be under way
    finally:
        stop(second)
    built = RollUp.objects.get()
    assert RollUp.objects.count() == 1 and built.status == "done" and built.attempts == 2
    assert built.file and Path(built.file.path).exists()
    assert built.data["communes"][0]["code"] == cast.commune_a.code
