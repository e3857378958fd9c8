"""The citizens' pages answer 429 to an address that asks too often."""

import pytest
from django.test import Client

from public import limits
from public.tokens import status_path

pytestmark = pytest.mark.django_db


def test_an_address_over_the_limit_is_told_to_wait(records, monkeypatch):
    allowed = int(limits.READ.split("/")[0])
    path = status_path(records["dossier"]["code"])
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [client.get(path).status_code for _ in range(allowed + 1)]
    assert answers[:allowed] == [200] * allowed
    refused = client.get(path)
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    # another address is still served
    assert Client(REMOTE_ADDR="203.0.113.8").get(path).status_code == 200
