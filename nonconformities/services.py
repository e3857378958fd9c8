"""Raising nonconformities and taking them through correction, root cause, action
plan, actions, verification and closure. Each function is one transaction with
history; the guards between stages live here and nowhere else."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Finding
from nonconformities import complaint_notices, patterns
from nonconformities.models import Action, Complaint, ComplaintSequence, Nonconformity
from notices.models import Event
from notices.services import notify
from procedures.bulk import BulkInsert
from procedures.models import Dossier, Outcome, Procedure
from qms.dates import short_date
from qms.history import save_tracked, track
from qms.models import CalendarDay, User
from qms.roles import Role

Stage = Nonconformity.Stage
COMPLAINT_ANSWER_DAYS = 15  # working days to handle a PAKN (domain-vn.md §3, 5.2)
# The reasons on the history rows of what late dossiers raise.
RAISED = gettext_lazy("Raised")
DELIVERED = gettext_lazy("Corrected: the result was delivered")
FROM_PATTERN = gettext_lazy("Opened from a pattern of late dossiers")


def _next_code(day: date) -> str:
    return _code(day.year, _highest_number(day.year) + 1)


def _highest_number(year: int) -> int:
    """The highest number of the year's codes, counted by the database. Reading every
    code of the year instead made raising n nonconformities cost n² (an import of
    100,000 dossiers raises thousands)."""
    prefix = _prefix(year)
    codes = Nonconformity.objects.filter(code__startswith=prefix)
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case, so it cannot use the code's unique index; the
        # same codes (all upper case) as a range of it, in its binary order, can.
        codes = codes.filter(code__gte=prefix, code__lt=f"NC-{year}.")
    number = Cast(Substr("code", len(prefix) + 1), BigIntegerField())
    return codes.aggregate(highest=Max(number))["highest"] or 0


def _prefix(year: int) -> str:
    return f"NC-{year}-"


def _code(year: int, number: int) -> str:
    return f"{_prefix(year)}{number:03d}"


@transaction.atomic
def nc_raise(*, user: User | None, reason: str = "", **fields) -> Nonconformity:
    found_on = fields.pop("found_on", None) or timezone.localdate()
    return _raise(Nonconformity(found_by=user, found_on=found_on, **fields), user, reason)


def _raise(nc: Nonconformity, user: User | None, reason: str = "") -> Nonconformity:
    """Check and save a new nonconformity under the year's next code."""
    nc.full_clean(exclude=["found_by", "code"])
    track(nc, user, reason or str(RAISED))
    for attempt in range(5):  # two raised at the same moment: the second takes the next code
        nc.code = _next_code(nc.found_on)
        try:
            with transaction.atomic():
                nc.save()
            return nc
        except IntegrityError:
            if attempt == 4:
                raise
            nc.pk = None
    return nc


def nc_from_finding(*, finding: Finding, user: User) -> Nonconformity | None:
    """An audit's nonconformity finding raises one nonconformity (observations don't)."""
    if finding.severity == Finding.Severity.OBSERVATION or hasattr(finding, "nonconformity"):
        return None
    audit = finding.audit
    return nc_raise(
        user=user,
        source=(
            Nonconformity.Source.INTERNAL_AUDIT
            if audit.kind == audit.Kind.INTERNAL
            else Nonconformity.Source.EXTERNAL_AUDIT
        ),
        severity=finding.severity,
        clause=finding.clause_number,
        unit=finding.unit,
        description=finding.description,
        evidence=f"{audit.code}: {finding.evidence}",
        finding=finding,
        reason=_("From audit %(code)s") % {"code": audit.code},
    )


def _raises_output(dossier: Dossier) -> bool:
    """R15: a dossier completed late is a nonconforming output; history from before
    the QMS raises none."""
    return not dossier.before_qms and dossier.outcome == Outcome.LATE


@transaction.atomic
def nc_from_late_dossier(*, dossier: Dossier, user: User | None) -> Nonconformity | None:
    """A dossier completed late is a nonconforming output (R15), recorded with its
    correction: the apology, if issued (a draft the head never approved was never
    sent), with its promised date; and the result delivered, which closes it (at once
    for a dossier recorded already returned). It opens no corrective action by
    itself: one is opened when it completes a pattern (`ca_from_pattern`). History
    from before the QMS raises none."""
    if not _raises_output(dossier) or Nonconformity.objects.filter(dossier=dossier).exists():
        return None
    output = _raise(_late_output(dossier, getattr(dossier, "apology", None), user), user)
    if dossier.returned_on:
        _close_output(output, user, dossier)
    ca_from_pattern(output=output, user=user)
    return output


def _late_output(dossier: Dossier, apology, user: User | None) -> Nonconformity:
    """The output a late dossier raises (unsaved), with its apology in force if any."""
    if apology and not apology.approved_at:
        apology = None
    return Nonconformity(
        found_by=user,
        kind=Nonconformity.Kind.OUTPUT,
        source=Nonconformity.Source.LATE_DOSSIER,
        severity=Nonconformity.Severity.MINOR,
        clause="8.7",
        unit=dossier.procedure.unit,
        procedure=dossier.procedure,
        description=_("Dossier %(code)s was completed after its appointment date %(day)s.")
        % {"code": dossier.code, "day": short_date(dossier.due_date)},
        evidence=_("Completed on %(day)s.") % {"day": short_date(dossier.completed_on)},
        dossier=dossier,
        correction=(
            _("Apology issued %(day)s with a new date %(new)s: %(reason)s")
            % {
                "day": short_date(apology.approved_at),
                "new": short_date(apology.new_due_date),
                "reason": apology.reason,
            }
            if apology
            else ""
        ),
        found_on=dossier.completed_on,
    )


def _deliver(output: Nonconformity, user: User | None, dossier: Dossier) -> None:
    """The correction is complete when the result is delivered: it closes the output,
    on the day of delivery, by whoever delivered it."""
    delivered = _("Result delivered to the citizen on %(day)s.") % {
        "day": short_date(dossier.returned_on)
    }
    output.correction = "\n".join(part for part in (output.correction, delivered) if part)
    output.stage = Stage.CLOSED
    output.verified_on, output.verified_by = dossier.returned_on, user


def _close_output(output: Nonconformity, user: User | None, dossier: Dossier) -> None:
    _deliver(output, user, dossier)
    track(output, user, str(DELIVERED))
    output.save()


@transaction.atomic
def nc_output_corrected(*, dossier: Dossier, user: User) -> Nonconformity | None:
    """The result of a late dossier is delivered: its open output closes."""
    output = (
        Nonconformity.objects.select_for_update()
        .filter(
            dossier=dossier, kind=Nonconformity.Kind.OUTPUT, stage__in=Nonconformity.OPEN_STAGES
        )
        .first()
    )
    if output is not None:
        _close_output(output, user, dossier)
    return output


def _free_outputs(procedures, start: date, end: date):
    """The outputs of `procedures` found from `start` to `end` that no corrective
    action has taken, in the order they were found."""
    return (
        Nonconformity.objects.outputs()
        .filter(procedure__in=procedures, corrective_action__isnull=True)
        .filter(found_on__range=(start, end))
        .exclude(stage=Stage.CANCELLED)
        .order_by("found_on", "pk")
    )


@transaction.atomic
def ca_from_pattern(*, output: Nonconformity, user: User | None) -> Nonconformity | None:
    """The corrective action that `output` calls for when it completes a pattern of its
    procedure (`patterns.late_pattern`) among the outputs no case has taken yet; the
    case links them all, so the same outputs never open a second one. The procedure's
    row is locked: two late dossiers of one procedure at once see each other."""
    if output.procedure_id is None:
        return None
    procedure = Procedure.objects.select_for_update().get(pk=output.procedure_id)
    free = _free_outputs([procedure], *patterns.quarter_bounds(output.found_on))
    found = patterns.late_pattern(output.found_on, free.values_list("pk", "found_on"))
    if found is None:
        return None
    rule, keys = found
    outputs = list(free.filter(pk__in=keys))
    case = _pattern_case(procedure, output.found_on, rule, outputs, user)
    _raise(case, user, str(FROM_PATTERN))
    for each in outputs:
        _join(each, case, user)
    return case


def _pattern_case(
    procedure: Procedure, day: date, rule: str, outputs: list[Nonconformity], user: User | None
) -> Nonconformity:
    """The corrective action (unsaved) for the pattern `rule` of `outputs` found on `day`."""
    period = (
        _("in %(month)s") % {"month": day.strftime("%m/%Y")}
        if rule == "month"
        else _("in quarter %(quarter)s/%(year)s")
        % {"quarter": patterns.quarter(day), "year": day.year}
    )
    return Nonconformity(
        found_by=user,
        kind=Nonconformity.Kind.CORRECTIVE,
        source=Nonconformity.Source.LATE_PATTERN,
        severity=Nonconformity.Severity.MINOR,
        clause="10.2",
        unit=procedure.unit,
        procedure=procedure,
        description=_("%(count)s dossiers of %(procedure)s completed late %(period)s.")
        % {"count": len(outputs), "procedure": procedure.code, "period": period},
        evidence=", ".join(each.code for each in outputs),
        found_on=day,
    )


def _join(output: Nonconformity, case: Nonconformity, user: User | None) -> None:
    output.corrective_action = case
    track(output, user, _joined(case))
    output.save()


def _joined(case: Nonconformity) -> str:
    return _("Taken into corrective action %(code)s") % {"code": case.code}


@transaction.atomic
def nc_from_late_imports(dossiers: Iterable[Dossier], *, user: User | None) -> int:
    """What `nc_from_late_dossier` does for each of `dossiers` in turn, for the
    thousands a register's import brings at once: the same outputs, closures, pattern
    cases and history rows, each checked as `_raise` checks it but for its references
    (read from the database), numbered on from one read of each year's highest code,
    and written in bulk (`procedures.bulk`). The dossiers are new, so none has an output
    or an apology yet. Until the import commits, other writers of nonconformities
    wait: PostgreSQL's table is locked here, SQLite's writer holds the whole database.
    Returns how many records were raised."""
    dossiers = [dossier for dossier in dossiers if _raises_output(dossier)]
    if not dossiers:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Nonconformity._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    raising = _Raising(user)
    first, last = (min(d.completed_on for d in dossiers), max(d.completed_on for d in dossiers))
    procedures = {dossier.procedure_id for dossier in dossiers}
    for output in _free_outputs(
        procedures, patterns.quarter_bounds(first)[0], patterns.quarter_bounds(last)[1]
    ):
        raising.free(output).append(((output.found_on, 0, output.pk), output))
    for order, dossier in enumerate(dossiers):
        output = raising.new(_late_output(dossier, None, user), str(RAISED))
        if dossier.returned_on:
            _deliver(output, user, dossier)
            raising.changed(output, str(DELIVERED))
        free = raising.free(output)
        free.append(((output.found_on, 1, order), output))
        found = patterns.late_pattern(output.found_on, [(key, key[0]) for key, _nc in free])
        if found is None:
            continue
        rule, keys = found
        taken = set(keys)
        outputs = [each for key, each in sorted(free, key=lambda item: item[0]) if key in taken]
        free[:] = [(key, each) for key, each in free if key not in taken]
        case = _pattern_case(dossier.procedure, output.found_on, rule, outputs, user)
        raising.new(case, str(FROM_PATTERN))
        for each in outputs:
            raising.join(each, case)
    return raising.write()


class _Raising:
    """The records `nc_from_late_imports` raises and the history of each, kept in
    memory and written at the end: the cases first, since the outputs name them."""

    FIELDS = [field.attname for field in Nonconformity._meta.concrete_fields]
    REFERENCES = [f.name for f in Nonconformity._meta.concrete_fields if f.is_relation]

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.when = timezone.now()
        self.highest: dict[int, int] = {}  # each year's last number given
        self.raised: list[Nonconformity] = []
        self.cases: dict[int, Nonconformity] = {}  # of each new output taken, by id()
        self.stored: list[tuple[Nonconformity, Nonconformity]] = []  # (output, case)
        self.history: list[tuple[Nonconformity, str, str, dict, Nonconformity | None]] = []
        self.by_quarter: dict[tuple, list] = {}

    def free(self, output: Nonconformity) -> list:
        """The outputs of `output`'s procedure and quarter no case has taken, as
        ((found on, stored first, order), output), in the order they were found."""
        quarter = (output.procedure_id, output.found_on.year, patterns.quarter(output.found_on))
        return self.by_quarter.setdefault(quarter, [])

    def new(self, nc: Nonconformity, reason: str) -> Nonconformity:
        # Its own fields only: the rows it names and its constraints are the database's
        # to enforce at the insert (a query each here).
        nc.full_clean(
            exclude=["code", *self.REFERENCES], validate_unique=False, validate_constraints=False
        )
        year = nc.found_on.year
        if year not in self.highest:
            self.highest[year] = _highest_number(year)
        self.highest[year] += 1
        nc.code = _code(year, self.highest[year])
        self.raised.append(nc)
        self.changed(nc, reason, "+")
        return nc

    def changed(self, nc: Nonconformity, reason: str, kind: str = "~") -> None:
        values = {name: getattr(nc, name) for name in self.FIELDS}
        self.history.append((nc, kind, reason, values, self.cases.get(id(nc))))

    def join(self, output: Nonconformity, case: Nonconformity) -> None:
        if output.pk:  # stored before this import: saved as a case takes it one by one
            self.stored.append((output, case))
        else:
            self.cases[id(output)] = case
            self.changed(output, _joined(case))

    def write(self) -> int:
        bulk = BulkInsert(Nonconformity)
        bulk.insert([nc for nc in self.raised if not nc.is_output])
        for output in self.raised:
            if id(output) in self.cases:
                output.corrective_action_id = self.cases[id(output)].pk
        bulk.insert([nc for nc in self.raised if nc.is_output])
        history = Nonconformity.history.model
        BulkInsert(history).insert(
            [
                history(
                    **{**values, "id": nc.pk, "corrective_action_id": case.pk if case else None},
                    history_date=self.when,
                    history_type=kind,
                    history_change_reason=reason,
                    history_user_id=self.user.pk if self.user else None,
                )
                for nc, kind, reason, values, case in self.history
            ]
        )
        for output, case in self.stored:
            _join(output, case, self.user)
        return len(self.raised)


@transaction.atomic
def nc_escalate(*, nc: Nonconformity, user: User, reason: str) -> Nonconformity:
    """The ISO secretary opens a corrective action from one nonconforming output, open
    or closed, that needs its cause removed; the reason is the case's description."""
    _require_secretary(user)
    nc = _lock(nc)
    if not nc.is_output:
        raise ValidationError(_("Only a nonconforming output is escalated to a corrective action."))
    if nc.stage == Stage.CANCELLED:
        raise ValidationError(_("%(code)s is cancelled: it is not escalated.") % {"code": nc.code})
    if nc.corrective_action_id:
        raise ValidationError(
            _("%(code)s is already handled by the corrective action %(case)s.")
            % {"code": nc.code, "case": nc.corrective_action.code}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the corrective action.")})
    case = nc_raise(
        user=user,
        kind=Nonconformity.Kind.CORRECTIVE,
        source=Nonconformity.Source.ESCALATION,
        severity=nc.severity,
        clause="10.2",
        unit=nc.unit,
        procedure=nc.procedure,
        description=reason,
        evidence=f"{nc.code}: {nc.description}",
        reason=_("Escalated from %(code)s") % {"code": nc.code},
    )
    _join(nc, case, user)
    return case


def _complaint_received(complaint: Complaint, *, user: User | None, reason: str) -> Complaint:
    """Checks and saves a complaint just received, now: its answer is due 15 working
    days later by the calendar, and it takes the next reference of its year (given
    back with the transaction if the complaint is refused)."""
    now = timezone.now()
    today = timezone.localdate(now)
    complaint.received_at = now
    complaint.answer_due = CalendarDay.objects.calendar().add_working_days(
        today, COMPLAINT_ANSWER_DAYS
    )
    complaint.reference = f"PAKN-{today.year}-{ComplaintSequence.take(today.year):04d}"
    complaint = save_tracked(complaint, user=user, reason=reason)
    _tell_citizen(complaint, Event.FEEDBACK_ACKNOWLEDGED, complaint_notices.acknowledgement)
    return complaint


def _tell_citizen(complaint: Complaint, event: Event, message) -> None:
    """E-mail the citizen who gave an address, through the outbox (in this
    transaction: a refused complaint or answer sends nothing)."""
    notice = message(complaint)
    notify(
        event=event,
        recipient=complaint.email,
        subject=notice.subject,
        body=notice.body,
        dossier=complaint.dossier,
    )


@transaction.atomic
def complaint_record(
    *,
    user: User,
    citizen: str,
    content: str,
    phone: str = "",
    email: str = "",
    contact: str = "",
    dossier: Dossier | None = None,
    repeated: bool = False,
) -> Complaint:
    """A complaint brought to the desk, received by `user`."""
    complaint = Complaint(
        source=Complaint.Source.DESK,
        citizen=citizen,
        phone=phone,
        email=email,
        contact=contact,
        content=content,
        dossier=dossier,
        repeated=repeated,
        received_by=user,
    )
    return _complaint_received(complaint, user=user, reason=_("Received"))


@transaction.atomic
def complaint_send(
    *,
    source: str,
    citizen: str,
    content: str,
    phone: str = "",
    email: str = "",
    dossier: Dossier | None = None,
) -> Complaint:
    """A complaint the citizen sends from the public pages (`source`), without an
    account: from the status page of `dossier`, or from the public form (with a
    dossier if its code was given). Nobody received it, and no one is its history's
    author. From the public form only the citizen's phone or e-mail reaches them, so
    one is required; from a status page the dossier holds the applicant's."""
    if source == Complaint.Source.DESK:
        raise ValueError("A complaint brought to the desk is recorded by complaint_record.")
    if source == Complaint.Source.PUBLIC_FORM and not (phone.strip() or email.strip()):
        message = _("Give a phone number or an e-mail address, so that the answer reaches you.")
        raise ValidationError({"phone": message})
    complaint = Complaint(
        source=source, citizen=citizen, phone=phone, email=email, content=content, dossier=dossier
    )
    return _complaint_received(complaint, user=None, reason=_("Sent by the citizen"))


@transaction.atomic
def complaint_answer(
    *, complaint: Complaint, user: User, answer: str, raise_severity: str = ""
) -> Complaint:
    """Answer a complaint, once (a replayed or concurrent answer is refused under the
    row lock). With `raise_severity` the complaint is also recorded as a nonconformity,
    in the same transaction: a refused raise leaves it unanswered."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.answered_at:
        raise ValidationError(_("This complaint is already answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    complaint.answer, complaint.answered_at = answer, timezone.now()
    track(complaint, user, _("Answered"))
    complaint.save()
    if raise_severity:
        nc_from_complaint(complaint=complaint, user=user, severity=raise_severity)
    _tell_citizen(complaint, Event.FEEDBACK_ANSWERED, complaint_notices.answered)
    return complaint


@transaction.atomic
def complaint_disliked(*, complaint: Complaint, user: User) -> Complaint:
    """Record that the citizen disliked the answer (Decision 766, indicator 5.3)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not complaint.answered_at:
        raise ValidationError(_("This complaint is not answered yet."))
    if complaint.disliked:
        raise ValidationError(_("The citizen's dislike of this answer is already recorded."))
    complaint.disliked = True
    return save_tracked(complaint, user=user, reason=_("The citizen disliked the answer"))


@transaction.atomic
def nc_from_complaint(*, complaint: Complaint, user: User, severity: str) -> Nonconformity | None:
    """A complaint raises at most one nonconformity, and only by someone who may raise
    nonconformities (the answer form offers it to them alone, but a form can be forged)."""
    if not user.has_perm("nonconformities.add_nonconformity"):
        raise ValidationError(
            _("Only the ISO secretary or an internal auditor records a nonconformity.")
        )
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.nonconformities.exists():
        return None
    dossier = complaint.dossier
    return nc_raise(
        user=user,
        source=Nonconformity.Source.COMPLAINT,
        severity=severity,
        clause="9.1.2",
        unit=dossier.procedure.unit if dossier else None,
        procedure=dossier.procedure if dossier else None,
        description=complaint.content,
        evidence=_("Complaint of %(citizen)s") % {"citizen": complaint.citizen},
        complaint=complaint,
    )


def _require_secretary(user: User) -> None:
    """The ISO secretary handles the register: correction, analysis, plan, cancelling."""
    if not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the ISO secretary handles nonconformities."))


def _lock(nc: Nonconformity) -> Nonconformity:
    return Nonconformity.objects.select_for_update().get(pk=nc.pk)


def _require_corrective(nc: Nonconformity) -> None:
    if nc.is_output:
        raise ValidationError(
            _(
                "%(code)s is a nonconforming output: it is corrected, not analysed; "
                "escalate it to open a corrective action."
            )
            % {"code": nc.code}
        )


def _require_open(nc: Nonconformity) -> None:
    if not nc.is_open:
        raise ValidationError(
            _("%(code)s is %(stage)s: it can no longer change.")
            % {"code": nc.code, "stage": nc.get_stage_display().lower()}
        )


@transaction.atomic
def nc_record_correction(*, nc: Nonconformity, user: User, correction: str) -> Nonconformity:
    """The immediate correction can be recorded at any open stage, even before analysis."""
    _require_secretary(user)
    nc = _lock(nc)
    _require_open(nc)
    nc.correction = correction
    track(nc, user, _("Correction recorded"))
    nc.save()
    return nc


@transaction.atomic
def nc_analyse(*, nc: Nonconformity, user: User, root_cause: str) -> Nonconformity:
    _require_secretary(user)
    nc = _lock(nc)
    _require_corrective(nc)
    if nc.stage not in (Stage.DRAFT, Stage.ANALYSIS, Stage.ACTION_PLAN):
        raise ValidationError(_("The root cause is analysed before the actions start."))
    nc.root_cause = root_cause
    nc.stage = Stage.ANALYSIS if not root_cause.strip() else Stage.ACTION_PLAN
    track(nc, user, _("Root cause analysed"))
    nc.save()
    return nc


@transaction.atomic
def action_add(
    *, nc: Nonconformity, user: User, kind: str, description: str, owner: User, due_date: date
) -> Action:
    _require_secretary(user)
    nc = _lock(nc)
    if nc.stage not in (Stage.ACTION_PLAN, Stage.IN_PROGRESS):
        raise ValidationError(_("Actions are planned after the analysis, before verification."))
    action = Action(
        nonconformity=nc, kind=kind, description=description, owner=owner, due_date=due_date
    )
    return save_tracked(action, user=user, reason=_("Action planned"))


@transaction.atomic
def nc_start_actions(*, nc: Nonconformity, user: User) -> Nonconformity:
    """The plan is complete: a root cause and at least one corrective action with an
    owner and a due date."""
    _require_secretary(user)
    nc = _lock(nc)
    if nc.stage != Stage.ACTION_PLAN:
        raise ValidationError(_("Only an action plan can start."))
    if not nc.root_cause.strip():
        raise ValidationError({"root_cause": _("Analyse the root cause first.")})
    corrective = nc.actions.filter(kind=Action.Kind.CORRECTIVE)
    if not corrective.exists():
        raise ValidationError(_("The plan needs at least one corrective action."))
    if nc.verdict_effective is False and not corrective.filter(done_on__isnull=True).exists():
        raise ValidationError(
            _("The actions were found ineffective: plan a new corrective action first.")
        )
    nc.stage = Stage.IN_PROGRESS
    track(nc, user, _("Actions started"))
    nc.save()
    return nc


@transaction.atomic
def action_done(
    *, action: Action, user: User, done_on: date, evidence: str, evidence_file=None
) -> Action:
    action = Action.objects.select_for_update().select_related("nonconformity").get(pk=action.pk)
    if user.pk != action.owner_id and not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the owner of the action or the ISO secretary marks it done."))
    if action.nonconformity.stage != Stage.IN_PROGRESS or action.done_on:
        raise ValidationError(_("Only an open action of a plan in progress can be marked done."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Give the evidence that the action was done.")})
    action.done_on, action.evidence, action.done_by = done_on, evidence, user
    if evidence_file:
        action.evidence_file = evidence_file
    # full_clean checks the evidence file's type and size
    return save_tracked(action, user=user, reason=_("Action done"))


@transaction.atomic
def nc_request_verification(*, nc: Nonconformity, user: User) -> Nonconformity:
    _require_secretary(user)
    nc = _lock(nc)
    if nc.stage != Stage.IN_PROGRESS:
        raise ValidationError(_("Only actions in progress can go to verification."))
    if nc.actions.filter(done_on__isnull=True).exists():
        raise ValidationError(_("It cannot be verified while an action is open."))
    nc.stage = Stage.VERIFICATION
    track(nc, user, _("Sent for verification"))
    nc.save()
    return nc


@transaction.atomic
def nc_verify(*, nc: Nonconformity, user: User, effective: bool, evidence: str) -> Nonconformity:
    """An auditor or the ISO secretary who neither owned nor recorded as done any of
    the actions verifies them; effective closes the nonconformity, ineffective sends
    it back to the plan."""
    nc = _lock(nc)
    if nc.stage != Stage.VERIFICATION:
        raise ValidationError(_("Only a nonconformity sent for verification can be verified."))
    if not user.has_role(Role.AUDITOR, Role.ISO_SECRETARY):
        raise ValidationError(_("Verification is done by an auditor or the ISO secretary."))
    if nc.actions.filter(owner=user).exists():
        raise ValidationError(_("You own one of its actions: someone else must verify it."))
    if nc.actions.filter(done_by=user).exists():
        raise ValidationError(
            _("You recorded one of its actions as done: someone else must verify it.")
        )
    if not evidence.strip():
        raise ValidationError({"evidence": _("Give the evidence of the verification.")})
    nc.verdict_effective = effective
    nc.verification_evidence = evidence
    nc.verified_by, nc.verified_on = user, timezone.localdate()
    nc.stage = Stage.CLOSED if effective else Stage.ACTION_PLAN
    track(nc, user, _("Verified effective") if effective else _("Verified ineffective"))
    nc.save()
    return nc


@transaction.atomic
def nc_cancel(*, nc: Nonconformity, user: User, reason: str) -> Nonconformity:
    _require_secretary(user)
    nc = _lock(nc)
    _require_open(nc)
    if nc.stage == Stage.VERIFICATION:
        raise ValidationError(
            _("It is being verified: the verifier decides, it cannot be cancelled.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    nc.stage, nc.cancel_reason = Stage.CANCELLED, reason
    track(nc, user, reason)
    nc.save()
    return nc


def what_is_missing(nc: Nonconformity) -> str:
    """What stands between the nonconformity and its next stage, in words."""
    if not nc.is_open:
        return ""
    if nc.is_output:
        return _("It closes when the result is delivered to the citizen.")
    if nc.stage in (Stage.DRAFT, Stage.ANALYSIS) or not nc.root_cause.strip():
        return _("Record the immediate correction if any, then analyse the root cause.")
    if nc.stage == Stage.ACTION_PLAN:
        if not nc.actions.filter(kind="corrective").exists():
            return _("Plan at least one corrective action with its owner and due date.")
        return _("Start the actions.")
    if nc.stage == Stage.IN_PROGRESS:
        open_actions = nc.actions.filter(done_on__isnull=True).count()
        if open_actions:
            return _("%(count)s actions are not done yet.") % {"count": open_actions}
        return _("Send it for verification.")
    return _(
        "An auditor or the ISO secretary who neither owns an action nor recorded one as done "
        "verifies its effectiveness."
    )
