"""The account forms of the site: login, password change and password reset, each Django's own
with the limits an attacker would otherwise push past (ntm/security.py holds the counters)."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .security import is_locked_out, over_reset_limit

LOCKED = _("Đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau.")


class LoginForm(auth_forms.AuthenticationForm):
    """A username longer than any account can have is refused before anyone looks it up."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise ValidationError(
                _("Tên đăng nhập quá dài (tối đa %(limit)s ký tự).") % {"limit": limit}, code="max_length"
            )
        return username


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """A wrong current password counts as a failed login of the account from this address, so
    a borrowed open session cannot be used to guess the password; a locked account is refused
    here as at the login."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        credentials = {"username": self.user.get_username()}
        if is_locked_out(self.request, credentials):
            # Flagged as axes flags a refused login: its middleware answers 429 (ntm/security.py).
            self.request.axes_locked_out = True
            raise ValidationError(LOCKED)
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(LOCKED) from None
            raise


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset e-mails are limited per address and per client, whether or not the address
    belongs to an account (the page must not tell which addresses do)."""

    def __init__(self, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        minutes = over_reset_limit(self.request, email)
        if minutes:
            raise ValidationError(
                ngettext(
                    "Đã gửi quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau %(minutes)d phút.",
                    "Đã gửi quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau %(minutes)d phút.",
                    minutes,
                )
                % {"minutes": minutes},
                code="rate_limited",
            )
        return email
