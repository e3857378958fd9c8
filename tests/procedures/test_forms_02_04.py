"""Form 02, one slip per supplement request, dated on the request and signed by the
officer who asks, with the desk's phone; form 04, drafted by the unit at fault and
issued by the chairman's approval (R11), read back with pdftotext."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from procedures import dossier_services
from procedures.models import Dossier, Outcome
from procedures.pdf import dossier_pdf
from qms.roles import Role
from qms.signing import shown_sha256
from tests.factories import PASSWORD
from tests.procedures.test_dossiers import at, receive
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


def draft(dossier, user, moment: str, new_due):
    with in_era(moment):
        return dossier_services.dossier_apologise(
            dossier=dossier, user=user, reason="Chờ xác minh", new_due_date=new_due
        )


def approve(apology, user, moment: str):
    with in_era(moment):
        return dossier_services.apology_approve(
            apology=apology, user=user, password=PASSWORD, seen_sha256=shown_sha256(apology)
        )


@pytest.mark.parametrize(
    ("role", "title"),
    [(Role.CHAIRMAN, "CHỦ TỊCH"), (Role.VICE_CHAIRMAN, "KT. CHỦ TỊCH PHÓ CHỦ TỊCH")],
)
def test_form_04_is_a_draft_until_the_head_issues_it(effective, personas, role, title):
    era = ERAS[2026]
    officer, head = personas[Role.OFFICER], personas[role]
    dossier = receive(effective.procedure, officer, era["received"])
    apology = draft(dossier, officer, era["day1"], era["new_due"])
    text = pdf_words(dossier_pdf("apology", dossier))
    assert "DỰ THẢO" in text
    assert "THỦ TRƯỞNG" not in text and officer.get_full_name() not in text
    assert head.get_full_name() not in text
    approve(apology, head, era["day2"])
    dossier.refresh_from_db()
    text = pdf_words(dossier_pdf("apology", dossier))
    assert "DỰ THẢO" not in text and "THỦ TRƯỞNG" not in text
    assert f"{title} Đã ký điện tử" in text and head.get_full_name() in text
    assert dated(text) == day_of(era["day2"])  # the day of issue, not of the draft
    assert f"Số: 1/{era['day2'][:4]}/PXL" in text  # numbered at its issue
    assert dossier.promised_date == era["new_due"]


def test_only_the_chairman_or_a_vice_chairman_issues_it(effective, personas):
    era = ERAS[2026]
    officer = personas[Role.OFFICER]
    dossier = receive(effective.procedure, officer, era["received"])
    apology = draft(dossier, officer, era["day1"], era["new_due"])
    for role in (Role.OFFICER, Role.SPECIALIST, Role.ISO_SECRETARY):
        with pytest.raises(ValidationError):
            approve(apology, personas[role], era["day2"])
    apology.refresh_from_db()
    assert apology.approved_at is None and apology.approval is None


def test_the_promised_date_drives_the_overdue_list_and_the_outcome_stays_late(effective, personas):
    era = ERAS[2026]
    officer, chairman = personas[Role.OFFICER], personas[Role.CHAIRMAN]
    dossier = receive(effective.procedure, officer, era["received"])
    apology = draft(dossier, officer, era["day1"], era["new_due"])
    after_due = dossier.due_date + timedelta(days=1)
    assert after_due < era["new_due"]
    # a draft changes nothing yet
    assert dossier in Dossier.objects.worklist("overdue", after_due, after_due)
    approve(apology, chairman, era["day2"])
    assert dossier not in Dossier.objects.worklist("overdue", after_due, after_due)
    assert dossier in Dossier.objects.worklist("due_today", era["new_due"], era["new_due"])
    late = era["new_due"] + timedelta(days=1)
    assert dossier in Dossier.objects.worklist("overdue", late, late)
    dossier.refresh_from_db()
    dossier.finish(at("2026-10-13 10:00"))  # before the promised date, after the appointment
    assert dossier.outcome == Outcome.LATE


def test_the_new_date_must_be_a_working_day_after_issue(effective, personas, client_for):
    era = ERAS[2026]
    officer, chairman = personas[Role.OFFICER], personas[Role.CHAIRMAN]
    dossier = receive(effective.procedure, officer, era["received"])
    saturday = date(2026, 10, 17)
    with pytest.raises(ValidationError) as refused:
        draft(dossier, officer, era["day1"], saturday)
    assert "không phải ngày làm việc" in refused.value.message_dict["new_due_date"][0]
    apology = draft(dossier, officer, era["day1"], era["new_due"])
    # approved too late, the day of issue is no longer a working day before the appointment
    with in_era(f"{dossier.due_date:%Y-%m-%d} 10:00"):
        response = client_for(chairman).post(
            f"/ho-so/{dossier.code}/xin-loi/phe-duyet/",
            {"approve-password": PASSWORD, "approve-seen_sha256": shown_sha256(apology)},
        )
    assert response.status_code == 400
    assert "chậm nhất một ngày làm việc trước ngày hẹn" in response.content.decode()
    apology.refresh_from_db()
    assert apology.approved_at is None


def test_the_approval_page_signs_with_the_password(effective, personas, client_for):
    era = ERAS[2026]
    officer, chairman = personas[Role.OFFICER], personas[Role.CHAIRMAN]
    dossier = receive(effective.procedure, officer, era["received"])
    apology = draft(dossier, officer, era["day1"], era["new_due"])
    client = client_for(chairman)
    url = f"/ho-so/{dossier.code}/xin-loi/phe-duyet/"
    with in_era(era["day2"]):
        assert url in client.get(f"/ho-so/{dossier.code}/").content.decode()
        wrong = client.post(
            url, {"approve-password": "x", "approve-seen_sha256": shown_sha256(apology)}
        )
        assert wrong.status_code == 400 and "Mật khẩu" in wrong.content.decode()
        assert client_for(officer).post(url, {}).status_code == 403
        right = client.post(
            url, {"approve-password": PASSWORD, "approve-seen_sha256": shown_sha256(apology)}
        )
    assert right.status_code == 302
    apology.refresh_from_db()
    assert apology.approval.signer == chairman
