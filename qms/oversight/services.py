"""Writes of the oversight records (reviews, their outputs, periodic reports); each
function is one transaction and leaves history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.history import save_tracked, track
from qms.models import (
    DocumentKind,
    DocumentNumber,
    ManagementReview,
    Organisation,
    PeriodicReport,
    ReviewOutput,
    Signature,
    User,
)
from qms.oversight.review_inputs import compile_inputs
from qms.oversight.snapshot import report_scope, report_snapshot
from qms.roles import Role
from qms.signing import chairman_approve, refuse_if_approved, signature_sign


@transaction.atomic
def review_sign(
    *, review: ManagementReview, user: User, password: str, seen_sha256: str
) -> ManagementReview:
    """The minutes are signed twice, in this order: first the meeting's secretary, who
    attests that they record the meeting as it was held, then the chairman, who
    approves them; they are final only with both (Decree 30 minutes carry the two).
    The secretary's signature stores the inputs as compiled now and freezes the
    review, so the chairman's covers the very content she signed. Any refusal (not
    the one whose signature is due, wrong password, the review changed since it was
    shown) rolls the stored inputs back."""
    review = ManagementReview.objects.select_for_update().get(pk=review.pk)
    refuse_if_approved(review)
    if review.secretary_signature:
        return chairman_approve(
            record=review, user=user, password=password, seen_sha256=seen_sha256
        )
    if review.secretary_id is None:
        raise ValidationError(
            _("Name the secretary of the meeting first: she signs the minutes before the chairman.")
        )
    if user.pk != review.secretary_id:
        raise ValidationError(
            _(
                "Only %(name)s, the secretary of this meeting, signs the minutes now; "
                "the chairman approves them after her."
            )
            % {"name": review.secretary.get_full_name()}
        )
    review.inputs = compile_inputs(review)
    track(review, user)
    review.save()
    signature_sign(
        record=review,
        user=user,
        password=password,
        roles=tuple(Role),  # whatever her role: she signs as the meeting's secretary
        meaning=Signature.Meaning.SIGNED,
        seen_sha256=seen_sha256,
    )
    return review


@transaction.atomic
def review_output_done(*, output: ReviewOutput, user: User, done_on, result: str) -> ReviewOutput:
    """Record that an action decided by a signed review was carried out, and how."""
    output = ReviewOutput.objects.select_for_update().select_related("review").get(pk=output.pk)
    if output.owner_id is None or not output.review.approval:
        raise ValidationError(_("Only actions of a signed review are followed up."))
    if output.done_on:
        raise ValidationError(_("This action is already done."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    output.done_on = done_on
    output.result = result
    return save_tracked(output, user=user)


@transaction.atomic
def report_submit(
    *, report: PeriodicReport, user: User, submitted_on: date | None = None
) -> PeriodicReport:
    """Submit a periodic report with its assessment as given: its figures are stored
    as they are on the day it is sent — today, or `submitted_on` for a report sent
    on paper and recorded afterwards."""
    day = submitted_on or timezone.localdate()
    if day < report.start():
        raise ValidationError(_("A report cannot be sent before its period begins."))
    if report.window_end and report.window_end > day:
        raise ValidationError(
            {"window_end": _("The figures cannot go beyond the day the report is sent.")}
        )
    if report.pk:
        PeriodicReport.objects.select_for_update().filter(pk=report.pk).first()
    report.figures = report_snapshot(report, report_scope(report, day))
    report.addressee = report.addressee_on(Organisation.current().identity_on(day))
    report.signer = report.signer or _chairman()
    report.number = DocumentNumber.assign(DocumentKind.REFORM_REPORT, day)
    report.submitted_on = day
    report.submitted_by = user
    return save_tracked(report, user=user)


@transaction.atomic
def review_save(*, review: ManagementReview, user: User) -> ManagementReview:
    """Create or change a review before it is signed."""
    return save_tracked(review, user=user)


@transaction.atomic
def review_output_add(*, output: ReviewOutput, user: User) -> ReviewOutput:
    """Add a decision or action to a review before it is signed."""
    return save_tracked(output, user=user)


@transaction.atomic
def report_save(*, report: PeriodicReport, user: User) -> PeriodicReport:
    """Create or change a periodic report before it is submitted."""
    return save_tracked(report, user=user)


def _chairman() -> User | None:
    """Who signs a report nobody was chosen for: the chairman, for the committee."""
    return User.objects.filter(groups__name=Role.CHAIRMAN, is_active=True).order_by("pk").first()
