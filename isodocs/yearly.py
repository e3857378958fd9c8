"""The figures of the yearly report on applying and maintaining the QMS (Circular
26/2014/TT-BKHCN), read from the records of the report's window: the scope and its
changes, the announcements, internal audits, management reviews, nonconformities,
legal updates and training."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, Finding
from governance import services as governance_services
from governance.models import TrainingRecord
from isodocs.models import Announcement, LegalUpdate, QualityPolicy, QualityScope
from nonconformities.models import Nonconformity
from procedures.models import Procedure
from qms.models import ManagementReview

# Each count the report prints, in its order, with its label.
LABELS = {
    "procedures_in_use": _("Procedures in use at the desk"),
    "procedures_in_scope": _("Procedures in the ISO scope"),
    "scope_versions": _("Scope versions taking effect in the year"),
    "procedures_added": _("Procedures added to the scope"),
    "procedures_removed": _("Procedures removed from the scope"),
    "announcements": _("Announcements of conformity issued"),
    "audits_planned": _("Internal audits planned"),
    "audits_done": _("Internal audits carried out (report signed)"),
    "findings": _("Audit findings"),
    "reviews_held": _("Management reviews held"),
    "reviews_signed": _("Management reviews signed off"),
    "nonconformities": _("Nonconformities recorded"),
    "corrective": _("Of which needing corrective action (10.2)"),
    "nonconformities_closed": _("Nonconformities recorded and closed"),
    "legal_updates": _("Procedures flagged for a legal update"),
    "legal_updates_open": _("Legal updates not yet done"),
    "people_trained": _("Officers trained (every kind of training)"),
    "awareness_trained": _("Officers trained in ISO 9001 awareness"),
    "procedure_trained": _("Officers trained on procedures (read-and-understood records included)"),
    "auditor_certificates": _("Internal auditor certificates issued"),
    "qualified_auditors": _("Qualified internal auditors at the end of the year"),
}


def training_figures(year: int) -> dict:
    """What the report prints for training in `year`, from the competence records
    (`governance.services.training_figures`): the officers trained, in all and by
    kind, and the internal auditors' certificates."""
    trained = governance_services.training_figures(year)
    by_kind = trained["people_trained"]
    return {
        "people_trained": trained["people_trained_total"],
        "awareness_trained": by_kind[TrainingRecord.Kind.AWARENESS],
        "procedure_trained": by_kind[TrainingRecord.Kind.PROCEDURE],
        "auditor_certificates": trained["auditor_certificates_issued"],
        "qualified_auditors": trained["qualified_auditors"],
    }


def figures(start: date, end: date) -> dict:
    """Every figure of the report for the days `start`..`end` (within one year),
    JSON-ready: `counts` by the keys of `LABELS`, the procedures in the ISO scope on
    `end`, the exclusions and the policy of the scope and policy then in force, the
    announcements issued in the window."""
    window = (start, end)
    scope = QualityScope.in_force_on(end)
    before = QualityScope.in_force_on(start - timedelta(days=1))
    policy = QualityPolicy.in_force_on(end)
    in_scope = [
        [code, name]
        for code, name in Procedure.objects.in_iso_scope(end)
        .order_by("code")
        .values_list("code", "name")
    ]
    codes_before = set(before.procedure_codes) if before else set()
    codes_now = {code for code, _name in in_scope}
    announcements = Announcement.objects.filter(
        approved_at__isnull=False, issued_on__range=window
    ).order_by("issued_on", "pk")
    audits = Audit.objects.filter(kind=Audit.Kind.INTERNAL, planned_start__range=window)
    audit_counts = audits.aggregate(
        planned=Count("pk"), done=Count("pk", filter=Q(status__in=Audit.SIGNED_STATUSES))
    )
    reviews = ManagementReview.objects.filter(held_on__range=window).aggregate(
        held=Count("pk"), signed=Count("pk", filter=Q(approved_at__isnull=False))
    )
    nonconformities = Nonconformity.objects.filter(found_on__range=window).aggregate(
        recorded=Count("pk"),
        corrective=Count("pk", filter=Q(kind=Nonconformity.Kind.CORRECTIVE)),
        closed=Count("pk", filter=Q(stage=Nonconformity.Stage.CLOSED)),
    )
    updates = LegalUpdate.objects.filter(flagged_on__range=window)
    counts = {
        "procedures_in_use": Procedure.objects.filter(in_use=True).count(),
        "procedures_in_scope": len(in_scope),
        "scope_versions": QualityScope.objects.approved()
        .filter(effective_from__range=window)
        .count(),
        "procedures_added": len(codes_now - codes_before) if before else 0,
        "procedures_removed": len(codes_before - codes_now) if before else 0,
        "announcements": announcements.count(),
        "audits_planned": audit_counts["planned"],
        "audits_done": audit_counts["done"],
        "findings": Finding.objects.filter(audit__in=audits).count(),
        "reviews_held": reviews["held"],
        "reviews_signed": reviews["signed"],
        "nonconformities": nonconformities["recorded"],
        "corrective": nonconformities["corrective"],
        "nonconformities_closed": nonconformities["closed"],
        "legal_updates": updates.count(),
        "legal_updates_open": updates.open().count(),
        **training_figures(start.year),
    }
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "counts": counts,
        "procedures": in_scope,
        "exclusions": [
            [row.clause, row.justification] for row in scope.exclusions.order_by("order")
        ]
        if scope
        else [],
        "scope_version": scope.version if scope else None,
        "policy": {"version": policy.version, "text": policy.text} if policy else None,
        "announcements": [
            {"number": str(row.number), "issued_on": row.issued_on.isoformat()}
            for row in announcements
        ],
    }
