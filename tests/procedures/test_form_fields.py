"""Every field of domain-vn.md §2.2 on every desk form (issue 16's "Done when"): each
form printed for a dossier of 2023 (rule set 2018, the identity of the Bộ phận Một
cửa under UBND quận Lê Chân) and for a dossier of today (rule set 2025, the Trung
tâm Phục vụ hành chính công under UBND thành phố Hải Phòng), read back with
pdftotext: the heading of the event's date (R9), the date line in R10's format
("ngày 05 tháng 01", "ngày 02 tháng 12"), the event's own date (R11), the signer's
title and name, and each field §2.2 lists for the form, quoted beside the text the
print must show for it."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from procedures import dossier_services
from procedures.pdf import dossier_pdf
from procedures.tracking_book import tracking_book_pdf
from qms.dates import moment_words
from qms.models import Organisation
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive
from tests.procedures.test_form_identity import (
    CITY,
    DESK_2018,
    DESK_2025,
    DISTRICT,
    WARD,
    in_era,
    pdf_words,
)
from tests.procedures.test_forms_02_04 import approve, draft
from tests.procedures.test_representative import REPRESENTATIVE


@dataclass(frozen=True)
class Era:
    rule_set: str
    received: str  # the receipt
    event: str  # the later event a form is dated by: a request, an issue, a stop
    new_due: date  # form 04's new date
    receipt_line: str  # R10's date line of the receipt's day
    event_line: str  # and of the event's day
    desk: str  # the desk's name in the heading of that day
    superior: str  # the organisation's superior authority that day (form 04)


ERAS = {
    "2023": Era(
        "2018",
        "2023-01-05 09:00",
        "2023-01-06 10:00",
        date(2023, 1, 12),
        "An Dương, ngày 05 tháng 01 năm 2023",  # day and month 1 padded
        "An Dương, ngày 06 tháng 01 năm 2023",
        DESK_2018,
        DISTRICT,
    ),
    # today's dossier (the day this test was written, so that it stays a fixed case)
    "today": Era(
        "2025",
        "2026-12-01 09:00",
        "2026-12-02 10:00",
        date(2026, 12, 9),
        "An Dương, ngày 01 tháng 12 năm 2026",  # month 12 not padded
        "An Dương, ngày 02 tháng 12 năm 2026",
        DESK_2025,
        CITY,
    ),
}
APPLICANT = {
    "applicant_name": "Trần Thị Bình",
    "applicant_id_number": "031090001234",
    "applicant_phone": "0912345678",
    "applicant_address": "Số 5 đường Lê Chân",
    "applicant_email": "binh@example.com",
}
DOCUMENTS = [
    {"name": "Tờ khai đăng ký", "copy_type": "original", "quantity": 1},
    {"name": "Giấy khai sinh", "copy_type": "certified", "quantity": 2},
]


def _words(phrase: str) -> list[str]:
    return phrase.split()


def shows(text: str, phrase: str) -> bool:
    """`phrase` in the text: as printed, or, where a table's narrow cells wrap it and
    pdftotext interleaves the next cells' lines, its words in order within a few
    words of each other."""
    if phrase in text:
        return True
    words, wanted = text.split(), _words(phrase)
    for start, word in enumerate(words):
        if word != wanted[0]:
            continue
        position, found = start, True
        for part in wanted[1:]:
            window = words[position + 1 : position + 8]
            if part not in window:
                found = False
                break
            position += 1 + window.index(part)
        if found:
            return True
    return False


# -- the dossiers, one per form, with the events each form is dated by ------------


def _received(effective, personas, era: Era, **kwargs):
    return receive(
        effective.procedure,
        personas[Role.OFFICER],
        era.received,
        documents=DOCUMENTS,
        **APPLICANT,
        **kwargs,
    )


def _supplement(effective, personas, era):
    """Asked during processing by the specialist (R11: signed by who asks)."""
    dossier = _received(effective, personas, era)
    with in_era(era.event):
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.OFFICER])
        dossier_services.dossier_request_supplement(
            dossier=dossier,
            user=personas[Role.SPECIALIST],
            reason="Bản sao giấy khai sinh có chứng thực\nẢnh 4x6",
        )
    return dossier


def _apology(effective, personas, era):
    """Drafted by the desk, issued the same day by the chairman (R11)."""
    dossier = _received(effective, personas, era)
    apology = draft(dossier, personas[Role.OFFICER], era.event, era.new_due)
    approve(apology, personas[Role.CHAIRMAN], era.event.replace("10:00", "11:00"))
    dossier.refresh_from_db()
    return dossier


def _stopped(effective, personas, era):
    dossier = _received(effective, personas, era)
    with in_era(era.event):
        dossier_services.dossier_stop(
            dossier=dossier, user=personas[Role.OFFICER], reason="Công dân xin dừng giải quyết"
        )
    dossier.refresh_from_db()
    return dossier


def _handed_on(effective, personas, era):
    dossier = _received(effective, personas, era)
    with in_era(era.event):
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.OFFICER])
    return dossier


BUILD = {
    "receipt": lambda effective, personas, era: _received(
        effective, personas, era, **REPRESENTATIVE
    ),
    "supplement-request": _supplement,
    "refusal": lambda effective, personas, era: _received(
        effective, personas, era, decision="refuse", reason="Không thuộc thẩm quyền của phường"
    ),
    "apology": _apology,
    "stop-notice": _stopped,
    "control-slip": _handed_on,
    "tracking-book": _received,
}


# -- what each form must show: §2.2, quoted, and the text that answers it ---------


def _contact(dossier) -> list[tuple[str, str]]:
    return [
        ("whose dossier", f"Người nộp hồ sơ {dossier.applicant_name}"),
        ("address", f"Địa chỉ {APPLICANT['applicant_address']}"),
        ("phone", f"Số điện thoại {APPLICANT['applicant_phone']}"),
        ("email", f"Thư điện tử {APPLICANT['applicant_email']}"),
        ("content of the request", f"Nội dung yêu cầu giải quyết {dossier.procedure.name}"),
    ]


def _receipt_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    documents = list(dossier.documents.all())
    return [
        ("Dossier code (Mã hồ sơ)", f"Mã hồ sơ {dossier.code}"),
        ("receiving unit", f"Nơi tiếp nhận hồ sơ {desk_name}"),
        *_contact(dossier),
        ("personal/organisation identifier (số định danh)", "Số định danh cá nhân 031090001234"),
        *[
            (f"If authorised: the authorised person's {field}", printed)
            for field, printed in (
                ("name", f"Người được ủy quyền {REPRESENTATIVE['representative_name']}"),
                ("address", f"Địa chỉ {REPRESENTATIVE['representative_address']}"),
                ("identifier", "Số định danh cá nhân 031088004321"),
                ("phone, email", "Số điện thoại; email 0987 654 320; cuong@example.vn"),
                (
                    "authorisation document",
                    f"Giấy tờ ủy quyền {REPRESENTATIVE['representative_authorisation']}",
                ),
            )
        ],
        *[
            (
                "Documents submitted (numbered list): item | copy type | quantity",
                f"{d.order} {d.name} {d.get_copy_type_display()} {d.quantity}",
            )
            for d in documents
        ],
        ("Number of sets (bộ)", f"Số lượng hồ sơ {dossier.documents_count} bộ"),
        ("Legal processing time (days)", "Thời gian giải quyết theo quy định 3 ngày làm việc"),
        (
            "Time received (hour, minute, date)",
            f"Thời gian nhận hồ sơ 09 giờ 00 phút, {era.receipt_line.split(', ')[1]}",
        ),
        (
            "time the result is due (hour, minute, date)",
            f"Thời gian hẹn trả kết quả {moment_words(dossier.due_at)}",
        ),
        ("Where the result will be collected", f"Nhận kết quả tại {desk_name}"),
        (
            "Tracking-book volume number and sequence number",
            f"Quyển số: {dossier.book_year} — Số thứ tự: {dossier.book_row}",
        ),
        ("Signatures: applicant, receiving officer", "NGƯỜI NỘP HỒ SƠ NGƯỜI TIẾP NHẬN HỒ SƠ"),
        # the two copies (liên), in the model form's words "(Liên: Lưu/giao khách hàng)"
        ("copy given to the applicant", "(Liên: Giao khách hàng)"),
        ("copy kept by the desk", "(Liên: Lưu)"),
    ]


def _supplement_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    phone = Organisation.current().identity_on(at(era.event).date()).desk_phone
    return [
        *_contact(dossier),
        (
            "Numbered list of items to supplement or correct",
            "1. Bản sao giấy khai sinh có chứng thực 2. Ảnh 4x6",
        ),
        ("Reason", "Lý do: hồ sơ chưa đầy đủ, hợp lệ"),
        (
            "Contact officer and phone number for questions",
            f"liên hệ {dossier.supplements.get().requested_by.get_full_name()} "
            f"({desk_name}), số điện thoại {phone}",
        ),
        ("Signature of the guiding officer (Người hướng dẫn)", "NGƯỜI HƯỚNG DẪN"),
    ]


def _refusal_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    return [
        ("Receiving unit", f"Nơi tiếp nhận hồ sơ {desk_name}"),
        *_contact(dossier),
        ("identifier", "Số định danh cá nhân 031090001234"),
        ("dossier code (if any)", f"Mã hồ sơ {dossier.code}"),
        (
            "Specific reasons for refusal",
            "Lý do từ chối tiếp nhận: Không thuộc thẩm quyền của phường",
        ),
        ("Signatures: applicant, receiving officer", "NGƯỜI NỘP HỒ SƠ NGƯỜI TIẾP NHẬN HỒ SƠ"),
    ]


def _apology_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    receipt_day = era.receipt_line.split(", ")[1]
    return [
        ("Addressee (Kính gửi)", f"Kính gửi: ông/bà {dossier.applicant_name}"),
        ("identifier", "số định danh cá nhân: 031090001234"),
        ("Date the office received the dossier", f"mã hồ sơ {dossier.code}, {receipt_day}"),
        ("TTHC name", f"thủ tục hành chính {dossier.procedure.name}"),
        ("dossier code", f"mã hồ sơ {dossier.code}"),
        (
            "Original appointment (hour, date)",
            f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {moment_words(dossier.due_at)}",
        ),
        (
            "Statement that the result was not returned on time",
            "chưa trả kết quả giải quyết hồ sơ của ông/bà đúng hạn",
        ),
        ("reason", "Lý do: Chờ xác minh"),
        ("Apology", "xin lỗi ông/bà"),
        ("New return date", f"vào ngày {era.new_due:%d} tháng {era.new_due.month:02d}"),
    ]


def _stop_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    return [
        ("dossier code", f"Mã hồ sơ {dossier.code}"),
        ("applicant", f"Người nộp hồ sơ {dossier.applicant_name}"),
        ("TTHC", f"Nội dung yêu cầu giải quyết {dossier.procedure.name}"),
        ("date of the stop request", f"Theo đề nghị của ông/bà {era.event_line.split(', ')[1]}"),
        ("statement that processing has stopped", "đã được dừng giải quyết"),
        ("reason", "Lý do: Công dân xin dừng giải quyết"),
    ]


def _slip_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    fields = [
        (
            "dossier code (2018 wording 'Kèm theo hồ sơ số')",
            f"Kèm theo hồ sơ số {dossier.code}"
            if era.rule_set == "2018"
            else f"Mã hồ sơ {dossier.code}",
        ),
    ]
    if era.rule_set == "2018":
        fields += [  # "the 2018 version also has applicant name, address, phone and email"
            ("applicant name", f"Người nộp hồ sơ {dossier.applicant_name}"),
            ("address", f"Địa chỉ {APPLICANT['applicant_address']}"),
            ("phone", f"Số điện thoại {APPLICANT['applicant_phone']}"),
            ("email", f"Thư điện tử {APPLICANT['applicant_email']}"),
        ]
    return [
        *fields,
        ("processing office", f"Cơ quan (bộ phận) giải quyết {dossier.procedure.unit.name}"),
        ("co-operating office(s)", "Cơ quan phối hợp giải quyết"),
        ("date received", f"Thời gian nhận hồ sơ {moment_words(dossier.received_at)}"),
        ("appointment (hour, minute, date)",
         f"Thời gian hẹn trả kết quả {moment_words(dossier.due_at)}"),
        ("Unit name (Tên đơn vị)", "Tên đơn vị giao, nhận"),
        ("Hand-over time (hour, minute, date)", "Thời gian giao, nhận"),
        ("two signature boxes: giver and receiver", "Người giao Người nhận"),
        (
            "Processing result (trước hạn / đúng hạn / quá hạn)",
            "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
        ),
        ("Notes (Ghi chú)", "Ghi chú"),
        ("The first row is 'Giao: Bộ phận TN&TKQ'", f"1. Giao: {desk_name} 2. Nhận:"),
        ("hand-over time in words", f"10 giờ 00 phút, {era.event_line.split(', ')[1]}"),
    ]  # fmt: skip


BOOK_COLUMNS = {
    "2025": "STT | Mã hồ sơ | Tên TTHC | Tên tổ chức, cá nhân | Địa chỉ/Số điện thoại | "
    "Cơ quan chủ trì giải quyết | Nhận hồ sơ | Hẹn trả kết quả | Trả kết quả | "
    "Phương thức nhận kết quả | Ký nhận",
    "2018": "STT | Mã hồ sơ | Tên TTHC | Số lượng hồ sơ (bộ) | Tên cá nhân, tổ chức | "
    "Địa chỉ, số điện thoại | Cơ quan chủ trì giải quyết | Nhận hồ sơ | Hẹn trả kết quả | "
    "Chuyển hồ sơ đến cơ quan giải quyết | Nhận kết quả từ cơ quan giải quyết | "
    "Trả kết quả | Ghi chú",
}


def _book_fields(dossier, era, desk_name) -> list[tuple[str, str]]:
    return [
        *[(f"column {name}", name) for name in BOOK_COLUMNS[era.rule_set].split(" | ")],
        ("Quyển số = year (R12)", f"Quyển số: {dossier.book_year}"),
        ("the dossier's row", f"{dossier.book_row} {dossier.code}"),
        *(
            [
                (
                    "Phương thức nhận kết quả: the delivery method (R12)",
                    dossier.get_delivery_display(),
                )
            ]
            if era.rule_set == "2025"
            else []
        ),
    ]


FIELDS = {
    "receipt": _receipt_fields,
    "supplement-request": _supplement_fields,
    "refusal": _refusal_fields,
    "apology": _apology_fields,
    "stop-notice": _stop_fields,
    "control-slip": _slip_fields,
    "tracking-book": _book_fields,
}
FORM_NUMBER = {  # §2.1
    "2018": {"receipt": 1, "supplement-request": 2, "refusal": 3, "apology": 4,
             "control-slip": 5, "tracking-book": 6},
    "2025": {"receipt": 1, "supplement-request": 2, "refusal": 3, "apology": 4,
             "stop-notice": 5, "control-slip": 6, "tracking-book": 7},
}  # fmt: skip
CIRCULAR = {"2018": "01/2018/TT-VPCP", "2025": "03/2025/TT-VPCP"}
# the event each form is dated by (R11); the tracking book is a register, not dated
DATED_BY_EVENT = {"supplement-request", "apology", "stop-notice"}


def _signer(kind: str, dossier, personas) -> tuple[str, str] | None:
    """The title and the name a form is signed with (R11)."""
    officer = personas[Role.OFFICER].get_full_name()
    return {
        "receipt": ("NGƯỜI TIẾP NHẬN HỒ SƠ", officer),
        "supplement-request": ("NGƯỜI HƯỚNG DẪN", personas[Role.SPECIALIST].get_full_name()),
        "refusal": ("NGƯỜI TIẾP NHẬN HỒ SƠ", officer),
        "apology": ("CHỦ TỊCH", personas[Role.CHAIRMAN].get_full_name()),
        "stop-notice": ("NGƯỜI TIẾP NHẬN HỒ SƠ", officer),
        # the slip's hand-overs are signed in the system, row by row
        "control-slip": ("Người giao", f"{officer} (đã ký điện tử)"),
    }.get(kind)


CASES = [(kind, era) for era in ERAS for kind in FIELDS if kind in FORM_NUMBER[ERAS[era].rule_set]]


@pytest.mark.parametrize(("kind", "era_name"), CASES)
def test_every_field_of_the_form_is_printed(kind, era_name, effective, personas):
    era = ERAS[era_name]
    dossier = BUILD[kind](effective, personas, era)
    assert dossier.rule_set == era.rule_set
    if kind == "tracking-book":
        year = at(era.received).year
        text = pdf_words(tracking_book_pdf(date(year, 1, 1), date(year, 12, 31)))
    else:
        text = pdf_words(dossier_pdf(kind, dossier))
    # the form and its version
    number = FORM_NUMBER[era.rule_set][kind]
    assert f"Mẫu số {number:02d} (Thông tư số {CIRCULAR[era.rule_set]})" in text
    # the heading of the identity in force on the form's date (R9)
    other_desk = DESK_2025 if era.desk == DESK_2018 else DESK_2018
    if kind == "apology":  # issued by the organisation, under its superior of the day
        other = CITY if era.superior == DISTRICT else DISTRICT
        assert shows(text, era.superior) and shows(text, WARD), text
        assert not shows(text, other) and era.desk not in text
    else:  # the desk's own forms: the organisation above the desk of the day
        assert shows(text, WARD) and shows(text, era.desk), text
        assert not shows(text, other_desk) and not shows(text, era.superior)
    # the date line: R10's format, the day of the form's own event (R11)
    if kind != "tracking-book":
        expected = era.event_line if kind in DATED_BY_EVENT else era.receipt_line
        # form 01 prints its two copies, each with the line
        assert set(re.findall(r"An Dương, ngày \d\d tháng \d\d? năm \d{4}", text)) == {expected}
    signer = _signer(kind, dossier, personas)
    if signer:
        title, name = signer
        assert shows(text, title) and shows(text, name), (title, name)
        assert text.index(title) < text.rindex(name.split()[0])
    desk_name = Organisation.current().identity_on(at(era.received).date()).desk_name
    missing = [
        (field, printed)
        for field, printed in FIELDS[kind](dossier, era, desk_name)
        if not shows(text, printed)
    ]
    assert not missing, (kind, era_name, missing, text)
