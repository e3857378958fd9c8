"""What the desk captures at receipt and form 01 prints (rules R11, R12): the
documents received, e-mail, result delivery, the tracking-book row."""

import subprocess

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from procedures import dossier_services
from procedures.importer import import_dossiers
from procedures.models import BookSequence, Dossier
from procedures.pdf import dossier_pdf
from qms.roles import Role
from tests.factories import issue_revision, pdf_bytes
from tests.procedures.test_dossiers import at, receive
from tests.procedures.test_import import csv_bytes

COMPONENTS = [
    {"name": "Tờ khai đăng ký khai sinh", "copy_type": "original", "quantity": 1},
    {"name": "Giấy chứng sinh", "copy_type": "certified", "quantity": 2},
]


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def listed(procedure, secretary, chairman):
    """Revision 1 of `procedure` with its list of dossier components."""
    return issue_revision(procedure, secretary=secretary, approver=chairman, components=COMPONENTS)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_receipt_stores_and_form_01_prints_documents_email_delivery_and_row(
    listed, officer, tmp_path
):
    dossier = receive(
        listed.procedure,
        officer,
        "2023-01-19 09:05",
        applicant_email="binh@example.vn",
        delivery="post",
    )
    stored = [(d.order, d.name, d.copy_type, d.quantity) for d in dossier.documents.all()]
    assert stored == [
        (1, "Tờ khai đăng ký khai sinh", "original", 1),
        (2, "Giấy chứng sinh", "certified", 2),
    ]
    assert (dossier.applicant_email, dossier.delivery) == ("binh@example.vn", "post")
    assert (dossier.book_year, dossier.book_row) == (2023, 1)

    text = pdf_text(dossier_pdf("receipt", dossier), tmp_path)
    assert "1 Tờ khai đăng ký khai sinh Bản chính 1" in text
    assert "2 Giấy chứng sinh Bản sao chứng thực 2" in text
    assert "binh@example.vn" in text
    assert "Quyển số: 2023 — Số thứ tự: 1" in text
    assert "Qua dịch vụ bưu chính công ích" in text
    assert "09 giờ 05 phút, ngày 19 tháng 01 năm 2023" in text
    assert "(Liên: Giao khách hàng)" in text and "(Liên: Lưu)" in text


def test_documents_typed_at_the_desk_replace_the_list(listed, officer):
    dossier = receive(
        listed.procedure,
        officer,
        "2023-01-19 09:05",
        documents=[{"name": "Bản sao giấy khai sinh", "copy_type": "photocopy", "quantity": 3}],
    )
    assert [(d.name, d.copy_type, d.quantity) for d in dossier.documents.all()] == [
        ("Bản sao giấy khai sinh", "photocopy", 3)
    ]


def test_book_rows_follow_receipts_per_year_and_skip_dossiers_never_received(listed, officer):
    first = receive(listed.procedure, officer, "2023-12-29 09:00")
    refused = receive(
        listed.procedure, officer, "2023-12-29 10:00", decision="refuse", reason="Sai thủ tục"
    )
    incomplete = receive(
        listed.procedure, officer, "2023-12-29 11:00", decision="incomplete", reason="Thiếu"
    )
    second = receive(listed.procedure, officer, "2023-12-29 14:00")
    new_year = receive(listed.procedure, officer, "2024-01-02 08:00")
    rows = [(d.book_year, d.book_row) for d in (first, refused, incomplete, second, new_year)]
    assert rows == [(2023, 1), (None, None), (None, None), (2023, 2), (2024, 1)]


def test_a_refused_receipt_gives_its_row_back(listed, officer):
    receive(listed.procedure, officer, "2023-03-01 09:00")
    with transaction.atomic():
        with pytest.raises(ValidationError) as refused:
            receive(listed.procedure, officer, "2023-03-01 09:10", applicant_email="không-phải")
        assert "applicant_email" in refused.value.message_dict
    after = receive(listed.procedure, officer, "2023-03-01 09:20")
    assert after.book_row == 2 and BookSequence.objects.get(year=2023).last == 2
    assert Dossier.objects.count() == 2


def test_a_row_written_outside_the_sequence_is_skipped(listed, officer):
    receive(listed.procedure, officer, "2023-03-01 09:00")
    BookSequence.objects.all().delete()  # a database restored with an older sequence
    assert receive(listed.procedure, officer, "2023-03-01 09:10").book_row == 2


def test_after_a_supplement_form_01_shows_the_new_appointment_beside_the_first(
    listed, officer, tmp_path
):
    dossier = receive(listed.procedure, officer, "2023-03-01 09:00")
    with time_machine.travel(at("2023-03-01 10:00"), tick=False):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=officer, reason="Thiếu giấy chứng sinh"
        )
    with time_machine.travel(at("2023-03-08 14:30"), tick=False):
        dossier = dossier_services.dossier_resume(dossier=dossier, user=officer)
    text = pdf_text(dossier_pdf("receipt", dossier), tmp_path)
    assert "Hẹn trả kết quả ban đầu 17 giờ 00 phút, ngày 06 tháng 3 năm 2023" in text
    # three working days from Wed 01/03, then from Wed 08/03
    assert "Hẹn trả kết quả mới 17 giờ 00 phút, ngày 13 tháng 3 năm 2023" in text
    assert "hồ sơ bổ sung 14 giờ 30 phút, ngày 08 tháng 3 năm 2023" in text


def test_imported_dossiers_take_rows_in_receipt_order(listed, officer):
    receive(listed.procedure, officer, "2023-03-01 09:00")
    code = listed.procedure.code
    rows = [
        f"TINH-0002,{code},Nguyễn B,direct,03/03/2023 10:00,,,,,",
        f"TINH-0001,{code},Nguyễn A,direct,02/03/2023 10:00,,,,,",
        f"TINH-0003,{code},Nguyễn C,direct,05/01/2024 10:00,,,,,",
    ]
    with time_machine.travel(at("2024-01-10 10:00"), tick=False):
        import_dossiers("a.csv", csv_bytes(*rows))
    book = dict(Dossier.objects.filter(code__startswith="TINH-").values_list("code", "book_row"))
    assert book == {"TINH-0001": 2, "TINH-0002": 3, "TINH-0003": 1}


def test_the_receive_page_reads_the_document_lines_and_scans(listed, officer, client_for):
    client = client_for(officer)
    data = {
        "procedure": listed.procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "applicant_email": "dong@example.vn",
        "channel": "direct",
        "delivery": "online",
        "documents": "Tờ khai; bản chính; 1\n\nGiấy chứng sinh; sao y; 2",
        "documents_count": "1",
        "decision": "accept",
    }
    scan = SimpleUploadedFile("2-giay-chung-sinh.pdf", pdf_bytes(), "application/pdf")
    with time_machine.travel(at("2023-03-02 09:00"), tick=False):
        response = client.post(reverse("procedures:dossier_receive"), data | {"scans": [scan]})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    documents = list(dossier.documents.all())
    assert [(d.name, d.copy_type, d.quantity) for d in documents] == [
        ("Tờ khai", "original", 1),
        ("Giấy chứng sinh", "certified", 2),
    ]
    assert not documents[0].scan and documents[1].scan.name.endswith(".pdf")
    assert (dossier.delivery, dossier.book_row) == ("online", 1)
    page = client.get(reverse("procedures:dossier_detail", args=[dossier.code])).content.decode()
    assert "Giấy chứng sinh — Bản sao chứng thực × 2" in page
    assert "Quyển số: 2023 — Số thứ tự: 1" in page and "dong@example.vn" in page
    scan = reverse("procedures:dossier_document_scan", args=[dossier.code, 2])
    assert scan in page
    assert b"".join(client.get(scan).streaming_content) == pdf_bytes()
    missing = reverse("procedures:dossier_document_scan", args=[dossier.code, 1])
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"documents": "Tờ khai; bản nháp; 1"}, "documents", "dòng 1: “bản nháp”"),
        ({"documents": "Tờ khai\nGiấy; bản chính; nhiều"}, "documents", "dòng 2: số lượng"),
        ({"documents": "Tờ khai; bản chính; 1; thừa"}, "documents", "dòng 1:"),
        ({"applicant_email": "dong@"}, "applicant_email", "ten@example.vn"),
        ({"delivery": "pigeon"}, "delivery", "Hãy chọn"),
    ],
)
def test_bad_receipt_input_is_named_beside_its_field(
    listed, officer, client_for, changes, field, message
):
    client = client_for(officer)
    data = {
        "procedure": listed.procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "applicant_email": "dong@example.vn",
        "channel": "direct",
        "delivery": "post",
        "documents": "Tờ khai; bản chính; 1",
        "documents_count": "1",
        "decision": "accept",
    } | changes
    response = client.post(reverse("procedures:dossier_receive"), data)
    assert response.status_code == 200 and not Dossier.objects.exists()
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    for name in ("applicant_email", "documents", "applicant_name"):
        assert form[name].value() == data[name]
    assert "Phạm Văn Đông" in page


def test_a_scan_must_name_a_document_of_the_list(listed, officer, client_for):
    client = client_for(officer)
    data = {
        "procedure": listed.procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    }
    scan = SimpleUploadedFile("7.pdf", pdf_bytes(), "application/pdf")
    response = client.post(reverse("procedures:dossier_receive"), data | {"scans": [scan]})
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert "7.pdf" in " ".join(response.context["form"].errors["scans"])
    fake = SimpleUploadedFile("1.pdf", b"not a pdf", "application/pdf")
    response = client.post(reverse("procedures:dossier_receive"), data | {"scans": [fake]})
    assert response.status_code == 200 and response.context["form"].errors["scans"]


def test_the_migration_numbers_received_dossiers_per_year_in_receipt_order(listed, officer):
    from importlib import import_module

    from django.apps import apps

    numbering = import_module("procedures.migrations.0005_receipt_documents_delivery_and_book_rows")
    late = receive(listed.procedure, officer, "2024-01-03 09:00")
    early = receive(listed.procedure, officer, "2023-05-02 09:00")
    refused = receive(listed.procedure, officer, "2023-05-02 08:00", decision="refuse", reason="x")
    first = receive(listed.procedure, officer, "2023-02-01 09:00")
    Dossier.objects.update(book_year=None, book_row=None)  # as before the migration
    BookSequence.objects.all().delete()

    numbering.number_the_book(apps, None)
    book = {d.pk: (d.book_year, d.book_row) for d in Dossier.objects.all()}
    assert [book[d.pk] for d in (first, early, late, refused)] == [
        (2023, 1),
        (2023, 2),
        (2024, 1),
        (None, None),
    ]
    assert dict(BookSequence.objects.values_list("year", "last")) == {2023: 2, 2024: 1}


def test_the_receive_page_offers_each_procedure_s_list_as_lines_it_reads_back(
    listed, officer, client_for
):
    from procedures.forms import parse_documents

    url = reverse("procedures:dossier_receive_matches")
    [match] = client_for(officer).get(url, {"q": listed.procedure.code}).json()["matches"]
    lines = "Tờ khai đăng ký khai sinh; bản chính; 1\nGiấy chứng sinh; bản sao chứng thực; 2"
    assert match["documents"] == lines
    assert parse_documents(lines) == COMPONENTS
