"""The documented information that frames the desk's records: risks and opportunities
(ISO 9001:2015 6.1), competence and awareness (7.2, 7.3), the retention of records
(7.5.3) and the decision setting up the ISO steering group (5.3, Decision 19/2014
Art. 4: "thành lập Ban chỉ đạo ISO").

Each is a record with history; the disposal list and the steering decision are
approved by the chairman's signature (`qms.signing.chairman_approve`) and never change
afterwards, except for what the disposal records as done after its approval.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nonconformities.models import ActionQuerySet
from procedures.models import Field
from qms.models import ApprovedRecord, NumberSequence, User
from qms.signatures import FrozenPart


class GovernanceSequence(NumberSequence):
    """The last number given per kind and year: risk codes (`RR-YYYY-NN`) and disposal
    lists (`NN/YYYY/DSHUY`), taken in the transaction that records them, so that two
    recorded at the same moment never share one."""

    KEY = ("kind", "year")
    kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="governance_sequence_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


# ---------------------------------------------------------------------------
# 6.1 Risks and opportunities


class Process(models.TextChoices):
    """The processes a risk belongs to: the desk, each field's procedures, audits."""

    DESK = "desk", _("One-stop desk")
    FIELD = "field", _("Procedures of a field")
    AUDITS = "audits", _("Internal audits")
    SYSTEM = "system", _("The QMS as a whole")


def process_label(process: str, field: str = "") -> str:
    if process == Process.FIELD:
        return f"{Process(process).label}: {Field(field).label}"
    return str(Process(process).label)


class RiskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Risk.Status.OPEN)

    def to_review(self, day: date):
        """Open and due for review by `day`: what the ISO secretary must look at."""
        return self.open().filter(review_date__lte=day)

    def in_scope(self, *, desk: bool, fields: set[str] | None):
        """The risks of an audit's processes: the desk's when it covers the desk, the
        fields' of the procedures it audits (every field when it names none), and
        those of audits and of the system as a whole, which every audit covers."""
        condition = Q(process__in=[Process.AUDITS, Process.SYSTEM])
        if desk:
            condition |= Q(process=Process.DESK)
        condition |= Q(process=Process.FIELD) & (Q(field__in=fields) if fields else Q())
        return self.filter(condition)


class Risk(models.Model):
    """A risk or an opportunity of one process, rated by likelihood and impact (1-5
    each, the ward's 5x5 matrix), with how it is treated, who owns it and when it is
    reviewed."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        OPPORTUNITY = "opportunity", _("Opportunity")

    class Treatment(models.TextChoices):
        AVOID = "avoid", _("Avoid")
        REDUCE = "reduce", _("Reduce")
        SHARE = "share", _("Share or transfer")
        ACCEPT = "accept", _("Accept")
        PURSUE = "pursue", _("Pursue the opportunity")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    RATING = [MinValueValidator(1), MaxValueValidator(5)]

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RISK)
    process = models.CharField(_("process"), max_length=10, choices=Process.choices)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices, blank=True)
    description = models.TextField(_("description"))
    cause = models.TextField(_("cause and consequence"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1-5)"), validators=RATING)
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"), validators=RATING)
    treatment = models.CharField(_("treatment"), max_length=10, choices=Treatment.choices)
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="risks",
    )
    identified_on = models.DateField(_("identified on"))
    due_date = models.DateField(_("treatment due"))
    review_date = models.DateField(_("next review"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    history = HistoricalRecords()

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        ordering = ["process", "field", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_rated_one_to_five",
                violation_error_message=_("Likelihood and impact are rated from 1 to 5."),
            ),
            # a field's procedures name their field; the other processes none
            models.CheckConstraint(
                condition=(Q(process="field") & ~Q(field="")) | (~Q(process="field") & Q(field="")),
                name="risk_field_only_for_a_field_process",
                violation_error_message=_("Only a field's procedures name a field."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("identified_on")),
                name="risk_due_after_identified",
                violation_error_message=_(
                    "The treatment cannot be due before the risk is identified."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description[:60]}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> "Risk.Level":
        """Low up to 4, medium up to 9, high from 10: the ward's matrix, where a high
        risk needs a treatment plan with actions."""
        return self.level_of(self.score)

    @classmethod
    def level_of(cls, score: int) -> "Risk.Level":
        if score >= 10:
            return cls.Level.HIGH
        return cls.Level.MEDIUM if score >= 5 else cls.Level.LOW

    @property
    def process_label(self) -> str:
        return process_label(self.process, self.field)

    def clean(self) -> None:
        errors = {}
        if self.process == Process.FIELD and not self.field:
            errors["field"] = _("Name the field whose procedures this risk belongs to.")
        if self.process and self.process != Process.FIELD and self.field:
            errors["field"] = _("Only a field's procedures name a field.")
        if self.identified_on and self.due_date and self.due_date < self.identified_on:
            errors["due_date"] = _("The treatment cannot be due before the risk is identified.")
        if errors:
            raise ValidationError(errors)


class RiskActionQuerySet(ActionQuerySet):
    """The corrective actions' reading of due and late (`late_on`), for a risk's."""

    def open(self):
        return self.filter(done_on__isnull=True, risk__status=Risk.Status.OPEN)


class RiskAction(models.Model):
    """An action treating a risk, tracked like a corrective action's (owner, due date,
    done on with its evidence). Not a `nonconformities.Action`: those belong to a
    nonconformity's stages and are verified with it."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="risk_actions",
    )
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    objects = RiskActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk action")
        verbose_name_plural = _("risk actions")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="risk_action_done_with_evidence",
                violation_error_message=_("Say what shows that the action was done."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk.code}: {self.description[:60]}"


# ---------------------------------------------------------------------------
# 7.2, 7.3 Competence and awareness


class TrainingQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        return self.filter(completed_on__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def auditor_certificates(self):
        """Internal-auditor courses with their certificate: what qualifies an auditor."""
        return self.filter(kind=TrainingRecord.Kind.INTERNAL_AUDITOR).exclude(certificate_number="")

    def renewals_due(self, day: date, within_days: int = 90):
        """Courses with a validity that ends within `within_days` of `day` (or has
        ended) and that no later course of the same kind for the same person
        renews."""
        renewed = TrainingRecord.objects.filter(
            person=OuterRef("person"),
            kind=OuterRef("kind"),
            completed_on__gt=OuterRef("completed_on"),
        )
        return (
            self.filter(valid_until__isnull=False, valid_until__lte=day + timedelta(within_days))
            .exclude(Exists(renewed))
            .filter(person__is_active=True)
        )


class TrainingRecord(models.Model):
    """A course a member of staff followed. Reading and acknowledging a procedure's
    revision (`procedures.Acknowledgement`) is procedure training too: the person's
    record shows those beside these, without copying them."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("ISO 9001 awareness")
        INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor course")
        PROCEDURE = "procedure", _("Procedure training")
        OTHER = "other", _("Other training")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("course"), max_length=300)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed on"))
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["person__full_name", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("completed_on")),
                name="training_valid_after_completed",
                violation_error_message=_("The validity must end after the course is completed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.title} ({self.completed_on:%d/%m/%Y})"

    def clean(self) -> None:
        if self.kind == self.Kind.INTERNAL_AUDITOR and not self.certificate_number.strip():
            raise ValidationError(
                {
                    "certificate_number": _(
                        "An internal auditor course is recorded with its certificate number."
                    )
                }
            )
        if self.valid_until and self.completed_on and self.valid_until <= self.completed_on:
            raise ValidationError(
                {"valid_until": _("The validity must end after the course is completed.")}
            )


def qualified_auditors(day: date | None = None):
    """The users holding an internal-auditor certificate valid on `day` (today when
    not given): the only ones an audit may name as lead or team member."""
    day = day or timezone.localdate()
    certificates = TrainingRecord.objects.auditor_certificates().valid_on(day)
    return User.objects.filter(Exists(certificates.filter(person=OuterRef("pk"))))


# ---------------------------------------------------------------------------
# 7.5.3 Retention and disposal


class RecordKind(models.TextChoices):
    DOSSIER = "dossier", _("Dossier with its control slip")
    TRACKING_BOOK = "tracking_book", _("Tracking book (a year's volume)")
    AUDIT = "audit", _("Internal audit records")
    NONCONFORMITY = "nonconformity", _("Nonconformity records")
    REVIEW = "review", _("Management review records")


class RetentionRule(models.Model):
    """How many years a kind of record is kept, counted from the year after the one
    in which it was closed (the archives' usual reckoning: a dossier returned in 2023
    and kept 5 years may be disposed of from 1 January 2029)."""

    kind = models.CharField(
        _("record kind"), max_length=16, choices=RecordKind.choices, unique=True
    )
    years = models.PositiveSmallIntegerField(
        _("years kept"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    counted_from = models.CharField(_("counted from"), max_length=200)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention schedule")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1),
                name="retention_at_least_a_year",
                violation_error_message=_("Records are kept at least a year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.years}"

    def disposable_from(self, closed_on: date) -> date:
        return date(closed_on.year + self.years + 1, 1, 1)


class DisposalList(ApprovedRecord):
    """A proposal to dispose of records of one kind whose retention has ended,
    approved by the chairman's signature (the decision); the disposal itself is then
    carried out item by item (`governance.services.disposal_execute`)."""

    SIGNED_FIELDS = ("number", "kind", "proposed_on", "reason")

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("record kind"), max_length=16, choices=RecordKind.choices)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    executed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposed of by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disposal list")
        verbose_name_plural = _("disposal lists")
        ordering = ["-proposed_on", "-id"]

    def __str__(self) -> str:
        return str(self.number)

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["items"] = [
            {"record": item.label, "closed_on": item.closed_on, "from": item.disposable_from}
            for item in self.items.order_by("pk")
        ]
        return content


class DisposalItem(FrozenPart):
    """One record on a disposal list: what it is (`label`, kept after the record's
    content is gone), when it was closed and when it may be disposed of; once
    disposed of, when and by whom (the trace, with the list's approval saying by
    whose decision)."""

    PARENT = "disposal_list"
    MUTABLE_FIELDS = ("disposed_on", "disposed_at", "disposed_by")

    disposal_list = models.ForeignKey(DisposalList, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("record kind"), max_length=16, choices=RecordKind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=300)
    closed_on = models.DateField(_("closed on"))
    disposable_from = models.DateField(_("may be disposed of from"))
    disposed_on = models.DateField(_("disposed of on"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposed of by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("record disposed of")
        verbose_name_plural = _("records disposed of")
        ordering = ["closed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="disposal_once_per_record",
                violation_error_message=_("This record is already on a disposal list."),
            ),
            # nothing is disposed of before the end of its retention
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=F("disposable_from")),
                name="disposal_not_before_its_date",
                violation_error_message=_(
                    "Nothing is disposed of before the end of its retention."
                ),
            ),
            models.CheckConstraint(
                condition=Q(disposable_from__gt=F("closed_on")),
                name="disposal_date_after_closing",
                violation_error_message=_("A record may be disposed of only after it is closed."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def locked_parents(cls):
        return DisposalList.objects.filter(signatures__isnull=False)


# ---------------------------------------------------------------------------
# The ISO steering group


class SteeringDecision(ApprovedRecord):
    """The chairman's decision setting up the ISO steering group and naming the ISO
    secretary (Decision 19/2014 Art. 4; the ward's decision number and date). The
    latest approved decision in force is the group the system shows; the accounts'
    roles are compared with it (`governance.services.steering_mismatches`)."""

    SIGNED_FIELDS = ("number", "signed_on", "title", "effective_from")

    number = models.CharField(_("number"), max_length=30, unique=True)
    signed_on = models.DateField(_("dated"))
    effective_from = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steering group decision")
        verbose_name_plural = _("steering group decisions")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_from__gte=F("signed_on")),
                name="steering_effective_after_signing",
                violation_error_message=_("The decision takes effect on or after its date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"

    def clean(self) -> None:
        if self.signed_on and self.effective_from and self.effective_from < self.signed_on:
            raise ValidationError(
                {"effective_from": _("The decision takes effect on or after its date.")}
            )

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["members"] = [
            {"person": member.person.get_full_name(), "role": member.role, "duty": member.duty}
            for member in self.members.select_related("person").order_by("pk")
        ]
        return content

    @classmethod
    def in_force(cls, day: date | None = None) -> "SteeringDecision | None":
        day = day or timezone.localdate()
        return cls.objects.filter(approved_at__isnull=False, effective_from__lte=day).first()


class SteeringMember(FrozenPart):
    PARENT = "decision"

    class GroupRole(models.TextChoices):
        HEAD = "head", _("Head of the steering group")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("ISO secretary")

    decision = models.ForeignKey(SteeringDecision, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT
    )
    role = models.CharField(_("role in the group"), max_length=10, choices=GroupRole.choices)
    duty = models.CharField(_("duty"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("steering group member")
        verbose_name_plural = _("steering group members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "person"],
                name="steering_member_once",
                violation_error_message=_("A person is named twice in the decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @classmethod
    def locked_parents(cls):
        return SteeringDecision.objects.filter(signatures__isnull=False)
