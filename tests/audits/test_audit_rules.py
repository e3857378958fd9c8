"""Independence, the checklist snapshot, findings from answers, the signed report."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from audits import services
from audits.models import Audit, ChecklistItem, Clause, Finding, Question
from governance.models import TrainingRecord
from qms.roles import Role
from qms.signatures import SignedRecordError, content_hash
from qms.signing import chairman_approve
from tests.factories import (
    PASSWORD,
    ProcedureFactory,
    UnitFactory,
    UserFactory,
    approve_plan,
    page_sha256,
)
from tests.threads import run_together


def test_an_auditor_cannot_audit_their_own_unit(personas, lead):
    audit = Audit(
        code="ĐGNB-X",
        title="x",
        year=2023,
        planned_start=date(2023, 6, 1),
        planned_end=date(2023, 6, 1),
        lead_auditor=lead,
    )
    with pytest.raises(ValidationError) as error:
        services.audit_save(
            audit=audit,
            units=[lead.unit, UnitFactory(code="TP-HT")],
            procedures=[],
            clauses=[],
            team=[],
            user=personas[Role.ISO_SECRETARY],
            reason="x",
        )
    assert "không thể đánh giá bộ phận của mình" in " ".join(error.value.message_dict["team"])
    assert not Audit.objects.filter(code="ĐGNB-X").exists()


def test_the_checklist_is_a_copy_of_the_bank(started):
    items = list(started.items.all())
    assert {item.clause_number for item in items} == {"7.5.3", "8.5.1"}
    assert started.status == Audit.Status.IN_PROGRESS
    question = Question.objects.filter(clause__number="7.5.3", procedure__isnull=True).first()
    question.text = "Câu hỏi đã sửa sau"
    question.save()
    assert "Câu hỏi đã sửa sau" not in [item.question for item in started.items.all()]


def test_answers_become_findings_and_back(started, lead, effective_dossier):
    item = started.items.first()
    services.checklist_answer(
        item=item,
        user=lead,
        result="minor",
        evidence="Phiếu kiểm soát thiếu chữ ký",
        requirement="QT-TP-05 bước 2: người nhận ký trên phiếu kiểm soát",
        statement="Hồ sơ được chuyển mà người nhận không ký",
        dossiers=[effective_dossier],
    )
    finding = Finding.objects.get(item=item)
    assert (finding.severity, finding.clause_number) == ("minor", item.clause_number)
    assert finding.description == "Hồ sơ được chuyển mà người nhận không ký"
    assert finding.requirement == "QT-TP-05 bước 2: người nhận ký trên phiếu kiểm soát"
    assert finding.unit.code == "TP-HT"
    assert list(item.dossiers.all()) == [effective_dossier]
    services.checklist_answer(item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ")
    assert not Finding.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.checklist_answer(item=item, user=lead, result="major", evidence="")
    assert "evidence" in error.value.message_dict


def test_only_the_audit_team_answers(started, personas):
    item = started.items.first()
    for outsider in (personas[Role.ISO_SECRETARY], personas[Role.OFFICER]):
        with pytest.raises(ValidationError, match="Chỉ các chuyên gia đánh giá"):
            services.checklist_answer(
                item=item, user=outsider, result="conforming", evidence="Đã xem hồ sơ"
            )
    assert ChecklistItem.objects.get(pk=item.pk).result == ""


def sign_ready(audit, lead) -> None:
    for item in audit.items.all():
        services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    services.report_save(
        audit=audit, user=lead, summary="Tóm tắt", conclusion="HTQLCL phù hợp và hiệu lực"
    )


def test_only_the_lead_auditor_signs_and_then_it_is_read_only(started, lead, colleague):
    sign_ready(started, lead)
    with pytest.raises(ValidationError):
        services.report_sign(
            audit=started, user=colleague, password=PASSWORD, seen_sha256=page_sha256(started)
        )
    with pytest.raises(ValidationError):
        services.report_sign(
            audit=started, user=lead, password="sai", seen_sha256=page_sha256(started)
        )
    audit = services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    assert audit.status == Audit.Status.REPORTED
    signature = audit.report_signature
    assert signature.signer == lead and signature.content_sha256 == content_hash(
        audit.signed_content()
    )
    item = audit.items.first()
    item.evidence = "Sửa sau khi ký"
    with pytest.raises(SignedRecordError):
        item.save()
    audit.conclusion = "Sửa kết luận"
    with pytest.raises(SignedRecordError):
        audit.save()
    with pytest.raises(ValidationError):
        services.checklist_answer(
            item=item,
            user=lead,
            result="major",
            evidence="x",
            requirement="Quy trình nội bộ, bước chuyển hồ sơ",
            statement="Hồ sơ chuyển không có chữ ký người nhận",
        )
    assert Audit.objects.get(pk=audit.pk).report_signature.matches()


def test_signing_needs_every_item_answered(started, lead):
    services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    with pytest.raises(ValidationError, match="chưa được trả lời"):
        services.report_sign(
            audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
        )


def test_questions_are_generated_from_procedure_steps(effective):
    created = services.questions_from_procedures()
    assert created == 4  # three steps and one record
    assert (
        Question.objects.filter(
            procedure=effective.procedure, clause=Clause.objects.get(number="8.5.1")
        ).count()
        == 3
    )
    assert services.questions_from_procedures() == 0


def test_a_signed_audit_is_read_only_in_the_orm_and_the_admin(started, lead, personas, client_for):
    from django.urls import reverse

    sign_ready(started, lead)
    services.checklist_answer(
        item=started.items.first(),
        user=lead,
        result="minor",
        evidence="Thiếu chữ ký",
        requirement="Quy trình nội bộ, bước chuyển hồ sơ",
        statement="Hồ sơ chuyển không có chữ ký người nhận",
    )
    audit = services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    with pytest.raises(SignedRecordError):
        Audit.objects.filter(pk=audit.pk).update(conclusion="Sửa")
    with pytest.raises(SignedRecordError):
        ChecklistItem.objects.filter(audit=audit).update(result="major")
    with pytest.raises(SignedRecordError):
        Finding.objects.filter(audit=audit).delete()
    items = list(audit.items.all())
    for item in items:
        item.evidence = "Sửa sau khi ký"
    with pytest.raises(SignedRecordError):
        ChecklistItem.objects.bulk_update(items, ["evidence"])
    secretary = personas[Role.ISO_SECRETARY]
    secretary.is_superuser = True
    secretary.save()
    url = reverse("admin:audits_audit_change", args=[audit.pk])
    assert client_for(secretary).post(url, {"conclusion": "x"}).status_code == 403
    assert Audit.objects.get(pk=audit.pk).report_signature.matches()


def test_closing_a_reported_audit(started, lead, colleague, personas):
    with pytest.raises(ValidationError):
        services.audit_close(audit=started, user=lead)  # not reported yet
    sign_ready(started, lead)
    services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    with pytest.raises(ValidationError):
        services.audit_close(audit=started, user=colleague)
    audit = services.audit_close(audit=started, user=personas[Role.ISO_SECRETARY])
    assert audit.status == Audit.Status.CLOSED and audit.report_signature.matches()


def test_the_chairman_approves_the_programme(personas, client_for):
    from django.urls import reverse

    from audits.models import Programme

    programme = Programme.objects.create(year=2024, scope="Đánh giá toàn hệ thống tháng 11")
    with pytest.raises(ValidationError):
        chairman_approve(
            record=programme,
            user=personas[Role.VICE_CHAIRMAN],
            password=PASSWORD,
            seen_sha256=page_sha256(programme),
        )
    url = reverse("audits:programme", args=[2024])
    client_for(personas[Role.CHAIRMAN]).post(
        url, {"password": PASSWORD, "seen_sha256": page_sha256(programme)}
    )
    assert programme.approval.signer == personas[Role.CHAIRMAN]
    programme.scope = "Sửa sau khi duyệt"
    with pytest.raises(SignedRecordError):
        programme.save()
    page = client_for(personas[Role.VIEWER]).get(url).content.decode()
    assert f"Đã phê duyệt bởi {personas[Role.CHAIRMAN].full_name}" in page


def test_a_template_chooses_the_questions(audit, lead, secretary):
    from audits.models import ChecklistTemplate

    template = ChecklistTemplate.objects.create(name="Một cửa rút gọn")
    template.questions.set(Question.objects.filter(clause__number__in=["9.1.2", "10.2"]))
    approve_plan(audit, secretary)
    services.audit_start(audit=audit, user=lead, template=template)
    assert {item.clause_number for item in audit.items.all()} == {"9.1.2", "10.2"}
    template.questions.clear()
    assert audit.items.count() == 4  # the audit keeps its copy


def test_independence_covers_the_team_and_the_scope_is_named(personas, lead, colleague):
    planner = personas[Role.ISO_SECRETARY]

    def plan(units, team, user=planner):
        return services.audit_save(
            audit=Audit(
                code="ĐGNB-Y",
                title="x",
                year=2023,
                planned_start=date(2023, 6, 1),
                planned_end=date(2023, 6, 1),
                lead_auditor=lead,
            ),
            units=units,
            procedures=[],
            clauses=[],
            team=team,
            user=user,
            reason="x",
        )

    with pytest.raises(ValidationError, match="Đỗ Thị Kiểm"):
        plan([colleague.unit], [colleague])
    with pytest.raises(ValidationError) as error:
        plan([], [])
    assert "units" in error.value.message_dict
    with pytest.raises(ValidationError, match="thư ký ISO"):
        plan([UnitFactory(code="TP-HT")], [], user=lead)
    assert not Audit.objects.filter(code="ĐGNB-Y").exists()


def test_independence_covers_the_units_owning_the_procedures_audited(
    personas, lead, colleague, audit
):
    from tests.factories import ProcedureFactory

    own = ProcedureFactory(code="QT-VH-01", unit=lead.unit)
    colleagues = ProcedureFactory(code="QT-TC-01", unit=colleague.unit)
    for procedure, who in ((own, lead), (colleagues, colleague)):
        with pytest.raises(ValidationError) as error:
            services.audit_save(
                audit=Audit(
                    code="ĐGNB-Z",
                    title="x",
                    year=2023,
                    planned_start=date(2023, 6, 1),
                    planned_end=date(2023, 6, 1),
                    lead_auditor=lead,
                ),
                units=[UnitFactory(code="TP-HT")],
                procedures=[procedure],
                clauses=[],
                team=[colleague],
                user=personas[Role.ISO_SECRETARY],
                reason="x",
            )
        message = " ".join(error.value.message_dict["team"])
        assert who.full_name in message and procedure.code in message
        assert "không thể đánh giá bộ phận của mình" in message
    assert not Audit.objects.filter(code="ĐGNB-Z").exists()
    # A procedure moved to an auditor's unit after planning stops the start.
    audited = ProcedureFactory(code="QT-TP-09", unit=UnitFactory(code="TP-HT"))
    audit.procedures.add(audited)
    approve_plan(audit, personas[Role.ISO_SECRETARY])
    audited.unit = lead.unit
    audited.save()
    with pytest.raises(ValidationError, match="QT-TP-09"):
        services.audit_start(audit=audit, user=lead)
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.PLANNED


def test_a_finding_falls_on_a_unit_in_scope_never_the_auditors_own(
    personas, audit, lead, colleague
):
    from tests.factories import ProcedureFactory

    owner = UnitFactory(code="KT-HT")
    audit.procedures.add(ProcedureFactory(code="QT-KT-01", unit=owner))
    approve_plan(audit, personas[Role.ISO_SECRETARY])
    started = services.audit_start(audit=audit, user=lead)

    def add(unit, user=lead):
        return services.finding_add(
            audit=started,
            user=user,
            clause_number="8.5.1",
            description="Thiếu chữ ký",
            requirement="QT-TP-05 bước 2",
            severity="minor",
            unit=unit,
        )

    for outside in (lead.unit, colleague.unit, personas[Role.OFFICER].unit):
        with pytest.raises(ValidationError) as error:
            add(outside)
        assert "không thuộc phạm vi" in " ".join(error.value.message_dict["unit"])
    assert not Finding.objects.exists()
    assert add(UnitFactory(code="TP-HT")).unit.code == "TP-HT"
    assert add(owner).unit == owner  # owns a procedure audited
    colleague.unit = owner  # moved into an audited unit during the audit
    colleague.save()
    with pytest.raises(ValidationError) as error:
        add(owner, user=colleague)
    assert "bộ phận của chính mình" in " ".join(error.value.message_dict["unit"])
    assert Finding.objects.count() == 2


def test_the_finding_form_offers_the_units_in_scope(started, lead):
    from audits.forms import FindingForm

    units = FindingForm(audit=started).fields["unit"].queryset
    assert [unit.code for unit in units] == ["TP-HT"]


FROZEN_CHANGES = {
    "units": lambda audit, item, unit, dossier: audit.units.add(unit),
    "team": lambda audit, item, unit, dossier: audit.team.clear(),
    "clauses": lambda audit, item, unit, dossier: audit.clauses.clear(),
    "samples": lambda audit, item, unit, dossier: item.dossiers.add(dossier),
    "reverse side": lambda audit, item, unit, dossier: unit.audit_set.add(audit),
    "bulk create": lambda audit, item, unit, dossier: ChecklistItem.objects.bulk_create(
        [ChecklistItem(audit=audit, order=99, clause_number="4.1", clause_title="x", question="x")]
    ),
}


@pytest.mark.parametrize("change", FROZEN_CHANGES)
def test_the_scope_team_and_samples_of_a_signed_audit_are_frozen(
    started, lead, effective_dossier, change
):
    sign_ready(started, lead)
    audit = services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    with pytest.raises(SignedRecordError), transaction.atomic():
        FROZEN_CHANGES[change](audit, audit.items.first(), lead.unit, effective_dossier)
    assert Audit.objects.get(pk=audit.pk).report_signature.matches()


def test_what_a_signed_audit_names_cannot_be_deleted(audit, lead, secretary, effective_dossier):
    """Deleting a record at the other end of a link deletes the link rows by cascade,
    without the m2m_changed the guard above hears: the deletion itself is refused."""
    procedure = ProcedureFactory(code="QT-DG-01")
    clause = Clause.objects.create(number="99.1", title="Điều khoản thử", order=999)
    member = UserFactory(role="auditor", unit=UnitFactory(code="TC-KT"))
    audit.procedures.add(procedure)
    audit.clauses.add(clause)
    audit.team.add(member)
    approve_plan(audit, secretary)
    started = services.audit_start(audit=audit, user=lead)
    sign_ready(started, lead)
    services.checklist_answer(
        item=started.items.first(),
        user=lead,
        result="conforming",
        evidence="Đã xem",
        dossiers=[effective_dossier],
    )
    audit = services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    # the member's training records protect the account too: without them, what
    # refuses is the audit's guard
    TrainingRecord.objects.filter(person=member).delete()
    for record in (procedure, clause, member, effective_dossier):
        for delete in (record.delete, type(record).objects.filter(pk=record.pk).delete):
            with pytest.raises(SignedRecordError, match=audit.code), transaction.atomic():
                delete()
    assert Audit.objects.get(pk=audit.pk).report_signature.matches()


def test_signed_fields_and_programmes_are_frozen(started, lead):
    from audits.models import Programme

    sign_ready(started, lead)
    audit = services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    audit.planned_start = date(2020, 1, 1)
    with pytest.raises(SignedRecordError):
        audit.save()
    programme = Programme.objects.create(year=2030, scope="x")
    chairman_approve(
        record=programme,
        user=UserFactory(role="chairman"),
        password=PASSWORD,
        seen_sha256=page_sha256(programme),
    )
    with pytest.raises(SignedRecordError):
        Programme.objects.filter(pk=programme.pk).update(scope="y")
    with pytest.raises(SignedRecordError):
        programme.delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_of_one_checklist_item_at_once_the_last_wins_and_both_are_kept(started, lead):
    item = started.items.first()

    def save(evidence):
        return lambda: services.checklist_answer(
            item=item, user=lead, result="conforming", evidence=evidence
        )

    assert run_together(save("Lần lưu A"), save("Lần lưu B")) == []
    item.refresh_from_db()
    history = list(item.history.order_by("history_id").values_list("evidence", flat=True))
    assert sorted(history[-2:]) == ["Lần lưu A", "Lần lưu B"]
    assert item.evidence == history[-1]  # the one saved last is the one kept
