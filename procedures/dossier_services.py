"""The one-stop desk: every change of a dossier goes through one of these functions.

Each is one transaction, writes history with who and why, and enforces the dossier's
course: received -> handed on from step to step -> completed -> returned, with
supplements, apologies and stops on the way (the rules R1-R8 of the desk).
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nonconformities.services import nc_from_late_dossier, nc_output_corrected
from notices.models import Event
from procedures.applicant_notices import (
    apology_issued,
    result_ready,
    supplement_requested,
    tell_applicant,
)
from procedures.models import (
    Apology,
    BookSequence,
    CopyType,
    Delivery,
    Dossier,
    DossierCode,
    DossierDocument,
    DossierSequence,
    Handoff,
    Outcome,
    Procedure,
    ProcedureRevision,
    Rating,
    RatingSource,
    Reception,
    RuleSet,
    SupplementRequest,
)
from procedures.models.dossiers import SATISFACTION_CRITERIA
from qms.dates import short_date
from qms.history import save_tracked, track
from qms.models import (
    CalendarDay,
    DocumentKind,
    DocumentNumber,
    Organisation,
    Signature,
    Unit,
    User,
)
from qms.roles import Role
from qms.signing import signature_sign
from qms.working_days import CalendarRangeError


def next_dossier_code(organisation_code: str, day: date) -> str:
    """Rule R8: `<organisation>-YYMMDD-NNNN`. One atomic upsert hands out the day's
    numbers, so two officers saving at the same moment never get the same code.

    A number already taken by a code written outside the sequence (an imported file,
    a database restored with an older sequence) is skipped, not refused: the refusal
    would roll the sequence back with it and refuse every later receipt of the day.
    The day's row stays locked until the receipt commits, so the codes read here
    cannot change before this one is written.
    """
    code = DossierCode(organisation_code, day, DossierSequence.take(day))
    if Dossier.objects.filter(code=str(code)).exists():
        same_day = Dossier.objects.filter(code__startswith=code.prefix)
        taken = [
            other.number
            for other in map(DossierCode.parse, same_day.values_list("code", flat=True))
            if other and other.prefix == code.prefix
        ]
        code = replace(code, number=DossierSequence.take(day, at_least=max(taken) + 1))
    return str(code)


def next_book_rows(year: int, count: int = 1) -> range:
    """Rule R12: the next `count` rows of the year's tracking book, taken like the
    codes (one upsert that locks the year's row until the receipt commits; a rolled
    back receipt gives its row back, so the book has no gap). Rows already written
    outside the sequence (a database restored with an older sequence) are skipped."""
    last = BookSequence.take(year, count=count)
    rows = range(last - count + 1, last + 1)
    book = Dossier.objects.filter(book_year=year)
    if book.filter(book_row__gte=rows.start).exists():
        highest = book.aggregate(highest=Max("book_row"))["highest"]
        last = BookSequence.take(year, at_least=highest + count, count=count)
        rows = range(last - count + 1, last + 1)
    return rows


def _receipt_documents(
    revision: ProcedureRevision, documents: list[dict] | None
) -> list[DossierDocument]:
    """What the desk received: as typed, or the revision's list when nothing was."""
    if documents is None:
        documents = [component.content() for component in revision.components.all()]
    received = []
    for order, data in enumerate(documents, start=1):
        document = DossierDocument(
            order=order,
            name=data["name"].strip(),
            copy_type=data.get("copy_type") or CopyType.ORIGINAL,
            quantity=data.get("quantity") or 1,
            scan=data.get("scan") or "",
        )
        try:
            document.full_clean(exclude=["dossier"])
        except ValidationError as error:
            raise ValidationError(
                {
                    "documents": _("Document %(order)s: %(problem)s")
                    % {"order": order, "problem": " ".join(error.messages)}
                }
            ) from error
        received.append(document)
    return received


def _clock(dossier: Dossier, start: datetime) -> None:
    """Start (or restart, rule R4) the time limit from `start`."""
    try:
        dossier.start_clock(
            CalendarDay.objects.calendar(), start, Organisation.current_office_hours()
        )
    except ValueError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def dossier_receive(
    *,
    procedure: Procedure,
    user: User,
    applicant_name: str,
    channel: str,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    applicant_address: str = "",
    applicant_email: str = "",
    representative_name: str = "",
    representative_id_number: str = "",
    representative_address: str = "",
    representative_phone: str = "",
    representative_email: str = "",
    representative_authorisation: str = "",
    delivery: str = Delivery.DESK,
    documents: list[dict] | None = None,
    documents_count: int = 1,
    note: str = "",
    decision: str = Reception.ACCEPT,
    reason: str = "",
    received_at: datetime | None = None,
) -> Dossier:
    """Log a dossier at the desk: code, pinned revision and rule set, appointment.

    An incomplete dossier (form 02) or a refused one (form 03) is logged too, with
    its reason, but gets no appointment and no row in the tracking book (R13).
    `documents` (name, copy type, quantity, optional scan) defaults to the
    revision's list of dossier components. The `representative_*` details are of
    the person who brings the dossier on the applicant's behalf, if anyone does.
    """
    received_at = received_at or timezone.now()
    revision = procedure.revisions.effective().first()
    if revision is None:
        raise ValidationError(
            {
                "procedure": _("%(procedure)s has no effective revision yet.")
                % {"procedure": procedure}
            }
        )
    if decision != Reception.ACCEPT and not reason.strip():
        raise ValidationError({"reason": _("Give the reason the dossier is not accepted.")})
    received_on = timezone.localdate(received_at)
    received_documents = _receipt_documents(revision, documents)
    dossier = Dossier(
        procedure=procedure,
        revision=revision,
        rule_set=RuleSet.for_receipt(received_on),
        applicant_name=applicant_name,
        applicant_id_number=applicant_id_number,
        applicant_phone=applicant_phone,
        applicant_address=applicant_address,
        applicant_email=applicant_email,
        representative_name=representative_name,
        representative_id_number=representative_id_number,
        representative_address=representative_address,
        representative_phone=representative_phone,
        representative_email=representative_email,
        representative_authorisation=representative_authorisation,
        delivery=delivery,
        channel=channel,
        documents_count=documents_count,
        note=note,
        reception_reason=reason,
        received_at=received_at,
        received_on=received_on,
        received_by=user,
        status={
            Reception.ACCEPT: Dossier.Status.IN_PROGRESS,
            Reception.INCOMPLETE: Dossier.Status.INCOMPLETE,
            Reception.REFUSE: Dossier.Status.REFUSED,
        }[decision],
    )
    if decision == Reception.ACCEPT:
        _clock(dossier, received_at)
        dossier.first_due_date = dossier.due_date
        dossier.enter_step(revision.steps.first())
    # The day's code, then the year's row: every receipt locks in this order.
    dossier.code = next_dossier_code(Organisation.current().code, received_on)
    if decision == Reception.ACCEPT:
        dossier.book_year = received_on.year
        dossier.book_row = next_book_rows(received_on.year).start
    else:
        # Form 02 or 03 is issued at the desk now: its number is taken with the code.
        kind = (
            DocumentKind.REFUSAL
            if decision == Reception.REFUSE
            else DocumentKind.SUPPLEMENT_REQUEST
        )
        dossier.reception_number = DocumentNumber.assign(kind, received_on)
    save_tracked(dossier, user=user, reason=_("Received"))
    for document in received_documents:
        document.dossier = dossier
        save_tracked(document, user=user, reason=_("Received"))
    return dossier


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("revision", "current_step")
        .get(pk=dossier.pk)
    )


def _require(dossier: Dossier, *statuses: str) -> None:
    if dossier.status not in statuses:
        raise ValidationError(
            _("Dossier %(code)s is %(status)s: this action is not possible now.")
            % {"code": dossier.code, "status": dossier.get_status_display().lower()}
        )


def may_act_on(user: User, dossier: Dossier) -> bool:
    """Who may work a dossier's current step: whoever has it in their queue."""
    return Dossier.objects.in_queue_of(user).filter(pk=dossier.pk).exists()


def _require_desk(user: User) -> None:
    """What the desk does with the citizen (resume after a supplement, return,
    stop) is done by one-stop officers."""
    if not user.has_role(Role.OFFICER):
        raise ValidationError(_("Only a one-stop officer can do this."))


def _require_turn(user: User, dossier: Dossier) -> None:
    if not may_act_on(user, dossier):
        raise ValidationError(
            _("Dossier %(code)s is at %(where)s, not with you.")
            % {"code": dossier.code, "where": dossier.current_unit or _("the leadership")}
        )


@transaction.atomic
def dossier_hand_on(*, dossier: Dossier, user: User, note: str = "") -> Dossier:
    """Finish the current step and hand the dossier to the next one (control slip)."""
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.IN_PROGRESS)
    _require_turn(user, dossier)
    following = dossier.next_step()
    if following is None:
        raise ValidationError(_("This is the last step: record the result as ready instead."))
    _record_handoff(dossier, user, following, note)
    dossier.enter_step(following)
    track(dossier, user, _("Handed on to %(step)s") % {"step": following.name})
    dossier.save()
    return dossier


def _record_handoff(dossier, user, following, note) -> Handoff:
    """The control slip's row of the dossier's current step, handed on to
    `following` (None: the result is ready), against that step's deadline."""
    deadline = dossier.current_step_deadline(
        CalendarDay.objects.calendar(), Organisation.current_office_hours()
    )
    now = timezone.now()
    handoff = Handoff(
        dossier=dossier,
        step=dossier.current_step,
        from_user=user,
        to_unit=following.unit if following else None,
        to_role=following.role if following else "",
        handed_at=now,
        deadline=deadline,
        result=Outcome.compare(timezone.localdate(now), timezone.localdate(deadline)),
        note=note,
    )
    track(handoff, user, _("Handed on"))
    handoff.save()
    return handoff


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, user: User, reason: str) -> Dossier:
    """Stop the clock until the citizen brings the complete dossier back (R4)."""
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.IN_PROGRESS)
    _require_turn(user, dossier)
    if dossier.before_qms:
        # no revision gives the time limit a restart would set (R4)
        raise ValidationError(
            _(
                "Dossier %(code)s is history from before the QMS, with no procedure "
                "revision to set a new appointment from: record its result instead."
            )
            % {"code": dossier.code}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("List the items to supplement and why.")})
    now = timezone.now()
    request = SupplementRequest(
        dossier=dossier,
        requested_at=now,
        requested_by=user,
        reason=reason,
        number=DocumentNumber.assign(DocumentKind.SUPPLEMENT_REQUEST, timezone.localdate(now)),
    )
    track(request, user, _("Supplement requested"))
    request.save()
    dossier.status = Dossier.Status.WAITING
    dossier.waiting_since = now
    dossier.supplement_count += 1
    track(dossier, user, _("Supplement requested"))
    dossier.save()
    tell_applicant(dossier, Event.SUPPLEMENT_REQUESTED, supplement_requested, request)
    return dossier


@transaction.atomic
def dossier_resume(*, dossier: Dossier, user: User) -> Dossier:
    """The complete dossier is back: the time limit starts again from zero (R4)."""
    _require_desk(user)
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.WAITING)
    now = timezone.now()
    dossier.waiting_total += now - dossier.waiting_since
    dossier.waiting_since = None
    dossier.status = Dossier.Status.IN_PROGRESS
    _clock(dossier, now)
    request = dossier.supplements.filter(answered_at__isnull=True).get()
    request.answered_at, request.new_due_date = now, dossier.due_date
    track(request, user, _("Complete dossier back"))
    request.save()
    track(
        dossier,
        user,
        _("Complete dossier back; new appointment %(day)s") % {"day": short_date(dossier.due_date)},
    )
    dossier.save()
    return dossier


def _check_apology_dates(dossier: Dossier, new_due_date: date, issued_on: date) -> None:
    """Rule R5 and R11 for an apology issued on `issued_on`: at least one working day
    before the appointment; its new date a working day after the appointment (so
    after the day of issue) and within one year of the issue: a date typed a century
    ahead would hide the dossier from every overdue list. Checked when the unit
    drafts it and again when the head issues it, on that day."""
    calendar = CalendarDay.objects.calendar()
    if issued_on > dossier.last_day_to_apologise(calendar):
        raise ValidationError(
            _(
                "An apology must be issued at least one working day before the appointment "
                "(%(day)s)."
            )
            % {"day": short_date(dossier.due_date)}
        )
    if new_due_date <= dossier.due_date:
        raise ValidationError(
            {
                "new_due_date": _("The new appointment must be after %(day)s.")
                % {"day": short_date(dossier.due_date)}
            }
        )
    latest = issued_on + relativedelta(years=1)
    if new_due_date > latest:
        raise ValidationError(
            {
                "new_due_date": _(
                    "The new appointment must be within one year of the apology, by %(day)s."
                )
                % {"day": short_date(latest)}
            }
        )
    try:
        working = calendar.is_working_day(new_due_date)
    except CalendarRangeError as error:
        raise ValidationError({"new_due_date": str(error)}) from error
    if not working:
        raise ValidationError(
            {
                "new_due_date": _("%(day)s is not a working day: choose a working day.")
                % {"day": short_date(new_due_date)}
            }
        )


def apology_drafting_unit(dossier: Dossier) -> Unit | None:
    """The unit at fault, which drafts form 04 (R11): the unit of the step the
    dossier is at (the one-stop desk for its own steps), as for a turn
    (`may_act_on`); at a leadership step, or once no step is current, the desk,
    which speaks to the citizen for the ward (the leaders issue the apology, they do
    not draft it)."""
    return dossier.current_unit or Unit.objects.filter(is_one_stop_desk=True).first()


def may_draft_apology(user: User, dossier: Dossier) -> bool:
    """Whether `user` drafts, edits and withdraws the dossier's apology: an officer or
    a specialist of the unit at fault (`apology_drafting_unit`)."""
    unit = apology_drafting_unit(dossier)
    return (
        unit is not None
        and user.unit_id == unit.pk
        and user.has_role(Role.OFFICER, Role.SPECIALIST)
    )


def _require_drafter(user: User, dossier: Dossier) -> None:
    if not may_draft_apology(user, dossier):
        unit = apology_drafting_unit(dossier)
        raise ValidationError(
            _(
                "Dossier %(code)s is held up at %(unit)s: only an officer or a specialist "
                "of %(unit)s drafts, edits or withdraws its apology."
            )
            % {"code": dossier.code, "unit": unit.name if unit else _("the one-stop desk")}
        )


def _check_apology_draft(dossier: Dossier, reason: str, new_due_date: date) -> None:
    """What a draft must say, every reason at once so that the form shows each
    beside its field: the reason for the delay, and a new date the head could
    still issue today (`_check_apology_dates`)."""
    errors: dict = {}
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the delay.")]
    try:
        _check_apology_dates(dossier, new_due_date, timezone.localdate())
    except ValidationError as error:
        error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _locked_draft(apology: Apology) -> Apology:
    """The apology's row, locked, refused unless it is still a draft: an issued
    apology never changes, a withdrawn one is history."""
    apology = Apology.objects.select_for_update().get(pk=apology.pk)
    if apology.withdrawn_at:
        raise ValidationError(
            _("This draft apology was withdrawn on %(day)s.")
            % {"day": short_date(apology.withdrawn_at)}
        )
    if apology.approved_at:
        raise ValidationError(
            _("The apology was issued on %(day)s: an issued apology never changes.")
            % {"day": short_date(apology.approved_at)}
        )
    return apology


@transaction.atomic
def dossier_apologise(*, dossier: Dossier, user: User, reason: str, new_due_date: date) -> Apology:
    """Draft the apology letter with a new appointment (form 04), once per dossier:
    the unit at fault drafts it (R11), the chairman or a vice-chairman issues it
    (`apology_approve`). A withdrawn draft leaves room for a new one. The outcome
    stays late (R5)."""
    dossier = _lock(dossier)
    _require_drafter(user, dossier)
    # While the clock is stopped the appointment is not known yet (R4).
    _require(dossier, Dossier.Status.IN_PROGRESS)
    if hasattr(dossier, "apology"):
        raise ValidationError(
            _("An apology was already drafted for this dossier; only one is allowed.")
        )
    _check_apology_draft(dossier, reason, new_due_date)
    apology = Apology(
        dossier=dossier,
        drafted_at=timezone.now(),
        drafted_by=user,
        reason=reason,
        new_due_date=new_due_date,
    )
    track(apology, user, _("Apology drafted"))
    apology.save()
    track(dossier, user, _("Apology drafted"))
    dossier.save()
    return apology


@transaction.atomic
def apology_edit(*, apology: Apology, user: User, reason: str, new_due_date: date) -> Apology:
    """Correct the draft's reason and new date before the head issues it; checked as
    a new draft is. The head's approval page then shows a changed draft, and the
    seen hash refuses to sign the one opened before the edit."""
    dossier = _lock(apology.dossier)
    _require_drafter(user, dossier)
    apology = _locked_draft(apology)
    _require(dossier, Dossier.Status.IN_PROGRESS)
    _check_apology_draft(dossier, reason, new_due_date)
    apology.reason, apology.new_due_date = reason, new_due_date
    track(apology, user, _("Draft apology edited"))
    apology.save(update_fields=["reason", "new_due_date"])
    track(dossier, user, _("Draft apology edited"))
    dossier.save()
    return apology


@transaction.atomic
def apology_withdraw(*, apology: Apology, user: User) -> Apology:
    """Withdraw the draft before it is issued: it stays on record, never printed nor
    numbered, and the dossier may get a new draft. The dossier's dates are
    untouched (only an issued apology gives a promised date)."""
    dossier = _lock(apology.dossier)
    _require_drafter(user, dossier)
    apology = _locked_draft(apology)
    apology.withdrawn_at, apology.withdrawn_by = timezone.now(), user
    track(apology, user, _("Draft apology withdrawn"))
    apology.save(update_fields=["withdrawn_at", "withdrawn_by"])
    track(dossier, user, _("Draft apology withdrawn"))
    dossier.save()
    return apology


@transaction.atomic
def apology_approve(*, apology: Apology, user: User, password: str, seen_sha256: str) -> Apology:
    """The chairman or a vice-chairman issues the drafted apology by signing what they
    were shown (an edit since then is refused by the seen hash): the day of issue is
    today, so the dates are checked again for it; from now on the dossier carries
    the new date as its promised date (R11)."""
    dossier = _lock(apology.dossier)
    apology = _locked_draft(apology)
    _require(dossier, Dossier.Status.IN_PROGRESS)
    _check_apology_dates(dossier, apology.new_due_date, timezone.localdate())
    apology.approved_at = timezone.now()
    apology.number = DocumentNumber.assign(DocumentKind.APOLOGY, timezone.localdate())
    track(apology, user, _("Apology issued"))
    apology.save(update_fields=["approved_at", "number"])
    signature_sign(
        record=apology,
        user=user,
        password=password,
        roles=Apology.SIGNER_ROLES,
        meaning=Signature.Meaning.APPROVED,
        seen_sha256=seen_sha256,
    )
    dossier.promised_date = apology.new_due_date
    track(
        dossier,
        user,
        _("Apology issued; new date %(day)s") % {"day": short_date(apology.new_due_date)},
    )
    dossier.save()
    tell_applicant(dossier, Event.APOLOGY_ISSUED, apology_issued, apology)
    return apology


@transaction.atomic
def dossier_complete(*, dossier: Dossier, user: User, note: str = "") -> Dossier:
    """The result is ready: the outcome (R5) and the 766 flag are fixed now."""
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.IN_PROGRESS)
    _require_turn(user, dossier)
    if dossier.next_step() is not None:
        raise ValidationError(
            _("The dossier is at step %(step)s: the result is ready only after the last step.")
            % {"step": dossier.current_step}
        )
    if dossier.current_step:  # a dossier from before the QMS has no steps to sign off
        _record_handoff(dossier, user, None, note)
    dossier.finish(timezone.now())
    dossier.enter_step(None)
    dossier.status = Dossier.Status.COMPLETED
    track(dossier, user, _("Result ready"))
    dossier.save()
    nc_from_late_dossier(dossier=dossier, user=user)
    tell_applicant(dossier, Event.RESULT_READY, result_ready)
    return dossier


@transaction.atomic
def dossier_return(
    *,
    dossier: Dossier,
    user: User,
    digitised: bool = False,
    result_scan=None,
    rating: str = "",
    criteria: list[int] | None = None,
) -> Dossier:
    _require_desk(user)
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.COMPLETED)
    if digitised and not (result_scan or dossier.result_scan):
        raise ValidationError({"result_scan": _("Attach the scanned result to mark it digitised.")})
    now = timezone.now()
    dossier.returned_at, dossier.returned_on = now, timezone.localdate(now)
    dossier.digitised = digitised
    if result_scan:
        dossier.result_scan = result_scan
    dossier.rating = rating
    dossier.rating_source = RatingSource.OFFICER if rating else ""
    dossier.criteria = criteria
    dossier.status = Dossier.Status.RETURNED
    save_tracked(dossier, user=user, reason=_("Returned to the citizen"))
    nc_output_corrected(dossier=dossier, user=user)  # a late result delivered is corrected
    return dossier


# The desk's kiosk rates a dossier by its code alone, without the token of the
# receipt's QR code: only one returned this recently, so that codes typed at random
# reach few dossiers, and none once its citizen has gone home and forgotten it.
KIOSK_RATING_DAYS = 7


def kiosk_may_rate(dossier: Dossier, today: date) -> bool:
    """Whether the kiosk offers `dossier`'s rating on `today`: returned in the last
    `KIOSK_RATING_DAYS` days and not rated yet."""
    return (
        dossier.status == Dossier.Status.RETURNED
        and not dossier.rating
        and dossier.returned_on >= today - timedelta(days=KIOSK_RATING_DAYS)
    )


def _check_criteria(criteria: list[int] | None) -> None:
    if criteria is None:
        return
    if len(criteria) != len(SATISFACTION_CRITERIA) or any(
        score not in (0, 1, 2) for score in criteria
    ):
        raise ValidationError({"criteria": _("Answer all nine questions, or none.")})


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, rating: str, criteria: list[int] | None = None, kiosk: bool = False
) -> Dossier:
    """The citizen's own rating (R6), from the status page or the desk's kiosk: once,
    after the result is returned, and never over a rating the officer entered. The
    history names no user (the citizen has no account) and says where it came from."""
    dossier = _lock(dossier)
    if dossier.status != Dossier.Status.RETURNED:
        raise ValidationError(_("A dossier can be rated once its result is returned."))
    if dossier.rating:
        raise ValidationError(_("This dossier has already been rated."))
    if kiosk and not kiosk_may_rate(dossier, timezone.localdate()):
        raise ValidationError(
            _("The kiosk rates dossiers returned in the last %(days)s days only.")
            % {"days": KIOSK_RATING_DAYS}
        )
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose how satisfied you are.")})
    _check_criteria(criteria)
    dossier.rating, dossier.criteria = rating, criteria
    dossier.rating_source = RatingSource.CITIZEN
    track(
        dossier,
        None,
        _("Rated by the citizen at the desk's kiosk") if kiosk else _("Rated by the citizen"),
    )
    dossier.save()
    return dossier


@transaction.atomic
def dossier_stop(*, dossier: Dossier, user: User, reason: str, withdrawn: bool = False) -> Dossier:
    """A stop at the citizen's request (2025 stop notice) or a withdrawal."""
    _require_desk(user)
    dossier = _lock(dossier)
    _require(dossier, *Dossier.OPEN_STATUSES)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the citizen's reason.")})
    now = timezone.now()
    if dossier.waiting_since:
        dossier.waiting_total += now - dossier.waiting_since
        dossier.waiting_since = None
    dossier.status = Dossier.Status.WITHDRAWN if withdrawn else Dossier.Status.STOPPED
    dossier.ended_at, dossier.ended_reason = now, reason
    dossier.end_processing(now)
    dossier.enter_step(None)
    track(dossier, user, reason)
    dossier.save()
    return dossier


@transaction.atomic
def dossier_correct_dates(
    *, dossier: Dossier, user: User, reason: str, completed_at: datetime, returned_at: datetime
) -> Dossier:
    """Only the ISO secretary corrects a returned dossier's dates, with a reason."""
    if not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the ISO secretary can correct a returned dossier."))
    dossier = _lock(dossier)
    _require(dossier, Dossier.Status.RETURNED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    now = timezone.now()
    if completed_at > now:
        raise ValidationError(
            {"completed_at": _("The moment the result was ready cannot be in the future.")}
        )
    if returned_at > now:
        raise ValidationError(
            {"returned_at": _("The moment the result was returned cannot be in the future.")}
        )
    if not dossier.received_at <= completed_at <= returned_at:
        raise ValidationError(
            _("The dates must follow each other: received, result ready, returned.")
        )
    dossier.finish(completed_at)
    dossier.returned_at, dossier.returned_on = returned_at, timezone.localdate(returned_at)
    track(dossier, user, reason)
    dossier.save()
    nc_from_late_dossier(dossier=dossier, user=user)
    return dossier
