"""What waits for whom: the one place that says, for a user, what they must do now.

Each item is a count and the list it links to. The count is taken from the very
filter that list applies to the same parameters (the list's FilterSet, or the
function its view calls), so a click on the count shows exactly that many rows.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from audits.filters import ChecklistFilter, MyAuditFilter
from audits.models import Audit, Programme
from isodocs import overview
from nonconformities.filters import NonconformityFilter
from nonconformities.models import Nonconformity
from procedures.filters import DossierFilter, ProcedureFilter, QueueFilter
from procedures.models import Dossier, Procedure, ProcedureRevision
from qms.models import ManagementReview, Organisation, PeriodicReport
from qms.oversight.filters import ObjectiveFilter, ReviewFilter
from qms.oversight.snapshot import reports_due
from qms.roles import Role

LEADERS = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


@dataclass(frozen=True)
class Waiting:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # shown in red while its count is not zero


def _url(name: str, params: dict | None = None, args: tuple = ()) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def _listed(key: str, label: str, filterset, name: str, args: tuple = (), urgent=False) -> Waiting:
    """`filterset`'s rows, counted, linked to page `name` with the same parameters."""
    return Waiting(key, label, filterset.qs.count(), _url(name, filterset.data, args), urgent)


def _queue(user) -> list[Waiting]:
    """The dossiers at the user's steps, for whoever works them (the queue's own
    permission)."""
    if not user.has_perm("procedures.change_dossier"):
        return []
    page = "procedures:dossier_queue"
    if user.has_role(*LEADERS):
        label = _("Dossiers waiting for your signature")
    elif user.unit_id:
        label = _("Dossiers waiting in your unit")
    else:
        return []
    return [
        _listed("queue", label, QueueFilter.of(user), page),
        _listed(
            "queue_due_today",
            _("Due today at your step"),
            QueueFilter.of(user, {"worklist": "due_today"}),
            page,
        ),
        _listed(
            "queue_overdue",
            _("Overdue at your step"),
            QueueFilter.of(user, {"worklist": "step_overdue"}),
            page,
            urgent=True,
        ),
    ]


def _leader(user, today: date) -> list[Waiting]:
    items = [
        _listed(
            "revisions",
            _("Procedure revisions waiting for approval"),
            ProcedureFilter({"status": "submitted"}, queryset=Procedure.objects.all()),
            "procedures:list",
        ),
        _listed(
            "apologies",
            _("Apologies (form 04) waiting for approval"),
            DossierFilter({"apology_to_issue": "true"}, queryset=Dossier.objects.all()),
            "procedures:dossier_list",
            urgent=True,
        ),
    ]
    if not user.has_role(Role.CHAIRMAN):
        return items
    items.append(
        _listed(
            "objectives",
            _("Quality objectives %(year)s to approve") % {"year": today.year},
            ObjectiveFilter.of(today.year, {"pending": "true"}),
            "qms:objectives",
            args=(today.year,),
        )
    )
    unapproved = Programme.objects.filter(year__gte=today.year, approved_at__isnull=True)
    for programme in unapproved.order_by("year"):
        items.append(
            Waiting(
                f"programme_{programme.year}",
                _("Audit programme %(year)s to approve") % {"year": programme.year},
                1,
                _url("audits:programme", args=(programme.year,)),
            )
        )
    items.append(
        _listed(
            "reviews",
            _("Management reviews to sign"),
            ReviewFilter({"to_sign": "true"}, queryset=ManagementReview.objects.all()),
            "qms:reviews",
        )
    )
    return items


def _auditor(user) -> list[Waiting]:
    items = [
        _listed(
            "audits_to_prepare",
            _("Audits to prepare"),
            MyAuditFilter.of(user, {"status": Audit.Status.PLANNED}),
            "audits:mine",
        )
    ]
    running = MyAuditFilter.of(user, {"status": Audit.Status.IN_PROGRESS}).qs.order_by("pk")
    for audit in running:
        items.append(
            _listed(
                f"checklist_{audit.pk}",
                _("Checklist items left: %(audit)s") % {"audit": audit.code},
                ChecklistFilter.of(audit, {"left": "true"}),
                "audits:checklist",
                args=(audit.pk,),
            )
        )
    items.append(
        _listed(
            "actions_to_verify",
            _("Nonconformities whose actions wait for verification"),
            NonconformityFilter(
                {"stage": Nonconformity.Stage.VERIFICATION}, queryset=Nonconformity.objects.all()
            ),
            "nonconformities:register",
        )
    )
    return items


def _secretary(today: date) -> list[Waiting]:
    procedures = Procedure.objects.all()
    return [
        _listed(
            "procedures_review",
            _("Procedures due for review"),
            ProcedureFilter({"due_for_review": "true"}, queryset=procedures),
            "procedures:list",
        ),
        _listed(
            "unread",
            _("Procedures not yet read by everyone concerned"),
            ProcedureFilter({"unread": "true"}, queryset=procedures),
            "procedures:list",
        ),
        _listed(
            "nc_stuck",
            _("Nonconformities held up by overdue actions"),
            NonconformityFilter({"overdue": "true"}, queryset=Nonconformity.objects.all()),
            "nonconformities:register",
            urgent=True,
        ),
        _reports_due(_("Periodic reports due"), today),
        Waiting(
            "iso_documents",
            _("ISO documents due or missing"),
            overview.open_items(today),
            _url("isodocs:overview", {"open": "1"}),
        ),
    ]


def _reports_due(label: str, today: date, kind: str | None = None) -> Waiting:
    """The reports (of `kind`, or of both) due or near, linked to that list."""
    due = reports_due(today, kind)
    params = {"due": "true", **({"kind": kind} if kind else {})}
    return Waiting(
        "reports_due",
        label,
        len(due),
        _url("qms:reports", params),
        urgent=any(entry.due < today for entry in due),
    )


def waiting_for(user, today: date | None = None) -> list[Waiting]:
    """What `user` must do now, for each role they hold, then what anyone may owe:
    corrective actions they own and documents they have to read."""
    today = today or localdate()
    items = _queue(user)
    if user.has_role(*LEADERS):
        items += _leader(user, today)
    if user.has_role(Role.AUDITOR):
        items += _auditor(user)
    if user.has_role(Role.ISO_SECRETARY):
        items += _secretary(today)
    elif user.unit_id and user.unit_id == Organisation.settings().communication_unit_id:
        items.append(
            _reports_due(_("Communication reports due"), today, PeriodicReport.Kind.COMMUNICATION)
        )
    items.append(
        _listed(
            "my_actions",
            _("Nonconformities with your corrective actions open"),
            NonconformityFilter({"action_owner": user.pk}, queryset=Nonconformity.objects.all()),
            "nonconformities:register",
        )
    )
    to_read = ProcedureRevision.objects.to_acknowledge_by(user)
    items.append(
        Waiting(
            "to_read", _("Documents to read"), to_read.count(), _url("procedures:to_acknowledge")
        )
    )
    return items
