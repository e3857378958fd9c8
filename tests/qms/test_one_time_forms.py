"""A create form sent twice (a double click, the browser sending it again, a replayed
request) creates one record, and the second answer leads to the first one's record."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audits.models import Audit, Finding
from governance.models import (
    DisposalList,
    RecordKind,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    TrainingRecord,
)
from isodocs.models import ExternalDocument
from nonconformities.models import Action, Complaint, Nonconformity
from procedures.importer import COLUMNS
from procedures.models import Dossier, Procedure, ProcedureRevision
from qms.idempotency import FIELD, new_token
from qms.models import (
    CalendarDay,
    FormToken,
    ManagementReview,
    Objective,
    OrganisationIdentity,
    ReviewOutput,
    Unit,
)
from qms.roles import Role
from tests.factories import ProcedureFactory, UserFactory, issue_revision
from tests.threads import run_together

SECRETARY, OFFICER, AUDITOR = Role.ISO_SECRETARY, Role.OFFICER, Role.AUDITOR
ALREADY_SENT = "Biểu mẫu này đã được gửi rồi: không có bản ghi nào được tạo thêm."


@dataclass(frozen=True)
class Case:
    role: Role
    page: str  # the page showing the form
    url: str  # where the form is sent
    data: dict
    model: type[models.Model]  # what one sending creates one of


def receive_data() -> dict:
    return {
        "procedure": "QT-TP-05 – Cấp Giấy xác nhận tình trạng hôn nhân",
        "applicant_name": "Phạm Văn Đông",
        "applicant_id_number": "031095001234",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    }


def same_page(role, url, data, model) -> Case:
    return Case(role, url, url, data, model)


def calendar_day(records, personas) -> Case:
    data = {
        "date": "26/12/2026",
        "kind": "working_day",
        "name": "Làm bù",
        "legal_basis": "CV 1/BNV",
        "reason": "Thông báo của Bộ Nội vụ",
    }
    return same_page(SECRETARY, reverse("qms:calendar_day_create"), data, CalendarDay)


def review(records, personas) -> Case:
    data = {
        "held_on": "10/01/2024",
        "period_start": "01/07/2023",
        "period_end": "31/12/2023",
        "chair": personas[Role.CHAIRMAN].pk,
        "participants": "Lãnh đạo",
    }
    return same_page(SECRETARY, reverse("qms:review_create"), data, ManagementReview)


def review_output(records, personas) -> Case:
    pk = records["review"]["pk"]
    data = {
        "kind": "resources",
        "decision": "Thêm máy quét",
        "owner": personas[SECRETARY].pk,
        "due_date": "30/09/2030",
    }
    return Case(
        SECRETARY,
        reverse("qms:review_detail", args=[pk]),
        reverse("qms:review_output_add", args=[pk]),
        data,
        ReviewOutput,
    )


def procedure(records, personas) -> Case:
    data = {
        "code": "QT-VP-09",
        "name": "Cấp bản sao từ sổ gốc",
        "field": "certification",
        "unit": Unit.objects.get(code="TP-HT").pk,
        "legal_basis": "Nghị định 23/2015/NĐ-CP",
        "fee": "0",
        "result_document": "Bản sao",
        "online_level": "none",
        "result_validity": "not_lasting",
        "in_use": "on",
        "review_interval_months": "12",
        "reason": "Quy trình mới",
    }
    return same_page(SECRETARY, reverse("procedures:create"), data, Procedure)


def revision(records, personas) -> Case:
    other = ProcedureFactory(code="QT-TP-06", name="Đăng ký khai sinh")
    issue_revision(other, secretary=personas[SECRETARY], approver=personas[Role.CHAIRMAN])
    return Case(
        SECRETARY,
        reverse("procedures:detail", args=[other.code]),
        reverse("procedures:revision_create", args=[other.code]),
        {},
        ProcedureRevision,
    )


def receipt(records, personas) -> Case:
    return same_page(OFFICER, reverse("procedures:dossier_receive"), receive_data(), Dossier)


def audit(records, personas) -> Case:
    data = {
        "code": "ĐGNB-2024-01",
        "title": "Đánh giá Văn phòng",
        "kind": "internal",
        "year": "2024",
        "units": [Unit.objects.get(code="TP-HT").pk],
        "planned_start": "01/03/2024",
        "planned_end": "02/03/2024",
        "lead_auditor": personas[AUDITOR].pk,
        "reason": "Kế hoạch",
        "timetable-TOTAL_FORMS": "0",
        "timetable-INITIAL_FORMS": "0",
    }
    return same_page(SECRETARY, reverse("audits:create"), data, Audit)


def finding(records, personas) -> Case:
    pk = records["audit"]["pk"]
    data = {
        "clause_number": "8.5.1",
        "unit": Unit.objects.get(code="TP-HT").pk,
        "severity": "minor",
        "requirement": "QT-TP-05 bước 2",
        "description": "Phiếu kiểm soát thiếu chữ ký",
    }
    return Case(
        AUDITOR,
        reverse("audits:detail", args=[pk]),
        reverse("audits:finding_add", args=[pk]),
        data,
        Finding,
    )


def nonconformity(records, personas) -> Case:
    data = {"source": "staff", "severity": "minor", "description": "Thiếu sổ theo dõi"}
    return same_page(SECRETARY, reverse("nonconformities:raise"), data, Nonconformity)


def action(records, personas) -> Case:
    pk = records["nc"]["pk"]
    data = {
        "action-kind": "corrective",
        "action-description": "Phân công người giữ sổ",
        "action-owner": personas[OFFICER].pk,
        "action-due_date": "31/12/2030",
    }
    return Case(
        SECRETARY,
        reverse("nonconformities:detail", args=[pk]),
        reverse("nonconformities:step", args=[pk, "action"]),
        data,
        Action,
    )


def complaint(records, personas) -> Case:
    data = {"citizen": "Lê Thị Ý", "content": "Chờ lâu", "dossier_code": ""}
    return same_page(OFFICER, reverse("nonconformities:complaints"), data, Complaint)


def complaint_raised(records, personas) -> Case:
    personas[OFFICER].groups.add(*personas[SECRETARY].groups.all())  # may raise one too
    return Case(
        OFFICER,
        reverse("nonconformities:complaints"),
        reverse("nonconformities:complaint_answer", args=[records["complaint"]["pk"]]),
        {"text": "Đã bố trí thêm người", "raise": "1"},
        Nonconformity,
    )


def identity(records, personas) -> Case:
    data = {
        "valid_from": "01/01/2030",
        "superior": "UBND thành phố Hải Phòng",
        "name": "UBND phường An Dương",
        "desk_name": "Trung tâm Phục vụ hành chính công",
        "place_name": "An Dương",
        "address": "Số 1 đường Chợ Hàng",
        "reason": "Sáp nhập đơn vị hành chính",
    }
    return same_page(SECRETARY, reverse("qms:identity_create"), data, OrganisationIdentity)


def external_document(records, personas) -> Case:
    data = {
        "kind": "circular",
        "number": "01/2018/TT-VPCP",
        "title": "Hướng dẫn Nghị định 61/2018/NĐ-CP",
        "issuer": "Văn phòng Chính phủ",
        "issued_on": "23/11/2018",
        "effective_from": "08/01/2019",
    }
    return same_page(SECRETARY, reverse("isodocs:external_create"), data, ExternalDocument)


def risk(records, personas) -> Case:
    data = {
        "kind": "risk",
        "process": "desk",
        "description": "Mất điện khi đang tiếp nhận",
        "likelihood": "2",
        "impact": "3",
        "treatment": "reduce",
        "treatment_plan": "Bộ lưu điện",
        "owner": personas[SECRETARY].pk,
        "identified_on": "01/02/2024",
        "due_date": "30/06/2030",
        "review_date": "01/01/2030",
        "status": "open",
    }
    return same_page(SECRETARY, reverse("governance:risk_create"), data, Risk)


def risk_action(records, personas) -> Case:
    pk = records["risk"]["pk"]
    data = {
        "action-description": "Mua bộ lưu điện",
        "action-owner": personas[SECRETARY].pk,
        "action-due_date": "30/06/2030",
    }
    return Case(
        SECRETARY,
        reverse("governance:risk_detail", args=[pk]),
        reverse("governance:risk_action_add", args=[pk]),
        data,
        RiskAction,
    )


def training(records, personas) -> Case:
    data = {
        "person": personas[OFFICER].pk,
        "kind": "awareness",
        "title": "Nhận thức TCVN ISO 9001:2015",
        "completed_on": "15/03/2024",
    }
    return same_page(SECRETARY, reverse("governance:training_create"), data, TrainingRecord)


def disposal(records, personas) -> Case:
    # dossiers kept one year: the records' dossier, withdrawn in 2023, is due
    Dossier.objects.filter(code=records["dossier"]["code"]).update(
        status=Dossier.Status.WITHDRAWN, ended_at=datetime(2023, 3, 6, 9, tzinfo=UTC)
    )
    RetentionRule.objects.filter(kind=RecordKind.DOSSIER).update(years=1)
    return Case(
        SECRETARY,
        reverse("governance:retention"),
        reverse("governance:disposal_propose"),
        {"kind": RecordKind.DOSSIER, "reason": "Hết thời hạn lưu trữ"},
        DisposalList,
    )


def steering(records, personas) -> Case:
    data = {
        "number": "05/QĐ-UBND",
        "title": "Kiện toàn Ban chỉ đạo ISO",
        "signed_on": "02/01/2024",
        "effective_from": "02/01/2024",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-0-person": personas[Role.CHAIRMAN].pk,
        "members-0-role": "head",
        "members-1-person": personas[SECRETARY].pk,
        "members-1-role": "secretary",
    }
    return same_page(SECRETARY, reverse("governance:steering_create"), data, SteeringDecision)


# URL name -> the case. Every view marked @one_time_form has its row (and no other).
ONCE: dict[str, Callable[[dict, dict], Case]] = {
    "qms:calendar_day_create": calendar_day,
    "qms:identity_create": identity,
    "qms:review_create": review,
    "qms:review_output_add": review_output,
    "procedures:create": procedure,
    "procedures:revision_create": revision,
    "procedures:dossier_receive": receipt,
    "audits:create": audit,
    "audits:finding_add": finding,
    "nonconformities:raise": nonconformity,
    "nonconformities:step": action,
    "nonconformities:complaints": complaint,
    "nonconformities:complaint_answer": complaint_raised,
    "isodocs:external_create": external_document,
    "governance:risk_create": risk,
    "governance:risk_action_add": risk_action,
    "governance:training_create": training,
    "governance:disposal_propose": disposal,
    "governance:steering_create": steering,
}

# Views that create records and are sent once by their own rule instead.
ONCE_BY_THEIR_RULE = {
    # each row carries its code, and a code already present is skipped
    "procedures:dossier_import": "import",
    # one draft at a time: sent again, it drafts the same one again
    "isodocs:announcement_create": "one draft",
}


def token_in(html: str, url: str, page: str) -> str:
    """The one-time token of the page's form that is sent to `url`."""
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        action = re.search(r'\baction="([^"]*)"', form.split(">", 1)[0])
        if (action.group(1) if action else page) == url and 'method="post"' in form:
            found = re.search(rf'name="{FIELD}" value="([^"]+)"', form)
            assert found, f"the form sent to {url} has no one-time token"
            return found.group(1)
    raise AssertionError(f"no form sent to {url} on {page}")


@pytest.mark.parametrize("name", ONCE)
def test_a_create_form_sent_twice_creates_one_record(name, records, personas, client_for):
    case = ONCE[name](records, personas)
    client = client_for(personas[case.role])
    page = client.get(case.page)
    assert page.status_code == 200
    data = case.data | {FIELD: token_in(page.content.decode(), case.url, case.page)}
    before = case.model.objects.count()

    first = client.post(case.url, data)
    assert first.status_code == 302, first.context and first.context.get("form").errors
    assert case.model.objects.count() == before + 1

    again = client.post(case.url, data)
    assert case.model.objects.count() == before + 1
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert ALREADY_SENT in client.get(again["Location"]).content.decode()


def test_an_import_sent_twice_creates_its_dossiers_once(records, personas, client_for):
    client = client_for(personas[OFFICER])
    row = "PAD-230302-0001,QT-TP-05,Trần Văn An,direct,02/03/2023 09:00"
    before = Dossier.objects.count()
    for _ in range(2):
        upload = SimpleUploadedFile("tinh.csv", f"{','.join(COLUMNS)}\n{row}\n".encode())
        response = client.post(reverse("procedures:dossier_import"), {"file": upload})
        assert response.status_code == 200
        assert Dossier.objects.count() == before + 1


def url_names(patterns, namespace="") -> dict[str, Callable]:
    views = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":  # Django's admin: its own forms
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            views |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            views[f"{namespace}{pattern.name}"] = pattern.callback
    return views


def test_every_create_view_is_sent_once():
    """A view needing an add_ permission creates records: it is marked @one_time_form
    (and has its case in ONCE) or is listed in ONCE_BY_THEIR_RULE."""
    views = url_names(get_resolver().url_patterns)
    marked = {name for name, view in views.items() if getattr(view, "one_time_form", False)}
    creating = {
        name
        for name, view in views.items()
        if getattr(view, "permission", "").partition(".")[2].startswith("add_")
    }
    assert marked == set(ONCE)
    assert creating <= marked | set(ONCE_BY_THEIR_RULE), creating - marked


def test_an_admin_add_form_sent_twice_creates_one_record(personas, client_for):
    """The ISO secretary creates the year's objectives (and units, accounts) in the admin."""
    client = client_for(personas[SECRETARY])
    url = reverse("admin:qms_objective_add")
    token = token_in(client.get(url).content.decode(), url, url)
    data = {"year": "2024", "title": "Đúng hạn", "measure": "on_time_rate", "comparison": "gte"}
    data |= {"target": "98", FIELD: token}

    first = client.post(url, data)
    again = client.post(url, data)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == reverse("admin:qms_objective_changelist")
    assert Objective.objects.filter(year=2024).count() == 1
    assert ALREADY_SENT in client.get(again["Location"]).content.decode()


def test_the_admins_other_forms_carry_no_token(personas, client_for):
    secretary = personas[SECRETARY]
    page = client_for(secretary).get(reverse("admin:qms_unit_change", args=[secretary.unit_id]))
    assert page.status_code == 200 and FIELD not in page.content.decode()


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(effective, personas, client_for):
    client = client_for(personas[OFFICER])
    url = reverse("procedures:dossier_receive")
    token = token_in(client.get(url).content.decode(), url, url)
    refused = client.post(url, receive_data() | {"applicant_name": "", FIELD: token})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert not FormToken.objects.exists()
    sent = client.post(url, receive_data() | {FIELD: token})
    assert sent.status_code == 302 and Dossier.objects.count() == 1


def test_a_token_is_one_users(effective, personas, client_for):
    """Another officer's form with the same token is another form."""
    url = reverse("procedures:dossier_receive")
    token = new_token()
    second_officer = UserFactory(role="officer", unit=personas[OFFICER].unit)
    for officer in (personas[OFFICER], second_officer):
        assert client_for(officer).post(url, receive_data() | {FIELD: token}).status_code == 302
    assert Dossier.objects.count() == 2


def test_old_tokens_are_forgotten(effective, personas, client_for):
    officer = personas[OFFICER]
    old = FormToken.objects.create(user=officer, token=new_token(), location="/")
    FormToken.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=3))
    client_for(officer).post(
        reverse("procedures:dossier_receive"), receive_data() | {FIELD: new_token()}
    )
    assert list(FormToken.objects.values_list("user", flat=True)) == [officer.pk]
    assert not FormToken.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_sends_twins_at_once_and_one_dossier_is_created(effective, personas):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(personas[OFFICER])
    data = receive_data() | {FIELD: new_token()}
    answers = []

    def send(client):
        return lambda: answers.append(client.post(reverse("procedures:dossier_receive"), data))

    assert run_together(*map(send, clients)) == []
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    where = reverse("procedures:dossier_detail", args=[dossier.code]) + "?in-phieu=1"
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, where)] * 2
