"""Answers for faults outside the application's control."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

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
