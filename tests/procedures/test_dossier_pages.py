"""The desk's pages and the official forms, read back from the PDFs."""

import re
import subprocess
import unicodedata
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from procedures import dossier_services
from procedures.models import Dossier
from qms.dates import date_words, moment_words
from qms.roles import Role
from tests.factories import UnitFactory, UserFactory
from tests.procedures.test_dossiers import at, receive


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


def test_receiving_through_the_form(effective, officer, client_for):
    client = client_for(officer)
    listed = client.get(reverse("procedures:dossier_receive_matches"), {"q": "QT-TP"}).json()
    assert [match["value"] for match in listed["matches"]] == [
        "QT-TP-05 – Cấp Giấy xác nhận tình trạng hôn nhân"  # the field's list
    ]
    data = {
        "procedure": "QT-TP-05 – Cấp Giấy xác nhận tình trạng hôn nhân",
        "applicant_name": "Phạm Văn Đông",
        "applicant_id_number": "031095001234",
        "applicant_phone": "0912 345 678",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    }
    with time_machine.travel(at("2026-01-08 09:00"), tick=False):
        response = client.post(reverse("procedures:dossier_receive"), data)
    dossier = Dossier.objects.get()
    # the dossier's page, its receipt one Enter away
    url = reverse("procedures:dossier_detail", args=[dossier.code])
    assert response["Location"] == f"{url}?in-phieu=1"
    assert dossier.code == "PAD-260108-0001" and dossier.rule_set == "2025"
    assert dossier.due_date == date(2026, 1, 12)  # Sat 10/01/2026 is a make-up working day
    detail = client.get(response["Location"]).content.decode()
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)" in detail


def test_bad_receipts_are_named_and_not_written(effective, officer, client_for):
    response = client_for(officer).post(
        reverse("procedures:dossier_receive"),
        {
            "procedure": "không có",
            "applicant_name": "",
            "applicant_id_number": "12ab",
            "channel": "fax",
            "documents_count": "0",
            "decision": "refuse",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {
        "procedure",
        "applicant_name",
        "applicant_id_number",
        "channel",
        "documents_count",
    }
    assert errors["applicant_id_number"] == ["Số định danh gồm 9 hoặc 12 chữ số."]
    assert not Dossier.objects.exists()


def test_a_service_error_on_a_field_the_form_lacks_is_shown_above_it(
    effective, officer, client_for, monkeypatch
):
    def refuse(**_data):
        raise ValidationError({"code": "Mã đã có.", "applicant_name": "Tên chưa đúng."})

    monkeypatch.setattr(dossier_services, "dossier_receive", refuse)
    data = {
        "procedure": effective.procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    }
    response = client_for(officer).post(reverse("procedures:dossier_receive"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == ["Mã đã có."]
    assert form.errors["applicant_name"] == ["Tên chưa đúng."]
    assert "Mã đã có." in response.content.decode()


def test_list_filters_and_pages(effective, officer, personas, client_for):
    for minute in range(7):
        receive(
            effective.procedure, officer, f"2023-03-02 09:0{minute}", applicant_name=f"An {minute}"
        )
    client = client_for(personas[Role.VIEWER])
    url = reverse("procedures:dossier_list")
    page = client.get(url).context["page"]
    assert [d.applicant_name for d in page.rows][:2] == ["An 6", "An 5"]
    assert page.next_query is None
    from qms import paging

    first = paging.keyset_page(Dossier.objects.all(), {}, size=3)
    second = paging.keyset_page(Dossier.objects.all(), QueryDict(first.next_query), size=3)
    assert [d.applicant_name for d in first.rows + second.rows] == [
        f"An {n}" for n in range(6, 0, -1)
    ]
    filtered = client.get(url, {"applicant": "An 3"}).context["page"].rows
    assert [d.applicant_name for d in filtered] == ["An 3"]


def test_a_specialist_sees_only_their_unit_queue_and_a_viewer_changes_nothing(
    effective, officer, personas, client_for
):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    specialist = client_for(personas[Role.SPECIALIST])
    assert [
        d.code for d in specialist.get(reverse("procedures:dossier_queue")).context["dossiers"]
    ] == [dossier.code]
    # A specialist of another unit (VH-XH) sees nothing to do and cannot act on it.
    other = client_for(UserFactory(role="specialist", unit=UnitFactory(code="VH-XH")))
    assert list(other.get(reverse("procedures:dossier_queue")).context["dossiers"]) == []
    viewer = client_for(personas[Role.VIEWER])
    url = reverse("procedures:dossier_action", args=[dossier.code, "hand_on"])
    assert viewer.post(url).status_code == 403
    response = other.post(url, follow=True)
    assert "không phải của bạn" in response.content.decode()
    specialist.post(url)
    dossier.refresh_from_db()
    assert dossier.current_step.order == 3


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    # White space folded: the heading's names wrap onto two lines.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", result.stdout.decode()))


def test_every_form_carries_the_names_and_dates_shown_on_screen(
    effective, officer, personas, client_for, tmp_path
):
    dossier = receive(
        effective.procedure, officer, "2023-03-02 09:00", applicant_name="Ngô Thị Huệ"
    )
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=date(2023, 3, 9)
        )
    client = client_for(personas[Role.VIEWER])
    detail = client.get(reverse("procedures:dossier_detail", args=[dossier.code])).content.decode()
    received = date_format(localtime(dossier.received_at), "DATETIME_FORMAT")
    due = date_format(localtime(dossier.due_at), "DATETIME_FORMAT")
    assert received in detail and due in detail
    for kind in ("receipt", "apology", "control-slip"):
        response = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, kind]))
        text = pdf_text(response.content, tmp_path)
        # the forms write their times in words (R11, form 04 as the model form does)
        when = moment_words(dossier.due_at)
        for expected in ("ỦY BAN NHÂN DÂN PHƯỜNG AN DƯƠNG", "Ngô Thị Huệ", dossier.code, when):
            assert expected in text, (kind, expected)
    receipt = pdf_text(
        client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"])).content,
        tmp_path,
    )
    assert moment_words(dossier.received_at) in receipt
    assert "Mẫu số 01 (Thông tư số 01/2018/TT-VPCP)" in receipt
    apology = pdf_text(
        client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "apology"])).content,
        tmp_path,
    )
    assert "ngày 09 tháng 3 năm 2023" in apology and "Chờ xác minh" in apology
    assert (
        client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "refusal"])).status_code
        == 404
    )


def test_forms_follow_the_rule_set_of_the_dossier(effective, officer, tmp_path):
    old = receive(
        effective.procedure, officer, "2025-06-30 09:00", decision="refuse", reason="Sai thẩm quyền"
    )
    new = receive(effective.procedure, officer, "2025-07-01 09:00")
    dossier_services.dossier_stop(dossier=new, user=officer, reason="Công dân xin dừng")
    out = tmp_path / "x.pdf"
    call_command("export_pdf", "refusal", str(old.pk), "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Mẫu số 03 (Thông tư số 01/2018/TT-VPCP)" in text and "Sai thẩm quyền" in text
    call_command("export_pdf", "stop-notice", str(new.pk), "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert (
        "Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)" in text
        and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    )
    call_command("export_pdf", "control-slip", str(new.pk), "-o", str(out))
    assert "Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)" in pdf_text(out.read_bytes(), tmp_path)
    with pytest.raises(CommandError, match="không có"):
        call_command("export_pdf", "stop-notice", str(old.pk), "-o", str(out))


def test_return_with_the_nine_criteria(effective, officer, personas, client_for):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.SPECIALIST])
    dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    client = client_for(officer)
    url = reverse("procedures:dossier_action", args=[dossier.code, "return"])
    partial = {"return-rating": "satisfied", "return-criterion_1": "2"}
    response = client.post(url, partial, follow=True)
    assert "Chấm đủ chín tiêu chí" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "completed"
    scores = {f"return-criterion_{n}": str(n % 3) for n in range(1, 10)}
    client.post(url, {"return-rating": "satisfied", **scores})
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.rating == "satisfied"
    assert dossier.criteria == [n % 3 for n in range(1, 10)]


def test_all_six_forms_name_the_organisation_applicant_and_receipt_time(
    effective, officer, personas, client_for, tmp_path
):
    incomplete = receive(
        effective.procedure,
        officer,
        "2025-07-02 09:15",
        applicant_name="Lý Thị Nga",
        decision="incomplete",
        reason="Thiếu tờ khai",
    )
    refused = receive(
        effective.procedure,
        officer,
        "2025-07-02 09:20",
        applicant_name="Lý Văn Bảo",
        decision="refuse",
        reason="Không thuộc thẩm quyền",
    )
    stopped = receive(effective.procedure, officer, "2025-07-02 09:25", applicant_name="Mai Anh")
    dossier_services.dossier_stop(dossier=stopped, user=officer, reason="Xin dừng")
    client = client_for(personas[Role.VIEWER])
    for dossier, kinds in (
        (incomplete, ["supplement-request"]),
        (refused, ["refusal"]),
        (stopped, ["receipt", "control-slip", "stop-notice"]),
    ):
        page = client.get(reverse("procedures:dossier_detail", args=[dossier.code]))
        shown = date_format(localtime(dossier.received_at), "DATETIME_FORMAT")
        assert shown in page.content.decode()
        for kind in kinds:
            response = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, kind]))
            text = pdf_text(response.content, tmp_path)
            for expected in (
                "ỦY BAN NHÂN DÂN PHƯỜNG AN DƯƠNG",
                dossier.applicant_name,
                dossier.code,
                {
                    "receipt": moment_words(dossier.received_at),
                    "control-slip": moment_words(dossier.received_at),
                    # forms 02 and 03 name no time: each is dated by its event, here at
                    # intake
                    "supplement-request": "ngày 02 tháng 7 năm 2025",
                    "refusal": "ngày 02 tháng 7 năm 2025",
                    # the stop notice names the day of the stop
                    "stop-notice": date_words(
                        Dossier.objects.get(pk=dossier.pk).ended_at or dossier.received_at
                    ),
                }.get(kind, shown),
            ):
                assert expected in text, (kind, expected)


CONTACT = {
    "applicant_id_number": "031095001234",
    "applicant_phone": "0912 345 678",
    "applicant_address": "Số 5 phố Lạch Tray",
}


def test_a_citizens_contact_is_shown_in_full_only_to_the_roles_that_need_it(
    effective, officer, personas, client_for, tmp_path
):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00", **CONTACT)
    masked = ("•••••1234", "•••••5678", "(đã ẩn)")
    for role in Role:
        client = client_for(personas[role])
        page = client.get(reverse("procedures:dossier_detail", args=[dossier.code]))
        receipt = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"]))
        for shown in (page.content.decode(), pdf_text(receipt.content, tmp_path)):
            if role in (Role.VIEWER, Role.AUDITOR):
                assert all(value in shown for value in masked), role
                assert not any(value in shown for value in CONTACT.values()), role
            else:
                assert all(value in shown for value in CONTACT.values()), role
                assert "•••••" not in shown, role
    out = tmp_path / "receipt.pdf"
    call_command("export_pdf", "receipt", str(dossier.pk), "-o", str(out))  # the server's keeper
    assert all(value in pdf_text(out.read_bytes(), tmp_path) for value in CONTACT.values())


def test_a_correction_into_the_future_is_refused_on_the_page(
    effective, officer, personas, client_for
):
    from tests.procedures.test_dossiers import walk

    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier = walk(
            dossier, officer, personas[Role.SPECIALIST], personas[Role.CHAIRMAN], "2023-03-06 09:00"
        )
        dossier_services.dossier_return(dossier=dossier, user=officer)
    url = reverse("procedures:dossier_action", args=[dossier.code, "correct"])
    data = {
        "correct-reason": "Nhập sai",
        "correct-completed_at": "06/03/2023 09:00",
        "correct-returned_at": "11/03/2023 09:00",
    }
    with time_machine.travel(at("2023-03-10 09:00"), tick=False):
        response = client_for(personas[Role.ISO_SECRETARY]).post(url, data, follow=True)
    assert "Thời điểm trả kết quả không được sau thời điểm hiện tại." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).returned_on == date(2023, 3, 3)
