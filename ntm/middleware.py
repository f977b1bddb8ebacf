"""Answers for faults outside the application's control."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger("ntm.faults")
# Never echoed back: secrets and the form's own machinery.
HIDDEN_FIELDS = {"csrfmiddlewaretoken", "password", "old_password", "new_password1", "new_password2"}


class DatabaseUnavailableMiddleware:
    """When the database connection drops in the middle of a request, the transaction is gone
    with it (nothing partial is stored). Answer 503 with a Vietnamese explanation and the
    values the user typed, in a form that sends them again, instead of a bare server error.

    The page is rendered without the request's context processors: they would query the
    database that has just failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.exception("Database unavailable during %s %s", request.method, request.path)
        connection.close_if_unusable_or_obsolete()
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in HIDDEN_FIELDS
            for value in values
        ]
        context = {"path": request.path, "fields": fields, "csrf_token": get_token(request)}
        html = render_to_string("errors/database_unavailable.html", context)
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response


class TextGZipMiddleware(GZipMiddleware):
    """Pages, styles and scripts travel compressed (a rural mobile connection pays for every
    byte). Workbooks, documents and images are compressed formats already; and what WhiteNoise
    serves precompressed carries its Content-Encoding, which GZipMiddleware leaves alone."""

    COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class PrivatePagesMiddleware:
    """Nothing a signed-in user was shown stays in the browser's or a proxy's cache: office
    computers are shared, and the back button after logging out must not show the last page.
    Static files never get here (WhiteNoise answers them first, cached for a year)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
