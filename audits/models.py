"""Internal audits (ISO 9001:2015 clause 9.2): the yearly programme, audits and their
checklists, findings and the signed report.

An audit's checklist is a copy of the questions it started from, so later edits of
the question bank or a template never change a past audit. Once the lead auditor
signs the report, the audit, its checklist and its findings are frozen.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from procedures.models import Dossier, Procedure
from qms.history import HistoryWithLinks
from qms.models import ApprovedRecord, Signature, Unit
from qms.signatures import FrozenPart, FrozenQuerySet, SignedRecordError


class Clause(models.Model):
    """A clause or sub-clause of ISO 9001:2015 with its TCVN title."""

    number = models.CharField(_("clause"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Question(models.Model):
    """A question of the bank: one per clause from the standard, and others
    generated from each procedure's steps and records."""

    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), on_delete=models.PROTECT, related_name="questions"
    )
    text = models.TextField(_("question"))
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_questions",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["clause__order", "procedure__code", "id"]

    def __str__(self) -> str:
        return f"{self.clause.number}: {self.text[:80]}"


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    questions = models.ManyToManyField(Question, verbose_name=_("questions"))

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return self.name


class Programme(ApprovedRecord):
    """The yearly audit programme, approved by the chairman's signature."""

    SIGNED_FIELDS = ("year", "scope")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    scope = models.TextField(
        _("programme"), help_text=_("Units, procedures and clauses audited, when and by whom.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("Audit programme %(year)s") % {"year": self.year}


class AuditQuerySet(FrozenQuerySet):
    def frozen(self):
        return self.filter(status__in=Audit.SIGNED_STATUSES)


class Audit(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal audit")
        EXTERNAL = "external", _("External or certification audit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("audit status", "In progress")
        REPORTED = "reported", _("Reported (signed)")
        CLOSED = "closed", _("Closed")

    SIGNED_STATUSES = (Status.REPORTED, Status.CLOSED)
    # What the ISO secretary approves as the audit plan, with its timetable.
    PLAN_FIELDS = (
        "code",
        "title",
        "kind",
        "year",
        "planned_start",
        "planned_end",
        "lead_auditor",
        "auditees",
        "criteria",
        "plan_approved_by",
        "plan_approved_at",
    )
    REPORT_FIELDS = ("summary", "strengths", "improvements", "conclusion", "distribution")
    # The audit ends the day its report is signed (see `qms.signing.shown_sha256`).
    FILLED_AT_SIGNING = ("actual_end",)

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INTERNAL)
    year = models.PositiveSmallIntegerField(_("programme year"))
    units = models.ManyToManyField(Unit, verbose_name=_("units audited"), blank=True)
    procedures = models.ManyToManyField(Procedure, verbose_name=_("procedures audited"), blank=True)
    clauses = models.ManyToManyField(Clause, verbose_name=_("clauses audited"), blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead auditor"),
        on_delete=models.PROTECT,
        related_name="audits_led",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team"), blank=True, related_name="+"
    )
    auditees = models.TextField(_("auditees"), blank=True)
    criteria = models.TextField(_("audit criteria"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("improvement opportunities"), blank=True)
    conclusion = models.TextField(
        _("conclusion on the conformity and effectiveness of the QMS"), blank=True
    )
    distribution = models.TextField(_("distribution list"), blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("plan approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    plan_approved_at = models.DateTimeField(
        _("plan approved at"), null=True, blank=True, editable=False
    )
    signatures = GenericRelation(Signature, object_id_field="object_id")
    history = HistoryWithLinks(m2m_fields=[units, procedures, clauses, team])

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-planned_start", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored and stored.plan_approved_at and self._plan_changed(stored):
                raise SignedRecordError(self)
            changed = stored and any(
                getattr(stored, field.attname) != getattr(self, field.attname)
                for field in self._meta.concrete_fields
                if field.name != "status"
            )
            if (
                stored
                and stored.is_signed
                and (changed or self.status not in (stored.status, self.Status.CLOSED))
            ):
                raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise SignedRecordError(self)
        return super().delete(*args, **kwargs)

    def _plan_changed(self, stored: "Audit") -> bool:
        """An approved plan is what the auditees were told: it is not changed
        afterwards (a changed plan is a new audit)."""
        return any(
            getattr(stored, field.attname) != getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.name in self.PLAN_FIELDS
        )

    @property
    def is_signed(self) -> bool:
        return self.status in self.SIGNED_STATUSES

    def auditors(self) -> set:
        return {self.lead_auditor_id, *self.team.values_list("pk", flat=True)}

    def scope_units(self) -> models.QuerySet:
        """The units the audit covers: those it names and those owning a procedure it
        audits (a finding about a procedure falls on the unit that owns it)."""
        return Unit.objects.filter(
            models.Q(audit=self) | models.Q(procedures__audit=self)
        ).distinct()

    @classmethod
    def requiring_signature(cls):
        """Audits whose status says the report was signed."""
        return cls.objects.filter(status__in=cls.SIGNED_STATUSES)

    @property
    def report_signature(self) -> Signature | None:
        return self.signatures.filter(meaning=Signature.Meaning.SIGNED).first()

    def signed_content(self) -> dict:
        """Everything the report prints: scope, team, dates, answers, findings. The
        plan's approval and timetable show up only where they exist, so that audits
        signed before they were kept keep the content their signature was taken over."""
        timetable = [row.content() for row in self.timetable.all()]
        return {
            **{
                field.attname: getattr(self, field.attname)
                for field in self._meta.concrete_fields
                if field.name not in ("id", "status")
                and not (field.name.startswith("plan_approved") and self.plan_approved_at is None)
            },
            **({"timetable": timetable} if timetable else {}),
            "units": sorted(self.units.values_list("pk", flat=True)),
            "procedures": sorted(self.procedures.values_list("pk", flat=True)),
            "clauses": sorted(self.clauses.values_list("number", flat=True)),
            "team": sorted(self.team.values_list("pk", flat=True)),
            "items": [item.content() for item in self.items.prefetch_related("dossiers")],
            "findings": [finding.content() for finding in self.findings.all()],
        }


class FrozenWithAudit(FrozenPart):
    """Checklist items and findings change only while their audit is unsigned."""

    PARENT = "audit"

    class Meta:
        abstract = True

    @classmethod
    def locked_parents(cls) -> models.QuerySet:
        return Audit.objects.filter(status__in=Audit.SIGNED_STATUSES)


class TimetableRow(FrozenPart):
    """A row of the audit plan's timetable: when, which unit, by whom, on which
    clauses (ISO 19011 6.3.2). Fixed once the plan is approved."""

    PARENT = "audit"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="timetable")
    day = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit audited"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for the opening or closing meeting."),
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clauses = models.CharField(_("clauses"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timetable row")
        verbose_name_plural = _("timetable rows")
        ordering = ["audit", "day", "start", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.start}: {self.unit or '—'}"

    @classmethod
    def locked_parents(cls) -> models.QuerySet:
        return Audit.objects.filter(
            models.Q(plan_approved_at__isnull=False) | models.Q(status__in=Audit.SIGNED_STATUSES)
        )

    def content(self) -> dict:
        return {
            "day": self.day,
            "start": self.start,
            "end": self.end,
            "unit": self.unit_id,
            "auditor": self.auditor_id,
            "clauses": self.clauses,
        }


class Result(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    OBSERVATION = "observation", _("Observation")
    MINOR = "minor", _("Minor nonconformity")
    MAJOR = "major", _("Major nonconformity")
    NOT_APPLICABLE = "na", _("Not applicable")


class ChecklistItem(FrozenWithAudit):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    clause_number = models.CharField(_("clause"), max_length=10)
    clause_title = models.CharField(_("clause title"), max_length=200)
    question = models.TextField(_("question"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    dossiers = models.ManyToManyField(
        Dossier, verbose_name=_("dossiers sampled"), blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[dossiers])

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["audit", "order"]
        constraints = [models.UniqueConstraint(fields=["audit", "order"], name="audits_item_order")]

    def __str__(self) -> str:
        return f"{self.clause_number}: {self.question[:60]}"

    def content(self) -> dict:
        """Only a reason given shows up, so that audits signed before it was asked
        keep the content their signature was taken over."""
        return {
            "clause": self.clause_number,
            "question": self.question,
            "result": self.result,
            "evidence": self.evidence,
            "dossiers": sorted(dossier.code for dossier in self.dossiers.all()),
            **(
                {"not_applicable_reason": self.not_applicable_reason}
                if self.result == Result.NOT_APPLICABLE and self.not_applicable_reason
                else {}
            ),
        }

    @staticmethod
    def answer_errors(*, result: str, evidence: str, not_applicable_reason: str) -> dict:
        """What an answer lacks: an auditor records what they saw for every answer,
        a conforming one too (ISO 19011: a conclusion rests on evidence), except
        "not applicable", which says why instead. Earlier answers without evidence
        stay as they were recorded."""
        if result == Result.NOT_APPLICABLE:
            if not not_applicable_reason.strip():
                return {"not_applicable_reason": _("Say why this item does not apply here.")}
        elif not evidence.strip():
            return {
                "evidence": _(
                    "Record the evidence seen (records, dossiers, what was observed), "
                    "for a conforming answer too."
                )
            }
        return {}


class Finding(FrozenWithAudit):
    class Severity(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")
        OBSERVATION = "observation", _("Observation")

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    item = models.OneToOneField(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="finding",
    )
    clause_number = models.CharField(_("clause"), max_length=10)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True
    )
    requirement = models.TextField(
        _("requirement"),
        blank=True,
        help_text=_("The requirement (standard, law, procedure) and where it is written."),
    )
    description = models.TextField(
        _("statement of the finding"), help_text=_("What is not met, or what was observed.")
    )
    evidence = models.TextField(_("evidence"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["audit", "clause_number", "id"]

    def __str__(self) -> str:
        return f"{self.clause_number} ({self.get_severity_display()}): {self.description[:60]}"

    def content(self) -> dict:
        """The requirement shows up only where one was written, so that audits signed
        before it was asked keep the content their signature was taken over."""
        return {
            "clause": self.clause_number,
            "unit": self.unit_id,
            "severity": self.severity,
            "description": self.description,
            "evidence": self.evidence,
            **({"requirement": self.requirement} if self.requirement else {}),
        }

    @classmethod
    def statement_errors(cls, *, severity: str, requirement: str, description: str) -> dict:
        """A nonconformity is stated as the requirement, the evidence and what is not
        met (ISO 19011 6.4.8), never as the checklist question it came from; an
        observation states what was seen."""
        errors = {}
        if severity in (cls.Severity.MINOR, cls.Severity.MAJOR) and not requirement.strip():
            errors["requirement"] = _("Name the requirement that is not met.")
        if not description.strip():
            errors["description"] = _("State what is not met, or what was observed.")
        return errors


@receiver(m2m_changed, sender=Audit.units.through)
@receiver(m2m_changed, sender=Audit.procedures.through)
@receiver(m2m_changed, sender=Audit.clauses.through)
@receiver(m2m_changed, sender=Audit.team.through)
@receiver(m2m_changed, sender=ChecklistItem.dossiers.through)
def _refuse_m2m_changes_when_signed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """The scope, team and sampled dossiers of a signed audit are frozen too, from
    either side of the relation; the scope and team already once its plan is
    approved."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        audit_ids = [instance.audit_id if isinstance(instance, ChecklistItem) else instance.pk]
    elif model is Audit:
        audit_ids = pk_set if pk_set is not None else _related_audits(sender, instance)
    else:  # a dossier's side of ChecklistItem.dossiers
        items = pk_set if pk_set is not None else _related_items(sender, instance)
        audit_ids = ChecklistItem.objects.filter(pk__in=items).values_list("audit_id", flat=True)
    frozen = models.Q(status__in=Audit.SIGNED_STATUSES)
    if sender is not ChecklistItem.dossiers.through:  # the plan's scope and team
        frozen |= models.Q(plan_approved_at__isnull=False)
    if Audit.objects.filter(frozen, pk__in=audit_ids).exists():
        raise SignedRecordError()


def _related_audits(through, instance) -> list[int]:
    column = next(f.name for f in through._meta.fields if f.related_model is type(instance))
    return list(through.objects.filter(**{column: instance}).values_list("audit_id", flat=True))


def _related_items(through, instance) -> list[int]:
    return list(through.objects.filter(dossier=instance).values_list("checklistitem_id", flat=True))


def signed_links() -> dict[str, type[models.Model]]:
    """What a signed audit's content links to and could be deleted (units never are),
    by the lookup from the audit: its procedures, clauses and team, and the dossiers
    its checklist items sampled."""
    return {
        "procedures": Procedure,
        "clauses": Clause,
        "team": Audit._meta.get_field("team").related_model,
        "items__dossiers": Dossier,
    }


def refuse_deleting_what_signed_audits_name(sender, instance, **kwargs) -> None:
    """pre_delete of a record a signed audit links to: deleting it would delete the
    link rows by cascade, which sends no m2m_changed (so the guard above never hears
    of it), and rewrite the audit's signed scope, team or samples."""
    for lookup, model in signed_links().items():
        if model is sender:
            signed = Audit.objects.filter(**{lookup: instance}, status__in=Audit.SIGNED_STATUSES)
            if audit := signed.first():
                raise SignedRecordError(audit)
