"""Vietnamese login, logout and password change."""

from django.urls import reverse

from qms.roles import Role
from tests.factories import PASSWORD


def test_login_page_is_vietnamese(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="vi"' in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_log_in_and_out(client, personas):
    user = personas[Role.OFFICER]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("qms:home")
    assert client.get(reverse("qms:home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("qms:home")).status_code == 302


def test_wrong_password_is_explained(client, personas):
    response = client.post(
        reverse("login"), {"username": personas[Role.OFFICER].username, "password": "sai"}
    )
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_change_password(client, personas):
    user = personas[Role.VIEWER]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ph@ng-An-Duong-9", "new_password2": "x"},
    )
    assert response.status_code == 200
    assert "mật khẩu" in response.content.decode().lower()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ph@ng-An-Duong-9",
            "new_password2": "Ph@ng-An-Duong-9",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ph@ng-An-Duong-9")
