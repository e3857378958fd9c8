"""The control slip (R11, §2.2): the procedure, the co-operating bodies, one row per
hand-over from the desk to the return to the citizen with the giver and receiver and
the step's result, rows for a supplement's pause and restart; an imported dossier
prints the moments its data holds and says so. Read back with pdftotext."""

import pytest

from procedures import dossier_services
from procedures.importer import import_dossiers
from procedures.models import Dossier
from qms.roles import Role
from tests.procedures.test_dossiers import receive
from tests.procedures.test_form_identity import in_era, printed
from tests.procedures.test_import import GOOD, csv_bytes

COLUMNS = ("Tên đơn vị giao, nhận", "Người giao", "Người nhận", "trước hạn/đúng hạn/quá hạn")


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


def test_a_2023_slip_has_every_hand_over_the_pause_the_restart_and_the_return(
    effective, officer, personas
):
    specialist, chairman = personas[Role.SPECIALIST], personas[Role.CHAIRMAN]
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00", applicant_name="Vũ Thị Lan")
    with in_era("2023-03-02 10:00"):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with in_era("2023-03-03 09:00"):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=specialist, reason="Bổ sung giấy xác nhận cư trú"
        )
    with in_era("2023-03-13 15:00"):
        dossier_services.dossier_resume(dossier=dossier, user=officer)
    with in_era("2023-03-15 10:00"):
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
    with in_era("2023-03-15 11:00"):
        dossier_services.dossier_complete(dossier=dossier, user=chairman)
    with in_era("2023-03-16 09:00"):
        dossier = dossier_services.dossier_return(dossier=dossier, user=officer)
    text = printed("control-slip", dossier)
    assert all(column in text for column in COLUMNS)
    assert f"Thủ tục hành chính {effective.procedure.name}" in text
    assert "Cơ quan phối hợp giải quyết" in text
    assert "Thời gian hẹn trả kết quả 17 giờ 00 phút, ngày 16 tháng 3 năm 2023" in text
    assert "Thời gian nhận hồ sơ 09 giờ 00 phút, ngày 02 tháng 3 năm 2023" in text
    first = text.index("1. Giao: Bộ phận Một cửa")
    assert text.index("2. Nhận: Bộ phận TP-HT") > first
    pause = text.index("Tạm dừng:")
    restart = text.index("Tiếp tục:")
    back = text.index("Trả kết quả cho")
    assert first < pause < restart < back
    assert "10 giờ 00 phút," in text and "09 giờ 00 phút," in text  # hand-over, pause
    assert "15 giờ 00 phút," in text and "ngày 13 tháng 3 năm 2023" in text  # restart
    assert "ngày 16 tháng 3 năm 2023" in text.split("Tiếp tục:")[1]  # its new appointment
    assert f"{officer.get_full_name()} (đã ký điện tử)" in text
    assert f"{specialist.get_full_name()} (đã ký điện tử)" in text
    assert "2. Nhận: Vũ Thị Lan (người nộp hồ sơ)" in text
    assert "Trước hạn" in text
    assert "Hồ sơ nhập từ hệ thống khác" not in text


def test_a_slip_of_today_names_the_centre_as_the_giver(effective, officer):
    dossier = receive(effective.procedure, officer, "2026-10-05 09:00")
    with in_era("2026-10-05 10:00"):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    text = printed("control-slip", dossier)
    assert text.index("1. Giao: Trung tâm Phục vụ") < text.index("2. Nhận: Bộ phận TP-HT")
    assert "10 giờ 00 phút," in text and "ngày 05 tháng 10 năm 2026" in text
    assert "Trả kết quả cho tổ chức, cá nhân" not in text  # not returned yet
    assert "Hồ sơ nhập từ hệ thống khác" not in text


def test_an_imported_slip_prints_the_moments_it_has_and_says_so(effective):
    import_dossiers("tinh.csv", csv_bytes(GOOD[0]))
    dossier = Dossier.objects.get()
    text = printed("control-slip", dossier)
    assert "Hồ sơ nhập từ hệ thống khác: chỉ có các mốc đã ghi nhận" in text
    assert "1. Giao: Bộ phận Một cửa" in text
    assert "09 giờ 00 phút," in text and "ngày 02 tháng 3 năm 2023" in text  # receipt
    assert "10 giờ 00 phút," in text and "ngày 06 tháng 3 năm 2023" in text  # completion
    assert "08 giờ 00 phút," in text and "ngày 07 tháng 3 năm 2023" in text  # return
    assert "Có kết quả" in text and "Trả kết quả cho" in text
