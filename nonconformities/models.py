"""Nonconformities and corrective actions (ISO 9001:2015 clauses 8.7 and 10.2).

One register, fed by audit findings, late dossiers, citizens' complaints, management
reviews and staff. Each nonconformity moves through its stages only by
`nonconformities.services`, which holds the guards between them.

A record is of one of two kinds (rule R15 of domain-vn.md). A nonconforming output
(8.7), such as a late dossier, is recorded with its correction and closes when
corrected; it has no root cause, actions nor verification. A corrective action case
(10.2) goes the whole way: correction, root cause, actions, verification of
effectiveness. Both are one model with a `kind` rather than two models: they share
the code sequence, the register and its filters and export, the PDF, the history and
the open-on/closed-by reading of the KPIs, and an output is often the evidence of a
case (`corrective_action` links the outputs a case was opened from); a second model
would copy all of that for the few fields an output leaves empty.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models import Finding
from procedures.models import Dossier, Procedure
from qms.history import value_on
from qms.models import NumberSequence, Unit
from qms.privacy import MASK, citizen_contact
from qms.uploads import DeletesReplacedFiles, GeneratedName, upload_validators
from qms.validators import validate_phone


class ComplaintSequence(NumberSequence):
    """The last reference number given per year (`PAKN-YYYY-NNNN`): taken in the
    transaction that records the complaint, so two sent at the same moment never share
    one and a refused one gives its number back."""

    KEY = "year"
    year = models.PositiveSmallIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Complaint(models.Model):
    """A citizen's complaint or recommendation (phản ánh, kiến nghị).

    Received at the desk by an officer, or sent by the citizen from the public pages
    (`source`), without an account: then nobody received it (`received_by` empty).
    The citizen's phone and e-mail are kept apart so that the answer can be sent to
    them; `contact` keeps whatever else reaches them (an address, a neighbour's phone),
    and what was written there before the two fields existed and is neither."""

    class Source(models.TextChoices):
        DESK = "desk", _("At the desk")
        STATUS_PAGE = "status_page", _("From the dossier's status page")
        PUBLIC_FORM = "public_form", _("From the public feedback form")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.DESK
    )
    received_at = models.DateTimeField(_("received at"))
    citizen = models.CharField(_("citizen"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    contact = models.CharField(
        _("other contact details"),
        max_length=200,
        blank=True,
        help_text=_("An address, or how else to reach the citizen."),
    )
    content = models.TextField(_("content"))
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_due = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Decision 766 indicator 5.3 counts a PAKN as unsatisfactory when it is repeated,
    # disliked or answered late.
    repeated = models.BooleanField(
        _("raised before"),
        default=False,
        help_text=_("The citizen raises again a matter already raised."),
    )
    disliked = models.BooleanField(_("the citizen disliked the answer"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint or recommendation")
        verbose_name_plural = _("complaints and recommendations")
        ordering = ["-received_at"]
        constraints = [
            # an officer receives at the desk; what the citizen sends, nobody
            models.CheckConstraint(
                condition=Q(source="desk", received_by__isnull=False)
                | (~Q(source="desk") & Q(received_by__isnull=True)),
                name="complaint_received_by_at_the_desk_only",
            ),
            models.CheckConstraint(
                condition=~Q(source="status_page") | Q(dossier__isnull=False),
                name="complaint_from_a_status_page_has_its_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.citizen}: {self.content[:60]}"

    def contact_for(self, user) -> dict[str, str]:
        """The citizen's phone, e-mail and other contact details as `user` may see them
        (`qms.privacy`): the e-mail, like the phone, only to who may reach the citizen."""
        shown = citizen_contact(user, id_number="", phone=self.phone, address=self.contact)
        may_see = user is None or user.may_see_citizen_contact()
        return {
            "phone": shown.phone,
            "email": self.email if may_see or not self.email else MASK,
            "other": shown.address,
        }


class NonconformityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(stage__in=Nonconformity.OPEN_STAGES)

    def outputs(self):
        return self.filter(kind=Nonconformity.Kind.OUTPUT)

    def corrective(self):
        return self.filter(kind=Nonconformity.Kind.CORRECTIVE)


class Nonconformity(models.Model):
    class Kind(models.TextChoices):
        OUTPUT = "output", _("Nonconforming output (8.7)")
        CORRECTIVE = "corrective", _("Corrective action (10.2)")

    class Source(models.TextChoices):
        INTERNAL_AUDIT = "internal_audit", _("Internal audit finding")
        EXTERNAL_AUDIT = "external_audit", _("External audit")
        LATE_DOSSIER = "late_dossier", _("Late dossier")
        LATE_PATTERN = "late_pattern", _("Repeated late dossiers of one procedure")
        ESCALATION = "escalation", _("Nonconforming output escalated by the ISO secretary")
        COMPLAINT = "complaint", _("Citizen complaint or recommendation")
        MANAGEMENT_REVIEW = "management_review", _("Management review")
        STAFF = "staff", _("Found by staff")

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")
        OBSERVATION = "observation", _("Observation")

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Recorded")
        ANALYSIS = "analysis", _("Correction and root cause")
        ACTION_PLAN = "action_plan", _("Action plan")
        IN_PROGRESS = "in_progress", _("Actions in progress")
        VERIFICATION = "verification", _("Verification of effectiveness")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STAGES = (
        Stage.DRAFT,
        Stage.ANALYSIS,
        Stage.ACTION_PLAN,
        Stage.IN_PROGRESS,
        Stage.VERIFICATION,
    )

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    clause = models.CharField(_("ISO clause"), max_length=10, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, null=True, blank=True
    )
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"), blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    found_on = models.DateField(_("found on"))
    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="nonconformity"
    )
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="nonconformity"
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="nonconformities"
    )
    # The corrective action case an output was taken into (by a pattern or an
    # escalation): at most one, so that no two cases are opened for the same outputs.
    corrective_action = models.ForeignKey(
        "self",
        verbose_name=_("corrective action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outputs",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.DRAFT)
    correction = models.TextField(_("immediate correction"), blank=True)
    root_cause = models.TextField(_("root cause (e.g. five whys)"), blank=True)
    verdict_effective = models.BooleanField(_("actions effective"), null=True, blank=True)
    verification_evidence = models.TextField(_("verification evidence"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For an output: the day its correction was completed (the result delivered),
    # which closes it, by whoever delivered it; the KPIs read closure from this field.
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    objects = NonconformityQuerySet.as_manager()

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrective_action__isnull=True) | Q(kind="output"),
                name="nc_only_outputs_join_a_corrective_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    @property
    def is_output(self) -> bool:
        return self.kind == self.Kind.OUTPUT

    @classmethod
    def open_on(cls, day: date) -> Q:
        """Open on `day`: found by then, and neither cancelled nor closed by then."""
        return Q(found_on__lte=day) & (
            Q(stage__in=cls.OPEN_STAGES) | Q(stage=cls.Stage.CLOSED, verified_on__gt=day)
        )

    @classmethod
    def stage_on(cls, day: date):
        """The stage of a record open on `day` as it was then (an expression to
        annotate with), by its history; "recorded" for one entered as closed later
        (an import) that history cannot tell."""
        return value_on(cls, "stage", day, among=cls.OPEN_STAGES, default=Value(cls.Stage.DRAFT))

    @classmethod
    def overdue_on(cls, day: date) -> Q:
        """Open on `day` with an action due before then and not done by then."""
        late = Action.objects.late_on(day).filter(nonconformity=OuterRef("pk"))
        return cls.open_on(day) & Q(Exists(late))


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True, nonconformity__stage__in=Nonconformity.OPEN_STAGES)

    def late_on(self, day: date):
        """Due before `day` and not done by then."""
        return self.filter(due_date__lt=day).filter(Q(done_on__isnull=True) | Q(done_on__gt=day))

    def overdue(self, day: date):
        """Late on `day`, of a nonconformity open on `day`: what was overdue then."""
        return self.late_on(day).filter(
            nonconformity__in=Nonconformity.objects.filter(Nonconformity.open_on(day))
        )


class Action(DeletesReplacedFiles):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CORRECTIVE = "corrective", _("Corrective action")
        IMPROVEMENT = "improvement", _("Improvement")

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="nc_actions",
    )
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Who recorded it done may not verify the nonconformity (separation of duties).
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=GeneratedName("evidence"),
        blank=True,
        validators=upload_validators(["pdf", "jpg", "jpeg", "png", "doc", "docx"], 10),
    )
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.nonconformity.code}: {self.description[:60]}"
