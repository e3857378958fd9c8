"""Draft -> submitted -> approved (signed) -> effective -> superseded, and its guards."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from procedures import services
from procedures.models import ProcedureRevision
from qms.models import Signature
from qms.roles import Role
from qms.signatures import content_hash
from tests.factories import PASSWORD, UserFactory, issue_revision, page_sha256

Status = ProcedureRevision.Status


def test_approval_signs_and_puts_the_revision_in_force(effective, chairman):
    assert effective.status == Status.EFFECTIVE
    signature = effective.approval
    assert signature.signer == chairman
    assert signature.role == "chairman"
    assert signature.content_sha256 == content_hash(effective.signed_content())
    assert signature.matches()
    assert effective.procedure.last_reviewed_on == date(2023, 1, 1)
    assert effective.procedure.next_review_on == date(2024, 1, 1)


def test_the_next_revision_supersedes_the_previous(effective, secretary, personas):
    from qms.roles import Role

    second = issue_revision(
        effective.procedure,
        secretary=secretary,
        approver=personas[Role.VICE_CHAIRMAN],
        effective_from=date(2024, 3, 1),
        change_summary="Rút ngắn thời gian thẩm định",
    )
    effective.refresh_from_db()
    assert second.number == 2 and second.status == Status.EFFECTIVE
    assert second.approval.role == "vice_chairman"
    assert effective.status == Status.SUPERSEDED
    assert effective.ended_on == date(2024, 3, 1)
    assert effective.approval.matches()  # superseding changes no signed content
    assert list(effective.procedure.revisions.effective()) == [second]


def test_a_new_draft_copies_the_latest_revision(effective, secretary):
    draft = services.revision_draft(procedure=effective.procedure, user=secretary)
    assert draft.number == 2 and draft.status == Status.DRAFT
    assert draft.purpose == effective.purpose and draft.limit_amount == 3
    assert [s.name for s in draft.steps.all()] == [s.name for s in effective.steps.all()]
    with pytest.raises(ValidationError, match="đang có một lần ban hành được soạn thảo"):
        services.revision_draft(procedure=effective.procedure, user=secretary)


def test_editing_a_submitted_revision_sends_it_back_to_draft(procedure, secretary):
    revision = issue_revision(procedure, secretary=secretary)
    assert revision.status == Status.SUBMITTED
    revision.scope = "Phạm vi mới"
    services.revision_update(
        revision=revision,
        steps=[s.content() | {"unit": s.unit} for s in revision.steps.all()],
        records=[],
        user=secretary,
        reason="Sửa phạm vi",
    )
    revision.refresh_from_db()
    assert revision.status == Status.DRAFT and revision.scope == "Phạm vi mới"


def test_wrong_password_writes_nothing(procedure, secretary, chairman):
    revision = issue_revision(procedure, secretary=secretary)
    with pytest.raises(ValidationError) as error:
        services.revision_approve(
            revision=revision,
            seen_sha256=page_sha256(revision),
            user=chairman,
            password="sai-mat-khau",
            decision_number="1/QĐ-UBND",
            decision_date=date(2023, 1, 1),
            effective_from=date(2023, 1, 1),
        )
    assert "password" in error.value.message_dict
    revision.refresh_from_db()
    assert revision.status == Status.SUBMITTED and revision.decision_number == ""
    assert not Signature.objects.exists()


def test_only_the_chairman_or_a_vice_chairman_approves(procedure, secretary):
    revision = issue_revision(procedure, secretary=secretary)
    with pytest.raises(ValidationError, match="Chủ tịch"):
        services.revision_approve(
            revision=revision,
            seen_sha256=page_sha256(revision),
            user=UserFactory(role=Role.ISO_SECRETARY),  # not the one who drafted it
            password=PASSWORD,
            decision_number="1/QĐ-UBND",
            decision_date=date(2023, 1, 1),
            effective_from=date(2023, 1, 1),
        )
    assert ProcedureRevision.objects.get(pk=revision.pk).status == Status.SUBMITTED


def test_whoever_drafted_a_revision_cannot_approve_it(procedure, personas, chairman):
    vice_chairman = personas[Role.VICE_CHAIRMAN]
    revision = issue_revision(procedure, secretary=vice_chairman)  # drafted and submitted

    def approve(user):
        return services.revision_approve(
            revision=revision,
            user=user,
            password=PASSWORD,
            decision_number="1/QĐ-UBND",
            decision_date=date(2023, 1, 1),
            effective_from=date(2023, 1, 1),
            seen_sha256=page_sha256(revision),
        )

    with pytest.raises(ValidationError, match="Bạn là người soạn QT-TP-05 lần ban hành 1"):
        approve(vice_chairman)
    assert ProcedureRevision.objects.get(pk=revision.pk).status == Status.SUBMITTED
    assert not revision.signatures.exists()
    approve(chairman)
    assert ProcedureRevision.objects.get(pk=revision.pk).approval.signer == chairman


def test_a_future_revision_takes_effect_on_its_date(effective, secretary, chairman):
    with time_machine.travel(date(2024, 5, 2), tick=False):
        second = issue_revision(
            effective.procedure,
            secretary=secretary,
            approver=chairman,
            effective_from=date(2024, 6, 1),
        )
        assert second.status == Status.APPROVED
        call_command("activate_revisions")
        second.refresh_from_db()
        assert second.status == Status.APPROVED
    with time_machine.travel(date(2024, 6, 1), tick=False):
        call_command("activate_revisions")
    second.refresh_from_db()
    effective.refresh_from_db()
    assert (second.status, effective.status) == (Status.EFFECTIVE, Status.SUPERSEDED)
    assert second.history.latest().history_user is None  # done by the schedule


def test_a_newer_revision_in_force_withdraws_an_older_pending_one(effective, secretary, chairman):
    with time_machine.travel(date(2024, 5, 2), tick=False):
        second = issue_revision(
            effective.procedure,
            secretary=secretary,
            approver=chairman,
            effective_from=date(2024, 6, 1),
        )
        third = issue_revision(
            effective.procedure,
            secretary=secretary,
            approver=chairman,
            effective_from=date(2024, 5, 2),
        )
    second.refresh_from_db()
    assert third.status == Status.EFFECTIVE
    assert second.status == Status.WITHDRAWN and second.approval.matches()
    with time_machine.travel(date(2024, 6, 1), tick=False):
        call_command("activate_revisions")  # nothing left to do, and no error
    assert list(effective.procedure.revisions.effective()) == [third]


def test_a_revision_cannot_start_before_the_one_in_force(effective, secretary, chairman):
    second = issue_revision(effective.procedure, secretary=secretary)
    with pytest.raises(ValidationError) as error:
        services.revision_approve(
            revision=second,
            seen_sha256=page_sha256(second),
            user=chairman,
            password=PASSWORD,
            decision_number="2/QĐ-UBND",
            decision_date=date(2022, 6, 1),
            effective_from=date(2022, 6, 1),
        )
    assert "effective_from" in error.value.message_dict


def test_approval_refuses_content_changed_since_it_was_shown(effective, secretary, chairman):
    second = issue_revision(effective.procedure, secretary=secretary)
    shown = page_sha256(second)
    second.scope = "Đổi sau khi lãnh đạo mở trang"
    services.revision_update(
        revision=second,
        steps=[s.content() | {"unit": s.unit} for s in second.steps.all()],
        records=[],
        user=secretary,
        reason="Sửa",
    )
    services.revision_submit(revision=second, user=secretary)
    with pytest.raises(ValidationError, match="đã thay đổi"):
        services.revision_approve(
            revision=second,
            user=chairman,
            password=PASSWORD,
            decision_number="2/QĐ-UBND",
            decision_date=date(2024, 1, 1),
            effective_from=date(2024, 1, 1),
            seen_sha256=shown,
        )
    assert not second.signatures.exists()


def test_only_a_draft_is_submitted_and_only_a_submitted_one_approved(
    effective, secretary, chairman
):
    with pytest.raises(ValidationError):
        services.revision_submit(revision=effective, user=secretary)
    with pytest.raises(ValidationError):
        services.revision_approve(
            revision=effective,
            seen_sha256=page_sha256(effective),
            user=chairman,
            password=PASSWORD,
            decision_number="x",
            decision_date=date(2023, 1, 1),
            effective_from=date(2023, 1, 1),
        )


def test_withdrawal(effective, chairman, secretary):
    with pytest.raises(ValidationError):
        services.revision_withdraw(revision=effective, user=secretary, reason="x")
    services.revision_withdraw(revision=effective, user=chairman, reason="Thủ tục bị bãi bỏ")
    effective.refresh_from_db()
    assert effective.status == Status.WITHDRAWN and effective.end_reason == "Thủ tục bị bãi bỏ"
    assert not effective.procedure.revisions.effective().exists()
    assert effective.approval.matches()


def test_every_change_is_in_the_history_with_who_and_why(effective, secretary, chairman):
    rows = list(effective.history.order_by("history_id"))
    assert [(row.status, row.history_user) for row in rows] == [
        ("draft", secretary),
        ("draft", secretary),
        ("submitted", secretary),
        ("approved", chairman),
        ("effective", chairman),
    ]
    assert rows[1].history_change_reason == "Soạn thảo"
    assert "1/QĐ-UBND" in rows[3].history_change_reason
    steps = effective.steps.model.history.filter(revision_id=effective.pk)
    assert steps.filter(history_type="+", history_user=secretary).count() == 3
