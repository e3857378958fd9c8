"""The register: automatic sources, stage guards, verification by someone else."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from nonconformities import services
from nonconformities.models import Action, Nonconformity
from procedures import dossier_services
from qms import exports
from qms.models import OrganisationIdentity
from qms.roles import Role
from qms.signing import shown_sha256
from tests.factories import PASSWORD
from tests.procedures.test_dossiers import at, receive

Stage = Nonconformity.Stage


@pytest.fixture
def nc(personas):
    return services.nc_raise(
        user=personas[Role.OFFICER],
        source=Nonconformity.Source.STAFF,
        severity=Nonconformity.Severity.MINOR,
        clause="8.5.1",
        description="Phiếu kiểm soát không ghi thời điểm giao nhận",
    )


def test_codes_follow_the_year(nc, personas):
    second = services.nc_raise(user=None, source="staff", severity="minor", description="Lần hai")
    assert nc.code.endswith("-001") and second.code.endswith("-002")
    assert nc.stage == Stage.DRAFT


@pytest.mark.django_db
def test_the_next_code_counts_past_999_by_number_within_its_year():
    def raised(code, found_on):
        return Nonconformity.objects.create(
            code=code, source="staff", severity="minor", description="Có sẵn", found_on=found_on
        )

    raised("NC-2024-999", date(2024, 5, 1))
    raised("NC-2024-1000", date(2024, 6, 1))  # after 999 by number, before it as text
    raised("NC-2025-4000", date(2025, 1, 2))  # another year's numbers are its own
    raised("NC-2023-7000", date(2023, 1, 2))
    nc = services.nc_raise(
        user=None,
        source="staff",
        severity="minor",
        description="Lần mới",
        found_on=date(2024, 7, 1),
    )
    assert nc.code == "NC-2024-1001"


def test_the_stages_and_their_guards(nc, personas):
    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    auditor = personas[Role.AUDITOR]
    with pytest.raises(ValidationError, match="Chỉ thư ký ISO"):
        services.nc_record_correction(nc=nc, user=officer, correction="Bổ sung ngay")
    services.nc_record_correction(nc=nc, user=secretary, correction="Bổ sung thời điểm ngay")
    nc = services.nc_analyse(nc=nc, user=secretary, root_cause="")
    assert nc.stage == Stage.ANALYSIS
    with pytest.raises(ValidationError):
        services.nc_start_actions(nc=nc, user=secretary)
    nc = services.nc_analyse(nc=nc, user=secretary, root_cause="Mẫu phiếu cũ không có cột giờ")
    assert nc.stage == Stage.ACTION_PLAN
    with pytest.raises(ValidationError, match="ít nhất một hành động khắc phục"):
        services.nc_start_actions(nc=nc, user=secretary)
    action = services.action_add(
        nc=nc,
        user=secretary,
        kind=Action.Kind.CORRECTIVE,
        description="Ban hành mẫu phiếu mới",
        owner=auditor,
        due_date=date(2030, 1, 31),
    )
    nc = services.nc_start_actions(nc=nc, user=secretary)
    with pytest.raises(ValidationError, match="còn hành động chưa xong"):
        services.nc_request_verification(nc=nc, user=secretary)
    with pytest.raises(ValidationError):
        services.action_done(
            action=action, user=personas[Role.VIEWER], done_on=date(2023, 1, 5), evidence="x"
        )
    services.action_done(action=action, user=auditor, done_on=date(2023, 1, 5), evidence="QĐ 5")
    nc = services.nc_request_verification(nc=nc, user=secretary)
    with pytest.raises(ValidationError, match="chuyên gia đánh giá hoặc thư ký ISO"):
        services.nc_verify(nc=nc, user=officer, effective=True, evidence="x")
    with pytest.raises(ValidationError, match="cần người khác"):
        services.nc_verify(nc=nc, user=auditor, effective=True, evidence="x")
    nc = services.nc_verify(nc=nc, user=secretary, effective=False, evidence="Vẫn sai")
    assert nc.stage == Stage.ACTION_PLAN and nc.verdict_effective is False
    with pytest.raises(ValidationError, match="hành động khắc phục mới"):
        services.nc_start_actions(nc=nc, user=secretary)
    second = services.action_add(
        nc=nc,
        user=secretary,
        kind=Action.Kind.CORRECTIVE,
        description="Tập huấn lại",
        owner=auditor,
        due_date=date(2030, 2, 28),
    )
    nc = services.nc_start_actions(nc=nc, user=secretary)
    with pytest.raises(ValidationError):  # a done action cannot be rewritten
        services.action_done(action=action, user=auditor, done_on=date(2023, 2, 1), evidence="y")
    services.action_done(action=second, user=auditor, done_on=date(2023, 2, 10), evidence="DS")
    nc = services.nc_request_verification(nc=nc, user=secretary)
    nc = services.nc_verify(
        nc=nc, user=secretary, effective=True, evidence="3 tháng không tái diễn"
    )
    assert nc.stage == Stage.CLOSED
    with pytest.raises(ValidationError):
        services.nc_cancel(nc=nc, user=secretary, reason="x")
    reasons = [h.history_change_reason for h in nc.history.order_by("history_id")]
    assert reasons[-2:] == ["Chuyển kiểm tra hiệu lực", "Xác nhận có hiệu lực"]


def in_progress_with_an_action(nc, secretary, owner) -> Action:
    services.nc_analyse(nc=nc, user=secretary, root_cause="Mẫu phiếu cũ")
    action = services.action_add(
        nc=nc,
        user=secretary,
        kind=Action.Kind.CORRECTIVE,
        description="Ban hành mẫu phiếu mới",
        owner=owner,
        due_date=date(2030, 1, 31),
    )
    services.nc_start_actions(nc=nc, user=secretary)
    return action


def test_whoever_recorded_an_action_done_does_not_verify(nc, personas, client_for):
    from django.urls import reverse

    secretary, auditor = personas[Role.ISO_SECRETARY], personas[Role.AUDITOR]
    action = in_progress_with_an_action(nc, secretary, owner=personas[Role.OFFICER])
    services.action_done(action=action, user=secretary, done_on=date(2023, 5, 2), evidence="QĐ")
    action.refresh_from_db()
    assert action.done_by == secretary
    services.nc_request_verification(nc=nc, user=secretary)
    with pytest.raises(ValidationError, match="đã ghi nhận hoàn thành một hành động"):
        services.nc_verify(nc=nc, user=secretary, effective=True, evidence="Không tái diễn")
    assert Nonconformity.objects.get(pk=nc.pk).stage == Stage.VERIFICATION
    page = client_for(personas[Role.VIEWER]).get(reverse("nonconformities:detail", args=[nc.pk]))
    assert f"ghi nhận bởi {secretary.full_name}" in page.content.decode()
    nc = services.nc_verify(nc=nc, user=auditor, effective=True, evidence="Không tái diễn")
    assert nc.stage == Stage.CLOSED and nc.verified_by == auditor


def test_an_action_is_not_done_in_the_future(nc, personas):
    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    action = in_progress_with_an_action(nc, secretary, owner=officer)
    with time_machine.travel(at("2023-05-02 23:30"), tick=False):
        with pytest.raises(ValidationError) as error:
            services.action_done(
                action=action, user=officer, done_on=date(2023, 5, 3), evidence="QĐ"
            )
        assert "sau ngày hôm nay" in " ".join(error.value.message_dict["done_on"])
        assert Action.objects.get(pk=action.pk).done_on is None
        services.action_done(action=action, user=officer, done_on=date(2023, 5, 2), evidence="QĐ")
    assert Action.objects.get(pk=action.pk).done_on == date(2023, 5, 2)


def test_actions_done_before_the_field_existed_take_who_recorded_them(nc, personas):
    import importlib

    from django.apps import apps

    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    action = in_progress_with_an_action(nc, secretary, owner=officer)
    services.action_done(action=action, user=officer, done_on=date(2023, 5, 2), evidence="QĐ")
    Action.objects.filter(pk=action.pk).update(done_by=None)
    migration = importlib.import_module("nonconformities.migrations.0003_action_done_by")
    migration.record_who_marked_done(apps, None)
    assert Action.objects.get(pk=action.pk).done_by == officer


@pytest.mark.parametrize("issued", [True, False])
def test_a_late_dossier_raises_a_nonconformity_with_its_apology(effective, personas, issued):
    """The apology is the correction once the chairman has issued it; a draft never
    sent is not."""
    officer, specialist = personas[Role.OFFICER], personas[Role.SPECIALIST]
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")  # due 07/03
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        apology = dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=date(2023, 3, 9)
        )
        if issued:
            dossier_services.apology_approve(
                apology=apology,
                user=personas[Role.CHAIRMAN],
                password=PASSWORD,
                seen_sha256=shown_sha256(apology),
            )
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
    with time_machine.travel(at("2023-03-09 09:00"), tick=False):
        dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    nc = Nonconformity.objects.get(dossier=dossier)
    assert nc.source == "late_dossier" and nc.procedure == effective.procedure
    assert ("Chờ xác minh" in nc.correction) == issued and nc.found_on == date(2023, 3, 9)


def test_a_signed_audit_raises_one_per_nonconformity_finding(started, lead):
    from audits import services as audit_services
    from tests.factories import PASSWORD, page_sha256

    first, *others = started.items.all()
    audit_services.checklist_answer(
        item=first,
        user=lead,
        result="minor",
        evidence="Thiếu",
        requirement="Quy trình nội bộ, bước chuyển hồ sơ",
        statement="Hồ sơ chuyển không có chữ ký người nhận",
    )
    for item in others:
        audit_services.checklist_answer(
            item=item,
            user=lead,
            result="observation",
            evidence="Nhỏ",
            requirement="Quy trình nội bộ, bước chuyển hồ sơ",
            statement="Hồ sơ chuyển không có chữ ký người nhận",
        )
    audit_services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    audit_services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    raised = Nonconformity.objects.get()
    assert raised.source == "internal_audit" and raised.finding.item == first
    assert raised.unit.code == "TP-HT"


def test_complaints_are_answered_in_time_and_can_raise_one(personas):
    officer = personas[Role.OFFICER]
    with time_machine.travel(at("2023-03-02 09:00"), tick=False):
        complaint = services.complaint_record(
            user=officer, citizen="Trịnh Văn Khiếu", content="Phải đi lại nhiều lần"
        )
    assert complaint.answer_due == date(2023, 3, 23)  # 15 working days
    with pytest.raises(ValidationError):
        services.complaint_answer(complaint=complaint, user=officer, answer=" ")
    services.complaint_answer(complaint=complaint, user=officer, answer="Đã hướng dẫn lại")
    nc = services.nc_from_complaint(
        complaint=complaint, user=personas[Role.ISO_SECRETARY], severity="minor"
    )
    assert nc.source == "complaint" and nc.complaint == complaint


def test_only_who_may_raise_nonconformities_raises_one_from_a_complaint(personas):
    officer = personas[Role.OFFICER]
    complaint = services.complaint_record(user=officer, citizen="Hà Văn Tư", content="Chờ lâu")
    with pytest.raises(ValidationError, match="Chỉ thư ký ISO hoặc chuyên gia đánh giá"):
        services.complaint_answer(
            complaint=complaint, user=officer, answer="Đã xin lỗi", raise_severity="minor"
        )
    complaint.refresh_from_db()
    assert complaint.answered_at is None and not Nonconformity.objects.exists()
    with pytest.raises(ValidationError):
        services.nc_from_complaint(complaint=complaint, user=officer, severity="minor")
    services.complaint_answer(
        complaint=complaint,
        user=personas[Role.AUDITOR],
        answer="Đã xin lỗi",
        raise_severity="minor",
    )
    assert Nonconformity.objects.get().complaint == complaint


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_answers_to_one_complaint_at_once_one_is_kept(make_persona):
    from nonconformities.models import Complaint
    from tests.threads import run_together

    officer, secretary = make_persona(Role.OFFICER), make_persona(Role.ISO_SECRETARY)
    complaint = services.complaint_record(user=officer, citizen="Lý Thị Ba", content="Chờ lâu")

    def answer(user, text):
        return lambda: services.complaint_answer(complaint=complaint, user=user, answer=text)

    errors = run_together(answer(officer, "Trả lời A"), answer(secretary, "Trả lời B"))
    assert [type(error) for error in errors] == [ValidationError]
    assert "đã được trả lời" in errors[0].messages[0]
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.answer in ("Trả lời A", "Trả lời B")
    answered = complaint.history.exclude(answer="")
    assert [row.answer for row in answered] == [complaint.answer]


def test_automatic_sources_raise_exactly_once(effective, personas, started, lead):
    from audits import services as audit_services
    from tests.factories import PASSWORD, page_sha256

    officer = personas[Role.OFFICER]
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier.outcome, dossier.completed_on = "late", date(2023, 3, 9)
    assert services.nc_from_late_dossier(dossier=dossier, user=officer) is not None
    assert services.nc_from_late_dossier(dossier=dossier, user=officer) is None
    first, *others = started.items.all()
    audit_services.checklist_answer(
        item=first,
        user=lead,
        result="major",
        evidence="Nặng",
        requirement="Quy trình nội bộ, bước chuyển hồ sơ",
        statement="Hồ sơ chuyển không có chữ ký người nhận",
    )
    for item in others:
        audit_services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    audit_services.report_save(audit=started, user=lead, conclusion="Chưa phù hợp")
    audit_services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    assert services.nc_from_finding(finding=first.finding, user=lead) is None
    assert Nonconformity.objects.filter(finding=first.finding).count() == 1
    assert Nonconformity.objects.count() == 2


def test_the_report_pdf_and_the_register_export(organisation, personas, client_for, tmp_path):
    import io
    import subprocess
    import unicodedata

    from django.urls import reverse
    from openpyxl import load_workbook

    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    nc = services.nc_raise(
        user=secretary, source="staff", severity="minor", description="Sổ theo dõi thiếu cột ký"
    )
    services.nc_analyse(nc=nc, user=secretary, root_cause="Mẫu sổ cũ")
    services.action_add(
        nc=nc,
        user=secretary,
        kind="corrective",
        description="In mẫu sổ mới",
        owner=officer,
        due_date=date(2030, 1, 1),
    )
    path = tmp_path / "nc.pdf"
    from django.core.management import call_command

    call_command("export_pdf", "nonconformity", str(nc.pk), "-o", str(path))
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode()
    )
    for expected in ("Sổ theo dõi thiếu cột ký", "Mẫu sổ cũ", "In mẫu sổ mới", nc.code):
        assert expected in text
    nc.refresh_from_db()
    assert services.what_is_missing(nc) == "Bắt đầu thực hiện."
    response = client_for(personas[Role.VIEWER]).get(reverse("nonconformities:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == str(organisation).upper() and rows[2][0] == "Mã"
    assert rows[3][0] == nc.code and rows[3][-1] == 1


def test_no_cancelling_under_verification_and_complaints_answered_once(personas, nc):
    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    Nonconformity.objects.filter(pk=nc.pk).update(stage=Stage.VERIFICATION)
    with pytest.raises(ValidationError, match="không thể hủy"):
        services.nc_cancel(nc=nc, user=secretary, reason="Không cần")
    complaint = services.complaint_record(user=officer, citizen="Đào Thị Hai", content="Chờ lâu")
    services.complaint_answer(complaint=complaint, user=officer, answer="Đã xin lỗi")
    with pytest.raises(ValidationError, match="đã được trả lời"):
        services.complaint_answer(complaint=complaint, user=officer, answer="Lần hai")
    assert services.nc_from_complaint(complaint=complaint, user=secretary, severity="minor")
    assert services.nc_from_complaint(complaint=complaint, user=secretary, severity="minor") is None


def test_a_manual_record_cannot_claim_an_automatic_source():
    from nonconformities.forms import NonconformityForm

    form = NonconformityForm({"source": "late_dossier", "severity": "minor", "description": "x"})
    assert "source" in form.errors


def test_the_organisation_name_like_a_formula_stays_text_in_the_register(
    nc, organisation, personas, client_for
):
    OrganisationIdentity.objects.filter(organisation=organisation).update(name="=1+1")
    Nonconformity.objects.filter(pk=nc.pk).update(description="=2+2", clause="@SUM(A1)")
    response = client_for(personas[Role.VIEWER]).get(reverse("nonconformities:export"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"
    assert sheet["I4"].value == "=2+2" and sheet["I4"].data_type == "s"  # after the kind
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_a_register_export_past_the_cap_or_wrongly_filtered_goes_back_with_the_reason(
    nc, personas, client_for, monkeypatch
):
    services.nc_raise(user=None, source="staff", severity="minor", description="Lần hai")
    monkeypatch.setitem(exports.ROW_CAPS, "xlsx", 1)
    client = client_for(personas[Role.VIEWER])
    export, register = reverse("nonconformities:export"), reverse("nonconformities:register")
    response = client.get(export, {"severity": "minor"})
    assert response.status_code == 302 and response["Location"] == f"{register}?severity=minor"
    page = client.get(response["Location"])
    assert "Tệp XLSX xuất ra chỉ chứa tối đa 1 dòng" in page.content.decode()
    one = client.get(export, {"q": "Lần hai"})  # narrowed to the cap: the file
    assert one["Content-Type"].startswith("application/vnd.openxmlformats")
    wrong = client.get(export, {"year": "99999"}, follow=True)
    assert wrong.redirect_chain == [(f"{register}?year=99999", 302)]
    assert [str(m) for m in wrong.context["messages"]] == ["Năm: Nhập năm từ 2000 đến 2100."]
