import threading
from datetime import date, time
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.roles import Role
from qms.signatures import (
    FrozenPart,
    FrozenQuerySet,
    SignedRecordError,
    content_hash,
    file_sha256,
)
from qms.working_days import DEFAULT_OFFICE_HOURS, OfficeHours, WorkingCalendar


class Organisation(models.Model):
    """The People's Committee that runs the one-stop desk; there is exactly one.

    Its heading is printed on every form; its code starts every dossier code (R8).
    """

    SINGLETON_PK = 1

    code = models.CharField(
        _("code"),
        max_length=16,
        help_text=_("Short code that starts every dossier code, e.g. ADU."),
    )
    name = models.CharField(_("name"), max_length=200)
    superior = models.CharField(
        _("superior authority"), max_length=200, help_text=_("Printed above the name.")
    )
    address = models.CharField(_("address"), max_length=300)
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        help_text=_('Written before the date on documents: "An Dương, ngày … tháng … năm …".'),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    morning_start = models.TimeField(_("morning opens"), default=time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=time(17, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="qms_organisation_singleton"),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="qms_organisation_office_hours_ordered",
                violation_error_message=_(
                    "Office hours must run in order: morning opens, morning closes, "
                    "afternoon opens, afternoon closes."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "Organisation":
        organisation = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if organisation is None:
            raise ValidationError(
                _("The organisation is not set up yet: enter it in the administration first.")
            )
        return organisation

    @property
    def office_hours(self) -> OfficeHours:
        return OfficeHours(
            ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
        )

    @classmethod
    def current_office_hours(cls) -> OfficeHours:
        organisation = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        return organisation.office_hours if organisation else DEFAULT_OFFICE_HOURS


class UnitDeletionError(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Units are never deleted: deactivate the unit instead."), code="unit_deletion"
        )


class UnitQuerySet(models.QuerySet):
    def offered(self, chosen=None) -> models.QuerySet:
        """The units a form offers: the active ones, and those the record already
        names (`chosen`: a unit, its pk, or a list of them)."""
        chosen = chosen if isinstance(chosen, list | tuple | set) else [chosen]
        named = [getattr(unit, "pk", unit) for unit in chosen if unit is not None]
        return self.filter(Q(is_active=True) | Q(pk__in=named))

    def delete(self):
        raise UnitDeletionError()


class Unit(models.Model):
    """A unit of the organisation (VP-TK, TP-HT, ĐC-XD, VH-XH, TC-KT, the one-stop desk).

    A unit is deactivated, never deleted (as accounts are): records name it, signed
    ones among them (an audit's scope, a revision's steps), and deleting it would
    rewrite them by cascade without any signal the signed records' guards hear.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_one_stop_desk = models.BooleanField(_("one-stop desk"), default=False)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "A unit that no longer exists is deactivated: it is no longer offered in "
            "forms, and the records that name it keep its name."
        ),
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_one_stop_desk"],
                condition=Q(is_one_stop_desk=True),
                name="qms_unit_one_one_stop_desk",
                violation_error_message=_("Only one unit can be the one-stop desk."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def delete(self, *args, **kwargs):
        raise UnitDeletionError()


class User(AbstractUser):
    """A member of staff. Roles are Django groups named by `Role` values."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_(
            "Someone else chose the password (a reset, a new account): the user is "
            "sent to change it at the next sign-in."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def roles(self) -> frozenset[Role]:
        if not hasattr(self, "_roles"):
            names = self.groups.values_list("name", flat=True) if self.pk else []
            self._roles = frozenset(Role(name) for name in names if name in Role.values)
        return self._roles

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and not self.roles.isdisjoint(roles)

    # The roles that deal with the citizen or work the dossier.
    CITIZEN_CONTACT_ROLES = (
        Role.OFFICER,
        Role.SPECIALIST,
        Role.ISO_SECRETARY,
        Role.VICE_CHAIRMAN,
        Role.CHAIRMAN,
    )

    def may_see_citizen_contact(self) -> bool:
        """Whether a citizen's ID number, phone and address are shown to this user in
        full (`qms.privacy`). Personal data goes only where the work needs it (Decree
        13/2023/NĐ-CP): the desk receives and calls the citizen, the specialists
        process the dossier, the ISO secretary corrects dossiers and answers
        complaints, the leadership decides and signs. A viewer reads the records and an
        auditor checks that they were kept, neither needs to reach the citizen."""
        return self.is_superuser or self.has_role(*self.CITIZEN_CONTACT_ROLES)


_calendar_lock = threading.Lock()
_calendar_cache: dict[str, tuple[tuple, WorkingCalendar]] = {}


class CalendarDayManager(models.Manager):
    def calendar(self) -> WorkingCalendar:
        """The working-day engine built from all records, rebuilt only when they change.

        Each call checks a cheap stamp (the row count and the latest history row:
        every save and delete writes one), so an edit made through one app server is
        seen by every process at its next call. What is built inside a transaction
        is kept only once that transaction commits: a rolled-back edit must not
        stay in the cache under a stamp that a later edit could reuse.
        """
        stamp = (
            self.count(),
            self.model.history.aggregate(latest=Max("history_id"))["latest"],
        )
        with _calendar_lock:
            cached = _calendar_cache.get(self.db)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        built = self._build()

        def keep() -> None:
            with _calendar_lock:
                _calendar_cache[self.db] = (stamp, built)

        transaction.on_commit(keep, using=self.db)
        return built

    def _build(self) -> WorkingCalendar:
        rows = list(self.values_list("date", "kind"))
        if not rows:
            raise ValidationError(_("The working-day calendar is empty: add the days off first."))
        years = {day.year for day, _kind in rows}
        return WorkingCalendar(
            first=date(min(years), 1, 1),
            last=date(max(years), 12, 31),
            missing_years=set(range(min(years), max(years) + 1)) - years,
            days_off=[day for day, kind in rows if kind == CalendarDay.Kind.DAY_OFF],
            working_weekend_days=[
                day for day, kind in rows if kind == CalendarDay.Kind.WORKING_DAY
            ],
        )


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week (rule R2).

    A day off on a weekday (holiday, day off in lieu, swapped day), or a make-up
    working Saturday. The calendar covers every year that has at least one record.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    class Source(models.TextChoices):
        LIBRARY = "library", _("holidays package")
        OFFICIAL = "official", _("official announcement")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("The law or announcement that sets this day, e.g. CV 12729/VPCP-KGVX."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.OFFICIAL
    )
    to_confirm = models.BooleanField(
        _("to confirm"),
        default=False,
        help_text=_("Not yet confirmed against the official announcement."),
    )
    history = HistoricalRecords()

    objects = CalendarDayManager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'd/m/Y')} – {self.name}"

    def clean(self) -> None:
        if self.date and self.kind == self.Kind.WORKING_DAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _(
                        "%(day)s is a weekday and already a working day; only a Saturday "
                        "or Sunday can be a make-up working day."
                    )
                    % {"day": date_format(self.date, "d/m/Y")}
                }
            )


class SignatureQuerySet(FrozenQuerySet):
    def frozen(self):
        return self  # a signature never changes


class Signature(models.Model):
    """An electronic signature: who, in what role, when, and the SHA-256 of the content.

    Created only by `qms.signing.signature_sign`, never changed afterwards.
    """

    class Meaning(models.TextChoices):
        APPROVED = "approved", _("Approved")
        SIGNED = "signed", _("Signed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    signer = models.ForeignKey(
        User, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    meaning = models.CharField(_("meaning"), max_length=16, choices=Meaning.choices)
    signed_at = models.DateTimeField(_("signed at"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        signed_at = date_format(localtime(self.signed_at), "d/m/Y H:i")
        return f"{self.signer} ({self.get_role_display()}) {signed_at}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError(self)

    def matches(self) -> bool:
        """Whether the signed record's content still hashes to what was signed."""
        record = self.record
        return record is not None and content_hash(record.signed_content()) == self.content_sha256

    def problems(self) -> list[str]:
        """What no longer agrees with this signature: the record gone, its content
        changed, or a signed file (`record.signed_files()`) changed or missing."""
        record = self.record
        if record is None:
            return [_("the signed record no longer exists")]
        found = [] if self.matches() else [_("the content differs from what was signed")]
        for file, expected in getattr(record, "signed_files", list)():
            try:
                if file_sha256(file.open("rb")) != expected:
                    found.append(_("the file %(name)s has changed") % {"name": file.name})
            except FileNotFoundError:
                found.append(_("the file %(name)s is missing") % {"name": file.name})
            finally:
                file.close()
        return found


class Plan(models.Model):
    """A reform plan of the committee (the ISO and one-stop plan of the year)."""

    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number", "year"], name="qms_plan_number_year")
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class PlanTaskQuerySet(models.QuerySet):
    def due_between(self, start: date, end: date):
        return self.filter(deadline__range=(start, end))

    def done_on_time(self):
        return self.filter(completed_on__isnull=False, completed_on__lte=models.F("deadline"))


class PlanTask(models.Model):
    """One task of a plan's appendix: what, who leads, which units carry it out (often
    several), what it produces and by when."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"))
    section = models.CharField(_("section"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    leader_role = models.CharField(_("leader"), max_length=32, choices=Role.choices)
    # Blank: some tasks name no unit (the plan's section IV is carried out by the
    # committee as a whole), and the admin must save them as transcribed.
    units = models.ManyToManyField(
        Unit, verbose_name=_("implementing units"), related_name="tasks", blank=True
    )
    product = models.CharField(_("product"), max_length=300, blank=True)
    timeframe = models.CharField(
        _("timeframe"), max_length=200, blank=True, help_text=_("As the plan words it.")
    )
    deadline = models.DateField(_("deadline"), help_text=_("The completion date it implies."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["deadline"], name="qms_plantask_deadline")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="qms_plantask_order"),
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="qms_plantask_done_has_date",
                violation_error_message=_("A task is done exactly when it has a completion date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.content[:80]}"


class ApprovedRecordQuerySet(FrozenQuerySet):
    def frozen(self):
        return self.filter(signatures__isnull=False)


class ApprovedRecord(models.Model):
    """A record approved by a signature: what `SIGNED_FIELDS` names is what the
    signature covers, and it never changes (nor is the record deleted) once signed.
    `approved_at` says so on the record itself (and in its history), so that a
    signature deleted behind the application's back is found by `verify_signatures`."""

    SIGNED_FIELDS: tuple[str, ...] = ()
    # What signing itself writes into the content (see `qms.signing.shown_sha256`).
    FILLED_AT_SIGNING: tuple[str, ...] = ()
    signatures = GenericRelation(Signature, object_id_field="object_id")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    objects = ApprovedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk and self.approval:
            stored = type(self).objects.get(pk=self.pk)
            if stored.signed_content() != self.signed_content():
                raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.approval:
            raise SignedRecordError(self)
        return super().delete(*args, **kwargs)

    @property
    def approval(self) -> Signature | None:
        return self.signatures.filter(meaning=Signature.Meaning.APPROVED).first()

    @classmethod
    def requiring_signature(cls):
        return cls.objects.filter(approved_at__isnull=False)

    def signed_content(self) -> dict:
        return {field: getattr(self, field) for field in self.SIGNED_FIELDS}


class Objective(ApprovedRecord):
    """A quality objective of the plan (ISO 9001:2015 clause 6.2): one of the KPIs of
    `qms.kpi` compared with a target over a year, approved by the chairman."""

    class Measure(models.TextChoices):
        ON_TIME = "on_time_rate", _("Dossiers resolved early or on time (%)")
        SATISFACTION = "satisfaction_rate", _("Satisfied citizens (%)")
        DIGITISED = "digitised_rate", _("Results digitised (%)")
        ISO_COVERAGE = "iso_coverage_rate", _("Procedures under ISO 9001:2015 (%)")
        PLAN_TASKS = "plan_tasks_on_time_rate", _("Plan tasks done on time (%)")

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("at least")
        ABOVE = "gt", _("above")

    class Status(models.TextChoices):
        MET = "met", _("Met")
        AT_RISK = "at_risk", _("At risk")
        MISSED = "missed", _("Missed")

    SIGNED_FIELDS = ("year", "title", "measure", "comparison", "target")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("objective"), max_length=300)
    measure = models.CharField(_("measured by"), max_length=32, choices=Measure.choices)
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices)
    target = models.DecimalField(
        _("target (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "measure"], name="qms_objective_year_measure")
        ]

    def __str__(self) -> str:
        return self.title

    def signed_content(self) -> dict:
        # the target as stored (one decimal), however it was typed: "95" and "95.0"
        # are one content and must hash alike
        return {**super().signed_content(), "target": Decimal(self.target).quantize(Decimal("0.1"))}

    @property
    def period(self) -> tuple[date, date]:
        return date(self.year, 1, 1), date(self.year, 12, 31)

    def status(self, value: float | None, as_of: date) -> "Objective.Status | None":
        """Met when `value`, read on `as_of`, reaches the target; otherwise at risk
        while the year has days left, missed when read on its last day or later. None
        while nothing was measured."""
        if value is None:
            return None
        target = float(self.target)
        if value > target or (value == target and self.comparison == self.Comparison.AT_LEAST):
            return self.Status.MET
        return self.Status.MISSED if as_of >= self.period[1] else self.Status.AT_RISK


class ManagementReview(ApprovedRecord):
    """A management review meeting (ISO 9001:2015 clause 9.3). Its inputs (9.3.2) are
    compiled from the records of the review period by `qms.reviews`, beside the text
    the figures cannot give; when the chairman signs it off they are stored in
    `inputs` as they were, and the whole review is frozen."""

    NOTES = (
        "issues_changes",
        "feedback",
        "providers",
        "resources",
        "risks",
        "improvements",
    )
    SIGNED_FIELDS = (
        "held_on",
        "period_start",
        "period_end",
        "chair_id",
        "participants",
        *NOTES,
        "conclusion",
        "inputs",
    )
    FILLED_AT_SIGNING = ("inputs",)

    held_on = models.DateField(_("meeting date"))
    period_start = models.DateField(_("review period from"))
    period_end = models.DateField(_("review period to"))
    chair = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="chaired_reviews", verbose_name=_("chair")
    )
    participants = models.TextField(_("participants"))
    issues_changes = models.TextField(_("changes in external and internal issues"), blank=True)
    feedback = models.TextField(_("feedback from interested parties"), blank=True)
    providers = models.TextField(_("performance of external providers"), blank=True)
    resources = models.TextField(_("adequacy of resources"), blank=True)
    risks = models.TextField(
        _("effectiveness of actions taken to address risks and opportunities"), blank=True
    )
    improvements = models.TextField(_("opportunities for improvement"), blank=True)
    conclusion = models.TextField(
        _("conclusion on the suitability, adequacy and effectiveness of the QMS"), blank=True
    )
    inputs = models.JSONField(_("compiled inputs"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="qms_review_period",
                violation_error_message=_("The review period must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return _("Management review of %(day)s") % {"day": date_format(self.held_on, "d/m/Y")}

    def signed_content(self) -> dict:
        return {
            **super().signed_content(),
            "outputs": [output.signed_content() for output in self.outputs.order_by("pk")],
        }

    @classmethod
    def requiring_signature(cls):
        """Reviews approved, or whose inputs were stored (only when signed)."""
        return cls.objects.filter(Q(approved_at__isnull=False) | Q(inputs__isnull=False))


class ReviewOutput(FrozenPart):
    """A decision or action of a management review (clause 9.3.3), with its owner and
    due date. The decision is part of the signed review; its follow-up (when it was
    done, and how) is recorded later and shown to the next review."""

    PARENT = "review"
    MUTABLE_FIELDS = ("done_on", "result")

    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", _("Opportunity for improvement")
        CHANGE = "change", _("Change to the quality management system")
        RESOURCES = "resources", _("Resource need")

    SIGNED_FIELDS = ("kind", "decision", "owner_id", "due_date")

    review = models.ForeignKey(ManagementReview, on_delete=models.PROTECT, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    decision = models.TextField(_("decision or action"))
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_outputs",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review output")
        verbose_name_plural = _("review outputs")
        ordering = ["review", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True, due_date__isnull=True)
                | Q(owner__isnull=False, due_date__isnull=False),
                name="qms_review_output_owner_due",
                violation_error_message=_("An action needs both an owner and a due date."),
            )
        ]

    def __str__(self) -> str:
        return self.decision[:80]

    @classmethod
    def locked_parents(cls):
        return ManagementReview.objects.frozen()

    def signed_content(self) -> dict:
        return {field: getattr(self, field) for field in self.SIGNED_FIELDS}


class PeriodicReportQuerySet(FrozenQuerySet):
    def frozen(self):
        return self.filter(submitted_on__isnull=False)


class PeriodicReport(models.Model):
    """A report of the plan's schedule (ISO and one-stop results since 1 January),
    written by the ISO secretary; its figures are stored when it is submitted, and it
    no longer changes after that."""

    class Period(models.TextChoices):
        Q1 = "q1", _("Quarter I")
        H1 = "h1", _("Six months")
        NINE_MONTHS = "9m", _("Nine months")
        YEAR = "year", _("Year")

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    summary = models.TextField(
        _("assessment"),
        blank=True,
        help_text=_("What the figures cannot say: results, difficulties, proposals."),
    )
    figures = models.JSONField(_("figures as submitted"), null=True, blank=True, editable=False)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    history = HistoricalRecords()

    objects = PeriodicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "period"], name="qms_report_year_period"),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True, figures__isnull=True)
                | Q(submitted_on__isnull=False, figures__isnull=False),
                name="qms_report_submitted_has_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.year}"

    def save(self, *args, **kwargs) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self) -> None:
        if self.pk and type(self).objects.filter(pk=self.pk).frozen().exists():
            raise ValidationError(
                _("%(report)s has been submitted and can no longer be changed.") % {"report": self},
                code="submitted",
            )


class FormToken(models.Model):
    """The one-time token of a create form that created its record (see
    `qms.idempotency`): the same form sent again — a double click, the browser
    sending it again, a replayed request — finds its token here and is led to what
    the first one created, instead of creating it twice. Written in the transaction
    that creates the record, so the two exist together or not at all."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64)
    location = models.CharField(_("where the answer led"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="qms_form_token_once")
        ]

    def __str__(self) -> str:
        return self.token
