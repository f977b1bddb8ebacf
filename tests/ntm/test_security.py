"""Production settings, login lockout, passwords, sessions, the CSP header and the audit log."""

import logging
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communes.models import Role

from ..factories import CommuneFactory, UserFactory, user_with_role

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-for-tests-123"
ATTACKER = "203.0.113.7"  # Documentation addresses (RFC 5737): only ever a header value here.
OFFICE = "198.51.100.20"

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "ntm.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://ntm.example.gov.vn",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "ntm.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(expression: str, **env: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = run_manage("shell", "-c", code, **(PRODUCTION | env))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


# Production settings


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_behind_a_proxy_the_forwarded_protocol_is_trusted_and_the_check_still_passes():
    assert production_setting("settings.SECURE_PROXY_SSL_HEADER", BEHIND_PROXY="1") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert production_setting(
        "hasattr(settings, 'SECURE_PROXY_SSL_HEADER') and settings.SECURE_PROXY_SSL_HEADER"
    ) in {
        "None",
        "False",
    }
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **(PRODUCTION | {"BEHIND_PROXY": "1"})
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hsts_and_https_are_configured_from_the_environment():
    expression = "settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE"
    assert production_setting(expression) == "31536000 True True"
    assert production_setting(expression, SECURE_HSTS_SECONDS="600") == "600 True True"
    assert production_setting(expression, HTTPS="0") == "0 False False"


def test_production_takes_hosts_and_trusted_origins_from_the_environment():
    assert production_setting("settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS") == (
        "['ntm.example.gov.vn'] ['https://ntm.example.gov.vn']"
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


# Login lockout


def post_login(client, username: str, password: str, ip: str = ATTACKER):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_the_username_from_that_address_with_a_vietnamese_message(
    client, db, settings
):
    UserFactory(username="canbo")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_login(client, "canbo", "wrong-password")
        assert response.status_code == 200
        assert "lockout" not in response.content.decode()
    response = post_login(client, "canbo", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Tài khoản tạm thời bị khóa do đăng nhập sai quá nhiều lần" in page
    assert "Thời gian khóa: 30 phút." in page
    assert 'name="username"' in page and 'value="canbo"' in page  # The login form is still there.
    # Even the right password is refused from that address while locked.
    assert post_login(client, "canbo", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address_and_ends_after_the_cool_off(client, db, settings):
    UserFactory(username="canbo")
    UserFactory(username="other")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "canbo", "wrong-password")
    assert post_login(client, "canbo", PASSWORD).status_code == 429
    assert post_login(client, "other", PASSWORD).status_code == 302  # Another user from there.
    client.logout()
    assert post_login(client, "canbo", PASSWORD, ip=OFFICE).status_code == 302  # The real officer.
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert post_login(client, "canbo", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(client, db, settings):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "root", "password": "guess"}, REMOTE_ADDR=ATTACKER)
    response = client.post(url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429


def test_a_success_resets_the_failure_count(client, db, settings):
    UserFactory(username="canbo")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "canbo", "typo")
    assert post_login(client, "canbo", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "canbo", "typo").status_code == 200
    assert post_login(client, "canbo", PASSWORD).status_code == 302


# Passwords and sessions


@pytest.mark.parametrize("password", ["Ngan@2025", "1234567890123", "password123", "canbo.sonbang1"])
def test_weak_passwords_are_refused(password, db):
    user = get_user_model()(username="canbo.sonbang", email="canbo@example.gov.vn")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("Lua-chin-vang-2025", get_user_model()(username="canbo.sonbang"))


def test_the_session_lasts_a_working_day_and_ends_with_the_browser(client, db):
    UserFactory(username="canbo")
    post_login(client, "canbo", PASSWORD)
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.session.get_expire_at_browser_close()
    assert client.cookies["sessionid"]["max-age"] == ""  # A browser-session cookie.
    assert client.cookies["sessionid"]["httponly"]


def test_a_user_changes_the_password_and_logs_in_with_the_new_one(client, db):
    user = UserFactory(username="canbo")
    client.force_login(user)
    url = reverse("password_change")
    page = client.get(url)
    assert page.status_code == 200 and "Đổi mật khẩu" in page.content.decode()
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"})
    assert weak.status_code == 200 and "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in weak.content.decode()
    new = "Lua-chin-vang-2025"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert "Mật khẩu của bạn đã được đổi" in client.get(response.url).content.decode()
    client.logout()
    assert post_login(client, "canbo", PASSWORD).status_code == 200
    assert post_login(client, "canbo", new).status_code == 302


def test_the_password_change_page_asks_strangers_to_log_in(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_account_pages_cost_the_same_queries_with_more_data(client, cast, django_assert_num_queries):
    def measure() -> None:
        client.force_login(cast.officer_a)
        # Session, user, the user's roles with their units for the navigation.
        with django_assert_num_queries(3):
            assert client.get(reverse("password_change")).status_code == 200
        client.logout()
        with django_assert_num_queries(0):
            assert client.get(reverse("password_reset")).status_code == 200

    measure()
    for number in range(20):
        commune = CommuneFactory(district=cast.district_a)
        user_with_role(f"officer{number}", Role.Kind.COMMUNE_OFFICER, commune=commune)
        Role.objects.create(user=cast.officer_a, kind=Role.Kind.COMMUNE_OFFICER, commune=commune)
    measure()


def test_a_forgotten_password_is_reset_through_the_link_in_the_email(client, db):
    UserFactory(username="canbo", email="canbo@example.gov.vn")
    response = client.post(reverse("password_reset"), {"email": "canbo@example.gov.vn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbo@example.gov.vn"]
    assert message.subject == "Đặt lại mật khẩu NTM Tracker"
    assert "Xin chào canbo," in message.body
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    new = "Lua-chin-vang-2025"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert post_login(client, "canbo", new).status_code == 302
    client.logout()
    reused = client.get(link, follow=True).content.decode()
    assert 'data-testid="invalid-link"' in reused


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.vn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


# Headers


def test_every_page_carries_a_strict_content_security_policy(client, db):
    response = client.get(reverse("login"))
    policy = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_CODE = [
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I),
    re.compile(r"javascript:", re.I),
]


def test_no_template_has_inline_styles_or_scripts_that_the_policy_would_block():
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        offenders += [
            f"{template.relative_to(ROOT)}: {m.group(0)!r}" for rx in INLINE_CODE for m in rx.finditer(text)
        ]
    assert offenders == []


# Audit log


def test_logins_failures_and_logouts_are_logged(client, db, caplog):
    UserFactory(username="canbo")
    with caplog.at_level(logging.INFO, logger="ntm.security"):
        post_login(client, "canbo", "wrong-password")
        post_login(client, "canbo", PASSWORD, ip=OFFICE)
        client.post(reverse("logout"), REMOTE_ADDR=OFFICE)
    messages = [record.getMessage() for record in caplog.records if record.name == "ntm.security"]
    assert messages == [
        f"login failed user=canbo ip={ATTACKER} locked_out=False",
        f"login user=canbo ip={OFFICE}",
        f"logout user=canbo ip={OFFICE}",
    ]
    assert "wrong-password" not in caplog.text


def test_the_lockout_itself_is_logged(client, db, settings, caplog):
    UserFactory(username="canbo")
    with caplog.at_level(logging.INFO, logger="ntm.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            post_login(client, "canbo", "wrong-password")
    messages = [record.getMessage() for record in caplog.records if record.name == "ntm.security"]
    assert messages[-1] == f"login failed user=canbo ip={ATTACKER} locked_out=True"


def test_admin_changes_are_logged_one_by_one_even_when_deleted_together(client, db, caplog):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    with caplog.at_level(logging.INFO, logger="ntm.security"):
        response = client.post(
            reverse("admin:auth_user_add"),
            {
                "username": "moi",
                "password1": "Lua-chin-vang-2025",
                "password2": "Lua-chin-vang-2025",
                "usable_password": "true",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        extra = UserFactory(username="tam")
        created = get_user_model().objects.get(username="moi")
        client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "delete_selected", "_selected_action": [created.pk, extra.pk], "post": "yes"},
        )
    messages = [
        r.getMessage()
        for r in caplog.records
        if r.name == "ntm.security" and r.getMessage().startswith("admin")
    ]
    assert messages[0].startswith(f"admin add user=root object=auth.user id={created.pk} repr='moi'")
    assert sorted(m.split(" repr=")[0] for m in messages[1:]) == sorted(
        [
            f"admin delete user=root object=auth.user id={created.pk}",
            f"admin delete user=root object=auth.user id={extra.pk}",
        ]
    )
    assert LogEntry.objects.count() == 3
