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


def use_redis(app, url: str | None = None) -> str:
    """Point the Celery app's broker and result backend at this process's Redis database
    (`redis_url()`), dropping the connections, producers and backend it cached for the URL it
    started with (the settings' REDIS_URL, read before the test process knew its number)."""
    url = url or redis_url()
    app.conf.broker_url = app.conf.result_backend = url
    app._pool = None  # not closed: a producer still holding it finishes with it
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    return url
