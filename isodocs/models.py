"""The documented information that frames the QMS (TCVN ISO 9001:2015 clauses 4.3,
5.2 and 7.5) and the duties of Decision 19/2014/QĐ-TTg and Circular 26/2014/TT-BKHCN
(domain-vn.md §4): the quality policy and the scope, each versioned and signed by the
chairman; the external (legal) documents the procedures cite, and the legal updates
their amendment or replacement calls for; the announcement of conformity; the yearly
report to the provincial Department of Science and Technology.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procedures.models import Procedure
from qms.history import HistoryWithLinks
from qms.models import ApprovedRecord, User
from qms.models.core import ApprovedRecordQuerySet
from qms.models.numbering import document_number_field
from qms.signatures import FrozenPart, FrozenQuerySet


class VersionQuerySet(ApprovedRecordQuerySet):
    def approved(self):
        return self.filter(approved_at__isnull=False)

    def drafts(self):
        return self.filter(approved_at__isnull=True)

    def in_force_on(self, day: date):
        """The approved versions that had taken effect by `day`, the one in force
        first: a version stays in force until the next one takes effect."""
        return (
            self.approved().filter(effective_from__lte=day).order_by("-effective_from", "-version")
        )


class VersionedRecord(ApprovedRecord):
    """A document issued in numbered versions, as a procedure's revisions are: drafted
    by the ISO secretary, approved by the chairman's signature, in force from its
    date until the next version takes effect; an approved version never changes and
    stays readable."""

    version = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-version"]

    @classmethod
    def in_force_on(cls, day: date):
        return cls.objects.in_force_on(day).first()


class QualityPolicy(VersionedRecord):
    """The quality policy (5.2), signed by the chairman."""

    SIGNED_FIELDS = ("version", "text", "effective_from")

    text = models.TextField(_("policy text"))
    history = HistoricalRecords()

    class Meta(VersionedRecord.Meta):
        verbose_name = _("quality policy")
        verbose_name_plural = _("quality policies")
        constraints = [
            models.UniqueConstraint(fields=["version"], name="isodocs_policy_version_once")
        ]

    def __str__(self) -> str:
        return gettext("Quality policy, version %(version)s") % {"version": self.version}

    def signed_content(self) -> dict:
        return {
            "version": self.version,
            "text": self.text,
            "effective_from": self.effective_from.isoformat(),
        }


class QualityScope(VersionedRecord):
    """The scope of the QMS (4.3): the activities, the procedures in the system's ISO
    scope (`ProcedureQuerySet.in_iso_scope`, the list ISO coverage counts) as they
    stood when the version was drafted or last saved, and the requirements of the
    standard that do not apply, each with its justification."""

    activities = models.TextField(_("activities covered"))
    procedures = models.JSONField(
        _("procedures in scope"),
        default=list,
        editable=False,
        help_text=_("Code and name of each procedure, as listed when the version was saved."),
    )
    history = HistoricalRecords()

    class Meta(VersionedRecord.Meta):
        verbose_name = _("scope of the QMS")
        verbose_name_plural = _("scopes of the QMS")
        constraints = [
            models.UniqueConstraint(fields=["version"], name="isodocs_scope_version_once")
        ]

    def __str__(self) -> str:
        return gettext("Scope of the QMS, version %(version)s") % {"version": self.version}

    def signed_content(self) -> dict:
        return {
            "version": self.version,
            "activities": self.activities,
            "effective_from": self.effective_from.isoformat(),
            "procedures": [list(row) for row in self.procedures],
            "exclusions": [
                [row.clause, row.justification] for row in self.exclusions.order_by("order")
            ],
        }

    @property
    def procedure_codes(self) -> list[str]:
        return [code for code, _name in self.procedures]


class ScopeExclusion(FrozenPart):
    """A requirement of the standard that does not apply (4.3), e.g. 8.3 design and
    development: a ward carries out procedures the law lays down, it designs none."""

    PARENT = "scope"

    scope = models.ForeignKey(QualityScope, on_delete=models.CASCADE, related_name="exclusions")
    order = models.PositiveSmallIntegerField(_("order"))
    clause = models.CharField(_("clause"), max_length=10)
    justification = models.TextField(_("justification"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        ordering = ["scope", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "order"], name="isodocs_exclusion_order")
        ]

    def __str__(self) -> str:
        return self.clause

    @classmethod
    def locked_parents(cls):
        return QualityScope.objects.approved()


class ExternalDocument(models.Model):
    """A legal document of external origin (7.5.3.2) that procedures cite: a law,
    decree, circular or decision, with its status. A document that amends or replaces
    another names it (`changes`); adding it flags the procedures citing the one it
    changes for a legal update (`isodocs.services.external_document_add`)."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        DECREE = "decree", _("Decree")
        CIRCULAR = "circular", _("Circular")
        DECISION = "decision", _("Decision")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("In force, amended")
        REPLACED = "replaced", _("Replaced")

    class Relation(models.TextChoices):
        AMENDS = "amends", _("Amends")
        REPLACES = "replaces", _("Replaces")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(
        _("number"), max_length=64, unique=True, help_text=_("e.g. 118/2025/NĐ-CP")
    )
    title = models.CharField(_("title"), max_length=400)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    effective_from = models.DateField(_("effective from"))
    changes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changed_by",
        verbose_name=_("amends or replaces"),
        help_text=_("The document in force that this one amends or replaces, if any."),
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE, editable=False
    )
    procedures = models.ManyToManyField(
        Procedure,
        blank=True,
        related_name="external_documents",
        verbose_name=_("cited by the procedures"),
    )
    history = HistoryWithLinks(m2m_fields=[procedures])

    class Meta:
        verbose_name = _("external document")
        verbose_name_plural = _("external documents")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("issued_on")),
                name="isodocs_external_effective_after_issue",
                violation_error_message=_("A document takes effect on or after its issue."),
            ),
            models.CheckConstraint(
                condition=Q(changes__isnull=True, relation="")
                | (Q(changes__isnull=False) & ~Q(relation="")),
                name="isodocs_external_changes_with_relation",
                violation_error_message=_(
                    "Name the document it amends or replaces together with the relation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        errors = {}
        if self.effective_from and self.issued_on and self.effective_from < self.issued_on:
            errors["effective_from"] = _("The effective date cannot be before the issue date.")
        if self.changes_id and not self.relation:
            errors["relation"] = _("Say whether it amends or replaces %(document)s.") % {
                "document": self.changes
            }
        if self.relation and not self.changes_id:
            errors["changes"] = _("Choose the document it amends or replaces.")
        if self.changes_id and self.pk is None:
            changed = self.changes
            if changed.status == self.Status.REPLACED:
                errors["changes"] = _(
                    "%(document)s has already been replaced: choose the document in force."
                ) % {"document": changed}
            elif self.issued_on and changed.issued_on > self.issued_on:
                errors["changes"] = _(
                    "%(document)s was issued after this one: a document changes only earlier ones."
                ) % {"document": changed}
        if errors:
            raise ValidationError(errors)


class LegalUpdateQuerySet(models.QuerySet):
    def open(self):
        """Not yet done: the procedure is still flagged, and not reviewed since."""
        return self.filter(procedure__legal_basis_changed=True).filter(
            Q(procedure__last_reviewed_on__isnull=True)
            | Q(procedure__last_reviewed_on__lt=models.F("flagged_on"))
        )

    def overdue(self, today: date):
        return self.open().filter(due_on__lt=today)


class LegalUpdate(models.Model):
    """A procedure to bring in line with a new legal document that amends or replaces
    one it cites (Decision 19/2014: within 3 months of the new document's effective
    date, the ward's setting `Organisation.legal_update_months`). It is done when the
    procedure's flag is cleared by its next review or revision (the legal-update log
    an inspection asks for)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="legal_updates",
        verbose_name=_("procedure"),
    )  # fmt: skip
    document = models.ForeignKey(
        ExternalDocument, on_delete=models.PROTECT, related_name="legal_updates",
        verbose_name=_("new document"),
    )  # fmt: skip
    cited = models.ForeignKey(
        ExternalDocument, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cited document"),
    )  # fmt: skip
    flagged_on = models.DateField(_("flagged on"))
    due_on = models.DateField(_("update due by"))
    history = HistoricalRecords()

    objects = LegalUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal update")
        verbose_name_plural = _("legal updates")
        ordering = ["due_on", "procedure__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "document"], name="isodocs_legal_update_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} – {self.document.number}"

    @property
    def is_open(self) -> bool:
        procedure = self.procedure
        return procedure.legal_basis_changed and (
            procedure.last_reviewed_on is None or procedure.last_reviewed_on < self.flagged_on
        )


class Announcement(ApprovedRecord):
    """The committee's decision announcing that its QMS conforms to TCVN ISO
    9001:2015 (Decision 19/2014, Annex I), with its annex listing the procedures of
    the scope version it announces. The chairman signs it; its number and date are
    given at signing. A new one is due whenever the scope changes."""

    SIGNED_FIELDS = ("scope_id", "issued_on")
    FILLED_AT_SIGNING = ("number", "issued_on")

    scope = models.ForeignKey(
        QualityScope,
        on_delete=models.PROTECT,
        related_name="announcements",
        verbose_name=_("scope version"),
    )
    number = document_number_field(verbose_name=_("number"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("announcement of conformity")
        verbose_name_plural = _("announcements of conformity")
        ordering = ["-pk"]

    def __str__(self) -> str:
        if self.number_id:
            return gettext("Announcement of conformity %(number)s") % {"number": self.number}
        return gettext("Announcement of conformity (draft)")

    def signed_content(self) -> dict:
        return {
            "scope": self.scope.signed_content(),
            "number": str(self.number) if self.number_id else None,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
        }

    @classmethod
    def latest(cls) -> "Announcement | None":
        return cls.objects.filter(approved_at__isnull=False).order_by("-issued_on", "-pk").first()


class YearlyReportQuerySet(FrozenQuerySet):
    def frozen(self):
        return self.filter(submitted_on__isnull=False)


class YearlyReport(models.Model):
    """The yearly report on applying and maintaining the QMS (Circular 26/2014) to the
    provincial Department of Science and Technology, filled from the year's records
    (`isodocs.yearly.figures`). Its figures are stored when it is submitted; it no
    longer changes after that."""

    # The last day to send it: the province collects the reports before its own to
    # the Ministry in December (domain-vn.md §4.4); the day is the province's.
    DUE = (11, 30)
    NOTICE_DAYS = 30

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    addressee = models.CharField(_("addressee"), max_length=300, default="Sở Khoa học và Công nghệ")
    summary = models.TextField(
        _("assessment"),
        blank=True,
        help_text=_("What the figures cannot say: results, difficulties, proposals."),
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
        _("recipients"), blank=True, default="Như trên;\nLưu: VT", help_text=_("One a line.")
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

    objects = YearlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly ISO report")
        verbose_name_plural = _("yearly ISO reports")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True, figures__isnull=True)
                | Q(submitted_on__isnull=False, figures__isnull=False),
                name="isodocs_yearly_submitted_has_figures",
            )
        ]

    def __str__(self) -> str:
        return gettext("Yearly ISO report %(year)s") % {"year": self.year}

    def save(self, *args, **kwargs) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self) -> None:
        if self.pk and type(self).objects.filter(pk=self.pk).frozen().exists():
            raise ValidationError(
                _("%(report)s was sent and can no longer be changed.") % {"report": self},
                code="submitted",
            )

    @property
    def due_on(self) -> date:
        return date(self.year, *self.DUE)

    def window(self, sent_on: date) -> tuple[date, date]:
        """The days the figures cover: from 1 January to the day before it is sent
        (its own day is not over yet), within its year (rule R17's window)."""
        start = date(self.year, 1, 1)
        return start, max(start, min(sent_on - timedelta(days=1), date(self.year, 12, 31)))

    def state(self, today: date) -> str:
        """submitted, overdue, due (within the notice days), or later."""
        if self.submitted_on:
            return "submitted"
        if today > self.due_on:
            return "overdue"
        return "due" if today >= self.due_on - timedelta(days=self.NOTICE_DAYS) else "later"
