"""The oversight records: the committee's plan and its tasks, the quality objectives,
management reviews with their outputs, periodic reports. What they are computed from
is read from every app by `qms.oversight`; no app reads them."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.dates import short_date
from qms.history import value_on
from qms.models.core import ApprovedRecord, Organisation, Signature, Unit, User
from qms.models.numbering import document_number_field
from qms.roles import Role
from qms.signatures import FrozenPart, FrozenQuerySet


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
        """Tasks due in the period. A period from 1 January also holds the tasks of
        that year's plans dated before it (the 2023 plan's V.2 is dated 21/12/2022,
        before the plan was issued): a plan's 100% is over its whole list."""
        due = Q(deadline__range=(start, end))
        if (start.month, start.day) == (1, 1):
            due |= Q(plan__year=start.year, deadline__lt=start)
        return self.filter(due)

    def undone_on(self, day: date):
        """Not done by the end of `day`."""
        return self.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))

    def done_on_time(self):
        return self.filter(completed_on__isnull=False, completed_on__lte=models.F("deadline"))


class PlanTask(models.Model):
    """One task of a plan's appendix: what, who leads, which units carry it out (often
    several), what it produces and by when."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", pgettext_lazy("plan task status", "In progress")
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
    other_implementers = models.CharField(
        _("other implementers"),
        max_length=200,
        blank=True,
        help_text=_("As the plan words it, e.g. “và công chức có liên quan”."),
    )
    product = models.CharField(_("product"), max_length=300, blank=True)
    timeframe = models.CharField(
        _("timeframe"), max_length=200, blank=True, help_text=_("As the plan words it.")
    )
    deadline = models.DateField(_("deadline"), help_text=_("The completion date it implies."))
    all_year = models.BooleanField(
        _("carried out all year"),
        default=False,
        help_text=_("Done at the deadline, the year's end; each month's progress is recorded."),
    )
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

    @classmethod
    def status_on(cls, day: date):
        """The status a task had on `day` (an expression to annotate with): done if
        completed by then; otherwise the last status of that day its history holds,
        and "in progress" for a task entered as done later that history cannot tell."""
        undone = (cls.Status.NOT_STARTED, cls.Status.IN_PROGRESS)
        return Case(
            When(completed_on__lte=day, then=Value(cls.Status.DONE)),
            default=value_on(
                cls, "status", day, among=undone, default=Value(cls.Status.IN_PROGRESS)
            ),
        )

    def clean(self) -> None:
        if self.all_year and self.completed_on and self.completed_on < self.deadline:
            raise ValidationError(
                {
                    "completed_on": _(
                        "A task carried out all year is done at its deadline, %(day)s: "
                        "record each month's progress until then."
                    )
                    % {"day": short_date(self.deadline)}
                }
            )


class PlanTaskProgress(models.Model):
    """What a task carried out all year achieved in one month: its evidence, month by
    month, until it is done at the year's end."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="progress")
    month = models.DateField(_("month"), help_text=_("Any day of the month."))
    note = models.TextField(_("what was done"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["task", "month"]
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="qms_plantaskprogress_month")
        ]

    def __str__(self) -> str:
        return f"{self.task.order}: {self.month:%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


class LegalDocument(models.Model):
    """A legal document the ward's council or committee plans to issue (the plan's
    target: each issued on schedule and posted on the ward's portal)."""

    class Issuer(models.TextChoices):
        COUNCIL = "council", _("Ward People's Council")
        COMMITTEE = "committee", _("Ward People's Committee")

    issuer = models.CharField(_("issued by"), max_length=12, choices=Issuer.choices)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=64, blank=True)
    planned_on = models.DateField(_("planned issue date"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    posted_on = models.DateField(_("posted on the ward's portal on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal document of the ward")
        verbose_name_plural = _("legal documents of the ward")
        ordering = ["-planned_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True)
                | Q(issued_on__isnull=False, posted_on__gte=models.F("issued_on")),
                name="qms_legaldocument_posted_after_issue",
                violation_error_message=_("A document is posted on or after its issue."),
            )
        ]

    def __str__(self) -> str:
        return self.number or self.title

    def clean(self) -> None:
        if self.issued_on and not self.number:
            raise ValidationError({"number": _("Enter the number of the issued document.")})


class Objective(ApprovedRecord):
    """A quality objective of the plan (ISO 9001:2015 clause 6.2): one of the KPIs of
    `qms.oversight.kpi` compared with a target over a year, approved by the chairman."""

    class Measure(models.TextChoices):
        ON_TIME = "on_time_rate", _("Dossiers resolved early or on time (%)")
        SATISFACTION = "satisfaction_rate", _("Satisfied citizens (%)")
        DIGITISED_IN_FORCE = "digitised_in_force_rate", _("Valid results digitised (%)")
        # The flow of a year's returns: what objectives measured before R16.
        DIGITISED = "digitised_rate", _("Results returned in the year digitised (%)")
        ISO_COVERAGE = "iso_coverage_rate", _("Procedures under ISO 9001:2015 (%)")
        PLAN_TASKS = "plan_tasks_on_time_rate", _("Plan tasks done on time (%)")
        LEGAL_DOCUMENTS = (
            "legal_documents_on_time_rate",
            _("Legal documents issued on time and posted (%)"),
        )

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
        # one measure may carry two targets (the plan's satisfaction: above 95% for
        # the desk, above 97% as its headline)
        constraints = [
            models.UniqueConstraint(
                fields=["year", "measure", "target"], name="qms_objective_year_measure_target"
            )
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
    compiled from the records of the review period by `qms.oversight.review_inputs`, beside the text
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
    starts_at = models.TimeField(_("meeting time"), null=True, blank=True)
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    secretary = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary of the meeting"),
        help_text=_("Who takes the minutes and signs them beside the chair."),
    )
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
        return _("Management review of %(day)s") % {"day": short_date(self.held_on)}

    # Printed on the minutes, signed with them once filled in; absent from the content
    # of reviews signed before they were kept, whose signatures must still match.
    MEETING_FIELDS = ("starts_at", "place", "secretary_id")

    def signed_content(self) -> dict:
        return {
            **super().signed_content(),
            **{
                field: getattr(self, field)
                for field in self.MEETING_FIELDS
                if getattr(self, field) not in (None, "")
            },
            "outputs": [output.signed_content() for output in self.outputs.order_by("pk")],
        }

    @property
    def secretary_signature(self) -> Signature | None:
        """The secretary's signature, attesting that the minutes record the meeting;
        the chairman approves them after it (`qms.oversight.services.review_sign`)."""
        return self.signatures.filter(meaning=Signature.Meaning.SIGNED).first()

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


@dataclass(frozen=True)
class Span:
    """What one report of a schedule covers, as (month, day) in its year, and its
    due day: a fixed day, or None for a day set by the ward (`due_after`)."""

    start: tuple[int, int]
    end: tuple[int, int]
    due: tuple[int, int] | None = None


class PeriodicReport(models.Model):
    """A scheduled report of the plan, sent by the committee to the superior
    authority: the administrative-reform reports (ISO and one-stop results since
    1 January), written by the ISO secretary, and the quarterly reports on reform
    communication, written by the culture officer. Its figures are stored when it is
    submitted, and it no longer changes after that."""

    class Kind(models.TextChoices):
        REFORM = "reform", _("Administrative reform and ISO")
        COMMUNICATION = "communication", _("Reform communication")

    class Period(models.TextChoices):
        Q1 = "q1", _("Quarter I")
        H1 = "h1", _("Six months")
        NINE_MONTHS = "9m", _("Nine months")
        YEAR = "year", _("Year")
        Q2 = "q2", _("Quarter II")
        Q3 = "q3", _("Quarter III")
        Q4 = "q4", _("Quarter IV")

    # The plan's schedules (Kế hoạch 07/KH-UBND, section III). The reform reports
    # cover the year from 1 January to the end of their period; "trước ngày 02/3"
    # leaves 01/3 as the last day to send (rule R17), and so on. The culture officer
    # reports each quarter on its own, by a day the plan does not give.
    SCHEDULES = {
        Kind.REFORM: {
            Period.Q1: Span((1, 1), (3, 31), due=(3, 1)),
            Period.H1: Span((1, 1), (6, 30), due=(6, 1)),
            Period.NINE_MONTHS: Span((1, 1), (9, 30), due=(9, 1)),
            Period.YEAR: Span((1, 1), (12, 31), due=(11, 19)),
        },
        Kind.COMMUNICATION: {
            Period.Q1: Span((1, 1), (3, 31)),
            Period.Q2: Span((4, 1), (6, 30)),
            Period.Q3: Span((7, 1), (9, 30)),
            Period.Q4: Span((10, 1), (12, 31)),
        },
    }

    # Where each kind goes, through which office of the superior authority.
    THROUGH = {Kind.REFORM: "Phòng Nội vụ", Kind.COMMUNICATION: "Phòng Văn hóa - Thông tin"}

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REFORM)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    summary = models.TextField(
        _("assessment"),
        blank=True,
        help_text=_("What the figures cannot say: results, difficulties, proposals."),
    )
    addressee = models.CharField(
        _("addressee"),
        max_length=300,
        blank=True,
        help_text=_(
            "Left empty: the superior authority of the day it is sent, through its "
            "home-affairs office (its culture office for a communication report)."
        ),
    )
    window_start = models.DateField(
        _("figures from"), null=True, blank=True, help_text=_("Left empty: 1 January.")
    )
    window_end = models.DateField(
        _("figures to"),
        null=True,
        blank=True,
        help_text=_("Left empty: the day before it is sent."),
    )
    signer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
        help_text=_("The chairman, or a vice-chairman signing for the chairman."),
    )
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        default="Như trên;\nTT Đảng ủy, HĐND phường;\nLưu: VT",
        help_text=_("One a line."),
    )
    number = document_number_field(verbose_name=_("number"))
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
            models.UniqueConstraint(
                fields=["kind", "year", "period"], name="qms_report_kind_year_period"
            ),
            models.CheckConstraint(
                condition=Q(kind="reform", period__in=["q1", "h1", "9m", "year"])
                | Q(kind="communication", period__in=["q1", "q2", "q3", "q4"]),
                name="qms_report_period_of_kind",
            ),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True, figures__isnull=True)
                | Q(submitted_on__isnull=False, figures__isnull=False),
                name="qms_report_submitted_has_figures",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.COMMUNICATION:
            return _("Communication %(period)s %(year)s") % {
                "period": self.get_period_display(),
                "year": self.year,
            }
        return f"{self.get_period_display()} {self.year}"

    def save(self, *args, **kwargs) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("qms:report_detail", args=[self.kind, self.year, self.period])

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.period not in self.SCHEDULES[self.kind]:
            raise ValidationError({"period": _("This kind of report has no such period.")})
        if self.window_start and self.window_end and self.window_start > self.window_end:
            raise ValidationError({"window_end": _("The figures cannot end before they begin.")})

    @property
    def span(self) -> Span:
        return self.SCHEDULES[self.kind][self.period]

    def start(self) -> date:
        return date(self.year, *self.span.start)

    def end(self) -> date:
        return date(self.year, *self.span.end)

    def due(self, due_after: int) -> date:
        """The last day to send it: the plan's day, else `due_after` days after the
        period's end (the ward's setting)."""
        if self.span.due:
            return date(self.year, *self.span.due)
        return self.end() + timedelta(days=due_after)

    def window(self, sent_on: date) -> tuple[date, date]:
        """The days the figures cover (rule R17): as set on the report, else from
        the start of its period (1 January for a reform report) to the day before it
        is sent (its own day is not over yet); a reform report's figures stay within
        its year, a quarter's within the quarter."""
        start = self.window_start or self.start()
        cap = self.end() if self.kind == self.Kind.COMMUNICATION else date(self.year, 12, 31)
        end = min(sent_on - timedelta(days=1), cap)
        return start, self.window_end or max(start, end)

    def addressee_on(self, identity) -> str:
        """Who the report is sent to: as written on it, else the superior authority
        of `identity` (the one of the day it is sent) through the office of its kind."""
        return self.addressee or f"{identity.superior} (qua {self.THROUGH[self.kind]})"

    def may_write(self, user: User) -> bool:
        """The ISO secretary writes every report; the officers of the unit the ward
        names write its communication reports too."""
        if user.has_perm("qms.change_periodicreport"):
            return True
        return (
            self.kind == self.Kind.COMMUNICATION
            and user.is_active
            and user.unit_id is not None
            and user.unit_id == Organisation.settings().communication_unit_id
        )

    def _guard(self) -> None:
        if self.pk and type(self).objects.filter(pk=self.pk).frozen().exists():
            raise ValidationError(
                _("%(report)s has been submitted and can no longer be changed.") % {"report": self},
                code="submitted",
            )
