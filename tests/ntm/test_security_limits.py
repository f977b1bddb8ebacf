"""Hostile sizes at the account pages: a huge username, repeated reset e-mails, repeated wrong
old passwords. Each is a message in the user's language, never a server error."""

import pytest
from django.urls import reverse

from ..factories import UserFactory

PASSWORD = "pw-for-tests-123"
ATTACKER = "203.0.113.7"


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_username_longer_than_any_account_is_a_message_at_the_login(client, db, length):
    response = client.post(
        reverse("login"), {"username": "a" * length, "password": "whatever"}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 200
    assert "150" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_username_longer_than_any_account_is_a_message_at_the_admin_login(client, db):
    response = client.post(
        reverse("admin:login"), {"username": "a" * 300, "password": "x"}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 200


# Password-reset e-mails


def ask_reset(client, email: str, ip: str = ATTACKER):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_reset_emails_to_one_address_are_limited_with_a_message(client, db, settings, mailoutbox):
    UserFactory(username="canbo", email="canbo@example.gov.vn")
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        response = ask_reset(client, "canbo@example.gov.vn", ip=f"198.51.100.{number}")
        assert response.status_code == 302
    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    response = ask_reset(client, "CANBO@example.gov.vn", ip="198.51.100.99")
    assert response.status_code == 200
    assert (
        "Đã gửi quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau 60 phút."
        in response.content.decode()
    )
    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    assert ask_reset(client, "other@example.gov.vn", ip="198.51.100.99").status_code == 302


def test_reset_requests_from_one_client_are_limited_whatever_the_address(client, db, settings):
    for number in range(settings.PASSWORD_RESET_LIMIT_PER_CLIENT):
        assert ask_reset(client, f"nobody{number}@example.gov.vn").status_code == 302
    response = ask_reset(client, "someone@example.gov.vn")
    assert response.status_code == 200
    assert "Đã gửi quá nhiều yêu cầu đặt lại mật khẩu" in response.content.decode()
    assert ask_reset(client, "someone@example.gov.vn", ip="198.51.100.7").status_code == 302


def test_the_reset_limit_reads_in_english_for_an_english_user(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        ask_reset(client, "canbo@example.gov.vn")
    response = ask_reset(client, "canbo@example.gov.vn")
    assert "Too many password reset requests. Please try again in 60 minutes." in response.content.decode()


# Wrong current passwords on the password-change page


def change_password(client, old: str, ip: str = ATTACKER):
    data = {"old_password": old, "new_password1": "Mật-khẩu-mới-2026", "new_password2": "Mật-khẩu-mới-2026"}
    return client.post(reverse("password_change"), data, REMOTE_ADDR=ip)


def test_repeated_wrong_current_passwords_lock_the_account_like_the_login(client, db, settings):
    user = UserFactory(username="canbo")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_password(client, "guess")
        assert response.status_code == 200
        assert "Đã nhập sai mật khẩu hiện tại quá nhiều lần" not in response.content.decode()
    response = change_password(client, "guess")
    assert response.status_code == 429
    assert "Đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau." in response.content.decode()
    # The right password is refused too while locked, here and at the login from that address.
    assert change_password(client, PASSWORD).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    client.logout()
    response = client.post(
        reverse("login"), {"username": "canbo", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429


def test_a_right_current_password_still_changes_it(client, db, settings):
    user = UserFactory(username="canbo")
    client.force_login(user)
    change_password(client, "typo")
    response = change_password(client, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("password_change_done")
