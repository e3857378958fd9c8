"""Document control: every change of a procedure or revision goes through one of
these functions (the desk's dossiers have theirs in `procedures.dossier_services`).

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
    RevisionComponent,
    RevisionRecord,
    RevisionStep,
)
from qms.dates import short_date
from qms.history import save_tracked, track
from qms.models import Signature, User
from qms.roles import Role
from qms.signatures import file_sha256
from qms.signing import signature_sign

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


@transaction.atomic
def procedure_save(*, procedure: Procedure, user: User | None, reason: str) -> Procedure:
    return save_tracked(procedure, user=user, reason=reason)


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
    if procedure.revision_in_preparation:
        raise ValidationError(
            _("%(procedure)s already has a revision being drafted: finish that one first.")
            % {"procedure": procedure.code}
        )
    latest = procedure.revisions.order_by("-number").first()
    number = (procedure.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ProcedureRevision(procedure=procedure, number=number, created_by=user)
    for name in _COPIED_FIELDS if latest else ():
        setattr(revision, name, getattr(latest, name))
    track(revision, user, _("New draft"))
    revision.save()
    if latest:
        revision_replace_parts(
            revision=revision,
            steps=[step.content() | {"unit": step.unit} for step in latest.steps.all()],
            records=[record.content() for record in latest.records.all()],
            components=[component.content() for component in latest.components.all()],
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
    components: list[dict] | None = None,
) -> ProcedureRevision:
    """Save a draft's content, steps, records and dossier components (None keeps
    the components as they are). A submitted revision that is
    edited goes back to draft and must be submitted again."""
    stored = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    _require_editable(stored)
    revision.status = Status.DRAFT
    if revision.attachment and not revision.attachment._committed:
        # The signature covers the file's bytes, not only its name.
        revision.attachment_sha256 = file_sha256(revision.attachment)
    elif not revision.attachment:
        revision.attachment_sha256 = ""
    save_tracked(revision, user=user, reason=reason)
    revision_replace_parts(
        revision=revision,
        steps=steps,
        records=records,
        components=components,
        user=user,
        reason=reason,
    )
    return revision


def revision_replace_parts(
    *,
    revision: ProcedureRevision,
    steps: list[dict],
    records: list[dict],
    user: User,
    reason: str,
    components: list[dict] | None = None,
) -> None:
    replaced = [*revision.steps.all(), *revision.records.all()]
    if components is not None:
        replaced += revision.components.all()
    for part in replaced:
        track(part, user, reason)
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
        save_tracked(step, user=user, reason=reason)
    for order, data in enumerate(records, start=1):
        record = RevisionRecord(
            revision=revision,
            order=order,
            name=data["name"],
            keeper=data.get("keeper", ""),
            retention=data["retention"],
        )
        save_tracked(record, user=user, reason=reason)
    for order, data in enumerate(components or [], start=1):
        component = RevisionComponent(
            revision=revision,
            order=order,
            name=data["name"],
            copy_type=data["copy_type"],
            quantity=data["quantity"],
        )
        save_tracked(component, user=user, reason=reason)


@transaction.atomic
def revision_submit(*, revision: ProcedureRevision, user: User) -> ProcedureRevision:
    revision = ProcedureRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval."))
    if not revision.steps.exists():
        raise ValidationError(_("Add the steps of the procedure before submitting it."))
    revision.check_step_total(revision.step_total())
    revision.status = Status.SUBMITTED
    track(revision, user, _("Submitted for approval"))
    revision.save()
    return revision


def _lock_revision(revision: ProcedureRevision) -> tuple[Procedure, ProcedureRevision]:
    """Lock the procedure, then the revision: every lifecycle change takes its locks
    in this order, so concurrent changes queue up instead of deadlocking."""
    procedure = Procedure.objects.select_for_update().get(pk=revision.procedure_id)
    return procedure, ProcedureRevision.objects.select_for_update().get(pk=revision.pk)


@transaction.atomic
def revision_approve(
    *,
    revision: ProcedureRevision,
    user: User,
    password: str,
    decision_number: str,
    decision_date: date,
    effective_from: date,
    seen_sha256: str,
) -> ProcedureRevision:
    """The chairman or a vice-chairman approves by signing the content they were
    shown (`seen_sha256`); the revision takes effect at once when its date has come,
    otherwise on that date (`activate_revisions`).

    Whoever drafted the revision cannot approve it: approving is the check of the
    document by someone other than its author (ISO 9001:2015 clause 7.5.2).
    """
    _procedure, revision = _lock_revision(revision)
    if revision.status != Status.SUBMITTED:
        raise ValidationError(_("Only a revision submitted for approval can be approved."))
    if revision.created_by_id == user.pk:
        raise ValidationError(
            _("You drafted %(revision)s: another leader must approve it.") % {"revision": revision}
        )
    if effective_from < decision_date:
        raise ValidationError(
            {"effective_from": _("The effective date cannot be before the decision date.")}
        )
    current = revision.procedure.revisions.filter(status=Status.EFFECTIVE).first()
    if current and effective_from < current.effective_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "Revision %(number)s is in force from %(day)s; this one cannot start earlier."
                )
                % {"number": current.number, "day": short_date(current.effective_from)}
            }
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
        seen_sha256=seen_sha256,
    )
    revision.status = Status.APPROVED
    track(revision, user, _("Approved by decision %(number)s") % {"number": decision_number})
    revision.save()
    if effective_from <= timezone.localdate():
        return revision_make_effective(revision=revision, user=user)
    return revision


@transaction.atomic
def revision_make_effective(*, revision: ProcedureRevision, user: User | None) -> ProcedureRevision:
    """Put an approved revision in force and end the one before it.

    `user` is None when the schedule does it (`activate_revisions`). Older revisions
    that were approved but had not yet taken effect are withdrawn: they can no
    longer come into force after a newer one.
    """
    procedure, revision = _lock_revision(revision)
    if revision.status != Status.APPROVED:
        raise ValidationError(_("Only an approved revision can take effect."))
    if revision.effective_from > timezone.localdate():
        raise ValidationError(
            _("This revision takes effect only from %(day)s.")
            % {"day": short_date(revision.effective_from)}
        )
    replaced = _("Replaced by revision %(number)s") % {"number": revision.number}
    for older in procedure.revisions.select_for_update().filter(
        number__lt=revision.number, status__in=[Status.EFFECTIVE, Status.APPROVED]
    ):
        older.status = Status.SUPERSEDED if older.status == Status.EFFECTIVE else Status.WITHDRAWN
        older.ended_on = revision.effective_from
        track(older, user, replaced)
        older.save()
    if procedure.revisions.filter(status=Status.EFFECTIVE).exists():
        raise ValidationError(
            _("A newer revision is already in force; revision %(number)s cannot replace it.")
            % {"number": revision.number}
        )
    revision.status = Status.EFFECTIVE
    track(revision, user, _("Took effect"))
    revision.save()
    procedure.last_reviewed_on = revision.effective_from
    procedure.legal_basis_changed = False
    procedure_save(
        procedure=procedure,
        user=user,
        reason=_("Revision %(n)s took effect") % {"n": revision.number},
    )
    return revision


def revisions_activate_due() -> tuple[list[ProcedureRevision], list[str]]:
    """Put in force every approved revision whose effective date has come.

    One procedure's problem does not hold up the others: it is reported instead.
    """
    due = ProcedureRevision.objects.filter(
        status=Status.APPROVED, effective_from__lte=timezone.localdate()
    ).order_by("procedure_id", "number")
    activated, problems = [], []
    for revision in due:
        try:
            activated.append(revision_make_effective(revision=revision, user=None))
        except ValidationError as error:
            problems.append(f"{revision}: {' '.join(error.messages)}")
    return activated, problems


@transaction.atomic
def revision_withdraw(*, revision: ProcedureRevision, user: User, reason: str) -> ProcedureRevision:
    if not user.has_role(*APPROVER_ROLES):
        raise ValidationError(_("Only the chairman or a vice-chairman can withdraw a revision."))
    _procedure, revision = _lock_revision(revision)
    if revision.status not in (Status.APPROVED, Status.EFFECTIVE):
        raise ValidationError(_("Only an approved or effective revision can be withdrawn."))
    revision.status = Status.WITHDRAWN
    revision.ended_on = timezone.localdate()
    revision.end_reason = reason
    track(revision, user, reason)
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
