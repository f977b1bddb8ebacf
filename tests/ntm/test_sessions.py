"""Production sessions: read from Redis, written through to the database."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from ..conftest import count_queries

pytestmark = pytest.mark.redis


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_logged_in_page_reads_its_session_from_redis_and_the_database_keeps_it(cast, settings):
    from django.conf import settings as live

    assert live.CACHES["default"]["BACKEND"].endswith("RedisCache")
    page = reverse("about")
    plain = logged_in(cast.officer_a)
    from_database = count_queries(lambda: plain.get(page), status=200)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = logged_in(cast.officer_a)
    assert Session.objects.filter(session_key=client.session.session_key).exists()  # outlives Redis
    assert count_queries(lambda: client.get(page), status=200) == from_database - 1
    caches["default"].clear()  # Redis restarted: the session is read back from the database
    assert client.get(page).wsgi_request.user == cast.officer_a
