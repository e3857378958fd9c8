import pytest
from django.test import Client

from api.models import ApiKey


@pytest.fixture
def api_for(db):
    """A client calling the API with a new key of `user`'s (at `rate`)."""

    def client(user, rate: str = "600/minute") -> Client:
        _key, secret = ApiKey.objects.create_key(name=f"{user.username} key", user=user, rate=rate)
        return Client(headers={"Authorization": f"Api-Key {secret}"})

    return client
