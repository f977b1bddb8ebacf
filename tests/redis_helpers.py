"""The Redis database a test process uses."""

import os


def redis_url() -> str:
    """REDIS_URL with a database of this test process's own: parallel test processes (pytest -n)
    never take each other's tasks or flush each other's queues."""
    url = os.environ["REDIS_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, db = url.rstrip("/").rpartition("/")
    number = int(db) if db.isdigit() else 0
    if not db.isdigit():
        base = url.rstrip("/")
    return f"{base}/{number + 1 + int(worker[2:])}"
