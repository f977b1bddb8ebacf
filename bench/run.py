"""The benchmark: `make bench SCALE=national` (or district / province).

Runs on PostgreSQL (DATABASE_URL) against a real gunicorn server and real Celery worker
processes on Redis (REDIS_URL). Each figure is the median of repeated runs; page figures come
with their query count. Writes bench/results.json and prints a readable summary.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet (a fresh machine)."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    server = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    server["password"] = config["PASSWORD"] or None
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                print(f"Created database {config['NAME']}.", flush=True)
    finally:
        connection.close()


ensure_database(os.environ.get("DATABASE_URL", ""))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import scenarios, synthetic  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8765"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
PASSWORD = "Bench-Password-2025"
RESULTS = ROOT / "bench" / "results.json"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A logged-in HTTP client talking to the real gunicorn server."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.no_redirect = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.post("/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})

    def get(self, path: str, binary: bool = False):
        with self.opener.open(self.base + path, timeout=120) as response:
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            body = response.read()
            return body if binary else body.decode("utf-8", "replace")

    def post(self, path: str, data: dict, follow: bool = True):
        """POST a form; with follow=False, answer the status code without following a redirect."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        opener = self.opener if follow else self.no_redirect
        try:
            with opener.open(request, timeout=120) as response:
                return response.read().decode("utf-8", "replace") if follow else response.status
        except urllib.error.HTTPError as error:
            if follow or error.code >= 400:
                raise
            return error.code

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")


def median_ms(action, runs: int = RUNS, warmup: int = 2, prepare=None) -> float:
    """The median time of `action` over `runs` runs after `warmup` runs; `prepare`, when given,
    runs untimed before each run and its result is passed to `action`."""
    timings = []
    for number in range(warmup + runs):
        argument = (prepare(),) if prepare else ()
        started = time.perf_counter()
        action(*argument)
        if number >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def query_count(username: str, path: str) -> int:
    """Queries one request costs, counted in-process against the same database."""
    from django.contrib.auth import get_user_model

    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username=username))
    connection.queries_log.clear()  # a full log would hide the new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


# Production settings, on plain HTTP over loopback.
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HTTPS": "0",
    "CONN_MAX_AGE": "60",
}


def start_gunicorn() -> subprocess.Popen:
    env = os.environ | SERVER_ENV
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ntm.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "bench" / "gunicorn.log", "w"),
    )
    wait_for_port(PORT)
    return process


def start_worker(concurrency: int = 2) -> subprocess.Popen:
    """The Celery worker with the server's production settings: with DEBUG on, each process
    would also keep its last 9,000 queries' SQL (the roll-ups' frozen JSON among them)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ntm",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "warning",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=os.environ | SERVER_ENV,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "bench" / "worker.log", "w"),
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def main(scale: str) -> dict:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("make bench needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).")
    call_command("migrate", verbosity=0)
    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv"])
    synthetic.generate(scale)
    cast = scenarios.prepare(PASSWORD)
    results: dict = {"scale_name": scale, "runs": RUNS}
    server, worker = start_gunicorn(), start_worker(concurrency=2)
    try:
        base = f"http://127.0.0.1:{PORT}"
        browsers = {
            user: Browser(base, user)
            for user in (
                cast.commune_user,
                cast.district_user,
                cast.province_user,
                cast.today_province_user,
                cast.today_commune_user,
            )
        }
        results |= scenarios.pages(cast, browsers, median_ms, query_count)
        results |= scenarios.assessment_save(cast, browsers, median_ms)
        results |= scenarios.exports(cast, browsers, median_ms)
        results |= scenarios.page_weight(cast, base, PASSWORD)
        results |= scenarios.district_rollup(cast, median_ms)
        results |= scenarios.today_rollup(cast, median_ms)
        results |= scenarios.national_rollup([worker.pid])
        results |= scenarios.today_national_rollup([worker.pid])
    finally:
        stop(server)
        stop(worker)
    results |= scenarios.scale_figures()
    return results


if __name__ == "__main__":
    figures = main(os.environ.get("SCALE", "national"))
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(scenarios.summary(figures))
