"""A dossier's public page opens with its own token only."""

import pytest
from django.test import Client
from django.urls import reverse

from public.tokens import status_path, status_url, token_for

pytestmark = pytest.mark.django_db


def test_a_token_opens_its_own_dossier_and_no_other(records):
    code = records["dossier"]["code"]
    assert Client().get(status_path(code)).status_code == 200
    other = "X" + code[1:]
    assert token_for("dossier", other) != token_for("dossier", code)
    assert token_for("complaint", code) != token_for("dossier", code)  # one kind each
    wrong = reverse("public:status", args=[code, token_for("dossier", other)])
    unknown = reverse("public:status", args=[other, token_for("dossier", other)])
    assert Client().get(wrong).status_code == Client().get(unknown).status_code == 404


def test_the_printed_address_is_absolute(settings, records):
    settings.PUBLIC_BASE_URL = "https://motcua.example.vn/"
    code = records["dossier"]["code"]
    assert status_url(code) == "https://motcua.example.vn" + status_path(code)
