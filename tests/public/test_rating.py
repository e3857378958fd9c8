"""The citizen rates their own dossier once, after the return; the staff page and
the satisfaction figures say which ratings came from the citizens."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procedures import dossier_services
from procedures.models import Dossier
from public.tokens import status_path, token_for
from qms.oversight import i766, kpi
from qms.roles import Role

pytestmark = pytest.mark.django_db

ALL_NINE = {f"criterion_{n}": "2" for n in range(1, 10)}


def rate_url(dossier) -> str:
    return reverse("public:rate", args=[dossier.code, token_for("dossier", dossier.code)])


def test_the_form_appears_only_after_the_return(citizen_dossier, hand_back):
    assert (
        'data-testid="rating-form"'
        not in Client().get(status_path(citizen_dossier.code)).content.decode()
    )
    refused = Client().post(rate_url(citizen_dossier), {"rating": "satisfied"})
    assert refused.status_code == 400
    assert "Hồ sơ chỉ được đánh giá khi đã trả kết quả" in refused.content.decode()
    assert Dossier.objects.get(pk=citizen_dossier.pk).rating == ""
    hand_back(citizen_dossier)
    html = Client().get(status_path(citizen_dossier.code)).content.decode()
    assert 'data-testid="rating-form"' in html and "Rất hài lòng" in html


def test_a_citizen_rates_once_with_the_nine_criteria(citizen_dossier, hand_back):
    hand_back(citizen_dossier)
    client = Client()
    sent = client.post(rate_url(citizen_dossier), {"rating": "very_satisfied", **ALL_NINE})
    assert sent.status_code == 302 and sent["Location"] == status_path(citizen_dossier.code)
    dossier = Dossier.objects.get(pk=citizen_dossier.pk)
    assert (dossier.rating, dossier.rating_source, dossier.criteria) == (
        "very_satisfied",
        "citizen",
        [2] * 9,
    )
    last = dossier.history.first()
    assert last.history_user is None and last.history_change_reason == "Công dân tự đánh giá"
    again = client.post(rate_url(citizen_dossier), {"rating": "unsatisfied"})
    assert again.status_code == 400
    assert Dossier.objects.get(pk=citizen_dossier.pk).rating == "very_satisfied"
    html = client.get(status_path(citizen_dossier.code)).content.decode()
    assert 'data-testid="rating-form"' not in html and "Đánh giá của bạn: Rất hài lòng" in html


def test_a_rating_needs_its_level_and_all_nine_answers_or_none(citizen_dossier, hand_back):
    hand_back(citizen_dossier)
    without = Client().post(rate_url(citizen_dossier), {"criterion_1": "2"})
    assert without.status_code == 400
    html = without.content.decode()
    assert "Hãy chọn mức độ hài lòng của bạn." in html
    partly = Client().post(rate_url(citizen_dossier), {"rating": "satisfied", "criterion_1": "2"})
    assert "còn 8 câu chưa trả lời" in partly.content.decode()
    assert Dossier.objects.get(pk=citizen_dossier.pk).rating == ""
    with pytest.raises(ValidationError):
        dossier_services.dossier_rate(dossier=citizen_dossier, rating="satisfied", criteria=[3] * 9)


def test_a_rating_entered_by_the_officer_is_not_rated_again(citizen_dossier, hand_back):
    dossier = hand_back(citizen_dossier, rating="satisfied")
    assert dossier.rating_source == "officer"
    assert Client().post(rate_url(dossier), {"rating": "unsatisfied"}).status_code == 400
    html = Client().get(status_path(dossier.code)).content.decode()
    assert "Đánh giá đã được ghi tại bộ phận một cửa: Hài lòng" in html


def test_another_codes_token_does_not_rate(citizen_dossier, hand_back, effective, personas):
    hand_back(citizen_dossier)
    other = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lê Hoa",
        channel="direct",
    )
    wrong = reverse("public:rate", args=[citizen_dossier.code, token_for("dossier", other.code)])
    assert Client().post(wrong, {"rating": "unsatisfied"}).status_code == 404
    assert Dossier.objects.get(pk=citizen_dossier.pk).rating == ""


def test_the_staff_page_and_the_figures_say_who_rated(
    citizen_dossier, hand_back, effective, personas, client_for
):
    by_officer = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lê Hoa",
        channel="direct",
    )
    hand_back(by_officer, rating="unsatisfied")
    hand_back(citizen_dossier)
    Client().post(rate_url(citizen_dossier), {"rating": "satisfied"})
    staff = client_for(personas[Role.OFFICER])
    page = staff.get(reverse("procedures:dossier_detail", args=[citizen_dossier.code]))
    assert "do công dân tự đánh giá" in page.content.decode()
    page = staff.get(reverse("procedures:dossier_detail", args=[by_officer.code]))
    assert "do cán bộ nhập" in page.content.decode()
    today = timezone.localdate()
    scope = kpi.Scope(today - timedelta(days=1), today)
    figures = kpi.compute(scope)
    assert (figures["rated"], figures["rated_by_citizens"], figures["satisfaction_rate"]) == (
        2,
        1,
        50.0,
    )
    satisfaction = i766.indicators(scope)["5.4"]
    assert (satisfaction["rated"], satisfaction["rated_by_citizens"]) == (2, 1)
