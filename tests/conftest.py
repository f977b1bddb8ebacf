"""Shared fixtures: the catalogue, a fixed cast of units and users by role, query budgets."""

import os
import uuid
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Role
from criteria.models import CriteriaSet

from .factories import (
    CommuneFactory,
    DistrictFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
    user_with_role,
)
from .redis_helpers import use_redis

NTM_SET = "xa_ntm_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="needs a real Redis: set REDIS_URL (CI does)")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def catalogue(db):
    """The national catalogue, loaded from the project's data files (once per database)."""
    if not CriteriaSet.objects.filter(code=NTM_SET).exists():
        call_command("load_catalogue", verbosity=0)
    return CriteriaSet.objects.get(code=NTM_SET)


@pytest.fixture
def cast(catalogue):
    """Commune A (with village A1) in district A, commune B in district B of the same
    province, and one user per role, plus an officer of the unrelated commune B."""
    province = ProvinceFactory(name="Hà Tĩnh", code="42")
    district_a = DistrictFactory(name="Hương Sơn", province=province)
    district_b = DistrictFactory(name="Đức Thọ", province=province)
    commune_a = CommuneFactory(name="Sơn Bằng", district=district_a)
    village_a = VillageFactory(name="Thịnh Bằng", commune=commune_a)
    commune_b = CommuneFactory(name="Liên Minh", district=district_b)
    return SimpleNamespace(
        province=province,
        district_a=district_a,
        district_b=district_b,
        commune_a=commune_a,
        village_a=village_a,
        commune_b=commune_b,
        officer_a=user_with_role("officer_a", Role.Kind.COMMUNE_OFFICER, commune=commune_a),
        village_head_a=user_with_role("village_head_a", Role.Kind.VILLAGE_HEAD, village=village_a),
        district_member_a=user_with_role("district_a", Role.Kind.DISTRICT_COMMITTEE, district=district_a),
        province_office=user_with_role("province_office", Role.Kind.PROVINCE_OFFICE, province=province),
        officer_b=user_with_role("officer_b", Role.Kind.COMMUNE_OFFICER, commune=commune_b),
        admin=UserFactory(username="admin_user", is_staff=True, is_superuser=True),
        anonymous=None,
    )


@pytest.fixture
def demo(db):
    # The demo's two provinces of the official list (the whole country is loaded by `make run`
    # and tested in tests/communes/test_official_units.py).
    call_command("load_demo", provinces="42,24", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def vietnamese_first():
    """Each test starts in the default language: a request made with an English cookie leaves
    English active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(autouse=True)
def sessions_in_the_database(settings):
    """Sessions live in the database in every test, with or without Redis, so query budgets
    count the session read the same way everywhere (tests/ntm/test_sessions.py covers the
    Redis-cached sessions production uses)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def own_cache_keys(settings, request):
    """Each test has cache keys of its own (same backend, its own prefix), so counters kept in
    the cache, such as the password-reset limits, start at zero in every test and run."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def eager_celery():
    """Unit tests run tasks eagerly; integration tests marked `redis` switch to a real worker."""
    from ntm.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = True


@pytest.fixture
def celery_worker_on_redis(eager_celery, transactional_db):
    """A real Celery worker consuming from the real Redis (REDIS_URL) in this process."""
    from celery.contrib.testing.worker import start_worker

    app = eager_celery
    app.conf.task_always_eager = False
    use_redis(app)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's package), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def log_in(page, username: str, password: str = "NtmDemo@2025") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def count_queries(call: Callable[[], object], *, status: int | None = None) -> int:
    """How many queries `call()` runs; with `status`, its response must have that status.
    The one query counter of the tests: `count_queries(lambda: client.get(url), status=200)`."""
    with CaptureQueriesContext(connection) as queries:
        result = call()
    if status is not None:
        assert result.status_code == status
    return len(queries)
