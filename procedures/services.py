"""Every change of a procedure or revision goes through one of these functions.

Each is one transaction, writes history with who and why, and enforces the
lifecycle: draft -> submitted -> approved (signed) -> effective -> superseded,
or withdrawn.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import (
    Acknowledgement,
    Procedure,
    ProcedureRevision,
    RevisionRecord,
    RevisionStep,
)
from qms.models import Signature, User
from qms.roles import Role
from qms.services import signature_sign

Status = ProcedureRevision.Status
APPROVER_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)

# The content of a revision that a new draft copies from the one before it.
_COPIED_FIELDS = (
    "purpose",
    "scope",
    "references",
    "forms_used",
    "limit_unit",
    "limit_amount",
    "cutoff",
)


def _track(record, user: User | None, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason


@transaction.atomic
def procedure_save(*, procedure: Procedure, user: User | None, reason: str) -> Procedure:
    _track(procedure, user, reason)
    procedure.full_clean()
    procedure.save()
    return procedure


@transaction.atomic
def procedure_review(*, procedure: Procedure, user: User, note: str) -> Procedure:
    """Record a periodic review that found the procedure still fit for use."""
    procedure.last_reviewed_on = timezone.localdate()
    procedure.legal_basis_changed = False
    return procedure_save(procedure=procedure, user=user, reason=note)


@transaction.atomic
def revision_draft(*, procedure: Procedure, user: User) -> ProcedureRevision:
    """Start the next revision, copying the content and steps of the latest one."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.revisions.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).exists():
        raise ValidationError(
            _("%(procedure)s already has a revision being drafted: finish that one first.")
            % {"procedure": procedure.code}
        )
    latest = procedure.revisions.order_by("-number").first()
    number = (procedure.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ProcedureRevision(procedure=procedure, number=number, created_by=user)
    for name in _COPIED_FIELDS if latest else ():
        setattr(revision, name, getattr(latest, name))
    _track(revision, user, _("New draft"))
    revision.save()
    if latest:
        revision_replace_parts(
            revision=revision,
            steps=[step.content() | {"unit": step.unit} for step in latest.steps.all()],
            records=[record.content() for record in latest.records.all()],
            user=user,
            reason=_("Copied from revision %(number)s") % {"number": latest.number},
        )
    return revision


def _require_editable(revision: ProcedureRevision) -> None:
    if not revision.is_editable:
        raise ValidationError(
            _("%(revision)s is %(status)s and can no longer be edited: draft a new revision.")
            % {"revision": revision, "status": revision.get_status_display().lower()}
        )


@transaction.atomic
def revision_update(
    *,
    revision: ProcedureRevision,
    steps: list[dict],
    records: list[dict],
    user: User,
    reason: str,
) -> ProcedureRevision:
    """Save a draft's content, steps and records. A submitted revision that is
    edited goes back to draft and must be submitted again."""
    stored = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    _require_editable(stored)
    revision.status = Status.DRAFT
    _track(revision, user, reason)
    revision.full_clean()
    revision.save()
    revision_replace_parts(
        revision=revision, steps=steps, records=records, user=user, reason=reason
    )
    return revision


def revision_replace_parts(
    *,
    revision: ProcedureRevision,
    steps: list[dict],
    records: list[dict],
    user: User,
    reason: str,
) -> None:
    for part in [*revision.steps.all(), *revision.records.all()]:
        _track(part, user, reason)
        part.delete()
    for order, data in enumerate(steps, start=1):
        step = RevisionStep(
            revision=revision,
            order=order,
            name=data["name"],
            unit=data.get("unit"),
            role=data.get("role") or "",
            allotment=data["allotment"],
        )
        _track(step, user, reason)
        step.full_clean()
        step.save()
    for order, data in enumerate(records, start=1):
        record = RevisionRecord(
            revision=revision,
            order=order,
            name=data["name"],
            keeper=data.get("keeper", ""),
            retention=data["retention"],
        )
        _track(record, user, reason)
        record.full_clean()
        record.save()


@transaction.atomic
def revision_submit(*, revision: ProcedureRevision, user: User) -> ProcedureRevision:
    revision = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval."))
    if not revision.steps.exists():
        raise ValidationError(_("Add the steps of the procedure before submitting it."))
    revision.check_step_total(revision.step_total())
    revision.status = Status.SUBMITTED
    _track(revision, user, _("Submitted for approval"))
    revision.save()
    return revision


@transaction.atomic
def revision_approve(
    *,
    revision: ProcedureRevision,
    user: User,
    password: str,
    decision_number: str,
    decision_date: date,
    effective_from: date,
) -> ProcedureRevision:
    """The chairman or a vice-chairman approves by signing; the revision takes effect
    at once when its date has come, otherwise on that date (`activate_revisions`)."""
    revision = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != Status.SUBMITTED:
        raise ValidationError(_("Only a revision submitted for approval can be approved."))
    if effective_from < decision_date:
        raise ValidationError(
            {"effective_from": _("The effective date cannot be before the decision date.")}
        )
    revision.decision_number = decision_number
    revision.decision_date = decision_date
    revision.effective_from = effective_from
    signature_sign(
        record=revision,
        user=user,
        password=password,
        roles=APPROVER_ROLES,
        meaning=Signature.Meaning.APPROVED,
    )
    revision.status = Status.APPROVED
    _track(revision, user, _("Approved by decision %(number)s") % {"number": decision_number})
    revision.save()
    if effective_from <= timezone.localdate():
        revision_make_effective(revision=revision, user=user)
    return revision


@transaction.atomic
def revision_make_effective(*, revision: ProcedureRevision, user: User | None) -> ProcedureRevision:
    """Put an approved revision in force and supersede the one before it.

    `user` is None when the schedule does it (`activate_revisions`).

    The procedure row is locked first, so two revisions taking effect at once are
    serialised; the database's one-effective-revision constraint backs this up.
    """
    procedure = Procedure.objects.select_for_update().get(pk=revision.procedure_id)
    revision = ProcedureRevision.objects.get(pk=revision.pk)
    if revision.status != Status.APPROVED:
        raise ValidationError(_("Only an approved revision can take effect."))
    if revision.effective_from > timezone.localdate():
        raise ValidationError(
            _("This revision takes effect only from %(day)s.")
            % {"day": revision.effective_from.strftime("%d/%m/%Y")}
        )
    current = procedure.revisions.filter(status=Status.EFFECTIVE).first()
    if current and current.number > revision.number:
        raise ValidationError(
            _("Revision %(newer)s is already effective; revision %(older)s cannot replace it.")
            % {"newer": current.number, "older": revision.number}
        )
    if current:
        current.status = Status.SUPERSEDED
        current.ended_on = revision.effective_from
        _track(current, user, _("Superseded by revision %(number)s") % {"number": revision.number})
        current.save()
    revision.status = Status.EFFECTIVE
    _track(revision, user, _("Took effect"))
    revision.save()
    procedure.last_reviewed_on = revision.effective_from
    procedure.legal_basis_changed = False
    procedure_save(
        procedure=procedure,
        user=user,
        reason=_("Revision %(n)s took effect") % {"n": revision.number},
    )
    return revision


def revisions_activate_due(
    *, user: User | None = None, today: date | None = None
) -> list[ProcedureRevision]:
    """Put in force every approved revision whose effective date has come."""
    today = today or timezone.localdate()
    due = ProcedureRevision.objects.filter(status=Status.APPROVED, effective_from__lte=today)
    return [
        revision_make_effective(revision=revision, user=user)
        for revision in due.order_by("procedure_id", "number")
    ]


@transaction.atomic
def revision_withdraw(*, revision: ProcedureRevision, user: User, reason: str) -> ProcedureRevision:
    revision = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status not in (Status.APPROVED, Status.EFFECTIVE):
        raise ValidationError(_("Only an approved or effective revision can be withdrawn."))
    revision.status = Status.WITHDRAWN
    revision.ended_on = timezone.localdate()
    revision.end_reason = reason
    _track(revision, user, reason)
    revision.save()
    return revision


@transaction.atomic
def acknowledgement_record(*, revision: ProcedureRevision, user: User) -> Acknowledgement:
    if (
        not ProcedureRevision.objects.effective()
        .concerning(user.unit)
        .filter(pk=revision.pk)
        .exists()
    ):
        raise ValidationError(_("This revision is not on your list of documents to read."))
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        revision=revision, user=user, defaults={"acknowledged_at": timezone.now()}
    )
    return acknowledgement
