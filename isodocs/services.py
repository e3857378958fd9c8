"""Every change of the ISO documents goes through one of these functions: each is one
transaction, writes history naming who and why, and keeps the rules: one draft of
the policy or scope at a time, signed versions frozen, a scope listing the procedures
in the ISO scope, an announcement only of the scope in force, legal updates flagged
when a cited document is amended or replaced."""

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from isodocs import yearly
from isodocs.models import (
    Announcement,
    ExternalDocument,
    LegalUpdate,
    QualityPolicy,
    QualityScope,
    ScopeExclusion,
    VersionedRecord,
    YearlyReport,
)
from procedures.models import Procedure
from procedures.services import procedure_save
from qms.history import save_tracked, save_tracked_with_links, track
from qms.models import DocumentKind, DocumentNumber, Organisation, Signature, User
from qms.roles import Role
from qms.signing import chairman_approve, refuse_if_approved, signature_sign


def in_scope(day: date) -> list[list[str]]:
    """[code, name] of each procedure in the ISO scope on `day`, by code."""
    return [
        [code, name]
        for code, name in Procedure.objects.in_iso_scope(day)
        .order_by("code")
        .values_list("code", "name")
    ]


def _next_version(model: type[VersionedRecord]) -> int:
    return (model.objects.aggregate(last=Max("version"))["last"] or 0) + 1


def _refuse_second_draft(record: VersionedRecord) -> None:
    if record.pk is None and type(record).objects.drafts().exists():
        raise ValidationError(
            _("A draft of %(record)s is already waiting: edit it instead of starting another.")
            % {"record": type(record)._meta.verbose_name}
        )


@transaction.atomic
def policy_save(*, policy: QualityPolicy, user: User) -> QualityPolicy:
    """Save the draft of the policy, a new version when `policy` is new."""
    _refuse_second_draft(policy)
    if policy.pk is None:
        policy.version = _next_version(QualityPolicy)
        policy.created_by = user
    return save_tracked(policy, user=user, reason=_("Policy drafted"))


def parse_exclusions(text: str) -> list[tuple[str, str]]:
    """The exclusions typed one a line, "clause: justification" (e.g. "8.3: …");
    a line that does not say both is refused with its number."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)*)\s*[:|-]\s*(\S.*)", line)
        if not match:
            raise ValidationError(
                {
                    "exclusions": _(
                        "Line %(line)s: write the clause, a colon and the justification, "
                        "e.g. “8.3: the ward designs no service”."
                    )
                    % {"line": number}
                }
            )
        rows.append((match[1], match[2].strip()))
    return rows


@transaction.atomic
def scope_save(
    *, scope: QualityScope, exclusions: list[tuple[str, str]], user: User
) -> QualityScope:
    """Save the draft of the scope with its exclusions; it lists the procedures in the
    ISO scope as they stand today (listed again at each save while a draft)."""
    _refuse_second_draft(scope)
    if scope.pk is None:
        scope.version = _next_version(QualityScope)
        scope.created_by = user
    scope.procedures = in_scope(timezone.localdate())
    if not scope.procedures:
        raise ValidationError(
            _("No procedure is in the ISO scope: issue the procedures' revisions first.")
        )
    save_tracked(scope, user=user, reason=_("Scope drafted"))
    scope.exclusions.all().delete()
    ScopeExclusion.objects.bulk_create(
        ScopeExclusion(scope=scope, order=order, clause=clause, justification=justification)
        for order, (clause, justification) in enumerate(exclusions, 1)
    )
    return scope


@transaction.atomic
def version_approve(*, record: VersionedRecord, user: User, password: str, seen_sha256: str):
    """The chairman approves a version of the policy or the scope by signing it; a
    scope only while it lists the procedures in scope today."""
    if isinstance(record, QualityScope) and record.procedures != in_scope(timezone.localdate()):
        raise ValidationError(
            _(
                "The procedures in the ISO scope changed since this draft was saved: save "
                "the draft again to list them, then sign."
            )
        )
    return chairman_approve(record=record, user=user, password=password, seen_sha256=seen_sha256)


def scope_changed(today: date) -> bool:
    """Whether the procedures in the ISO scope differ from those of the scope in
    force: a new version of the scope, then a new announcement, is due."""
    scope = QualityScope.in_force_on(today)
    return scope is not None and scope.procedures != in_scope(today)


def announcement_due(today: date) -> bool:
    """A (re-)announcement is due when the scope in force has none signed, or the
    procedures in scope changed since (Decision 19/2014: re-announce whenever the
    scope is adjusted)."""
    scope = QualityScope.in_force_on(today)
    if scope is None:
        return False  # the scope comes first: it is what the overview asks for
    if scope_changed(today):
        return True
    return not scope.announcements.filter(approved_at__isnull=False).exists()


@transaction.atomic
def announcement_draft(*, user: User) -> Announcement:
    """A draft of the announcement of the scope in force, refused while the
    procedures in scope have changed since that scope was approved."""
    today = timezone.localdate()
    scope = QualityScope.in_force_on(today)
    if scope is None:
        raise ValidationError(_("No scope of the QMS is in force: approve the scope first."))
    if scope_changed(today):
        raise ValidationError(
            _(
                "The procedures in the ISO scope changed since %(scope)s was approved: "
                "approve a new version of the scope first."
            )
            % {"scope": scope}
        )
    draft = Announcement.objects.filter(approved_at__isnull=True).first()
    if draft:
        draft.scope = scope
        return save_tracked(draft, user=user, reason=_("Announcement drafted again"))
    return save_tracked(
        Announcement(scope=scope, created_by=user), user=user, reason=_("Announcement drafted")
    )


@transaction.atomic
def announcement_sign(
    *, announcement: Announcement, user: User, password: str, seen_sha256: str
) -> Announcement:
    """The chairman signs the decision: it takes its number and its date (the day of
    signing) and is frozen from then on."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    refuse_if_approved(announcement)
    today = timezone.localdate()
    if announcement.scope != QualityScope.in_force_on(today) or scope_changed(today):
        raise ValidationError(
            _("The scope changed since this draft was made: draft the announcement again.")
        )
    # numbered and dated inside the signing's transaction: a refused signature (the
    # password, the role, a changed content) gives its number back
    announcement.number = DocumentNumber.assign(DocumentKind.DECISION, today)
    announcement.issued_on = today
    announcement.approved_at = timezone.now()
    track(announcement, user, _("Signed"))
    announcement.save()
    signature_sign(
        record=announcement,
        user=user,
        password=password,
        roles=(Role.CHAIRMAN,),
        meaning=Signature.Meaning.APPROVED,
        seen_sha256=seen_sha256,
    )
    return announcement


@transaction.atomic
def external_document_add(
    *, document: ExternalDocument, procedures, user: User
) -> list[LegalUpdate]:
    """Record an external document and the procedures that cite it. When it amends or
    replaces a document in force, that one's status changes and each procedure citing
    it is flagged ("legal basis changed") with a legal update due within the ward's
    months of the new document's effective date. Returns the updates raised."""
    save_tracked_with_links(
        document, user=user, reason=_("External document added"), links={"procedures": procedures}
    )
    if document.changes_id is None:
        return []
    changed = ExternalDocument.objects.select_for_update().get(pk=document.changes_id)
    changed.status = (
        ExternalDocument.Status.REPLACED
        if document.relation == ExternalDocument.Relation.REPLACES
        else ExternalDocument.Status.AMENDED
    )
    track(changed, user, _("%(relation)s by %(document)s") % {
        "relation": document.get_relation_display(), "document": document.number,
    })  # fmt: skip
    changed.save()
    today = timezone.localdate()
    months = Organisation.settings().legal_update_months
    due_on = document.effective_from + relativedelta(months=months)
    updates = []
    for procedure in changed.procedures.select_for_update().order_by("code"):
        procedure.legal_basis_changed = True
        procedure_save(
            procedure=procedure,
            user=user,
            reason=_("Legal basis changed: %(document)s %(relation)s %(cited)s")
            % {
                "document": document.number,
                "relation": document.get_relation_display().lower(),
                "cited": changed.number,
            },
        )
        updates.append(
            LegalUpdate.objects.create(
                procedure=procedure,
                document=document,
                cited=changed,
                flagged_on=today,
                due_on=due_on,
            )
        )
    return updates


@transaction.atomic
def external_document_save(*, document: ExternalDocument, procedures, user: User, reason: str):
    """Correct a recorded document or the procedures citing it (what it changes is
    fixed once recorded: its updates were raised then)."""
    return save_tracked_with_links(
        document, user=user, reason=reason, links={"procedures": procedures}
    )


@transaction.atomic
def yearly_report_save(*, report: YearlyReport, user: User) -> YearlyReport:
    return save_tracked(report, user=user, reason=_("Report drafted"))


@transaction.atomic
def yearly_report_submit(*, report: YearlyReport, user: User) -> YearlyReport:
    """Send the report: its number and date are given, the figures of its window
    stored as sent, and it is frozen."""
    report = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if report.submitted_on:
        raise ValidationError(_("%(report)s has already been submitted.") % {"report": report})
    if report.signer is None:
        raise ValidationError({"signer": _("Choose who signs the report.")})
    today = timezone.localdate()
    if today.year < report.year:
        raise ValidationError(_("A year's report is sent within or after its year."))
    report.figures = yearly.figures(*report.window(today))
    report.number = DocumentNumber.assign(DocumentKind.REFORM_REPORT, today)
    report.submitted_on = today
    report.submitted_by = user
    return save_tracked(report, user=user, reason=_("Submitted"))
