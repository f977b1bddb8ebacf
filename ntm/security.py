"""Login protection hooks for django-axes: which logins it watches, the client's address, and
the lockout page."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
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


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page again, with the lockout message instead of a bare error page: the login page,
    or the password-by-code page, whose wrong codes count as failed logins too."""
    match = request.resolver_match
    if match is not None and match.view_name == "communes:password_code":
        return code_page_locked(request)
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
