"""The records of each kind of the retention schedule, the day each was closed (from
which its retention is counted), and what disposing of one does.

What disposal does, kind by kind (see README, "Retention and disposal"):

- a dossier: the citizen's personal data (applicant and authorised person: name, ID
  number, phone, address, e-mail) is erased from the dossier and from its history,
  and the scans of its documents and result are deleted; the row stays (code, dates,
  outcome), because the KPIs of past periods and the tracking book count it, and its
  signed apology (which holds no personal data) stays valid;
- a tracking book (a year's volume): the system's book is generated from the
  dossiers, so disposal is of the printed volume; the trace says it was destroyed;
- audit records, nonconformities, management reviews: signed records are never
  changed, so their rows stay as the signature covers them; disposal is of the
  paper originals and of the files attached to their actions (evidence files),
  which are deleted.

Each disposal leaves its `DisposalItem`: what it was, when it was disposed of and by
whom, on a list whose signature says by whose decision.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Min, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit
from governance.models import DisposalItem, RecordKind, RetentionRule
from nonconformities.models import Action, Nonconformity
from procedures.models import Dossier
from qms.history import track
from qms.models import ManagementReview


@dataclass(frozen=True)
class Closed:
    pk: int
    label: str
    closed_on: date


ERASED = "—"
PERSONAL_FIELDS = {
    "applicant_name": ERASED,
    "applicant_id_number": "",
    "applicant_phone": "",
    "applicant_address": "",
    "applicant_email": "",
    "representative_name": "",
    "representative_id_number": "",
    "representative_phone": "",
    "representative_address": "",
    "representative_email": "",
}


def closed_records(kind: str) -> Iterator[Closed]:
    """Every closed record of `kind` with the day it was closed."""
    if kind == RecordKind.DOSSIER:
        dossiers = (
            Dossier.objects.filter(status__in=_ENDED)
            # a stopped or withdrawn dossier ends on its stop (`ended_at`), not on
            # its receipt
            .annotate(
                closed=TruncDate(Coalesce("returned_at", "ended_at", "completed_at", "received_at"))
            )
            .values_list("pk", "code", "closed")
        )
        for pk, code, closed in dossiers.iterator():
            yield Closed(pk, _("Dossier %(code)s") % {"code": code}, closed)
    elif kind == RecordKind.TRACKING_BOOK:
        years = Dossier.objects.filter(book_year__isnull=False).values_list("book_year", flat=True)
        for year in sorted(set(years)):
            yield Closed(
                year, _("Tracking book, volume %(year)s") % {"year": year}, date(year, 12, 31)
            )
    elif kind == RecordKind.AUDIT:
        # closed once its findings are handled, which may be long after its fieldwork
        closed = _entered(Audit, status=Audit.Status.CLOSED)
        for audit in Audit.objects.filter(status=Audit.Status.CLOSED, actual_end__isnull=False):
            yield Closed(
                audit.pk,
                _("Audit %(code)s") % {"code": audit.code},
                max(audit.actual_end, closed.get(audit.pk, audit.actual_end)),
            )
    elif kind == RecordKind.NONCONFORMITY:
        records = Nonconformity.objects.filter(
            Q(stage=Nonconformity.Stage.CLOSED, verified_on__isnull=False)
            | Q(stage=Nonconformity.Stage.CANCELLED)
        )
        cancelled = _entered(Nonconformity, stage=Nonconformity.Stage.CANCELLED)
        for nc in records:
            yield Closed(
                nc.pk,
                _("Nonconformity %(code)s") % {"code": nc.code},
                nc.verified_on or max(nc.found_on, cancelled.get(nc.pk, nc.found_on)),
            )
    elif kind == RecordKind.REVIEW:
        for review in ManagementReview.objects.filter(approved_at__isnull=False):
            yield Closed(review.pk, str(review), review.held_on)


def _entered(model, **state) -> dict[int, date]:
    """The day each record of `model` first entered `state`, read from its history
    (the records keep no field for it): one query for them all."""
    rows = model.history.filter(**state).values("id").annotate(at=Min("history_date"))
    return {row["id"]: timezone.localdate(row["at"]) for row in rows}


_ENDED = (
    Dossier.Status.RETURNED,
    Dossier.Status.STOPPED,
    Dossier.Status.WITHDRAWN,
    Dossier.Status.REFUSED,
    Dossier.Status.INCOMPLETE,
)


def due(rule: RetentionRule, day: date) -> list[Closed]:
    """The records of the rule's kind whose retention has ended by `day` and that no
    disposal list holds yet."""
    listed = set(DisposalItem.objects.filter(kind=rule.kind).values_list("object_id", flat=True))
    return [
        record
        for record in closed_records(rule.kind)
        if record.pk not in listed and rule.disposable_from(record.closed_on) <= day
    ]


def dispose(item: DisposalItem, *, user) -> None:
    """Dispose of the record `item` names (what that means per kind: module docstring)."""
    reason = _("Disposed of by list %(number)s") % {"number": item.disposal_list.number}
    if item.kind == RecordKind.DOSSIER:
        _erase_dossier(item.object_id, user=user, reason=reason)
    elif item.kind == RecordKind.NONCONFORMITY:
        for action in Action.objects.filter(nonconformity_id=item.object_id).exclude(
            evidence_file=""
        ):
            action.evidence_file = ""  # the file goes when the disposal commits
            track(action, user, reason).save(update_fields=["evidence_file"])


def _erase_dossier(pk: int, *, user, reason: str) -> None:
    """The personal data and the scans go; the change is a history row of its own,
    naming the list. Earlier history rows are never rewritten (qms.history): they
    keep what they held, which the README says."""
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        return
    for document in dossier.documents.exclude(scan=""):
        document.scan = ""  # the files go when the disposal commits
        track(document, user, reason).save(update_fields=["scan"])
    dossier.result_scan = ""
    for name, value in PERSONAL_FIELDS.items():
        setattr(dossier, name, value)
    track(dossier, user, reason).save(update_fields=[*PERSONAL_FIELDS, "result_scan"])
