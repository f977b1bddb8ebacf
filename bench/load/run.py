"""The load test: `make loadtest` (50 officials for 3 minutes; USERS=5 TIME=10 for a smoke run).

Starts gunicorn with production settings on loopback against PostgreSQL (DATABASE_URL), runs
locust headless, then checks every acknowledged write row by row in the database and the
server's access log for 5xx answers. Prints the figures, writes bench/load/results.json and
exits non-zero on any server error, failed request or missing write.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")
PASSWORD = "NtmLoad@2025-official"
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "load-test-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HTTPS": "0",
    "LOG_LEVEL": "WARNING",
    "LOGIN_FAILURE_LIMIT": "1000",
}


def create_database(url: str) -> None:
    """Create the load test's own PostgreSQL database when it does not exist yet."""
    import psycopg2
    from psycopg2.extensions import parse_dsn

    dsn = parse_dsn(url)
    name = dsn.pop("dbname")
    conn = psycopg2.connect(**dsn, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn does not listen on port {port}")


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = os.environ | SERVER_ENV
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    command = [sys.executable, "-m", "gunicorn", "ntm.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--access-logfile", str(OUT / "access.log")]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=open(OUT / "gunicorn.log", "w"))
    wait_for_port(port)
    return server


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def run_locust(port: int, users: int, seconds: int, run: str) -> None:
    env = os.environ | {
        "LOAD_USERS": str(OUT / "users.json"),
        "LOAD_ACKS": str(OUT / "acks.json"),
        "LOAD_RUN": run,
        "LOAD_PASSWORD": PASSWORD,
    }
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]
    command += ["-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--stop-timeout", "10"]
    command += ["--host", f"http://127.0.0.1:{port}", "--only-summary"]
    # Bounded: locust stops itself after `seconds`; the timeout is a last resort.
    subprocess.run(command, env=env, timeout=seconds + 120, check=False)


def server_errors() -> int:
    """5xx answers in gunicorn's access log (common log format: the status follows the request)."""
    count = 0
    for line in (OUT / "access.log").read_text(encoding="utf-8").splitlines():
        parts = line.split('" ')
        if len(parts) > 1 and parts[1][:1] == "5":
            count += 1
    return count


def verify(acks: list[dict], run: str) -> list[dict]:
    """The acknowledged writes not found in the database, checked one by one."""
    from criteria.models import IndicatorValue
    from plans.models import ReportEdit, WeeklyReport

    prefix = f"load-{run}-"
    history = IndicatorValue.history.model.objects.filter(note__startswith=prefix)
    values = {(row.assessment_id, row.indicator_id, row.note, row.number) for row in history}
    reports = set(WeeklyReport.objects.filter(notes__startswith=prefix).values_list("plan_id", "notes"))
    for plan_id, changes in ReportEdit.objects.filter(changes__notes__isnull=False).values_list(
        "report__plan_id", "changes"
    ):
        # An edit keeps the old notes and the new: the old ones were a stored earlier write.
        reports.update((plan_id, notes) for notes in changes["notes"])
    missing = []
    for ack in acks:
        if ack["kind"] == "value":
            key = (ack["assessment"], ack["indicator"], ack["token"], Decimal(ack["value"]))
            found = key in values
        else:
            found = (ack["plan"], ack["token"]) in reports
        if not found:
            missing.append(ack)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time", type=int, default=180, help="seconds")
    parser.add_argument("--workers", type=int, default=min(8, 2 * (os.cpu_count() or 2) + 1))
    args = parser.parse_args()
    create_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.load import data

    if connection.vendor != "postgresql":
        sys.exit("make loadtest needs PostgreSQL: set DATABASE_URL=postgres://…")
    OUT.mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    officials = data.prepare(args.users, PASSWORD)
    (OUT / "users.json").write_text(json.dumps(officials), encoding="utf-8")
    run = uuid.uuid4().hex[:8]
    port = free_port()
    server = start_gunicorn(port, args.workers)
    started = time.monotonic()
    try:
        run_locust(port, args.users, args.time, run)
    finally:
        stop(server)
    connection.close()
    outcome = json.loads((OUT / "acks.json").read_text(encoding="utf-8"))
    acks = outcome["acknowledged"]
    missing = verify(acks, run)
    result = outcome["figures"] | {
        "users": args.users,
        "seconds": args.time,
        "wall_s": round(time.monotonic() - started),
        "gunicorn_workers": args.workers,
        "server_errors": server_errors(),
        "writes_acknowledged": len(acks),
        "writes_verified": len(acks) - len(missing),
        "writes_missing": missing[:20],
    }
    (HERE / "results.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    ok = not result["server_errors"] and not result["failures"] and not missing and acks
    print("LOAD TEST", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
