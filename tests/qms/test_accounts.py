"""Accounts: sign-in throttled per user name, the client's address behind trusted
proxies, the sign-in log, sessions that end, and Django's password validators."""

import logging
import re
from ipaddress import ip_network
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from qms.models import ManagementReview, User
from qms.oversight import services
from qms.roles import Role, role_conflicts
from tests.admin_pages import unchanged
from tests.factories import PASSWORD, UserFactory, page_sha256


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def page_text(response) -> str:
    """The page as the browser gets it, less the CSRF tokens (new on every page)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<token>", response.content.decode())


def test_five_wrong_passwords_pause_that_user_name_from_every_address(personas):
    officer = personas[Role.OFFICER].username
    client = Client()
    for _ in range(5):
        assert sign_in(client, officer, "sai-mat-khau").status_code == 200
    locked = sign_in(client, officer, PASSWORD)  # even the right password now
    assert "_auth_user_id" not in client.session
    assert "Sai tên đăng nhập hoặc mật khẩu" in locked.content.decode()
    assert "sau 5 lần nhập sai mật khẩu liên tiếp" in locked.content.decode().lower()
    for address in ("10.0.0.2", "192.0.2.50", "2001:db8::1"):
        other_client = Client()
        assert sign_in(other_client, officer, PASSWORD, address=address).status_code == 200
        assert "_auth_user_id" not in other_client.session
    # another user from the same address still signs in
    other = personas[Role.SPECIALIST].username
    assert sign_in(Client(), other, PASSWORD).status_code == 302


def test_failures_from_many_addresses_add_up_for_one_user_name(personas, settings):
    """Rotating addresses, directly or through X-Forwarded-For behind the proxy, gains
    nothing: the count is per user name."""
    settings.TRUSTED_PROXIES = (ip_network("10.9.9.0/24"),)
    chairman = personas[Role.CHAIRMAN].username
    for n in range(1, 4):
        sign_in(Client(), chairman, "sai", address=f"198.51.100.{n}")
    for n in range(4, 6):
        Client().post(
            reverse("login"),
            {"username": chairman, "password": "sai"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    client = Client()
    assert sign_in(client, chairman, PASSWORD, address="198.51.100.99").status_code == 200
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), personas[Role.OFFICER].username, PASSWORD).status_code == 302


def test_a_paused_user_name_gets_the_answer_of_a_wrong_password(personas):
    officer = personas[Role.OFFICER].username
    hashed = mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    )
    with hashed as encode:
        wrong = sign_in(Client(), officer, "sai-mat-khau")
    assert encode.call_count == 1  # the password was checked
    for _ in range(4):
        sign_in(Client(), officer, "sai-mat-khau")
    with hashed as encode:
        locked = sign_in(Client(), officer, PASSWORD)
    assert encode.call_count == 1  # not checked, but one hash all the same
    assert locked.status_code == wrong.status_code == 200
    assert page_text(locked) == page_text(wrong)
    assert "Sai tên đăng nhập hoặc mật khẩu" in page_text(locked)


def address_used(settings, caplog, *, remote: str, forwarded: str) -> str:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="qms.auth"):
        Client().post(
            reverse("login"),
            {"username": "ai-do", "password": "sai"},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    (message,) = [r.getMessage() for r in caplog.records if r.name == "qms.auth"]
    return message.rpartition("address=")[2]


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(db, settings, caplog):
    settings.TRUSTED_PROXIES = (ip_network("10.9.9.0/24"), ip_network("127.0.0.1"))
    untrusted = {
        address_used(settings, caplog, remote="192.0.2.7", forwarded=f"203.0.113.{n}")
        for n in range(1, 6)
    }
    assert untrusted == {"192.0.2.7"}
    through_proxy = [
        address_used(settings, caplog, remote="10.9.9.9", forwarded=f"203.0.113.{n}")
        for n in range(1, 4)
    ]
    assert through_proxy == ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    # the client's own X-Forwarded-For is on the left of what the proxies appended
    forged = "1.2.3.4, 203.0.113.9, 127.0.0.1"
    assert address_used(settings, caplog, remote="10.9.9.9", forwarded=forged) == "203.0.113.9"
    assert address_used(settings, caplog, remote="10.9.9.9", forwarded="") == "10.9.9.9"
    assert address_used(settings, caplog, remote="10.9.9.9", forwarded="x, <b>") == "10.9.9.9"
    assert AccessAttempt.objects.filter(ip_address="192.0.2.7").exists()


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
    review = ManagementReview.objects.get(**records["review"])
    services.review_sign(  # the chairman's signature is due once the secretary's is given
        review=review, user=review.secretary, password=PASSWORD, seen_sha256=page_sha256(review)
    )
    sign_review = reverse("qms:review_sign", kwargs=records["review"])
    for _ in range(3):
        response = client.post(sign_review, {"password": "sai-mat-khau"}, follow=True)
        assert "Mật khẩu không đúng" in response.content.decode()
    change = {"old_password": "sai", "new_password1": "Mới-2026-x", "new_password2": "Mới-2026-x"}
    for _ in range(2):  # the fourth and the fifth
        response = client.post(reverse("password_change"), change)
        assert response.status_code == 200 and response.context["form"].errors["old_password"]
    # Even the right password is refused now, in the same words, here and at sign-in.
    response = client.post(sign_review, {"password": PASSWORD}, follow=True)
    assert "Mật khẩu không đúng" in response.content.decode()
    assert not ManagementReview.objects.get(**records["review"]).approval
    for address in ("10.0.0.1", "10.0.0.2"):
        signing_in = Client()
        assert sign_in(signing_in, chairman.username, PASSWORD, address=address).status_code == 200
        assert "_auth_user_id" not in signing_in.session


# -- passwords and roles set by someone else ---------------------------------------------

NEW = "Ph@ng-An-Duong-2026"


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", full_name="Quản trị hệ thống", is_superuser=True,
                       is_staff=True, unit=None)  # fmt: skip


def reset(client: Client, user, password: str = NEW):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    return client.post(url, {"password1": password, "password2": password})


def test_only_a_superuser_resets_a_password(personas, client_for):
    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    client = client_for(secretary)
    for user in (officer, secretary):
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.get(url).status_code == 403
        assert reset(client, user).status_code == 403
        user.refresh_from_db()
        assert user.check_password(PASSWORD) and not user.must_change_password
    page = client.get(reverse("admin:qms_user_change", args=[officer.pk]))
    shown = [name for _title, options in page.context["adminform"].fieldsets
             for name in options["fields"]]  # fmt: skip
    assert "password" not in shown
    assert "/password/" not in page.content.decode()  # no link to the reset form


def test_a_reset_is_logged_mailed_and_changed_at_the_next_sign_in(
    personas, superuser, client_for, caplog, django_capture_on_commit_callbacks
):
    officer = personas[Role.OFFICER]
    officer.email = "motcua@phuong.example.vn"
    officer.save()
    with (
        caplog.at_level(logging.INFO, logger="qms.auth"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reset(client_for(superuser), officer).status_code == 302
    assert "password reset user='officer' by='quantri'" in [r.getMessage() for r in caplog.records]
    (notice,) = mail.outbox
    assert notice.to == ["motcua@phuong.example.vn"]
    assert "Quản trị hệ thống" in notice.body and "officer" in notice.body
    officer.refresh_from_db()
    assert officer.check_password(NEW) and officer.must_change_password

    client = Client()
    assert sign_in(client, officer.username, NEW)["Location"] == reverse("qms:home")
    for page in (reverse("qms:home"), reverse("procedures:dossier_list"), "/quan-tri/"):
        assert client.get(page)["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and 'data-testid="must-change-password"' in page.content.decode()
    same = {"old_password": NEW, "new_password1": NEW, "new_password2": NEW}
    response = client.post(reverse("password_change"), same)
    assert "khác mật khẩu hiện tại" in str(response.context["form"].errors["new_password1"])
    mine = "Chi-Toi-Biet-2026"
    change = {"old_password": NEW, "new_password1": mine, "new_password2": mine}
    assert client.post(reverse("password_change"), change).status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(mine) and not officer.must_change_password
    assert client.get(reverse("qms:home")).status_code == 200


def test_a_reset_without_an_address_mails_no_one(
    personas, superuser, client_for, django_capture_on_commit_callbacks
):
    viewer = personas[Role.VIEWER]
    with django_capture_on_commit_callbacks(execute=True):
        assert reset(client_for(superuser), viewer).status_code == 302
    assert mail.outbox == []
    viewer.refresh_from_db()
    assert viewer.must_change_password


def test_an_account_created_in_the_admin_changes_its_first_password(personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    data = {"username": "canbo-moi", "full_name": "Cán Bộ Mới", "usable_password": "true",
            "password1": NEW, "password2": NEW}  # fmt: skip
    assert client.post(reverse("admin:qms_user_add"), data).status_code == 302
    assert User.objects.get(username="canbo-moi").must_change_password
    signing_in = Client()
    sign_in(signing_in, "canbo-moi", NEW)
    assert signing_in.get(reverse("qms:home"))["Location"] == reverse("password_change")


@pytest.mark.parametrize(
    ("holds", "given"),
    [
        (Role.AUDITOR, Role.OFFICER),
        (Role.OFFICER, Role.AUDITOR),
        (Role.AUDITOR, Role.ISO_SECRETARY),
        (Role.VIEWER, Role.CHAIRMAN),
    ],
)
def test_only_a_superuser_gives_one_account_conflicting_roles(
    personas, superuser, client_for, holds, given
):
    user = UserFactory(username="hai-vai-tro", role=holds.value)
    url = reverse("admin:qms_user_change", args=[user.pk])
    both = [str(Group.objects.get(name=role.value).pk) for role in (holds, given)]
    secretary = client_for(personas[Role.ISO_SECRETARY])
    response = secretary.post(url, unchanged(secretary.get(url)) | {"groups": both})
    assert response.status_code == 200
    message = str(response.context["adminform"].form.errors["groups"])
    # the chairman's role is not even offered to her
    assert ("chỉ quản trị viên cấp cao (superuser)" in message) == (given != Role.CHAIRMAN)
    user = User.objects.get(pk=user.pk)
    assert user.roles == {holds}
    admin = client_for(superuser)
    assert admin.post(url, unchanged(admin.get(url)) | {"groups": both}).status_code == 302
    assert User.objects.get(pk=user.pk).roles == {holds, given}
    # what a superuser gave stays when the ISO secretary edits something else
    if given != Role.CHAIRMAN:  # an account with the chairman's role is out of her reach
        edit = unchanged(secretary.get(url)) | {"position": "Công chức"}
        assert secretary.post(url, edit).status_code == 302
        assert User.objects.get(pk=user.pk).roles == {holds, given}


def test_the_conflicting_roles():
    assert role_conflicts({Role.AUDITOR, Role.SPECIALIST, Role.VIEWER}) == set()
    assert role_conflicts({Role.AUDITOR, Role.OFFICER, Role.ISO_SECRETARY}) == {
        frozenset({Role.AUDITOR, Role.OFFICER}),
        frozenset({Role.AUDITOR, Role.ISO_SECRETARY}),
    }
    assert all(role_conflicts({Role.CHAIRMAN, role}) for role in Role if role != Role.CHAIRMAN)
