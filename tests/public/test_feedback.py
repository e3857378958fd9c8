"""Citizens' feedback (PAKN) sent from the public pages lands in the complaints
register, and its own page shows what was written and the answer, never who wrote it."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from nonconformities import services
from nonconformities.complaint_notices import acknowledgement, answered
from nonconformities.models import Complaint
from notices.models import Event, Notice
from procedures.models import Dossier
from public import limits
from public.tokens import complaint_path, complaint_url, status_path, token_for
from qms.roles import Role
from tests.html import parse
from tests.procedures.test_dossiers import at

pytestmark = pytest.mark.django_db

FEEDBACK = {
    "citizen": "Đỗ Thị Quyên",
    "phone": "0912 345 678",
    "email": "dothiphan@example.vn",
    "content": "Phải chờ hơn hai giờ mới được tiếp nhận.",
}


def send(url: str, data: dict, address: str = "198.51.100.1"):
    return Client(REMOTE_ADDR=address).post(url, data)


def dossier_feedback_path(code: str, token: str | None = None) -> str:
    return reverse("public:dossier_feedback", args=[code, token or token_for("dossier", code)])


def test_a_public_feedback_lands_in_the_register_with_its_source_reference_and_deadline(
    personas, client_for
):
    with time_machine.travel(at("2023-03-02 09:00"), tick=False):
        response = send(reverse("public:feedback"), FEEDBACK)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "public:feedback_received",
        args=[complaint.reference, token_for("complaint", complaint.reference)],
    )
    assert complaint.reference == "PAKN-2023-0001"
    assert complaint.source == Complaint.Source.PUBLIC_FORM
    assert complaint.answer_due == date(2023, 3, 23)  # 15 working days
    assert (complaint.phone, complaint.email) == (FEEDBACK["phone"], FEEDBACK["email"])
    assert complaint.received_by is None and complaint.dossier is None
    assert complaint.history.get().history_user is None  # nobody signed in sent it

    received = Client().get(response["Location"]).content.decode()
    assert "PAKN-2023-0001" in received and "23/03/2023" in received
    assert complaint_url(complaint.reference) in received

    register = client_for(personas[Role.ISO_SECRETARY])
    url = reverse("nonconformities:complaints")
    page = register.get(url, {"source": "public_form"}).content.decode()
    assert "PAKN-2023-0001" in page and "Từ biểu mẫu phản ánh, kiến nghị công khai" in page
    assert FEEDBACK["phone"] in page and FEEDBACK["email"] in page  # the secretary answers
    assert "PAKN-2023-0001" not in register.get(url, {"source": "desk"}).content.decode()
    audited = client_for(personas[Role.AUDITOR]).get(url).content.decode()
    assert "PAKN-2023-0001" in audited
    assert FEEDBACK["phone"] not in audited and FEEDBACK["email"] not in audited


def test_a_public_feedback_may_name_its_dossier_by_code(effective_dossier):
    response = send(reverse("public:feedback"), FEEDBACK | {"dossier_code": "PAD-000000-9999"})
    assert response.status_code == 200
    assert "Không có hồ sơ mã PAD-000000-9999." in response.content.decode()
    assert not Complaint.objects.exists()
    send(reverse("public:feedback"), FEEDBACK | {"dossier_code": effective_dossier.code})
    complaint = Complaint.objects.get()
    assert complaint.dossier == effective_dossier
    assert complaint.source == Complaint.Source.PUBLIC_FORM


def test_feedback_from_a_status_page_is_linked_to_its_dossier(effective_dossier):
    data = {"citizen": "Lâm Văn Mẫu", "content": "Hồ sơ chưa được chuyển đi."}
    response = send(dossier_feedback_path(effective_dossier.code), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.dossier == effective_dossier  # no contact needed: the dossier has it
    assert complaint.source == Complaint.Source.STATUS_PAGE
    assert complaint.received_by is None


def test_a_wrong_token_is_not_found(effective_dossier):
    code = effective_dossier.code
    wrong = dossier_feedback_path(code, token_for("dossier", code + "X"))
    assert Client().get(wrong).status_code == 404
    assert send(wrong, FEEDBACK).status_code == 404
    assert not Complaint.objects.exists()
    complaint = services.complaint_send(source="public_form", **FEEDBACK)
    other = token_for("complaint", "PAKN-2023-9999")
    for name in ("public:feedback_status", "public:feedback_received"):
        response = Client().get(reverse(name, args=[complaint.reference, other]))
        assert response.status_code == 404
        assert FEEDBACK["content"] not in response.content.decode()


def test_missing_contact_is_refused_beside_the_field_with_the_values_kept():
    data = FEEDBACK | {"phone": "", "email": "", "dossier_code": ""}
    response = send(reverse("public:feedback"), data)
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    page = parse(response.content)
    phone = page.find("input", name="phone")
    assert "Hãy cho biết số điện thoại hoặc địa chỉ thư điện tử" in phone.parent.text
    assert page.find("input", name="citizen").attrs["value"] == FEEDBACK["citizen"]
    assert page.find("textarea", name="content").text == FEEDBACK["content"]


def test_a_wrong_phone_or_e_mail_is_refused_beside_its_field():
    response = send(reverse("public:feedback"), FEEDBACK | {"phone": "12", "email": "a@"})
    page = parse(response.content)
    assert "8 đến 15 chữ số" in page.find("input", name="phone").parent.text
    assert page.find("input", name="email").attrs["value"] == "a@"
    assert not Complaint.objects.exists()


def test_the_limiter_answers_429_after_the_limit():
    allowed = int(limits.SEND.split("/")[0])
    url = reverse("public:feedback")
    answers = [send(url, FEEDBACK).status_code for _ in range(allowed)]
    assert answers == [302] * allowed
    refused = send(url, FEEDBACK)
    assert refused.status_code == 429
    assert Complaint.objects.count() == allowed
    assert Client(REMOTE_ADDR="198.51.100.1").get(url).status_code == 200  # reading is not sending
    assert send(url, FEEDBACK, address="198.51.100.2").status_code == 302


def test_the_answer_shows_on_the_feedback_page_and_nothing_personal_ever_does(personas):
    complaint = services.complaint_send(source="public_form", **FEEDBACK)
    path = complaint_path(complaint.reference)
    pages = [Client().get(path).content.decode()]
    assert "Đang xử lý" in pages[0]
    services.complaint_answer(
        complaint=complaint, user=personas[Role.ISO_SECRETARY], answer="Đã bố trí thêm quầy."
    )
    pages.append(Client().get(path).content.decode())
    token = token_for("complaint", complaint.reference)
    received = reverse("public:feedback_received", args=[complaint.reference, token])
    pages.append(Client().get(received).content.decode())
    assert "Đã bố trí thêm quầy." in pages[1] and FEEDBACK["content"] in pages[1]
    for page in pages:
        for personal in ("Đỗ Thị", "Quyên", "0912", "345 678", "dothiphan"):
            assert personal not in page


def test_the_acknowledgement_and_answer_messages(settings, personas):
    settings.PUBLIC_BASE_URL = "https://motcua.example.vn/"
    with time_machine.travel(at("2023-03-02 09:00"), tick=False):
        complaint = services.complaint_send(source="public_form", **FEEDBACK)
    link = "https://motcua.example.vn" + complaint_path("PAKN-2023-0001")
    notice = acknowledgement(complaint)
    assert notice.subject == "Đã nhận phản ánh, kiến nghị PAKN-2023-0001 của ông/bà"
    assert notice.body.startswith("Kính gửi ông/bà Đỗ Thị Quyên,")
    assert "ngày 02/03/2023, số tham chiếu PAKN-2023-0001. Hạn trả lời: 23/03/2023." in notice.body
    assert link in notice.body
    with time_machine.travel(at("2023-03-10 15:00"), tick=False):
        complaint = services.complaint_answer(
            complaint=complaint, user=personas[Role.OFFICER], answer="Đã bố trí thêm quầy."
        )
    notice = answered(complaint)
    assert notice.subject == "Phản ánh, kiến nghị PAKN-2023-0001 của ông/bà đã được trả lời"
    assert "Ngày 10/03/2023" in notice.body and "Đã bố trí thêm quầy." in notice.body
    assert link in notice.body


def test_the_citizen_is_told_through_the_outbox_when_an_address_is_given(personas):
    services.complaint_send(source="public_form", **{**FEEDBACK, "email": ""})
    assert not Notice.objects.exists()  # a phone only: nothing to e-mail
    complaint = services.complaint_send(source="public_form", **FEEDBACK)
    services.complaint_answer(
        complaint=complaint, user=personas[Role.ISO_SECRETARY], answer="Đã bố trí thêm quầy."
    )
    sent = list(Notice.objects.order_by("pk").values_list("event", "recipient", "subject"))
    assert sent == [
        (Event.FEEDBACK_ACKNOWLEDGED, FEEDBACK["email"], acknowledgement(complaint).subject),
        (Event.FEEDBACK_ANSWERED, FEEDBACK["email"], answered(complaint).subject),
    ]


def test_the_status_page_links_to_its_feedback_and_publishes_the_answer(records, personas):
    code = records["dossier"]["code"]
    dossier = Dossier.objects.get(code=code)
    page = Client().get(status_path(code)).content.decode()
    assert dossier_feedback_path(code) in page
    sent = services.complaint_send(
        source="status_page",
        citizen="Đỗ Thị Quyên",
        content="Xin hỏi bao giờ có kết quả?",
        dossier=dossier,
    )
    services.complaint_record(
        user=personas[Role.OFFICER],
        citizen="Người khác",
        content="Phản ánh tại quầy",
        dossier=dossier,
    )
    page = Client().get(status_path(code)).content.decode()
    assert "Xin hỏi bao giờ có kết quả?" in page and "Phản ánh tại quầy" not in page
    services.complaint_answer(complaint=sent, user=personas[Role.ISO_SECRETARY], answer="Thứ Sáu.")
    page = parse(Client().get(status_path(code)).content)
    assert "Thứ Sáu." in page.find("p", **{"data-testid": "feedback-answer"}).text
