"""The person who brings a dossier on the applicant's behalf (người được ủy quyền,
domain-vn.md §2.2, form 01): captured in the receive form's optional section, printed
on form 01 in both rule sets, shown on the dossier's page, masked as the applicant's
contact is."""

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from procedures.models import Dossier
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive
from tests.procedures.test_receipt import pdf_text


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


REPRESENTATIVE = {
    "representative_name": "Lê Văn Cường",
    "representative_id_number": "031088004321",
    "representative_address": "Số 12 phố Tô Hiệu",
    "representative_phone": "0987 654 320",
    "representative_email": "cuong@example.vn",
    "representative_authorisation": "Giấy ủy quyền số 12/2026 ngày 01/12/2026",
}


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


def _posted(procedure, **changes) -> dict:
    return {
        "procedure": procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "applicant_id_number": "031095001234",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    } | changes


@pytest.mark.parametrize(
    ("moment", "rule_set"), [("2023-03-02 09:00", "2018"), ("2026-12-01 09:00", "2025")]
)
def test_a_representative_is_saved_printed_on_form_01_and_shown_on_the_page(
    effective, officer, client_for, tmp_path, moment, rule_set
):
    client = client_for(officer)
    with time_machine.travel(at(moment), tick=False):
        response = client.post(
            reverse("procedures:dossier_receive"), _posted(effective.procedure, **REPRESENTATIVE)
        )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.rule_set == rule_set
    assert {name: getattr(dossier, name) for name in REPRESENTATIVE} == REPRESENTATIVE

    receipt = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"]))
    text = pdf_text(receipt.content, tmp_path)
    for line in (
        "Người được ủy quyền Lê Văn Cường",
        "Địa chỉ Số 12 phố Tô Hiệu",
        "Số định danh cá nhân 031088004321",
        "Số điện thoại; email 0987 654 320; cuong@example.vn",
        "Giấy tờ ủy quyền Giấy ủy quyền số 12/2026 ngày 01/12/2026",
    ):
        assert text.count(line) == 2, line  # in both copies of form 01
    assert text.index("Người nộp hồ sơ Phạm Văn Đông") < text.index("Người được ủy quyền")
    assert text.index("Người được ủy quyền") < text.index("Nội dung yêu cầu giải quyết")
    # an applicant with an ID number only and the procedure's list: each copy on one page
    assert pdf_pages(receipt.content) == 2

    page = client.get(reverse("procedures:dossier_detail", args=[dossier.code])).content.decode()
    for value in REPRESENTATIVE.values():
        assert value in page


def test_without_a_representative_nothing_is_printed_and_the_section_stays_closed(
    effective, officer, client_for, tmp_path
):
    client = client_for(officer)
    form_page = client.get(reverse("procedures:dossier_receive")).content.decode()
    section = form_page.index('data-testid="representative"')
    # closed, and after the button: no Tab stop between an ordinary dossier's fields
    # and its saving
    assert form_page.index('type="submit"') < section
    assert "<details" in form_page[section - 40 : section]
    assert " open" not in form_page[section : form_page.index(">", section)]

    with time_machine.travel(at("2026-12-01 09:00"), tick=False):
        response = client.post(reverse("procedures:dossier_receive"), _posted(effective.procedure))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert not dossier.has_representative
    receipt = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"]))
    text = pdf_text(receipt.content, tmp_path)
    assert "Phạm Văn Đông" in text
    assert "ủy quyền" not in text
    page = client.get(reverse("procedures:dossier_detail", args=[dossier.code])).content.decode()
    assert 'data-testid="representative"' not in page


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (
            {"representative_name": "Lê Văn Cường", "representative_phone": "0987 654 320"},
            ["representative_authorisation"],
        ),
        ({"representative_authorisation": "Giấy ủy quyền số 12/2026"}, ["representative_name"]),
        (
            {"representative_phone": "0987 654 320"},
            ["representative_name", "representative_authorisation"],
        ),
    ],
)
def test_a_representative_needs_a_name_and_the_authorisation_document(
    effective, officer, client_for, given, missing
):
    data = _posted(effective.procedure, applicant_phone="0912 345 678", **given)
    response = client_for(officer).post(reverse("procedures:dossier_receive"), data)
    assert response.status_code == 200 and not Dossier.objects.exists()
    form = response.context["form"]
    assert sorted(form.errors) == sorted(missing)
    messages = {
        "representative_name": "họ và tên người được ủy quyền",
        "representative_authorisation": "giấy tờ ủy quyền",
    }
    for name in missing:
        assert messages[name] in " ".join(form.errors[name]).lower()
    for name, value in data.items():
        assert form[name].value() == value
    page = response.content.decode()
    # the section opens to show what was typed and why it was refused
    section = page.index('data-testid="representative"')
    assert " open" in page[section : page.index(">", section)]
    for value in given.values():
        assert value in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("representative_id_number", "12345", "9 hoặc 12 chữ số"),
        ("representative_phone", "gọi sau", "8 đến 15 chữ số"),
        ("representative_email", "cuong@", "ten@example.vn"),
    ],
)
def test_a_representatives_contact_follows_the_applicants_rules(
    effective, officer, client_for, field, value, message
):
    data = _posted(effective.procedure, **(REPRESENTATIVE | {field: value}))
    response = client_for(officer).post(reverse("procedures:dossier_receive"), data)
    assert response.status_code == 200 and not Dossier.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    assert form[field].value() == value


def test_the_service_refuses_a_representative_without_the_authorisation_document(
    effective, officer
):
    with pytest.raises(ValidationError) as refused:
        receive(
            effective.procedure, officer, "2026-12-01 09:00", representative_name="Lê Văn Cường"
        )
    assert list(refused.value.error_dict) == ["representative_authorisation"]
    assert not Dossier.objects.exists()


def test_a_representatives_contact_is_masked_as_the_applicants(
    effective, officer, personas, client_for, tmp_path
):
    dossier = receive(effective.procedure, officer, "2026-12-01 09:00", **REPRESENTATIVE)
    hidden = ("031088004321", "0987 654 320", "Số 12 phố Tô Hiệu")
    masked = ("•••••4321", "•••••4320", "(đã ẩn)")
    for role in (Role.VIEWER, Role.AUDITOR, Role.OFFICER, Role.SPECIALIST):
        client = client_for(personas[role])
        page = client.get(reverse("procedures:dossier_detail", args=[dossier.code]))
        receipt = client.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"]))
        for shown in (page.content.decode(), pdf_text(receipt.content, tmp_path)):
            assert "Lê Văn Cường" in shown and "Giấy ủy quyền số 12/2026" in shown, role
            if personas[role].may_see_citizen_contact():
                assert all(value in shown for value in hidden), role
            else:
                assert not any(value in shown for value in hidden), role
                assert all(value in shown for value in masked), role
