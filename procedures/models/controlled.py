"""Controlled procedures (ISO 9001:2015 clause 7.5): every administrative procedure
(TTHC) the one-stop desk handles, its numbered revisions, their steps and records.

A revision is a draft until submitted; the chairman or a vice-chairman approves it
by signing; it takes effect from a date and is superseded by the next one. From
approval on its content is frozen: `save()`, `delete()` and the querysets refuse
to change it, and its signature's hash shows any change made behind their back.
"""

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.dates import short_date
from qms.models import Organisation, Signature, Unit, User
from qms.roles import Role
from qms.signatures import FrozenPart, FrozenQuerySet, SignedRecordError
from qms.uploads import DeletesReplacedFiles, GeneratedName, upload_validators
from qms.working_days import LOCAL_TZ, LimitUnit, OfficeHours, WorkingCalendar

ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx"]


class CopyType(models.TextChoices):
    """How a submitted document is given (form 01's "copy type" column)."""

    ORIGINAL = "original", _("Original")
    CERTIFIED = "certified", _("Certified copy")
    PHOTOCOPY = "photocopy", _("Photocopy")


class Field(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Civil status")
    CERTIFICATION = "certification", _("Certification")
    LAND_CONSTRUCTION = "land_construction", _("Land and construction")
    CULTURE_SOCIETY = "culture_society", _("Culture and society")
    HOUSEHOLD_BUSINESS = "household_business", _("Household businesses")
    OTHER = "other", _("Other")


class ResultValidity(models.TextChoices):
    """How long a procedure's result stays valid (R16): what makes a returned result
    part of the stock of results in force that the plan wants digitised."""

    PERMANENT = "permanent", _("Valid without a time limit")
    MONTHS = "months", _("Valid for a number of months")
    NOT_LASTING = "not_lasting", _("Not a lasting result")


class ProcedureQuerySet(models.QuerySet):
    def controlled(self):
        """Procedures with an effective controlled revision."""
        return self.filter(revisions__status=ProcedureRevision.Status.EFFECTIVE)

    def in_iso_scope(self, day):
        """The system's ISO scope on `day`: the procedures in use at the desk with a
        controlled revision in force that day. ISO coverage counts them against the
        procedures in use; the scope, its announcement and the yearly report list them."""
        return self.filter(in_use=True).filter(in_force_revision(day))

    def update(self, **kwargs):
        if {"code", "name"} & set(kwargs) and ProcedureRevision.objects.locked().filter(
            procedure__in=self
        ).exists():
            raise SignedRecordError()
        return super().update(**kwargs)

    def due_for_review(self, today=None):
        today = today or localdate()
        return self.filter(Q(next_review_on__lte=today) | Q(legal_basis_changed=True))


def in_force_revision(day) -> Exists:
    """A condition on procedures: a revision of theirs is in force on `day`."""
    return Exists(ProcedureRevision.objects.in_force_on(day).filter(procedure=OuterRef("pk")))


class OnlineLevel(models.TextChoices):
    """How far the procedure is offered as an online public service (Decision 766, 3.1):
    partly (the dossier is submitted online, the rest is done at the desk) or fully."""

    NONE = "none", _("Not offered online")
    PARTIAL = "partial", _("Partly online (một phần)")
    FULL = "full", _("Fully online (toàn trình)")

    @classmethod
    def offered(cls) -> tuple[str, ...]:
        return (cls.PARTIAL, cls.FULL)


class Procedure(models.Model):
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-ZĐ0-9][A-ZĐ0-9._-]*$",
                _("Use capital letters, digits, dots, dashes and underscores, e.g. QT-TP-01."),
            )
        ],
    )
    national_code = models.CharField(
        _("national procedure code"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9]+(\.[0-9]+)+$",
                _("Use the code of the national procedure database, e.g. 1.001193."),
            )
        ],
        help_text=_("The code in the national database of procedures, e.g. 1.001193."),
    )
    name = models.CharField(_("name"), max_length=300)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="procedures"
    )
    legal_basis = models.TextField(_("legal basis"))
    fee = models.CharField(_("fee"), max_length=200, blank=True)
    result_document = models.CharField(_("result document"), max_length=300)
    online_level = models.CharField(
        _("online public service"),
        max_length=8,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
        help_text=_(
            "Decision 766 indicator 3.1 counts procedures offered online, partly or fully."
        ),
    )
    paper_result = models.BooleanField(
        _("issues a paper result"),
        default=True,
        help_text=_(
            "Decision 766 (3.3, 4.1, 4.2) then asks each dossier for an electronic result file."
        ),
    )
    result_validity = models.CharField(
        _("result valid"),
        max_length=12,
        choices=ResultValidity.choices,
        default=ResultValidity.PERMANENT,
    )
    result_valid_months = models.PositiveSmallIntegerField(
        _("result valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for a result valid for a number of months, e.g. 6."),
    )
    in_use = models.BooleanField(_("in use at the desk"), default=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"), default=12, validators=[MinValueValidator(1)]
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True, editable=False)
    legal_basis_changed = models.BooleanField(
        _("legal basis changed"),
        default=False,
        help_text=_(
            "Set when a legal document it cites is amended or replaced (or by hand); "
            "cleared by the next review or revision."
        ),
    )
    history = HistoricalRecords()

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(result_validity=ResultValidity.MONTHS) & Q(result_valid_months__isnull=False)
                )
                | (~Q(result_validity=ResultValidity.MONTHS) & Q(result_valid_months__isnull=True)),
                name="procedure_result_months_with_limit",
                violation_error_message=_(
                    "A result valid for a number of months needs that number, and only then."
                ),
            ),
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~Q(national_code=""),
                name="procedure_national_code_once",
                violation_error_message=_(
                    "Another procedure already has this national procedure code."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self._signed_changes():
            raise SignedRecordError(self)
        self.next_review_on = (
            self.last_reviewed_on + relativedelta(months=self.review_interval_months)
            if self.last_reviewed_on
            else None
        )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        message = _("An approved revision of the procedure signed this: it can no longer change.")
        errors = {name: ValidationError(message, code="signed") for name in self._signed_changes()}
        limited = self.result_validity == ResultValidity.MONTHS
        if limited and self.result_valid_months is None:
            errors["result_valid_months"] = ValidationError(
                _("Enter how many months the result stays valid."), code="missing"
            )
        elif not limited and self.result_valid_months is not None:
            errors["result_valid_months"] = ValidationError(
                _("Leave the months empty: the result is not valid for a number of months."),
                code="unexpected",
            )
        if errors:
            raise ValidationError(errors)

    def _signed_changes(self) -> list[str]:
        """Which of the code and name differ from the stored ones while an approved
        revision exists: both are part of every revision's signed content."""
        if not self.pk or not self.revisions.locked().exists():
            return []
        stored = Procedure.objects.values("code", "name").get(pk=self.pk)
        return [name for name in ("code", "name") if stored[name] != getattr(self, name)]

    @property
    def effective_revision(self) -> "ProcedureRevision | None":
        return self.revisions.filter(status=ProcedureRevision.Status.EFFECTIVE).first()

    @property
    def revision_in_preparation(self) -> "ProcedureRevision | None":
        """The revision being drafted or submitted for approval, if any: no other
        may be started while it is (`services.revision_draft`)."""
        return self.revisions.filter(status__in=ProcedureRevision.IN_PREPARATION).first()


def decimal_text(value: Decimal) -> str:
    """1.50 -> "1,5": Vietnamese decimal comma, no trailing zeros."""
    return f"{value.normalize():f}".replace(".", ",")


class Appointment(NamedTuple):
    clock_start: datetime
    due_at: datetime


class RevisionQuerySet(FrozenQuerySet):
    def effective(self):
        return self.filter(status=ProcedureRevision.Status.EFFECTIVE)

    def concerning(self, unit: Unit | None):
        """Revisions that the staff of `unit` must read (the rule of
        `ProcedureRevision.concerned_units`, seen from the unit)."""
        if unit is None:
            return self.none()
        if unit.is_one_stop_desk:
            return self
        return self.filter(Q(procedure__unit=unit) | Q(steps__unit=unit)).distinct()

    def to_acknowledge_by(self, user):
        return (
            self.effective()
            .concerning(user.unit)
            .exclude(acknowledgements__user=user)
            .select_related("procedure")
        )

    def frozen(self):
        # Signed revisions change only through `save()`, which checks each transition.
        return self.locked()

    def locked(self):
        return self.filter(status__in=ProcedureRevision.LOCKED_STATUSES)

    def in_force_on(self, day):
        """Revisions in force on `day`, the one that applied first: taken effect by
        then, and not yet superseded or withdrawn (one withdrawn before its date
        never was in force)."""
        Status = ProcedureRevision.Status
        return (
            self.filter(
                status__in=[Status.EFFECTIVE, Status.SUPERSEDED, Status.WITHDRAWN],
                effective_from__lte=day,
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .order_by("-effective_from", "-number")
        )


class ProcedureRevision(DeletesReplacedFiles):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved, not yet effective")
        EFFECTIVE = "effective", _("Effective")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LOCKED_STATUSES = (Status.APPROVED, Status.EFFECTIVE, Status.SUPERSEDED, Status.WITHDRAWN)
    # A revision being drafted or waiting for approval: one at a time per procedure.
    IN_PREPARATION = (Status.DRAFT, Status.SUBMITTED)
    # The only ways out of a signed state.
    TRANSITIONS = {
        Status.APPROVED: (Status.EFFECTIVE, Status.WITHDRAWN),
        Status.EFFECTIVE: (Status.SUPERSEDED, Status.WITHDRAWN),
        Status.SUPERSEDED: (),
        Status.WITHDRAWN: (),
    }
    # What the approval signs; lifecycle fields (status and its dates) are not content.
    CONTENT_FIELDS = (
        "procedure",
        "number",
        "purpose",
        "scope",
        "references",
        "forms_used",
        "limit_unit",
        "limit_amount",
        "cutoff",
        "change_summary",
        "attachment",
        "attachment_sha256",
        "decision_number",
        "decision_date",
        "effective_from",
    )
    # Typed into the approval form with the password (see `qms.signing.shown_sha256`).
    FILLED_AT_SIGNING = ("decision_number", "decision_date", "effective_from")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision number"))
    purpose = models.TextField(_("purpose"))
    scope = models.TextField(_("scope"))
    references = models.TextField(_("references"))
    forms_used = models.TextField(_("forms used"), blank=True)
    limit_unit = models.CharField(
        _("time limit in"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    limit_amount = models.PositiveSmallIntegerField(
        _("statutory time limit"),
        null=True,
        blank=True,
        help_text=_("Number of working days or hours; empty for same-day procedures."),
    )
    cutoff = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        help_text=_("Dossiers received at or after this time count from the next working day."),
    )
    change_summary = models.TextField(_("summary of changes"), blank=True)
    attachment = models.FileField(
        _("signed file"),
        upload_to=GeneratedName("procedures"),
        blank=True,
        validators=upload_validators(ATTACHMENT_EXTENSIONS, 10),
        help_text=_("The signed Word or PDF file, at most 10 MB."),
    )
    attachment_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    decision_number = models.CharField(_("approving decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("approving decision date"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    ended_on = models.DateField(_("superseded or withdrawn on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signatures = GenericRelation(Signature, object_id_field="object_id")
    history = HistoricalRecords()

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure revision")
        verbose_name_plural = _("procedure revisions")
        ordering = ["procedure__code", "-number"]
        permissions = [("approve_procedurerevision", _("Can approve procedure revisions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="procedures_revision_number_unique",
                violation_error_message=_(
                    "This procedure already has a revision with that number."
                ),
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="effective"),
                name="procedures_one_effective_revision",
                violation_error_message=_("A procedure can have only one effective revision."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"])
                | (
                    ~Q(decision_number="")
                    & Q(decision_date__isnull=False)
                    & Q(effective_from__isnull=False)
                ),
                name="procedures_approved_revision_has_decision",
                violation_error_message=_(
                    "An approved revision needs its decision number, decision date and "
                    "effective date."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(limit_unit=LimitUnit.SAME_DAY) & Q(limit_amount__isnull=True))
                | (~Q(limit_unit=LimitUnit.SAME_DAY) & Q(limit_amount__gte=1)),
                name="procedures_revision_limit_amount_matches_unit",
                violation_error_message=_(
                    "Give the time limit for working days or hours, and none for same-day "
                    "procedures."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("%(code)s revision %(number)s") % {
            "code": self.procedure.code,
            "number": self.number,
        }

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if (
                stored
                and stored.is_locked
                and (
                    stored._content_values() != self._content_values()
                    or self.status not in (stored.status, *self.TRANSITIONS[stored.status])
                )
            ):
                raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_locked:
            raise SignedRecordError(self)
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in self.IN_PREPARATION

    def _content_values(self) -> tuple:
        return tuple(
            getattr(self, f"{name}_id" if name == "procedure" else name)
            for name in self.CONTENT_FIELDS
        )

    def clean(self) -> None:
        same_day = self.limit_unit == LimitUnit.SAME_DAY
        if same_day and self.limit_amount is not None:
            raise ValidationError(
                {"limit_amount": _("A same-day procedure has no number of days.")}
            )
        if not same_day and self.limit_amount is None:
            raise ValidationError(
                {
                    "limit_amount": _("Give the number of %(unit)s.")
                    % {"unit": self.get_limit_unit_display()}
                }
            )

    def limit_display(self) -> str:
        if self.limit_unit == LimitUnit.SAME_DAY:
            return str(LimitUnit.SAME_DAY.label).capitalize()
        return f"{self.limit_amount} {LimitUnit(self.limit_unit).label}"

    def step_unit_label(self) -> str:
        """Step allotments count in days for day limits, in hours otherwise."""
        if self.limit_unit == LimitUnit.WORKING_DAYS:
            return str(LimitUnit.WORKING_DAYS.label)
        return str(LimitUnit.WORKING_HOURS.label)

    def check_step_total(self, total: Decimal) -> None:
        """Rule: the steps' allotments add up to the statutory time.

        Same-day procedures have no number; their steps must fit in one working day.
        """
        if self.limit_unit == LimitUnit.SAME_DAY:
            day = Decimal(Organisation.current_office_hours().minutes_per_day) / 60
            if total > day:
                raise ValidationError(
                    _(
                        "The steps take %(total)s working hours, more than one working day "
                        "(%(day)s hours) for a same-day procedure."
                    )
                    % {"total": decimal_text(total), "day": decimal_text(day)}
                )
        elif total != self.limit_amount:
            raise ValidationError(
                _(
                    "The steps add up to %(total)s %(unit)s but the statutory time is "
                    "%(limit)s: change the allotments so that they add up."
                )
                % {
                    "total": decimal_text(total),
                    "unit": self.step_unit_label(),
                    "limit": self.limit_display(),
                }
            )

    def appointment(
        self, calendar: WorkingCalendar, start: datetime, office_hours: OfficeHours
    ) -> Appointment:
        """Rule R3 for this revision's time limit and cut-off: from when the time
        counts, and the appointment (at closing time for day limits)."""
        counted_from = calendar.receipt_day(start, self.cutoff)
        local = start.astimezone(LOCAL_TZ)
        clock_start = (
            local
            if counted_from == local.date()
            else datetime.combine(counted_from, office_hours.periods[0][0], tzinfo=LOCAL_TZ)
        )
        due = calendar.due(
            start,
            self.limit_unit,
            self.limit_amount,
            self.cutoff,
            office_hours,
            received_on=counted_from,
        )
        due_at = (
            due
            if isinstance(due, datetime)
            else datetime.combine(due, office_hours.periods[-1][1], tzinfo=LOCAL_TZ)
        )
        return Appointment(clock_start=clock_start, due_at=due_at)

    def step_deadline(
        self,
        step: "RevisionStep",
        calendar: WorkingCalendar,
        appointment: Appointment,
        office_hours: OfficeHours,
    ) -> datetime:
        """When `step` must be handed on: its share of working time, counted from the
        clock start, never later than the appointment."""
        elapsed = sum((s.allotment for s in self.steps.all() if s.order <= step.order), Decimal(0))
        minutes_per_unit = (
            office_hours.minutes_per_day if self.limit_unit == LimitUnit.WORKING_DAYS else 60
        )
        deadline = calendar.add_working_time(
            appointment.clock_start, int(elapsed * minutes_per_unit), office_hours
        )
        return min(deadline, appointment.due_at)

    def concerned_units(self):
        """Whose staff must read this revision: the unit that owns the procedure,
        the units that run its steps, and the one-stop desk, which handles them all."""
        return Unit.objects.filter(
            Q(is_one_stop_desk=True)
            | Q(pk=self.procedure.unit_id)
            | Q(procedure_steps__revision=self)
        ).distinct()

    def not_acknowledged(self):
        """The active staff of the concerned units who have not read this revision."""
        return User.objects.filter(is_active=True, unit__in=self.concerned_units()).exclude(
            acknowledgements__revision=self
        )

    def step_total(self) -> Decimal:
        return sum((step.allotment for step in self.steps.all()), Decimal(0))

    @property
    def approval(self) -> Signature | None:
        return self.signatures.filter(meaning=Signature.Meaning.APPROVED).first()

    def signed_content(self) -> dict:
        procedure = self.procedure
        return {
            "procedure": {"code": procedure.code, "name": procedure.name},
            "number": self.number,
            "purpose": self.purpose,
            "scope": self.scope,
            "references": self.references,
            "forms_used": self.forms_used,
            "limit_unit": self.limit_unit,
            "limit_amount": self.limit_amount,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "change_summary": self.change_summary,
            "attachment": self.attachment.name or "",
            "attachment_sha256": self.attachment_sha256,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "steps": [step.content() for step in self.steps.all()],
            "records": [record.content() for record in self.records.all()],
        } | self._components_content()

    def _components_content(self) -> dict:
        """The dossier components, signed with the rest; absent when there are none,
        so that revisions signed before the list existed keep their hash."""
        components = [component.content() for component in self.components.all()]
        return {"components": components} if components else {}

    @classmethod
    def requiring_signature(cls):
        """Revisions whose status says they were approved (withdrawn ones may never
        have been)."""
        return cls.objects.filter(
            status__in=[cls.Status.APPROVED, cls.Status.EFFECTIVE, cls.Status.SUPERSEDED]
        )

    def signed_files(self) -> list:
        """The signed file and the SHA-256 its bytes had when signed."""
        return [(self.attachment, self.attachment_sha256)] if self.attachment else []

    def status_display(self) -> str:
        if self.status == self.Status.APPROVED and self.effective_from:
            return _("Approved, effective from %(day)s") % {"day": short_date(self.effective_from)}
        return self.get_status_display()


class RevisionPart(FrozenPart):
    """Base of the rows that belong to a revision's content, frozen with it (each
    subclass declares its `revision` foreign key with its own related name)."""

    PARENT = "revision"

    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        abstract = True
        ordering = ["revision", "order"]

    @classmethod
    def locked_parents(cls) -> models.QuerySet:
        return ProcedureRevision.objects.locked()


class RevisionStep(RevisionPart):
    revision = models.ForeignKey(ProcedureRevision, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("step"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure_steps",
    )
    role = models.CharField(_("responsible role"), max_length=32, choices=Role.choices, blank=True)
    allotment = models.DecimalField(
        _("time allotted"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In working days for day limits, in working hours otherwise."),
    )
    history = HistoricalRecords()

    class Meta(RevisionPart.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["revision", "order"], name="procedures_step_order"),
            models.CheckConstraint(condition=Q(allotment__gt=0), name="procedures_step_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def responsible_display(self) -> str:
        parts = [str(self.unit) if self.unit else "", self.get_role_display() if self.role else ""]
        return " · ".join(part for part in parts if part)

    def content(self) -> dict:
        return {
            "order": self.order,
            "name": self.name,
            "unit": self.unit_id,
            "role": self.role,
            "allotment": str(self.allotment.normalize()),
        }


class RevisionRecord(RevisionPart):
    """A record kept by the procedure (hồ sơ lưu), with its retention period."""

    revision = models.ForeignKey(
        ProcedureRevision, on_delete=models.CASCADE, related_name="records"
    )
    name = models.CharField(_("record"), max_length=300)
    keeper = models.CharField(_("kept by"), max_length=200, blank=True)
    retention = models.CharField(_("retention period"), max_length=100)
    history = HistoricalRecords()

    class Meta(RevisionPart.Meta):
        verbose_name = _("record kept")
        verbose_name_plural = _("records kept")
        constraints = [
            models.UniqueConstraint(fields=["revision", "order"], name="procedures_record_order")
        ]

    def __str__(self) -> str:
        return self.name

    def content(self) -> dict:
        return {
            "order": self.order,
            "name": self.name,
            "keeper": self.keeper,
            "retention": self.retention,
        }


class RevisionComponent(RevisionPart):
    """A document of the dossier the citizen submits (thành phần hồ sơ): the desk's
    receipt starts from this list and form 01 prints what was actually received."""

    revision = models.ForeignKey(
        ProcedureRevision, on_delete=models.CASCADE, related_name="components"
    )
    name = models.CharField(_("document"), max_length=300)
    copy_type = models.CharField(
        _("copy type"), max_length=12, choices=CopyType.choices, default=CopyType.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    history = HistoricalRecords()

    class Meta(RevisionPart.Meta):
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        constraints = [
            models.UniqueConstraint(fields=["revision", "order"], name="procedures_component_order")
        ]

    def __str__(self) -> str:
        return self.name

    def content(self) -> dict:
        return {
            "order": self.order,
            "name": self.name,
            "copy_type": self.copy_type,
            "quantity": self.quantity,
        }


class Acknowledgement(models.Model):
    """An officer's "read and understood" of an effective revision (ISO 7.2, 7.3)."""

    revision = models.ForeignKey(
        ProcedureRevision, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["revision", "user"], name="procedures_ack_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.revision}"
