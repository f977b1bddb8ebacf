"""Login protection hooks for django-axes: which logins it watches, the client's address and
username, and the lockout page; and the counters of password-reset e-mails."""

import hashlib
import math
import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_lockout_message
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from communes.views import locked_response as code_page_locked


class RequestLockoutBackend(AxesStandaloneBackend):
    """Refuse logins of a locked-out username and address; ignore calls without a request.

    An attacker can only guess passwords through a web request. Calls without one come from
    our own code (management commands, the test client), which axes would otherwise reject.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind our proxy, the last X-Forwarded-For entry, which the proxy
    appended itself (the entries before it come from the client and can be forged)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# Axes keeps the username typed at a failed login in a column of this length.
AXES_USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def client_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username axes records for an attempt, cut to what its column holds: a longer one
    (no account has one) failed the insert. A cut name still counts against itself."""
    username = (credentials or {}).get("username") if credentials else request.POST.get("username")
    if not isinstance(username, str):
        return username
    return username.replace("\0", "")[:AXES_USERNAME_LENGTH]


def is_locked_out(request: HttpRequest, credentials: dict) -> bool:
    """Whether axes holds this username locked from this client (as the login would refuse)."""
    return AxesProxyHandler.is_locked(request, credentials)


def over_reset_limit(request: HttpRequest, email: str) -> int:
    """Count one password-reset request for the address and for the client; while either is
    over its limit, the minutes left until it may ask again, else 0."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    limits = [
        (f"password-reset:address:{address}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        (f"password-reset:client:{client_ip(request)}", settings.PASSWORD_RESET_LIMIT_PER_CLIENT),
    ]
    now = time.time()
    waits = []
    for key, limit in limits:
        # A fixed window: the first request stores when it ends; later ones only count.
        cache.add(f"{key}:ends", now + window, window)
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # The window ended between the two calls.
            cache.set(key, 1, window)
            count = 1
        if count > limit:
            ends = cache.get(f"{key}:ends") or now + window
            waits.append(max(1, math.ceil((ends - now) / 60)))
    return max(waits, default=0)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page again, with the lockout message instead of a bare error page: the login page,
    or the password-by-code page, whose wrong codes count as failed logins too."""
    match = request.resolver_match
    if match is not None and match.view_name == "communes:password_code":
        return code_page_locked(request)
    if match is not None and match.view_name == "password_change" and original_response is not None:
        # The page already says why at the field (ntm/forms.py); only the status changes.
        original_response.status_code = 429
        return original_response
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    cool_off = get_cool_off(request)
    context = {
        "form": form,
        "lockout_message": get_lockout_message(),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=429)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with our own message: Django's Vietnamese catalogue lacks it."""

    def get_error_message(self) -> str:
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
