"""The procedure pages: lists and filters, drafting through the UI, approving, comparing."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import Procedure, ProcedureRevision
from qms.roles import Role
from tests.factories import PASSWORD, ProcedureFactory, issue_revision, pdf_bytes

Status = ProcedureRevision.Status


def test_list_filters(effective, units, personas, client_for):
    ProcedureFactory(code="QT-VX-09", name="Thông báo tổ chức lễ hội", unit=units["VH-XH"])
    client = client_for(personas[Role.VIEWER])
    url = reverse("procedures:list")

    def codes(**query):
        return [p.code for p in client.get(url, query).context["filter"].qs]

    assert codes() == ["QT-TP-05", "QT-VX-09"]
    assert codes(q="lễ hội") == ["QT-VX-09"]
    assert codes(unit=units["TP-HT"].pk) == ["QT-TP-05"]
    assert codes(status="controlled") == ["QT-TP-05"]
    assert codes(status="uncontrolled") == ["QT-VX-09"]
    assert codes(due_for_review="true") == ["QT-TP-05"]  # reviewed 01/01/2023, yearly
    page = client.get(url).content.decode()
    assert "Lần 1 từ 01/01/2023" in page and "3 ngày làm việc" in page


def revision_post(revision, **changes) -> dict:
    data = {
        "purpose": revision.purpose,
        "scope": revision.scope,
        "references": revision.references,
        "limit_unit": revision.limit_unit,
        "limit_amount": revision.limit_amount or "",
        "cutoff": "",
        "forms_used": revision.forms_used,
        "change_summary": "Rút ngắn thời gian thẩm định",
        "reason": "Soạn lần 2",
        # As the page renders them: the existing rows are the formsets' initial forms.
        "steps-TOTAL_FORMS": str(revision.steps.count()),
        "steps-INITIAL_FORMS": str(revision.steps.count()),
        "records-TOTAL_FORMS": "1",
        "records-INITIAL_FORMS": "1",
        "records-0-name": "Sổ hộ tịch",
        "records-0-keeper": "TP-HT",
        "records-0-retention": "Vĩnh viễn",
        "components-TOTAL_FORMS": "2",
        "components-INITIAL_FORMS": "0",
        "components-0-name": "Tờ khai đăng ký khai sinh",
        "components-0-copy_type": "original",
        "components-0-quantity": "1",
        "components-1-name": "Giấy chứng sinh",
        "components-1-copy_type": "certified",
        "components-1-quantity": "2",
    }
    for index, step in enumerate(revision.steps.all()):
        data |= {
            f"steps-{index}-name": step.name,
            f"steps-{index}-unit": step.unit_id or "",
            f"steps-{index}-role": step.role,
            f"steps-{index}-allotment": str(step.allotment),
        }
    return data | changes


def test_draft_edit_submit_and_approve_through_the_pages(effective, personas, client_for):
    secretary = client_for(personas[Role.ISO_SECRETARY])
    response = secretary.post(
        reverse("procedures:revision_create", args=[effective.procedure.code])
    )
    draft = ProcedureRevision.objects.get(procedure=effective.procedure, number=2)
    assert response["Location"] == reverse("procedures:revision_edit", args=[draft.pk])

    # A draft saves whatever its steps add up to; submitting it checks them.
    response = secretary.post(
        reverse("procedures:revision_edit", args=[draft.pk]),
        revision_post(draft, **{"steps-1-allotment": "1"}),
    )
    assert response.status_code == 302
    # the dossier components are edited with the revision and signed with it
    assert [(c.name, c.copy_type, c.quantity) for c in draft.components.all()] == [
        ("Tờ khai đăng ký khai sinh", "original", 1),
        ("Giấy chứng sinh", "certified", 2),
    ]
    assert draft.signed_content()["components"][1]["copy_type"] == "certified"
    response = secretary.post(reverse("procedures:revision_submit", args=[draft.pk]), follow=True)
    assert "Tổng thời gian các bước là 2 ngày làm việc" in response.content.decode()

    response = secretary.post(
        reverse("procedures:revision_edit", args=[draft.pk]),
        revision_post(draft, **{"steps-1-allotment": "2"}),
    )
    assert response.status_code == 302
    secretary.post(reverse("procedures:revision_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED

    chairman = client_for(personas[Role.CHAIRMAN])
    page = chairman.get(reverse("procedures:revision_detail", args=[draft.pk]))
    approval = {
        "decision_number": "15/QĐ-UBND",
        "decision_date": "02/01/2024",
        "effective_from": "02/01/2024",
        "password": "sai",
        "seen_sha256": page.context["approval_form"]["seen_sha256"].value(),
    }
    response = chairman.post(reverse("procedures:revision_approve", args=[draft.pk]), approval)
    assert response.status_code == 400
    assert "Mật khẩu không đúng." in response.content.decode()
    response = chairman.post(
        reverse("procedures:revision_approve", args=[draft.pk]), approval | {"password": PASSWORD}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    effective.refresh_from_db()
    assert (draft.status, effective.status) == (Status.EFFECTIVE, Status.SUPERSEDED)
    assert draft.change_summary == "Rút ngắn thời gian thẩm định"


def test_the_edit_form_names_bad_fields(effective, personas, client_for):
    secretary = client_for(personas[Role.ISO_SECRETARY])
    secretary.post(reverse("procedures:revision_create", args=[effective.procedure.code]))
    draft = ProcedureRevision.objects.get(number=2)
    response = secretary.post(
        reverse("procedures:revision_edit", args=[draft.pk]),
        revision_post(draft, purpose="", limit_amount="", **{"steps-0-allotment": "-1"}),
    )
    form, steps = response.context["form"], response.context["steps"]
    assert set(form.errors) == {"purpose", "limit_amount"}
    assert form.errors["limit_amount"] == ["Nhập số ngày làm việc."]
    assert "allotment" in steps.forms[0].errors
    draft.refresh_from_db()
    assert draft.purpose == effective.purpose  # nothing half-written


def test_attachment_type_is_checked_and_served_to_readers(effective, personas, client_for):
    secretary = client_for(personas[Role.ISO_SECRETARY])
    secretary.post(reverse("procedures:revision_create", args=[effective.procedure.code]))
    draft = ProcedureRevision.objects.get(number=2)
    url = reverse("procedures:revision_edit", args=[draft.pk])
    script = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    response = secretary.post(url, revision_post(draft, attachment=script))
    assert "attachment" in response.context["form"].errors
    pdf = SimpleUploadedFile("QT signed.PDF", pdf_bytes(), content_type="application/pdf")
    assert secretary.post(url, revision_post(draft, attachment=pdf)).status_code == 302
    draft.refresh_from_db()
    assert draft.attachment.name.startswith("procedures/") and "signed" not in draft.attachment.name
    download = client_for(personas[Role.VIEWER]).get(
        reverse("procedures:revision_attachment", args=[draft.pk])
    )
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download.status_code == 200
    assert client_for_anonymous_status(draft) == 302


def client_for_anonymous_status(revision) -> int:
    from django.test import Client

    return Client().get(reverse("procedures:revision_attachment", args=[revision.pk])).status_code


def test_compare_shows_what_changed(effective, secretary, chairman, personas, client_for):
    steps = [
        {"name": "Tiếp nhận hồ sơ", "unit": None, "role": "officer", "allotment": "0.5"},
        {"name": "Thẩm định và xác minh", "unit": None, "role": "specialist", "allotment": "1.5"},
    ]
    second = issue_revision(
        effective.procedure,
        secretary=secretary,
        approver=chairman,
        steps=steps,
        limit_amount=2,
        effective_from=date(2024, 1, 2),
        scope="Phạm vi mới",
        components=[{"name": "Tờ khai", "copy_type": "original", "quantity": 1}],
    )
    response = client_for(personas[Role.VIEWER]).get(
        reverse("procedures:revision_compare", args=[second.pk, effective.pk])
    )
    diff = response.context["diff"]
    assert {c.label for c in diff["fields"]} >= {"Phạm vi áp dụng", "Thời hạn giải quyết"}
    assert [(c.label, c.kind) for c in diff["steps"]] == [
        ("1", "changed"),
        ("2", "changed"),
        ("3", "removed"),
    ]
    assert [(c.label, c.kind, c.new) for c in diff["components"]] == [
        ("1", "added", "Tờ khai — Bản chính — 1")
    ]
    assert "Thẩm định và xác minh" in response.content.decode()


def test_who_may_do_what(effective, personas, client_for):
    procedure = effective.procedure
    pages = {
        "create_procedure": ("get", reverse("procedures:create")),
        "draft": ("post", reverse("procedures:revision_create", args=[procedure.code])),
        "approve": ("post", reverse("procedures:revision_approve", args=[effective.pk])),
        "withdraw": ("post", reverse("procedures:revision_withdraw", args=[effective.pk])),
    }
    allowed = {
        "create_procedure": {Role.ISO_SECRETARY},
        "draft": {Role.ISO_SECRETARY},
        "approve": {Role.CHAIRMAN, Role.VICE_CHAIRMAN},
        "withdraw": {Role.CHAIRMAN, Role.VICE_CHAIRMAN},
    }
    for role, user in personas.items():
        client = client_for(user)
        for name, (method, url) in pages.items():
            status = getattr(client, method)(url).status_code
            assert (status != 403) == (role in allowed[name]), (role, name, status)
        assert client.get(reverse("procedures:detail", args=[procedure.code])).status_code == 200
    assert Procedure.objects.count() == 1
