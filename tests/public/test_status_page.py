"""The status page says where a dossier stands, in plain words, and nothing of who
the applicant is but a masked name."""

import pytest
from django.test import Client

from procedures import dossier_services
from public.tokens import status_path
from qms.privacy import masked_name
from qms.roles import Role
from tests.public.conftest import PERSONAL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("  Lê   Thị Thu  Hà ", "Lê T. T. H."),
        ("Đặng Ánh", "Đặng Á."),
        ("Ánh", "Á."),
        ("", ""),
    ],
)
def test_a_name_keeps_its_family_name_and_initials(name, shown):
    assert masked_name(name) == shown


def page(dossier) -> str:
    response = Client().get(status_path(dossier.code))
    assert response.status_code == 200
    return response.content.decode()


def test_no_personal_detail_is_on_the_page(citizen_dossier, hand_back):
    for html in (page(citizen_dossier), page(hand_back(citizen_dossier))):
        assert "Nguyễn V. A." in html
        for value in PERSONAL.values():
            assert value not in html
        assert "5678" not in html  # not even the last digits of a phone


def test_in_progress_it_says_at_which_unit_and_what_to_bring(citizen_dossier):
    html = page(citizen_dossier)
    assert "Hồ sơ của bạn đang được giải quyết" in html
    assert citizen_dossier.current_unit.name in html
    assert citizen_dossier.due_at.astimezone().strftime("%d/%m/%Y") in html
    assert "Căn cước công dân" in html and "giấy ủy quyền" in html


def test_waiting_it_lists_what_is_missing(citizen_dossier, personas):
    dossier_services.dossier_request_supplement(
        dossier=citizen_dossier,
        user=personas[Role.OFFICER],
        reason="Bản sao giấy khai sinh có chứng thực",
    )
    html = page(citizen_dossier)
    assert "Đang chờ bạn bổ sung hồ sơ" in html
    assert "Bản sao giấy khai sinh có chứng thực" in html


def test_ready_returned_and_stopped(citizen_dossier, hand_back, effective, personas):
    returned = hand_back(citizen_dossier)
    html = page(returned)
    assert "Kết quả đã được trả cho bạn vào ngày" in html
    assert "Căn cước công dân" not in html  # nothing left to collect
    other = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lê Hoa",
        channel="direct",
    )
    dossier_services.dossier_stop(dossier=other, user=personas[Role.OFFICER], reason="Không cần")
    assert "Việc giải quyết đã dừng theo đề nghị của bạn" in page(other)
