"""A dossier is found by its code and the last four digits of the applicant's phone;
a wrong code and wrong digits get the same answer."""

import pytest
from django.test import Client
from django.urls import reverse

from public.tokens import status_path

pytestmark = pytest.mark.django_db

REFUSED = "Không có hồ sơ nào khớp với mã và các chữ số điện thoại này"


def test_the_code_and_the_phone_digits_lead_to_the_status_page(citizen_dossier):
    found = Client().post(
        reverse("public:lookup"),
        {"code": f" {citizen_dossier.code.lower()} ", "phone_digits": "5678"},
    )
    assert found.status_code == 302 and found["Location"] == status_path(citizen_dossier.code)


def test_a_wrong_code_and_wrong_digits_get_the_same_answer(citizen_dossier):
    url = reverse("public:lookup")
    wrong_digits = Client().post(url, {"code": citizen_dossier.code, "phone_digits": "1234"})
    wrong_code = Client().post(url, {"code": "PAD-000000-9999", "phone_digits": "5678"})
    assert wrong_digits.status_code == wrong_code.status_code == 400
    assert REFUSED in wrong_digits.content.decode() and REFUSED in wrong_code.content.decode()
    # the representative's phone does not open the applicant's dossier
    theirs = Client().post(url, {"code": citizen_dossier.code, "phone_digits": "4321"})
    assert REFUSED in theirs.content.decode()


def test_the_digits_are_four_digits(citizen_dossier):
    answer = Client().post(
        reverse("public:lookup"), {"code": citizen_dossier.code, "phone_digits": "56a8"}
    )
    assert answer.status_code == 400
    assert "Nhập bốn chữ số cuối của số điện thoại." in answer.content.decode()


def test_lookups_are_limited_per_address(citizen_dossier):
    from public import limits

    allowed = int(limits.LOOKUP.split("/")[0])
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("public:lookup")
    answers = [
        client.post(url, {"code": citizen_dossier.code, "phone_digits": "0000"}).status_code
        for _ in range(allowed + 1)
    ]
    assert answers == [400] * allowed + [429]
    assert client.get(url).status_code == 200  # the form itself is still shown
