"""The public page where a user sets their password with the one-time code the province
office handed over ("Đặt lại mật khẩu bằng mã").

Wrong codes count as failed logins of that username from that address in django-axes, the
login's own throttle (`ntm.security`): after the same number of failures both are locked for
the same cool-off time, and the page says so.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .accounts import CodeRefused, one_time_code_redeem
from .forms import CodeResetForm

TEMPLATE = "communes/password_code.html"


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_code(request: HttpRequest) -> HttpResponse:
    form = CodeResetForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400 if form.errors else 200)
    data = form.cleaned_data
    credentials = {"username": data["username"]}
    if AxesProxyHandler.is_locked(request, credentials):
        return locked_response(request)
    try:
        one_time_code_redeem(username=data["username"], code=data["code"], password=data["new_password1"])
    except CodeRefused:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error(None, _("Tên đăng nhập hoặc mã không đúng, hoặc mã đã dùng hay đã hết hạn."))
        return render(request, TEMPLATE, {"form": form}, status=400)
    except ValidationError as error:
        form.add_error("new_password2", error)
        return render(request, TEMPLATE, {"form": form}, status=400)
    AxesProxyHandler.reset_attempts(ip_address=request.axes_ip_address, username=data["username"])
    messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu đó."))
    return redirect("login")


def locked_response(request: HttpRequest) -> HttpResponse:
    """This page again, saying that attempts are locked for a while (also what the lockout
    hook of `ntm.security` shows for this page)."""
    cool_off = get_cool_off(request)
    context = {
        "form": CodeResetForm(initial={"username": request.POST.get("username", "")[:150]}),
        "locked": True,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, TEMPLATE, context, status=429)
