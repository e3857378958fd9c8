"""Accounts: throttled sign-in per user and address, the sign-in log, sessions that
end, and Django's password validators."""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qms.models import ManagementReview
from qms.roles import Role
from tests.factories import PASSWORD


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_pause_that_user_from_that_address(personas):
    officer = personas[Role.OFFICER].username
    client = Client()
    for _ in range(4):
        assert sign_in(client, officer, "sai-mat-khau").status_code == 200
    assert sign_in(client, officer, "sai-mat-khau").status_code == 429  # the fifth
    locked = sign_in(client, officer, PASSWORD)  # even the right password now
    assert locked.status_code == 429
    assert "sai mật khẩu 5 lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the same user from another address, and another user from this one, still sign in
    assert sign_in(Client(), officer, PASSWORD, address="10.0.0.2").status_code == 302
    other = personas[Role.SPECIALIST].username
    assert sign_in(Client(), other, PASSWORD).status_code == 302


def test_behind_the_proxy_the_client_address_counts_not_the_proxys(personas, settings):
    settings.TRUSTED_PROXIES = 1
    officer = personas[Role.OFFICER].username

    def attempt(client_address: str, password: str = "sai"):
        return Client().post(
            reverse("login"),
            {"username": officer, "password": password},
            REMOTE_ADDR="10.9.9.9",  # the proxy
            HTTP_X_FORWARDED_FOR=f"203.0.113.{client_address}",
        )

    for _ in range(5):
        attempt("1")
    assert attempt("1", PASSWORD).status_code == 429
    # the same user from another client behind the same proxy is not locked out
    assert attempt("2", PASSWORD).status_code == 302


def test_sign_in_sign_out_and_failures_are_logged(personas, caplog):
    user = personas[Role.VIEWER].username
    client = Client()
    with caplog.at_level(logging.INFO, logger="qms.auth"):
        sign_in(client, user, "sai")
        sign_in(client, user, PASSWORD)
        client.post(reverse("logout"))
    messages = [record.getMessage() for record in caplog.records if record.name == "qms.auth"]
    assert messages == [
        f"failed sign-in user='{user}' address=10.0.0.1",
        f"sign-in user='{user}' address=10.0.0.1",
        f"sign-out user='{user}' address=127.0.0.1",
    ]


def test_a_session_lasts_one_working_day_and_ends_with_the_browser(personas):
    client = Client()
    sign_in(client, personas[Role.VIEWER].username, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 9 * 60 * 60


@pytest.mark.parametrize(
    ("password", "reason"),
    [("12345678", "hoàn toàn là số"), ("abc", "quá ngắn"), ("password", "quá phổ biến")],
)
def test_passwords_are_checked_by_djangos_validators(personas, client_for, password, reason):
    user = personas[Role.VIEWER]
    response = client_for(user).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_passwords_asked_inside_a_session_count_against_the_same_throttle(
    personas, records, chairman
):
    """Signing and changing the password re-ask it: an unattended session must not
    allow guessing it without limit."""
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.force_login(chairman)
    sign_review = reverse("qms:review_sign", kwargs=records["review"])
    for _ in range(3):
        response = client.post(sign_review, {"password": "sai-mat-khau"}, follow=True)
        assert "Mật khẩu không đúng" in response.content.decode()
    change = {"old_password": "sai", "new_password1": "Mới-2026-x", "new_password2": "Mới-2026-x"}
    response = client.post(reverse("password_change"), change)
    assert response.status_code == 200 and response.context["form"].errors["old_password"]
    assert client.post(reverse("password_change"), change).status_code == 429  # the fifth
    # Even the right password is refused now, here and at sign-in.
    response = client.post(sign_review, {"password": PASSWORD})
    assert response.status_code == 429 and "sai mật khẩu 5 lần" in response.content.decode()
    assert not ManagementReview.objects.get(**records["review"]).approval
    assert sign_in(Client(), chairman.username, PASSWORD).status_code == 429
    assert sign_in(Client(), chairman.username, PASSWORD, address="10.0.0.2").status_code == 302
