"""The tracking book as XLSX and PDF, with the columns of the period's form."""

import io
import subprocess
import unicodedata
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse, reverse_lazy
from openpyxl import load_workbook

from procedures import dossier_services
from procedures.models import Dossier
from qms import exports
from qms.models import OrganisationIdentity
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive
from tests.procedures.test_forms_02_04 import approve, draft


@pytest.fixture
def dossiers(effective, personas):
    officer = personas[Role.OFFICER]
    first = receive(effective.procedure, officer, "2023-03-02 09:00", applicant_name="Vũ Thị Lan")
    dossier_services.dossier_hand_on(dossier=first, user=officer)
    receive(effective.procedure, officer, "2023-03-03 10:00", applicant_name="Đinh Văn Tú")
    receive(
        effective.procedure, officer, "2023-03-03 11:00", decision="refuse", reason="Sai thẩm quyền"
    )
    return first


def export_book(out, *, date_from="2023-03-01", date_to="2023-03-31", fmt="xlsx", unit=""):
    """The book written by `export_tracking_book` into `out`."""
    options = ["--from", date_from, "--to", date_to, "--format", fmt, "-o", str(out)]
    call_command("export_tracking_book", *options, *(["--unit", unit] if unit else []))


def test_xlsx_has_the_2018_columns_and_one_row_per_accepted_dossier(dossiers, tmp_path):
    out = tmp_path / "so.xlsx"
    export_book(out)
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)"
    assert rows[3][:4] == ("STT", "Mã hồ sơ", "Tên TTHC", "Số lượng hồ sơ (bộ)")
    body = rows[4:]
    assert [row[4] for row in body] == ["Vũ Thị Lan", "Đinh Văn Tú"]  # the refusal is not in it
    assert body[0][7] == "02/03/2023 09:00" and body[0][9]  # sent to the processing unit


def test_pdf_and_bad_arguments(dossiers, tmp_path):
    out = tmp_path / "so.pdf"
    export_book(out, fmt="pdf", unit="TP-HT")
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", str(out), "-"], capture_output=True).stdout.decode()
    )
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Vũ Thị Lan" in text and dossiers.code in text
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        export_book(out, date_from="01/03/2023", fmt="pdf")
    with pytest.raises(CommandError, match="XX"):
        export_book(out, fmt="pdf", unit="XX")


def test_the_pages(dossiers, personas, client_for):
    viewer = client_for(personas[Role.VIEWER])
    response = viewer.get(
        reverse("procedures:tracking_book"),
        {"date_from": "01/03/2023", "date_to": "31/03/2023", "format": "xlsx"},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content)).active
    assert book.max_row == 6
    bad = viewer.get(
        reverse("procedures:tracking_book"),
        {"date_from": "31/03/2023", "date_to": "01/03/2023", "format": "xlsx"},
    )
    assert "date_to" in bad.context["form"].errors
    officer = client_for(personas[Role.OFFICER])
    upload = SimpleUploadedFile("x.csv", b"code,procedure_code\nA,B\n", content_type="text/csv")
    page = officer.post(reverse("procedures:dossier_import"), {"file": upload})
    assert "Chưa nhập hồ sơ nào" in page.content.decode()
    assert [e.column for e in page.context["errors"]] == [  # as the export names them
        "Tên tổ chức, cá nhân",
        "Hình thức nộp",
        "Ngày tiếp nhận",
    ]
    assert viewer.get(reverse("procedures:dossier_import")).status_code == 403


def test_a_name_like_a_formula_stays_text(effective, personas, tmp_path):
    receive(
        effective.procedure,
        personas[Role.OFFICER],
        "2023-03-02 09:00",
        applicant_name='=HYPERLINK("http://x")',
    )
    out = tmp_path / "so.xlsx"
    export_book(out)
    cell = load_workbook(out).active.cell(row=5, column=5)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_viewers_and_auditors_get_the_book_with_contacts_masked(
    effective, personas, client_for, tmp_path
):
    receive(effective.procedure, personas[Role.OFFICER], "2023-03-02 09:00",
            applicant_address="Số 5 phố Lạch Tray", applicant_phone="0912 345 678")  # fmt: skip
    query = {"date_from": "01/03/2023", "date_to": "31/03/2023", "format": "xlsx"}

    def contact_column(role: Role) -> str:
        book = client_for(personas[role]).get(reverse("procedures:tracking_book"), query)
        (row,) = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))[
            4:
        ]
        return row[5]

    assert contact_column(Role.VIEWER) == contact_column(Role.AUDITOR) == "(đã ẩn) / •••••5678"
    for role in (Role.OFFICER, Role.SPECIALIST, Role.ISO_SECRETARY, Role.CHAIRMAN):
        assert contact_column(role) == "Số 5 phố Lạch Tray / 0912 345 678"
    pdf = client_for(personas[Role.VIEWER]).get(
        reverse("procedures:tracking_book"), query | {"format": "pdf"}
    )
    out = tmp_path / "so.pdf"
    out.write_bytes(pdf.content)
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", str(out), "-"], capture_output=True).stdout.decode()
    )
    assert "•••••5678" in text and "0912 345 678" not in text and "Lạch Tray" not in text


def test_the_organisation_name_like_a_formula_stays_text(dossiers, organisation, tmp_path):
    OrganisationIdentity.objects.filter(organisation=organisation).update(
        name='=HYPERLINK("http://x")'
    )
    out = tmp_path / "so.xlsx"
    export_book(out)
    sheet = load_workbook(out).active
    assert sheet["A1"].value == '=HYPERLINK("HTTP://X")' and sheet["A1"].data_type == "s"
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


BOOK = reverse_lazy("procedures:tracking_book")
TOO_LONG = "Sổ theo dõi chỉ in tối đa một năm: hãy chọn ngày kết thúc sớm hơn."


def test_a_book_covers_at_most_one_year(dossiers, personas, client_for, tmp_path):
    viewer = client_for(personas[Role.VIEWER])
    for date_from, date_to in [("01/01/2023", "31/12/2023"), ("29/02/2024", "28/02/2025")]:
        book = viewer.get(BOOK, {"date_from": date_from, "date_to": date_to, "format": "xlsx"})
        assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    for date_from, date_to in [
        ("01/01/2023", "01/01/2024"),
        ("29/02/2024", "01/03/2025"),
        ("01/03/2023", "31/12/9999"),
    ]:
        page = viewer.get(BOOK, {"date_from": date_from, "date_to": date_to, "format": "pdf"})
        assert page["Content-Type"].startswith("text/html")
        form = page.context["form"]
        assert form.errors == {"date_to": [TOO_LONG]}
        assert (form["date_from"].value(), form["date_to"].value()) == (date_from, date_to)
        assert TOO_LONG in page.content.decode()
    out = tmp_path / "so.xlsx"
    with pytest.raises(CommandError, match="tối đa một năm"):
        export_book(out, date_from="2023-01-01", date_to="2024-01-01")
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_book_with_more_rows_than_its_format_holds_is_refused(
    fmt, dossiers, personas, client_for, monkeypatch, tmp_path
):
    monkeypatch.setitem(exports.ROW_CAPS, fmt, 1)  # the month holds two accepted dossiers
    viewer = client_for(personas[Role.VIEWER])
    query = {"date_from": "01/03/2023", "date_to": "31/03/2023", "format": fmt}
    page = viewer.get(BOOK, query)
    assert page["Content-Type"].startswith("text/html")
    assert page.context["form"].non_field_errors() == [
        f"Tệp {fmt.upper()} xuất ra chỉ chứa tối đa 1 dòng, lựa chọn này có nhiều hơn: "
        "hãy chọn khoảng thời gian ngắn hơn hoặc lọc hẹp hơn."
    ]
    out = tmp_path / f"so.{fmt}"
    with pytest.raises(CommandError, match="tối đa 1 dòng"):
        export_book(out, fmt=fmt)
    assert not out.exists()
    monkeypatch.setitem(exports.ROW_CAPS, fmt, 2)  # as many rows as the cap: a book
    assert not viewer.get(BOOK, query)["Content-Type"].startswith("text/html")


def test_a_period_across_1_july_2025_prints_a_section_per_form(effective, personas, tmp_path):
    """R12: STT is the row given at receipt, the volume is the year, each row in its
    dossier's form, the delivery method (not the channel), and the notes."""
    officer = personas[Role.OFFICER]
    june = receive(effective.procedure, officer, "2025-06-30 09:00", applicant_name="Vũ Thị Lan")
    receive(effective.procedure, officer, "2025-06-30 09:30", decision="refuse", reason="Sai")
    stopped = receive(effective.procedure, officer, "2025-07-01 08:00",
                      applicant_name="Đinh Văn Tú", channel="online", delivery="post")  # fmt: skip
    late = receive(effective.procedure, officer, "2025-07-02 08:00", applicant_name="Lê Văn Ba")
    apology = draft(late, officer, "2025-07-03 09:00", date(2025, 7, 15))
    approve(apology, personas[Role.CHAIRMAN], "2025-07-03 10:00")  # issued: a fact of the book
    with time_machine.travel(at("2025-07-02 15:00"), tick=False):
        dossier_services.dossier_stop(
            dossier=stopped, user=officer, reason="Tự rút", withdrawn=True
        )
    Dossier.objects.filter(pk=june.pk).update(book_row=41)  # STT is the stored row, not a count
    out = tmp_path / "so.xlsx"
    export_book(out, date_from="2025-06-01", date_to="2025-07-31")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][0] == "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)"
    assert "Quyển số: 2025" in rows[2][0]
    assert rows[3][0] == "STT" and rows[3][3] == "Số lượng hồ sơ (bộ)"
    assert rows[4][:2] == (41, june.code) and rows[4][4] == "Vũ Thị Lan"
    assert rows[6][0] == "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)"  # under its own heading
    assert rows[8][9] == "Phương thức nhận kết quả" and rows[8][11] == "Ghi chú"
    assert rows[9][:2] == (stopped.book_row, stopped.code)
    assert rows[9][9] == "Qua dịch vụ bưu chính công ích"
    assert rows[9][11].startswith("Rút hồ sơ ngày 02/07/2025")
    assert rows[10][9] == "Trực tiếp tại nơi tiếp nhận hồ sơ"
    assert rows[10][11].startswith("Xin lỗi ngày 03/07/2025, hẹn lại ngày 15/07/2025")
    assert len(rows) == 11  # the refusal at intake has no row
    pdf = tmp_path / "so.pdf"
    export_book(pdf, date_from="2025-06-01", date_to="2025-07-31", fmt="pdf")
    text = unicodedata.normalize("NFC", subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True).stdout.decode())  # fmt: skip
    assert "Mẫu số 06" in text and "Mẫu số 07" in text
    assert text.index("Mẫu số 06") < text.index("Vũ Thị Lan") < text.index("Mẫu số 07")
    assert text.index("Mẫu số 07") < text.index(stopped.code)
    assert "Quyển số: 2025" in text and "Chuyển hồ" in text and "Phương thức" in text
    assert "Rút hồ sơ ngày" in text and "hẹn lại" in text
    assert "Trực tuyến" not in text.split("Mẫu số 07")[1]  # the channel is not the delivery


def test_a_period_without_dossiers_prints_each_form_under_the_identity_of_its_days(
    effective, tmp_path
):
    """Nothing received in June–July 2025: still one section per form, each headed by
    the identity of its own days, each saying it has no dossier."""
    pdf = tmp_path / "so.pdf"
    export_book(pdf, date_from="2025-06-01", date_to="2025-07-31", fmt="pdf")
    pages = unicodedata.normalize("NFC", subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True).stdout.decode()).split("\f")  # fmt: skip
    june, july = (" ".join(page.split()) for page in pages[:2])
    assert "Mẫu số 06" in june and "Mẫu số 07" not in june
    assert "BỘ PHẬN MỘT CỬA" in june and "(từ 01/06/2025 đến 30/06/2025)" in june
    assert "Không có hồ sơ nào được tiếp nhận từ ngày 01/06/2025 đến ngày 30/06/2025" in june
    assert "Mẫu số 07" in july and "Mẫu số 06" not in july
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in july and "BỘ PHẬN MỘT CỬA" not in july
    assert "Không có hồ sơ nào được tiếp nhận từ ngày 01/07/2025 đến ngày 31/07/2025" in july
    out = tmp_path / "so.xlsx"
    export_book(out, date_from="2025-06-01", date_to="2025-07-31")
    rows = [row[0] for row in load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[1] == "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)" and rows[4].startswith("Không có")
    assert rows[6] == "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)" and rows[9].startswith("Không có")
