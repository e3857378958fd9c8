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
from simple_history.models import HistoricalRecords

from procedures.models import Dossier, Procedure
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
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTED = "reported", _("Reported (signed)")
        CLOSED = "closed", _("Closed")

    SIGNED_STATUSES = (Status.REPORTED, Status.CLOSED)
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
    signatures = GenericRelation(Signature, object_id_field="object_id")
    history = HistoricalRecords(m2m_fields=[units, procedures, clauses, team])

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
        """Everything the report prints: scope, team, dates, answers, findings."""
        return {
            **{
                field.attname: getattr(self, field.attname)
                for field in self._meta.concrete_fields
                if field.name not in ("id", "status")
            },
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
        return {
            "clause": self.clause_number,
            "question": self.question,
            "result": self.result,
            "evidence": self.evidence,
            "dossiers": sorted(dossier.code for dossier in self.dossiers.all()),
        }


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
    description = models.TextField(_("description"))
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
        return {
            "clause": self.clause_number,
            "unit": self.unit_id,
            "severity": self.severity,
            "description": self.description,
            "evidence": self.evidence,
        }


@receiver(m2m_changed, sender=Audit.units.through)
@receiver(m2m_changed, sender=Audit.procedures.through)
@receiver(m2m_changed, sender=Audit.clauses.through)
@receiver(m2m_changed, sender=Audit.team.through)
@receiver(m2m_changed, sender=ChecklistItem.dossiers.through)
def _refuse_m2m_changes_when_signed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """The scope, team and sampled dossiers of a signed audit are frozen too, from
    either side of the relation."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        audit_ids = [instance.audit_id if isinstance(instance, ChecklistItem) else instance.pk]
    elif model is Audit:
        audit_ids = pk_set if pk_set is not None else _related_audits(sender, instance)
    else:  # a dossier's side of ChecklistItem.dossiers
        items = pk_set if pk_set is not None else _related_items(sender, instance)
        audit_ids = ChecklistItem.objects.filter(pk__in=items).values_list("audit_id", flat=True)
    if Audit.objects.filter(pk__in=audit_ids, status__in=Audit.SIGNED_STATUSES).exists():
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
