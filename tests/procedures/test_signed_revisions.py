"""A signed revision is read-only everywhere: ORM, services, views and admin."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from procedures import services
from procedures.models import Procedure, ProcedureRevision, RevisionStep
from qms.roles import Role
from qms.signatures import SignedRecordError
from tests.factories import PASSWORD, ProcedureFactory, issue_revision, page_sha256
from tests.threads import run_together

Status = ProcedureRevision.Status


def test_save_refuses_a_change_of_content(effective):
    effective.purpose = "Sửa lén"
    with pytest.raises(SignedRecordError):
        effective.save()
    effective.refresh_from_db()
    assert effective.purpose == "Mục đích"


def test_querysets_refuse_changes_and_deletes(effective):
    revisions = ProcedureRevision.objects.filter(pk=effective.pk)
    with pytest.raises(SignedRecordError):
        revisions.update(scope="Sửa lén")
    with pytest.raises(SignedRecordError):
        revisions.delete()
    with pytest.raises(SignedRecordError):
        RevisionStep.objects.filter(revision=effective).update(name="Sửa lén")
    with pytest.raises(SignedRecordError):
        RevisionStep.objects.filter(revision=effective).delete()
    assert effective.steps.count() == 3 and effective.approval.matches()


def test_steps_of_a_signed_revision_are_frozen(effective):
    step = effective.steps.first()
    step.allotment = 1
    with pytest.raises(SignedRecordError):
        step.save()
    with pytest.raises(SignedRecordError):
        step.delete()
    with pytest.raises(SignedRecordError):
        RevisionStep.objects.create(revision=effective, order=9, name="Thêm", allotment=1)
    with pytest.raises(SignedRecordError):
        effective.delete()


def test_services_refuse_to_edit_it(effective, secretary):
    with pytest.raises(SignedRecordError.__mro__[1]):
        services.revision_update(
            revision=effective, steps=[], records=[], user=secretary, reason="x"
        )
    assert effective.steps.count() == 3


def test_the_procedure_name_it_signed_cannot_change(effective, secretary):
    procedure = effective.procedure
    procedure.name = "Tên khác"
    with pytest.raises(ValidationError, match="không thể thay đổi"):
        services.procedure_save(procedure=procedure, user=secretary, reason="x")
    with pytest.raises(SignedRecordError):
        procedure.save()
    procedure = Procedure.objects.get(pk=procedure.pk)
    procedure.fee = "10.000 đồng"  # not signed content
    services.procedure_save(procedure=procedure, user=secretary, reason="Cập nhật lệ phí")


def test_views_and_admin_refuse_to_edit_it(effective, secretary, client_for):
    client = client_for(secretary)
    response = client.get(reverse("procedures:revision_edit", args=[effective.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("procedures:revision_edit", args=[effective.pk]), {"purpose": "x"}
    )
    assert response.status_code == 302
    secretary.is_superuser = True  # even a superuser, in the admin
    secretary.save()
    url = reverse("admin:procedures_procedurerevision_change", args=[effective.pk])
    assert client.post(url, {"purpose": "x"}).status_code == 403
    delete = reverse("admin:procedures_procedurerevision_delete", args=[effective.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    effective.refresh_from_db()
    assert effective.purpose == "Mục đích" and effective.approval.matches()


def test_renaming_its_procedure_in_the_admin_is_refused_with_a_message(
    effective, secretary, client_for
):
    secretary.is_superuser = True
    secretary.save()
    client = client_for(secretary)
    procedure = effective.procedure
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    form = client.get(url).context["adminform"].form
    sent = {
        name: "on" if value is True else "" if value in (None, False) else value
        for name, value in form.initial.items()
        if name in form.fields
    } | {"last_reviewed_on": procedure.last_reviewed_on.strftime("%d/%m/%Y")}
    for renamed in ({"name": "Tên khác"}, {"code": "QT-KHAC-01"}):
        response = client.post(url, sent | renamed)
        assert response.status_code == 200
        field = next(iter(renamed))
        errors = response.context["adminform"].form.errors[field]
        assert errors == ["Nội dung này đã được ký khi phê duyệt lần ban hành: không thể thay đổi."]
    stored = Procedure.objects.get(pk=procedure.pk)
    assert (stored.code, stored.name) == (procedure.code, procedure.name)
    assert client.post(url, sent | {"fee": "10.000 đồng"}).status_code == 302  # not signed
    assert Procedure.objects.get(pk=procedure.pk).fee == "10.000 đồng"
    assert ProcedureRevision.objects.get(pk=effective.pk).approval.matches()


def test_the_database_allows_one_effective_revision_per_procedure(effective, secretary):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureRevision.objects.create(
            procedure=effective.procedure,
            number=7,
            purpose="x",
            scope="x",
            references="x",
            limit_amount=3,
            status=Status.EFFECTIVE,
            decision_number="7/QĐ",
            decision_date=date(2024, 1, 1),
            effective_from=date(2024, 1, 1),
            created_by=secretary,
        )


def approve(revision, approver, effective_from):
    return lambda: services.revision_approve(
        revision=revision,
        seen_sha256=page_sha256(revision),
        user=approver,
        password=PASSWORD,
        decision_number=f"{revision.number}/QĐ-UBND",
        decision_date=effective_from,
        effective_from=effective_from,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvers_signing_one_revision_at_once(make_persona):
    secretary = make_persona(Role.ISO_SECRETARY)
    procedure = ProcedureFactory(code="QT-CONC")
    revision = issue_revision(procedure, secretary=secretary)
    errors = run_together(
        approve(revision, make_persona(Role.CHAIRMAN), date(2024, 1, 1)),
        approve(revision, make_persona(Role.VICE_CHAIRMAN), date(2024, 1, 1)),
    )
    assert len(errors) == 1, errors
    assert revision.signatures.count() == 1
    assert procedure.revisions.effective().count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_revisions_taking_effect_at_once_leave_exactly_one_effective(make_persona):
    secretary = make_persona(Role.ISO_SECRETARY)
    chairman, vice = make_persona(Role.CHAIRMAN), make_persona(Role.VICE_CHAIRMAN)
    procedure = ProcedureFactory(code="QT-CONC")
    issue_revision(procedure, secretary=secretary, approver=chairman)
    with time_machine.travel(date(2024, 5, 2), tick=False):
        second = issue_revision(
            procedure, secretary=secretary, approver=chairman, effective_from=date(2024, 6, 1)
        )
        third = issue_revision(procedure, secretary=secretary)
    with time_machine.travel(date(2024, 6, 1), tick=False):
        errors = run_together(
            lambda: services.revision_make_effective(revision=second, user=None),
            approve(third, vice, date(2024, 6, 1)),
        )
    effective = list(procedure.revisions.effective())
    assert [revision.number for revision in effective] == [3]
    # Revision 2 either took effect and was superseded at once, or was refused as older.
    assert len(errors) <= 1, errors


def test_no_way_back_from_signed(effective):
    effective.status = Status.DRAFT
    with pytest.raises(SignedRecordError):
        effective.save()
    with pytest.raises(SignedRecordError):
        ProcedureRevision.objects.filter(pk=effective.pk).update(status="draft")


def test_steps_cannot_be_moved_out_of_a_signed_revision(effective, secretary):
    draft = services.revision_draft(procedure=effective.procedure, user=secretary)
    step = effective.steps.first()
    step.revision = draft
    with pytest.raises(SignedRecordError):
        step.save()
    with pytest.raises(SignedRecordError):
        RevisionStep.objects.bulk_create(
            [RevisionStep(revision=effective, order=8, name="x", allotment=1)]
        )
    assert effective.steps.count() == 3


def test_signatures_cannot_be_changed_or_deleted(effective):
    from qms.models import Signature

    with pytest.raises(SignedRecordError):
        Signature.objects.filter(pk=effective.approval.pk).update(content_sha256="0" * 64)
    with pytest.raises(SignedRecordError):
        Signature.objects.all().delete()
    assert effective.approval.matches()


def test_renaming_a_unit_keeps_signatures_valid(effective):
    from qms.models import Unit

    Unit.objects.filter(code="TP-HT").update(name="Tư pháp - Hộ tịch (mới)")
    assert effective.approval.matches()
