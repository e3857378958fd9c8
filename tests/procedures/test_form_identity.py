"""Each of the desk's forms prints the issuing body's identity of its own date (R9)
and is dated by its own event (R11), never by the receipt by default nor by the day
it is printed: a dossier of 2023 and one of today, read back with pdftotext."""

import re
import subprocess
import unicodedata
from datetime import date

import pytest
import time_machine

from procedures import dossier_services
from procedures.pdf import dossier_pdf
from procedures.tracking_book import tracking_book_pdf
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive

DESK_2018, DESK_2025 = "BỘ PHẬN MỘT CỬA", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
WARD = "ỦY BAN NHÂN DÂN PHƯỜNG AN DƯƠNG"
DISTRICT, CITY = "ỦY BAN NHÂN DÂN QUẬN LÊ CHÂN", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
# the receipt and the events of a dossier of 2023, and of one of today (2025 rule set)
ERAS = {
    2023: {"received": "2023-03-02 09:00", "day1": "2023-03-03 10:00", "day2": "2023-03-06 10:00",
           "day3": "2023-03-07 10:00", "new_due": date(2023, 3, 13)},
    2026: {"received": "2026-10-05 09:00", "day1": "2026-10-06 10:00", "day2": "2026-10-07 10:00",
           "day3": "2026-10-08 10:00", "new_due": date(2026, 10, 14)},
}  # fmt: skip


def pdf_words(data: bytes) -> str:
    """The PDF's text in the order it is drawn (`-raw`: a table row by row, a cell's
    lines together, where the layout order would interleave the cells of a wrapped
    row), its line breaks and runs of spaces folded to one space."""
    raw = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw.stdout.decode()))


def printed(kind: str, dossier) -> str:
    return pdf_words(dossier_pdf(kind, dossier))


def dated(text: str) -> date:
    """The day of the date line (the month with or without its leading zero)."""
    found = re.search(r"An Dương, ngày (\d\d) tháng (\d\d?) năm (\d{4})", text)
    assert found, text
    day, month, year = map(int, found.groups())
    return date(year, month, day)


def day_of(moment: str) -> date:
    return at(moment).date()


def in_era(moment: str):
    return time_machine.travel(at(moment), tick=False)


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


def assert_desk_heading(text: str, year: int) -> None:
    """The desk's forms: the ward above its desk of the day (§2.2's common header)."""
    desk, other = (DESK_2018, DESK_2025) if year == 2023 else (DESK_2025, DESK_2018)
    assert WARD in text
    assert desk in text and other not in text
    assert DISTRICT not in text and CITY not in text


@pytest.mark.parametrize("year", ERAS)
def test_the_receipt_and_the_refusal_are_dated_by_the_receipt_under_the_desk_of_their_day(
    effective, officer, year
):
    era = ERAS[year]
    accepted = receive(effective.procedure, officer, era["received"])
    refused = receive(
        effective.procedure, officer, era["received"], decision="refuse", reason="Sai thẩm quyền"
    )
    receipt = printed("receipt", accepted)
    assert_desk_heading(receipt, year)
    assert dated(receipt) == day_of(era["received"])
    desk = "Bộ phận Một cửa" if year == 2023 else "Trung tâm Phục vụ hành chính công"
    assert f"Nhận kết quả tại {desk}" in receipt
    refusal = printed("refusal", refused)
    assert_desk_heading(refusal, year)
    assert dated(refusal) == day_of(era["received"])


@pytest.mark.parametrize("year", ERAS)
def test_form_02_is_dated_on_the_request_not_on_the_receipt(effective, officer, year):
    era = ERAS[year]
    dossier = receive(effective.procedure, officer, era["received"])
    with in_era(era["day2"]):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=officer, reason="Thiếu bản sao giấy khai sinh"
        )
    text = printed("supplement-request", dossier)
    assert_desk_heading(text, year)
    assert dated(text) == day_of(era["day2"])


@pytest.mark.parametrize("year", ERAS)
def test_the_apology_is_the_organisations_of_its_day_dated_on_its_issue(effective, officer, year):
    era = ERAS[year]
    dossier = receive(effective.procedure, officer, era["received"])
    with in_era(era["day1"]):
        dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=era["new_due"]
        )
    text = printed("apology", dossier)
    superior, other = (DISTRICT, CITY) if year == 2023 else (CITY, DISTRICT)
    assert superior in text and other not in text and WARD in text
    assert DESK_2018 not in text and DESK_2025 not in text  # issued by the ward, not the desk
    assert dated(text) == day_of(era["day1"])
    desk = "Bộ phận Một cửa" if year == 2023 else "Trung tâm Phục vụ hành chính công"
    assert f"{desk} tiếp nhận hồ sơ của ông/bà" in text and f"mã hồ sơ {dossier.code}" in text


@pytest.mark.parametrize("year", ERAS)
def test_the_control_slip_is_dated_by_the_receipt_not_by_the_result(
    effective, officer, personas, year
):
    era = ERAS[year]
    dossier = receive(effective.procedure, officer, era["received"])
    with in_era(era["day1"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with in_era(era["day2"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.SPECIALIST])
    with in_era(era["day3"]):
        dossier = dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    assert dossier.completed_on == day_of(era["day3"])
    text = printed("control-slip", dossier)
    assert_desk_heading(text, year)
    assert dated(text) == day_of(era["received"])


def test_the_stop_notice_is_dated_by_the_stop(effective, officer):
    era = ERAS[2026]
    dossier = receive(effective.procedure, officer, era["received"])
    with in_era(era["day2"]):
        dossier_services.dossier_stop(dossier=dossier, user=officer, reason="Công dân xin dừng")
    dossier.refresh_from_db()
    assert dossier.ended_at == at(era["day2"])
    text = printed("stop-notice", dossier)
    assert_desk_heading(text, 2026)
    assert dated(text) == day_of(era["day2"])


@pytest.mark.parametrize("year", ERAS)
def test_the_tracking_book_is_headed_by_the_desk_of_its_period(effective, officer, year):
    received = receive(effective.procedure, officer, ERAS[year]["received"])
    text = pdf_words(tracking_book_pdf(date(year, 1, 1), date(year, 12, 31)))
    assert received.code in text
    assert_desk_heading(text, year)
