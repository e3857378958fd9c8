"""The desk's kiosk: a code or the receipt's QR address, the rating of a dossier
returned in the last days and not yet rated, thanks, and back to the code box."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procedures.dossier_services import KIOSK_RATING_DAYS
from procedures.models import Dossier
from public.tokens import status_url
from tests.public.conftest import PERSONAL

pytestmark = pytest.mark.django_db

NOT_OFFERED = "chưa được đánh giá có mã này"


def kiosk(typed: str):
    return Client().get(reverse("public:kiosk_rate"), {"code": typed})


def test_a_scanned_address_or_a_typed_code_opens_the_rating(citizen_dossier, hand_back):
    hand_back(citizen_dossier)
    start = Client().get(reverse("public:kiosk")).content.decode()
    assert "autofocus" in start
    for typed in (status_url(citizen_dossier.code), citizen_dossier.code.lower()):
        page = kiosk(typed)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="rating-form"' in html and "Nguyễn V. A." in html
        for value in PERSONAL.values():
            assert value not in html


def test_after_the_rating_it_thanks_and_goes_back_to_the_start(citizen_dossier, hand_back):
    hand_back(citizen_dossier)
    done = Client().post(
        reverse("public:kiosk_rate"), {"code": citizen_dossier.code, "rating": "satisfied"}
    )
    html = done.content.decode()
    assert "Cảm ơn bạn: đánh giá của bạn đã được ghi nhận." in html
    assert f'http-equiv="refresh" content="5;url={reverse("public:kiosk")}"' in html
    dossier = Dossier.objects.get(pk=citizen_dossier.pk)
    assert (dossier.rating, dossier.rating_source) == ("satisfied", "citizen")
    assert dossier.history.first().history_change_reason == "Công dân tự đánh giá tại máy tại quầy"
    assert NOT_OFFERED in kiosk(citizen_dossier.code).content.decode()  # once only


def test_only_a_dossier_returned_in_the_last_days(citizen_dossier, hand_back):
    assert NOT_OFFERED in kiosk(citizen_dossier.code).content.decode()  # not returned yet
    hand_back(citizen_dossier)
    assert NOT_OFFERED in kiosk("PAD-000000-0001").content.decode()
    later = timezone.now() + timedelta(days=KIOSK_RATING_DAYS + 1)
    with time_machine.travel(later):
        assert kiosk(citizen_dossier.code).status_code == 400
        sent = Client().post(
            reverse("public:kiosk_rate"), {"code": citizen_dossier.code, "rating": "satisfied"}
        )
        assert sent.status_code == 400
    assert Dossier.objects.get(pk=citizen_dossier.pk).rating == ""
    # back within the days, the kiosk offers it
    assert kiosk(citizen_dossier.code).status_code == 200
