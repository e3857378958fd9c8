"""Form 02, one slip per supplement request, dated on the request and signed by the
officer who asks, with the desk's phone; form 04, drafted by the unit at fault and
issued by the chairman's approval (R11), read back with pdftotext."""

import pytest

from procedures import dossier_services
from procedures.pdf import dossier_pdf
from qms.roles import Role
from tests.procedures.test_dossiers import receive
from tests.procedures.test_form_identity import ERAS, dated, day_of, in_era, pdf_words

DESK_PHONES = {2023: "0225 3857 210", 2026: "0225 3857 211"}


@pytest.mark.parametrize("year", ERAS)
def test_form_02_is_one_slip_per_request_signed_by_who_asked(effective, personas, year):
    era = ERAS[year]
    officer, specialist = personas[Role.OFFICER], personas[Role.SPECIALIST]
    dossier = receive(effective.procedure, officer, era["received"])
    with in_era(era["day1"]):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=officer, reason="Bản sao giấy khai sinh\nẢnh 4x6"
        )
    with in_era(era["day2"]):
        dossier_services.dossier_resume(dossier=dossier, user=officer)
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with in_era(era["day3"]):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=specialist, reason="Bản sao sổ hộ khẩu"
        )
    first = pdf_words(dossier_pdf("supplement-request", dossier, number=1))
    second = pdf_words(dossier_pdf("supplement-request", dossier, number=2))
    assert dated(first) == day_of(era["day1"])
    assert dated(second) == day_of(era["day3"])
    assert "1. Bản sao giấy khai sinh 2. Ảnh 4x6" in first
    assert "sổ hộ khẩu" not in first and "khai sinh" not in second
    assert officer.get_full_name() in first and specialist.get_full_name() not in first
    assert specialist.get_full_name() in second and officer.get_full_name() not in second
    for text in (first, second):
        assert f"số điện thoại {DESK_PHONES[year]}" in text
    # without a number, the latest request
    assert dated(pdf_words(dossier_pdf("supplement-request", dossier))) == day_of(era["day3"])


def test_the_intake_slip_is_signed_by_the_receiving_officer(effective, personas):
    officer = personas[Role.OFFICER]
    dossier = receive(
        effective.procedure, officer, "2026-10-05 09:00", decision="incomplete", reason="Tờ khai"
    )
    text = pdf_words(dossier_pdf("supplement-request", dossier))
    assert dated(text) == day_of("2026-10-05 09:00")
    assert "1. Tờ khai" in text and officer.get_full_name() in text


def test_each_request_has_its_slip_on_the_dossier_page(effective, personas, client_for):
    officer = personas[Role.OFFICER]
    dossier = receive(effective.procedure, officer, ERAS[2026]["received"])
    with in_era(ERAS[2026]["day1"]):
        dossier_services.dossier_request_supplement(dossier=dossier, user=officer, reason="Tờ khai")
    client = client_for(officer)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    url = f"/ho-so/{dossier.code}/in/supplement-request/?lan=1"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert dated(pdf_words(response.content)) == day_of(ERAS[2026]["day1"])
    assert client.get(f"/ho-so/{dossier.code}/in/supplement-request/?lan=2").status_code == 404
    assert client.get(f"/ho-so/{dossier.code}/in/supplement-request/?lan=x").status_code == 404
