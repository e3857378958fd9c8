"""Writes of the QMS core; each function is one transaction and leaves history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.models import (
    CalendarDay,
    ManagementReview,
    PeriodicReport,
    ReviewOutput,
    User,
)
from qms.reports import period_scope, snapshot
from qms.reviews import compile_inputs
from qms.roles import Role
from qms.signing import chairman_approve


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, user: User, reason: str) -> CalendarDay:
    day._history_user = user
    day._change_reason = reason
    day.full_clean()
    day.save()
    return day


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, user: User, reason: str) -> None:
    day._history_user = user
    day._change_reason = reason
    day.delete()


@transaction.atomic
def review_sign(*, review: ManagementReview, user: User, password: str) -> ManagementReview:
    """The chairman signs a management review off: its inputs are compiled once more
    and stored as they are now, and the signature covers them with everything else."""
    review = ManagementReview.objects.select_for_update().get(pk=review.pk)
    if review.approval:
        raise ValidationError(_("%(record)s is already approved.") % {"record": review})
    if not user.has_role(Role.CHAIRMAN):
        raise ValidationError(_("Only %(roles)s can sign this.") % {"roles": Role.CHAIRMAN.label})
    review.inputs = compile_inputs(review)
    review._history_user = user
    review.save()
    return chairman_approve(record=review, user=user, password=password)


@transaction.atomic
def review_output_done(*, output: ReviewOutput, user: User, done_on, result: str) -> ReviewOutput:
    """Record that a review's action was carried out, and how."""
    output = ReviewOutput.objects.select_for_update().get(pk=output.pk)
    if output.done_on:
        raise ValidationError(_("This action is already done."))
    output.done_on = done_on
    output.result = result
    output._history_user = user
    output.full_clean()
    output.save()
    return output


@transaction.atomic
def report_submit(
    *, report: PeriodicReport, user: User, submitted_on: date | None = None
) -> PeriodicReport:
    """Submit a periodic report: its figures are stored as they are today. A report
    sent on paper earlier is recorded with the day it was sent (`submitted_on`)."""
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if report.submitted_on:
        raise ValidationError(
            _("%(report)s has been submitted and can no longer be changed.") % {"report": report}
        )
    report.figures = snapshot(period_scope(report.year, report.period))
    report.submitted_on = submitted_on or timezone.localdate()
    report.submitted_by = user
    report._history_user = user
    report.save()
    return report


@transaction.atomic
def review_save(*, review: ManagementReview, user: User) -> ManagementReview:
    """Create or change a review before it is signed."""
    review._history_user = user
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_output_add(*, output: ReviewOutput, user: User) -> ReviewOutput:
    """Add a decision or action to a review before it is signed."""
    output._history_user = user
    output.full_clean()
    output.save()
    return output


@transaction.atomic
def report_save(*, report: PeriodicReport, user: User) -> PeriodicReport:
    """Create or change a periodic report before it is submitted."""
    report._history_user = user
    report.full_clean()
    report.save()
    return report
