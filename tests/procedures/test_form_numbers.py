"""Forms 02 and 03 carry "Số: N/YYYY/PBS" and "Số: N/YYYY/PTC" (R10, §2.2), numbered
by kind and year when issued: at the receipt that refuses or finds the dossier
incomplete, or at the supplement request."""

import pytest

from procedures import dossier_services
from qms.roles import Role
from tests.procedures.test_dossiers import receive
from tests.procedures.test_form_identity import ERAS, in_era, printed


@pytest.mark.parametrize("year", ERAS)
def test_forms_02_and_03_print_their_number_of_their_kind_and_year(effective, personas, year):
    officer = personas[Role.OFFICER]
    era = ERAS[year]
    refusals = [
        receive(effective.procedure, officer, era["received"], decision="refuse", reason="Sai")
        for _ in range(2)
    ]
    incomplete = receive(
        effective.procedure, officer, era["received"], decision="incomplete", reason="Thiếu tờ khai"
    )
    accepted = receive(effective.procedure, officer, era["received"])
    with in_era(era["day2"]):
        dossier_services.dossier_request_supplement(
            dossier=accepted, user=officer, reason="Thiếu bản sao giấy khai sinh"
        )
    assert f"Số: 1/{year}/PTC" in printed("refusal", refusals[0])
    assert f"Số: 2/{year}/PTC" in printed("refusal", refusals[1])
    assert f"Số: 1/{year}/PBS" in printed("supplement-request", incomplete)
    assert f"Số: 2/{year}/PBS" in printed("supplement-request", accepted)
    assert "Số:" not in printed("receipt", accepted)  # the receipt carries the code
