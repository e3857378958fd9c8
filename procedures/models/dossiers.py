"""Processing records: each citizen dossier, from receipt to return (rules R1-R8).

What reports need is stored on the row when it happens (the receipt day, the
appointment date, the outcome, the 766 flag), so KPIs aggregate indexed columns
and never recompute a dossier's history.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procedures.models.controlled import (
    Appointment,
    CopyType,
    Procedure,
    ProcedureRevision,
    ResultValidity,
    RevisionStep,
)
from qms.dates import local_day, short_date
from qms.models import (
    ApprovedRecord,
    ApprovedRecordQuerySet,
    NumberSequence,
    Unit,
    document_number_field,
)
from qms.privacy import CitizenContact, citizen_contact
from qms.roles import Role
from qms.uploads import DeletesReplacedFiles, GeneratedName, upload_validators
from qms.validators import validate_phone
from qms.working_days import OfficeHours, WorkingCalendar

RULES_2025_FROM = date(2025, 7, 1)
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class RuleSet(models.TextChoices):
    """Rule R1: the rules and forms in force when the dossier was received."""

    V2018 = "2018", _("2018 (Decree 61/2018, Circular 01/2018)")
    V2025 = "2025", _("2025 (Decree 118/2025, Circular 03/2025)")

    @classmethod
    def for_receipt(cls, received_on: date) -> "RuleSet":
        return cls.V2025 if received_on >= RULES_2025_FROM else cls.V2018


class Reception(models.TextChoices):
    """The officer's decision on a dossier brought to the desk."""

    ACCEPT = "accept", _("Accept")
    INCOMPLETE = "incomplete", _("Incomplete: give guidance to complete it (form 02)")
    REFUSE = "refuse", _("Refuse (form 03)")


class Channel(models.TextChoices):
    DIRECT = "direct", _("At the desk")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class Delivery(models.TextChoices):
    """Where the applicant chose to get the result (form 01, the tracking book's
    "Phương thức nhận kết quả"): not the channel the dossier came in by."""

    DESK = "desk", _("Collected where the dossier was received")
    POST = "post", _("Sent by public postal service")
    ONLINE = "online", _("Online, as an electronic result")


class Outcome(models.TextChoices):
    """Rule R5, by date against the appointment date."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")

    @classmethod
    def compare(cls, done_on: date, due_on: date) -> "Outcome":
        if done_on < due_on:
            return cls.EARLY
        return cls.ON_TIME if done_on == due_on else cls.LATE


class Rating(models.TextChoices):
    """Rule R6: the official three-level scale."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class RatingSource(models.TextChoices):
    """Who gave the rating: the citizen on the public pages (their phone, the desk's
    kiosk), or the officer who typed what the citizen said at the return."""

    CITIZEN = "citizen", _("By the citizen themselves")
    OFFICER = "officer", _("Entered by the officer")


# The nine criteria of the 2018 evaluation (domain-vn.md §8.1), each scored 0 to 2
# beside the rating; stored in this order in `Dossier.criteria`.
SATISFACTION_CRITERIA = [
    _("Total processing time against the legal limit"),
    _("Time taken by each agency involved"),
    _("Number of contacts needed to complete the dossier"),
    _("Number of agencies the applicant had to contact"),
    _("Reception, processing and return all at the one-stop desk"),
    _("Publicity of the procedure"),
    _("Attitude of the officials"),
    _("How feedback was taken up and answered"),
    _("Online public services"),
]


def _status_is(*statuses: str) -> RawSQL:
    """`status IN (...)` written with literal values, not bound parameters: only
    then can SQLite see that a partial index on those statuses covers the query.
    The values are the model's own constants, never user input."""
    column = f'"{Dossier._meta.db_table}"."status"'
    if len(statuses) == 1:
        return RawSQL(f"{column} = '{statuses[0]}'", [], output_field=models.BooleanField())
    listed = ", ".join(f"'{status}'" for status in statuses)
    return RawSQL(f"{column} IN ({listed})", [], output_field=models.BooleanField())


class DossierQuerySet(models.QuerySet):
    def open(self):
        return self.filter(_status_is(*Dossier.OPEN_STATUSES))

    def followed(self):
        """The date the desk works to: the promised date of an issued apology, else
        the appointment (R11; the outcome still compares with the appointment, R5)."""
        return self.alias(followed_date=Coalesce("promised_date", "due_date"))

    def overdue(self, today: date):
        return self.open().followed().filter(followed_date__lt=today)

    def results_in_force_on(self, day: date):
        """Results issued by `day` and still valid on it (R16): every procedure's
        result without a time limit, a limited one issued less than its months
        before `day`, never one that is not a lasting result. Dossiers imported from
        before the system count like any other."""
        in_force = Q(procedure__result_validity=ResultValidity.PERMANENT)
        limited = Procedure.objects.filter(result_validity=ResultValidity.MONTHS)
        for procedure, months in limited.values_list("pk", "result_valid_months"):
            since = day - relativedelta(months=months)
            in_force |= Q(procedure=procedure, completed_on__gt=since)
        return self.filter(in_force, completed_on__lte=day)

    def due_on(self, day: date):
        return self.open().followed().filter(followed_date=day)

    WORKLISTS = {
        "due_today": _("Due today"),
        "due_next": _("Due on the next working day"),
        "overdue": _("Overdue"),
        "waiting": _("Waiting for a supplement"),
        "ready": _("Ready to return"),
    }

    def worklist(self, name: str, today: date, next_working_day: date):
        """The officer's worklists (their counts are on the home page)."""
        return {
            "due_today": lambda: self.due_on(today),
            "due_next": lambda: self.due_on(next_working_day),
            "overdue": lambda: self.overdue(today),
            "waiting": lambda: self.open().filter(status=Dossier.Status.WAITING),
            "ready": lambda: self.filter(_status_is(Dossier.Status.COMPLETED)),
        }[name]()

    def received(self):
        """Rule R13: the dossiers the desk accepted. One turned away at intake was
        never received; one accepted and later sent for a supplement, refused, stopped
        or withdrawn during processing was."""
        return self.exclude(status__in=Dossier.TURNED_AWAY_STATUSES)

    def turned_away(self):
        """Rule R13: the requests the desk turned away at intake (form 02 before
        acceptance, form 03), kept as the register of who was turned away and why."""
        return self.filter(status__in=Dossier.TURNED_AWAY_STATUSES)

    def in_queue_of(self, user):
        """Dossiers waiting at a step that `user` runs: the steps of their unit, and
        for the chairman and vice-chairmen, the leadership steps (either may sign)."""
        condition = Q(current_unit__isnull=False, current_unit=user.unit_id)
        if user.has_role(Role.CHAIRMAN, Role.VICE_CHAIRMAN):
            condition |= Q(current_unit__isnull=True)
        return self.filter(status=Dossier.Status.IN_PROGRESS).filter(condition)


REPRESENTATIVE_FIELDS = (
    "representative_name",
    "representative_id_number",
    "representative_address",
    "representative_phone",
    "representative_email",
    "representative_authorisation",
)


def representative_problems(values: dict[str, str]) -> dict[str, str]:
    """Who acts for the applicant is known only by name and by the document that
    authorises them (form 01 prints both): once any detail of an authorised person
    is given, those two are required. `values`: the REPRESENTATIVE_FIELDS as typed."""
    if not any(str(value or "").strip() for value in values.values()):
        return {}
    required = {
        "representative_name": _("Give the authorised person's full name."),
        "representative_authorisation": _(
            "Give the authorisation document (for example “Giấy ủy quyền số 12/2026 "
            "ngày 01/12/2026”)."
        ),
    }
    return {
        name: message
        for name, message in required.items()
        if not str(values.get(name) or "").strip()
    }


class Dossier(DeletesReplacedFiles):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Not accepted: incomplete")
        REFUSED = "refused", _("Not accepted: refused")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting for the citizen's supplement")
        COMPLETED = "completed", _("Result ready")
        RETURNED = "returned", _("Returned")
        STOPPED = "stopped", _("Stopped at the citizen's request")
        WITHDRAWN = "withdrawn", _("Withdrawn by the citizen")

    OPEN_STATUSES = (Status.IN_PROGRESS, Status.WAITING)
    # Rule R13: the desk's decisions at intake that mean the dossier was never received.
    TURNED_AWAY_STATUSES = (Status.INCOMPLETE, Status.REFUSED)
    RESULT_STATUSES = (Status.COMPLETED, Status.RETURNED)
    ACCEPTED_STATUSES = (
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.COMPLETED,
        Status.RETURNED,
        Status.STOPPED,
        Status.WITHDRAWN,
    )

    code = models.CharField(_("dossier code"), max_length=40, unique=True)
    # Found through the index led by it (dossier_list_procedure): an index of the
    # column alone would only slow every write, an import's above all.
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    # None only for a dossier of the history, imported from before its procedure
    # had a revision in force ("before the QMS"): its appointment came from the file.
    revision = models.ForeignKey(
        ProcedureRevision,
        verbose_name=_("procedure revision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    rule_set = models.CharField(_("rule set"), max_length=4, choices=RuleSet.choices)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    # The person who brings the dossier on the applicant's behalf (form 01, §2.2).
    representative_name = models.CharField(_("authorised person"), max_length=200, blank=True)
    representative_id_number = models.CharField(
        _("authorised person's ID number"), max_length=20, blank=True
    )
    representative_phone = models.CharField(
        _("authorised person's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    representative_address = models.CharField(
        _("authorised person's address"), max_length=300, blank=True
    )
    representative_email = models.EmailField(_("authorised person's e-mail"), blank=True)
    representative_authorisation = models.CharField(
        _("authorisation document"), max_length=300, blank=True
    )
    delivery = models.CharField(
        _("result delivery"), max_length=8, choices=Delivery.choices, default=Delivery.DESK
    )
    book_year = models.PositiveSmallIntegerField(_("tracking book volume"), null=True, blank=True)
    book_row = models.PositiveIntegerField(_("tracking book row"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    documents_count = models.PositiveSmallIntegerField(_("documents received"), default=1)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reception_reason = models.TextField(
        _("reason"), blank=True, help_text=_("What is missing, or why it cannot be accepted.")
    )
    reception_number = document_number_field(
        verbose_name=_("number of the form issued at receipt"),
        help_text=_("Form 02 (incomplete) or form 03 (refused), numbered when received."),
    )

    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clock_started_at = models.DateTimeField(_("time limit counted from"), null=True, blank=True)
    first_due_date = models.DateField(_("appointment set at receipt"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    due_date = models.DateField(_("appointment date"), null=True, blank=True)
    promised_date = models.DateField(
        _("promised date"),
        null=True,
        blank=True,
        help_text=_(
            "The new date of the issued apology (form 04): worklists follow it; the "
            "outcome is still measured against the appointment."
        ),
    )

    current_step = models.ForeignKey(
        RevisionStep,
        verbose_name=_("current step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    current_unit = models.ForeignKey(
        Unit,
        verbose_name=_("at unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # led by dossier_queue, as the procedure is by its own
    )

    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    waiting_since = models.DateTimeField(null=True, blank=True)
    waiting_total = models.DurationField(_("time waiting for supplements"), default=timedelta)

    completed_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    completed_on = models.DateField(_("result ready on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    # set when the processing ends (`end_processing`)
    on_time_766 = models.BooleanField(_("on time (Decision 766)"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    digitised = models.BooleanField(_("result digitised"), default=False)
    result_scan = models.FileField(
        _("scanned result"),
        upload_to=GeneratedName("results"),
        blank=True,
        validators=upload_validators(SCAN_EXTENSIONS, 20),
    )
    rating = models.CharField(
        _("citizen's rating"), max_length=16, choices=Rating.choices, blank=True
    )
    rating_source = models.CharField(
        _("rating given"), max_length=8, choices=RatingSource.choices, blank=True
    )
    criteria = models.JSONField(_("nine criteria (0-2)"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("stopped at"),
        null=True,
        blank=True,
        help_text=_("When the citizen stopped or withdrew the dossier: the stop notice's date."),
    )
    ended_reason = models.TextField(_("reason for stopping"), blank=True)
    # The history is read by dossier (`id`), by moment and by user: the indexes the
    # other columns would have cost every write (an import's 100,000 history rows
    # among them) and served no query.
    history = HistoricalRecords(
        no_db_index=[
            "code",
            "procedure",
            "revision",
            "current_step",
            "current_unit",
            "received_by",
            "reception_number",
        ]
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="dossier_list"),
            models.Index(
                fields=["procedure", "-received_at", "-id"], name="dossier_list_procedure"
            ),
            # The KPIs' counts by the date that places a dossier in a period (kpi.py) read
            # these three indexes alone, never the table: each holds every column its
            # counts test (the received, the resolved and the stock of results in force
            # (R16), the rated), and the second the late counts per procedure.
            models.Index(
                fields=[
                    "received_on",
                    "procedure",
                    "status",
                    "channel",
                    "due_date",
                    "completed_on",
                ],
                name="dossier_received",
            ),
            models.Index(
                fields=["completed_on", "outcome", "procedure", "digitised", "returned_on"],
                name="dossier_completed",
            ),
            models.Index(
                fields=["returned_on", "rating", "rating_source"], name="dossier_returned"
            ),
            models.Index(
                fields=["received_at"],
                condition=Q(status="completed"),
                name="dossier_ready",
            ),
            # Open dossiers are few among millions: a partial index finds them at once
            # (statistics on `status` alone cannot tell the planner so).
            models.Index(
                fields=["due_date", "received_at"],
                condition=Q(status__in=["in_progress", "waiting"]),  # OPEN_STATUSES
                name="dossier_open_due",
            ),
            models.Index(fields=["current_unit", "status"], name="dossier_queue"),
            models.Index(fields=["applicant_name"], name="dossier_applicant"),
        ]
        constraints = [
            # rule R12: a row of the tracking book is given once
            models.UniqueConstraint(fields=["book_year", "book_row"], name="dossier_book_row"),
            models.CheckConstraint(
                condition=~Q(status__in=["in_progress", "waiting", "completed", "returned"])
                | Q(due_date__isnull=False),
                name="dossier_accepted_has_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "returned"])
                | (Q(completed_on__isnull=False) & ~Q(outcome="")),
                name="dossier_completed_has_outcome",
            ),
            # steps belong to a revision: a dossier from before the QMS has none
            models.CheckConstraint(
                condition=Q(revision__isnull=False) | Q(current_step__isnull=True),
                name="dossier_step_needs_revision",
            ),
            # only the import of accepted history leaves the revision empty: a
            # dossier turned away at the desk (R13) was always received under one
            models.CheckConstraint(
                condition=Q(revision__isnull=False) | ~Q(status__in=["incomplete", "refused"]),
                name="dossier_without_revision_was_accepted",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def contact_for(self, user) -> CitizenContact:
        """The applicant's ID number, phone and address as `user` may see them."""
        return citizen_contact(
            user,
            id_number=self.applicant_id_number,
            phone=self.applicant_phone,
            address=self.applicant_address,
        )

    def representative_contact_for(self, user) -> CitizenContact:
        """The authorised person's ID number, phone and address as `user` may see
        them: a citizen's details like the applicant's, under the same rule."""
        return citizen_contact(
            user,
            id_number=self.representative_id_number,
            phone=self.representative_phone,
            address=self.representative_address,
        )

    @property
    def has_representative(self) -> bool:
        return any(getattr(self, name) for name in REPRESENTATIVE_FIELDS)

    def clean(self) -> None:
        super().clean()
        problems = representative_problems(
            {name: getattr(self, name) for name in REPRESENTATIVE_FIELDS}
        )
        if problems:
            raise ValidationError(problems)

    @property
    def before_qms(self) -> bool:
        """Imported history from before its procedure had a revision in force."""
        return self.revision_id is None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_accepted(self) -> bool:
        return self.status in self.ACCEPTED_STATUSES

    @property
    def apology(self) -> "Apology":
        """The apology in force: the draft waiting for the head, or the issued letter
        (withdrawn drafts stay in `apologies` only). Without one it raises an
        AttributeError, as the one-to-one accessor it stands for did, so that
        `hasattr(dossier, "apology")` asks whether the dossier has one."""
        try:
            return self.apologies.get(withdrawn_at__isnull=True)
        except Apology.DoesNotExist as missing:
            raise AttributeError("apology") from missing

    # Labels by enum lookup: long lists show them on every row, and Django's
    # get_FOO_display() rebuilds the whole choices dict on each call.
    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    @classmethod
    def overdue_open_on(cls, day: date) -> Q:
        """Still open on `day` and past its appointment by then (R7's open_overdue):
        accepted, not ended by the citizen (a stopped dossier has no result), due
        before `day` and not completed by then."""
        return (
            Q(status__in=[*cls.OPEN_STATUSES, *cls.RESULT_STATUSES])
            & Q(due_date__lt=day)
            & (Q(completed_on__isnull=True) | Q(completed_on__gt=day))
        )

    def start_clock(self, calendar, start: datetime, office_hours) -> None:
        """Count the time limit from `start` (receipt, or the R4 restart)."""
        appointment = self.revision.appointment(calendar, start, office_hours)
        self.clock_started_at = appointment.clock_start
        self.due_at = appointment.due_at
        self.due_date = local_day(appointment.due_at)

    def last_day_to_apologise(self, calendar) -> date:
        """The last day the head can issue an apology (R5): the working day before
        the appointment, so that the citizen is told before coming for nothing."""
        return calendar.previous_working_day(self.due_date)

    def finish(self, completed_at: datetime) -> None:
        """The result is ready: the outcome by rule R5, and the 766 flag beside it."""
        self.completed_at, self.completed_on = completed_at, local_day(completed_at)
        self.outcome = Outcome.compare(self.completed_on, self.due_date)
        self.end_processing(completed_at)

    def end_processing(self, ended_at: datetime) -> None:
        """Decision 766's on-time test (indicator 2.1, rule R14) at the end of the
        processing (the result ready, or the stop or withdrawal): the time waited for
        supplements subtracted, measured against the appointment set at receipt, and
        more than one supplement request late whatever the dates. Indicator 2.1 reads
        this flag for every dossier that ended; it measures the still-open ones itself
        (qms/oversight/i766.py)."""
        measured_on = local_day(ended_at - self.waiting_total)
        self.on_time_766 = self.supplement_count <= 1 and measured_on <= self.first_due_date

    def enter_step(self, step: RevisionStep | None) -> None:
        """Move to `step` (None once the processing is over); the unit that runs it
        is stored beside it for the queues (none for a leadership step)."""
        self.current_step = step
        self.current_unit = step.unit if step else None

    def current_step_deadline(
        self, calendar: WorkingCalendar, office_hours: OfficeHours
    ) -> datetime | None:
        """When the current step must be handed on (the control slip's deadline);
        None once the processing is over or before the clock started."""
        if self.current_step is None or self.clock_started_at is None or self.due_at is None:
            return None
        appointment = Appointment(self.clock_started_at, self.due_at)
        return self.revision.step_deadline(self.current_step, calendar, appointment, office_hours)

    def next_step(self) -> RevisionStep | None:
        if self.current_step is None:
            return None
        return self.revision.steps.filter(order__gt=self.current_step.order).first()


class SupplementRequest(models.Model):
    """A request to supplement during processing: stops the clock until answered (R4)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("items to supplement and why"))
    answered_at = models.DateTimeField(_("complete dossier back at"), null=True, blank=True)
    new_due_date = models.DateField(_("new appointment date"), null=True, blank=True)
    number = document_number_field(verbose_name=_("number"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.reason[:60]}"


class ApologyQuerySet(ApprovedRecordQuerySet):
    def awaiting_issue(self):
        """Drafts the chairman or a vice-chairman may still sign: neither issued nor
        withdrawn, on a dossier in progress (one waiting for a supplement has no
        appointment to apologise for until it resumes, R4); the most urgent first."""
        return self.filter(
            approved_at__isnull=True,
            withdrawn_at__isnull=True,
            dossier__status=Dossier.Status.IN_PROGRESS,
        ).order_by("dossier__due_date", "drafted_at")


class Apology(ApprovedRecord):
    """The apology letter with a new appointment (form 04), at most one in force per
    dossier (R5). The unit at fault drafts it and may edit or withdraw the draft; it
    is issued when the head of the ward (the chairman or a vice-chairman) approves it
    by signing (R11): `approved_at` is the day of issue, and from then on the dossier
    carries the new date as its `promised_date`. A withdrawn draft stays on record
    (who drafted what, who withdrew it) but is never printed nor numbered, and the
    dossier may get a new draft: only an issued apology is the one of R5."""

    SIGNED_FIELDS = ("dossier_id", "drafted_by_id", "reason", "new_due_date")
    SIGNER_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)

    objects = ApologyQuerySet.as_manager()

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason for the delay"))
    new_due_date = models.DateField(_("new appointment date"))
    # Form 04's number (R10), given when the head issues it; a draft has none.
    number = document_number_field()
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
        permissions = [("approve_apology", _("Can issue an apology letter by approving it"))]
        constraints = [
            # R5's one apology per dossier: the draft waiting for the head, or the
            # issued letter; withdrawn drafts do not count
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(withdrawn_at__isnull=True),
                name="procedures_apology_one_in_force",
            ),
            # an issued apology is never withdrawn
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(approved_at__isnull=True),
                name="procedures_apology_issued_not_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} – {short_date(self.new_due_date)}"


class Handoff(models.Model):
    """One row of the control slip: a step finished and handed to the next unit."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handoffs")
    step = models.ForeignKey(
        RevisionStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("to unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    handed_at = models.DateTimeField(_("handed at"))
    deadline = models.DateTimeField(_("step deadline"))
    result = models.CharField(_("result"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        ordering = ["dossier", "handed_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.step}"


class DossierDocument(DeletesReplacedFiles):
    """A document the desk received with the dossier (form 01's numbered list), and
    its scan when it was scanned at the desk."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("document"), max_length=300)
    copy_type = models.CharField(_("copy type"), max_length=12, choices=CopyType.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    scan = models.FileField(
        _("scan made at the desk"),
        upload_to=GeneratedName("received"),
        blank=True,
        validators=upload_validators(SCAN_EXTENSIONS, 20),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("received document")
        verbose_name_plural = _("received documents")
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_document_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


@dataclass(frozen=True)
class DossierCode:
    """Rule R8: `<organisation code>-YYMMDD-NNNN`, the receipt day and that day's
    number, at least four digits. The desk writes codes with it and the import reads
    them with it, so both count the same numbers."""

    organisation: str
    day: date
    number: int

    FORMAT = re.compile(r"(?P<organisation>.+)-(?P<day>[0-9]{6})-(?P<number>[0-9]+)")

    @property
    def prefix(self) -> str:
        """What every code of this organisation and day starts with."""
        return f"{self.organisation}-{self.day:%y%m%d}-"

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:04d}"

    @classmethod
    def parse(cls, code: str) -> "DossierCode | None":
        """The parts of a code written in this format; None for any other code (an
        imported file may carry another system's codes) and for a day that does not
        exist."""
        if not (parts := cls.FORMAT.fullmatch(code)):
            return None
        digits = parts["day"]
        year = int(digits[:2])
        try:  # the century as strptime's %y reads it
            day = date(year + (2000 if year < 69 else 1900), int(digits[2:4]), int(digits[4:]))
        except ValueError:
            return None
        return cls(parts["organisation"], day, int(parts["number"]))


class DossierSequence(NumberSequence):
    """The last number given on each receipt day (rule R8). Whoever writes codes of
    a day (the desk, an import) locks the day's row first."""

    KEY = "day"
    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return f"{short_date(self.day)}: {self.last}"


class BookSequence(NumberSequence):
    """The last row of each year's tracking book (rule R12). Taken after the day's
    code number, in the same transaction, so receipts lock day then year and never
    wait on each other crosswise."""

    KEY = "year"
    year = models.PositiveSmallIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ImportProfile(models.Model):
    """How an export whose columns differ from the importer's names them: each of
    the file's headers mapped to one of the importer's fields (procedures.importer
    checks the mapping and compares headers without case, marks or punctuation)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        help_text=_(
            "The file's header and the importer's field for each column, e.g. "
            '{"Số biên nhận": "code", "Ngày nhận": "received_at"}.'
        ),
    )

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
