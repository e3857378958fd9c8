"""Decision 766's indicators measured from the ward's records (rule R14, domain-vn.md
§3.2), each with its numerator and denominator, and the groups' estimates (§3.1).

Each indicator is a dict {"rate", "numerator", "denominator", "threshold", "reason"}:
the rate in percent with two decimals (half up; 2.2 in working days), `None` with the
reason (shown as is, so in the interface's language) where the records cannot tell.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nonconformities.models import Complaint
from procedures.models import (
    Channel,
    Dossier,
    DossierDocument,
    OnlineLevel,
    Procedure,
    Rating,
    RatingSource,
    SupplementRequest,
)
from qms.models import CalendarDay
from qms.oversight.kpi import Scope, _dossiers_in, compute

FIELDS = ("rate", "numerator", "denominator", "threshold", "reason")
KEYS = ("2.1", "2.2", "3.1", "3.3", "4.1", "4.2", "5.2", "5.3", "5.4")

# The thresholds T that §3.2 publishes; the other indicators have none.
THRESHOLDS = {"3.1": 80, "3.3": 50, "4.2": 80, "5.4": 90}

NAMES = {
    "1.1": gettext_lazy("Procedures announced on time"),
    "1.2": gettext_lazy("Procedures published on the national database on time"),
    "1.3": gettext_lazy("Procedures published with every mandatory part"),
    "1.4": gettext_lazy("Dossiers synchronised to the national portal"),
    "2.1": gettext_lazy("Dossiers processed on time"),
    "2.2": gettext_lazy("Average processing time (working days)"),
    "3.1": gettext_lazy("Procedures offered online (partly or fully)"),
    "3.2": gettext_lazy("Online services that received dossiers"),
    "3.3": gettext_lazy("Dossiers submitted online"),
    "3.5": gettext_lazy("Procedures with fees payable online"),
    "3.6": gettext_lazy("Dossiers paid online"),
    "4.1": gettext_lazy("Dossiers with an electronic result"),
    "4.2": gettext_lazy("Digitised dossiers"),
    "4.3": gettext_lazy("Dossiers reusing digitised data"),
    "4.4": gettext_lazy("Dossiers linked to the citizen's data store"),
    "4.5": gettext_lazy("Use of the national population database"),
    "5.2": gettext_lazy("Complaints and recommendations answered on time"),
    "5.3": gettext_lazy("Satisfaction with the answers to complaints and recommendations"),
    "5.4": gettext_lazy("Satisfaction with the handling of dossiers"),
}


@dataclass(frozen=True)
class Group:
    """A group of the index with its points (§3.1's numbering): the indicators the
    records measure, and those only the national portal holds."""

    number: int
    name: str
    points: int
    measured: tuple[str, ...]
    portal: tuple[str, ...]


GROUPS = (
    Group(1, gettext_lazy("Publicity and transparency"), 18, (), ("1.1", "1.2", "1.3", "1.4")),
    Group(2, gettext_lazy("Processing timeliness"), 20, ("2.1", "2.2"), ()),
    Group(3, gettext_lazy("Online public services"), 12, ("3.1", "3.3"), ("3.2",)),
    Group(4, gettext_lazy("Online payment"), 10, (), ("3.5", "3.6")),
    Group(5, gettext_lazy("Satisfaction"), 18, ("5.2", "5.3", "5.4"), ()),
    Group(6, gettext_lazy("Digitisation"), 22, ("4.1", "4.2"), ("4.3", "4.4", "4.5")),
)


def _two_decimals(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def indicator(
    numerator: int, denominator: int, reason: str, threshold: int | None = None, *, scale=100
) -> dict:
    """numerator / denominator × `scale`, two decimals; `reason` says why when the
    denominator is 0."""
    return {
        "rate": _two_decimals(Decimal(scale * numerator) / denominator) if denominator else None,
        "numerator": numerator,
        "denominator": denominator,
        "threshold": threshold,
        "reason": "" if denominator else reason,
    }


def period_figures(scope: Scope) -> dict:
    """The KPIs of a period (R7) and its 766 indicators (R14) as one JSON-ready object:
    what `manage.py kpi --json` prints and the API's /kpi/ answers."""
    return {**compute(scope), "i766": indicators(scope)}


def indicators(scope: Scope) -> dict:
    """Every indicator of R14 for `scope`, keyed by its number."""
    measured = {
        **_timeliness(scope),
        "2.2": _processing_time(scope),
        "3.1": _online_procedures(scope),
        **_accepted_in_period(scope),
        "4.1": _electronic_results(scope),
        **_complaints(scope),
    }
    return {key: measured[key] for key in KEYS}


def _accepted(scope: Scope):
    return _dossiers_in(scope).received()


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _processed_in(scope: Scope):
    """Dossiers accepted in the period, and those accepted earlier and still being
    processed in it (not ended before its start)."""
    start, cutoff = scope.reach
    return (
        _accepted(scope)
        .filter(received_on__lte=cutoff)
        .exclude(completed_on__lt=start)
        .exclude(
            completed_on__isnull=True,
            ended_at__lt=timezone.make_aware(datetime.combine(start, time.min)),
        )
    )


def _open_on_time(dossier: Dossier, requests: list[SupplementRequest], day_end: datetime) -> bool:
    """2.1 for a dossier whose processing had not ended by `day_end`: it ends then, or,
    waiting for a supplement then, at that request; the time waited for answered
    requests is subtracted; more than one request is late."""
    asked = [r for r in requests if r.requested_at <= day_end]
    if len(asked) > 1:
        return False
    waiting = [r for r in asked if r.answered_at is None or r.answered_at > day_end]
    end = waiting[0].requested_at if waiting else day_end
    waited = sum((r.answered_at - r.requested_at for r in asked if r not in waiting), timedelta())
    return timezone.localdate(end - waited) <= (dossier.first_due_date or dossier.due_date)


def _timeliness(scope: Scope) -> dict:
    """2.1, and 5.4 over the same dossiers (the late share per 2.1)."""
    cutoff = scope.cutoff
    day_end = _day_end(cutoff)
    processed = _processed_in(scope)
    ended = Q(completed_on__lte=cutoff) | Q(completed_on__isnull=True, ended_at__lte=day_end)
    complained = Complaint.objects.filter(dossier=OuterRef("pk"), received_at__lte=day_end)
    counts = processed.aggregate(
        total=Count("pk"),
        ended_on_time=Count("pk", filter=ended & Q(on_time_766=True)),
        complained=Count(
            "pk",
            filter=Q(rating=Rating.UNSATISFIED, returned_on__lte=cutoff) | Q(Exists(complained)),
        ),
        rated=Count("pk", filter=~Q(rating="") & Q(returned_on__lte=cutoff)),
        rated_by_citizens=Count(
            "pk", filter=Q(rating_source=RatingSource.CITIZEN, returned_on__lte=cutoff)
        ),
    )
    still_open = processed.exclude(ended)
    requests: dict[int, list] = {}
    for request in SupplementRequest.objects.filter(dossier__in=still_open.values("pk")):
        requests.setdefault(request.dossier_id, []).append(request)
    on_time = counts["ended_on_time"] + sum(
        _open_on_time(d, sorted(requests.get(d.pk, []), key=lambda r: r.requested_at), day_end)
        for d in still_open.only("pk", "first_due_date", "due_date")
    )
    total = counts["total"]
    late = total - on_time
    nothing = _("No dossier was being processed in the period.")
    satisfied = {
        **indicator(max(total - late - counts["complained"], 0), total, nothing, 90),
        # how many of the ratings it reads the citizens gave themselves (QR code, kiosk)
        "rated": counts["rated"],
        "rated_by_citizens": counts["rated_by_citizens"],
    }
    return {"2.1": indicator(on_time, total, nothing), "5.4": satisfied}


def _processing_time(scope: Scope) -> dict:
    """2.2: working days from receipt to completion, over the dossiers received in
    the period and completed by its cutoff; the whole and per procedure."""
    start, cutoff = scope.reach
    rows = (
        _accepted(scope)
        .filter(received_on__range=(start, cutoff), completed_on__lte=cutoff)
        .values("procedure", "received_on", "completed_on")
        .annotate(count=Count("pk"))
        .order_by()
    )
    calendar = CalendarDay.objects.calendar()
    days: dict[int, list[int]] = {}
    for row in rows:
        spent = calendar.working_days_between(row["received_on"], row["completed_on"])
        totals = days.setdefault(row["procedure"], [0, 0])
        totals[0] += spent * row["count"]
        totals[1] += row["count"]
    nothing = _("No dossier received in the period was completed.")
    names = Procedure.objects.in_bulk(days)
    procedures = [
        {
            "pk": pk,
            "code": names[pk].code,
            "name": names[pk].name,
            **indicator(spent, count, nothing, scale=1),
        }
        for pk, (spent, count) in sorted(days.items(), key=lambda item: names[item[0]].code)
    ]
    spent = sum(row["numerator"] for row in procedures)
    count = sum(row["denominator"] for row in procedures)
    return {**indicator(spent, count, nothing, scale=1), "procedures": procedures}


def _online_procedures(scope: Scope) -> dict:
    """3.1: procedures offered online, partly or fully, among those in use."""
    procedures = Procedure.objects.filter(in_use=True)
    if scope.unit:
        procedures = procedures.filter(unit=scope.unit)
    if scope.procedure:
        procedures = procedures.filter(pk=scope.procedure.pk)
    counts = procedures.aggregate(
        total=Count("pk"), online=Count("pk", filter=Q(online_level__in=OnlineLevel.offered()))
    )
    return indicator(
        counts["online"], counts["total"], _("No procedure is in use."), THRESHOLDS["3.1"]
    )


# An electronic result file: the result digitised at its return (its file attached,
# or recorded so by the system it was imported from). Asked only of the procedures
# that issue a paper result.
RESULT_FILED = Q(procedure__paper_result=False) | Q(digitised=True)


def _accepted_in_period(scope: Scope) -> dict:
    """3.3 with the direct and postal shares beside it, and 4.2, over the dossiers
    accepted in the period. A dossier's documents are digitised when it came online
    (submitted as files) or when every document received at the desk has its scan."""
    documents = DossierDocument.objects.filter(dossier=OuterRef("pk"))
    scanned = Q(channel=Channel.ONLINE) | (
        Q(Exists(documents)) & ~Q(Exists(documents.filter(scan="")))
    )
    counts = (
        _accepted(scope)
        .filter(received_on__range=scope.reach)
        .aggregate(
            total=Count("pk"),
            online=Count("pk", filter=Q(channel=Channel.ONLINE) & RESULT_FILED),
            direct=Count("pk", filter=Q(channel=Channel.DIRECT)),
            post=Count("pk", filter=Q(channel=Channel.POST)),
            digitised=Count("pk", filter=scanned & RESULT_FILED),
        )
    )
    total, nothing = counts["total"], _("No dossier was accepted in the period.")
    return {
        "3.3": {
            **indicator(counts["online"], total, nothing, THRESHOLDS["3.3"]),
            "direct": indicator(counts["direct"], total, nothing),
            "post": indicator(counts["post"], total, nothing),
        },
        "4.2": indicator(counts["digitised"], total, nothing, THRESHOLDS["4.2"]),
    }


def _electronic_results(scope: Scope) -> dict:
    """4.1: dossiers whose result was ready in the period, of procedures that issue a
    paper result, with an electronic result file."""
    counts = (
        _dossiers_in(scope)
        .filter(completed_on__range=scope.reach, procedure__paper_result=True)
        .aggregate(total=Count("pk"), filed=Count("pk", filter=Q(digitised=True)))
    )
    return indicator(
        counts["filed"],
        counts["total"],
        _("No result of a procedure issuing a paper result was ready in the period."),
    )


def _complaints(scope: Scope) -> dict:
    """5.2 and 5.3 over the complaints and recommendations (PAKN) received in the
    period. One is late when its answer came after its due day (15 working days from
    receipt), or has not come and the due day had passed by the cutoff."""
    start, cutoff = scope.reach
    complaints = Complaint.objects.filter(received_at__date__range=(start, cutoff))
    if scope.unit:
        complaints = complaints.filter(dossier__procedure__unit=scope.unit)
    if scope.procedure:
        complaints = complaints.filter(dossier__procedure=scope.procedure)
    late = Q(answer_due__lt=cutoff) & (
        Q(answered_at__isnull=True)
        | Q(answered_at__gt=_day_end(cutoff))
        | Q(answered_at__date__gt=F("answer_due"))
    )
    counts = complaints.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=late),
        unsatisfied=Count("pk", filter=late | Q(disliked=True) | Q(repeated=True)),
    )
    total = counts["total"]
    nothing = _("No complaint or recommendation was received in the period.")
    return {
        "5.2": indicator(total - counts["late"], total, nothing),
        "5.3": indicator(total - counts["unsatisfied"], total, nothing),
    }


def groups(figures: dict) -> list[dict]:
    """Each group of §3.1 with its indicators: the measured ones with their attainment
    (min(rate / T, 1); a rate without a published T is its own attainment; 2.2, a
    duration, has none), those only the portal holds shown "—" with that reason, and
    the group's estimate: the mean attainment × its points (the decision publishes no
    split of the points between its indicators)."""
    portal = _("Only the national public service portal holds the data of this indicator.")
    rows = []
    for group in GROUPS:
        measured = [
            {
                "key": key,
                "name": str(NAMES[key]),
                **{field: figures[key][field] for field in FIELDS},
                "attainment": _attainment(key, figures[key]),
            }
            for key in group.measured
        ]
        attained = [row["attainment"] for row in measured if row["attainment"] is not None]
        estimate = None
        if attained:
            estimate = _two_decimals(
                Decimal(str(sum(attained))) / len(attained) / 100 * group.points
            )
        rows.append(
            {
                "number": group.number,
                "name": str(group.name),
                "points": group.points,
                "estimate": estimate,
                "indicators": measured
                + [
                    {"key": key, "name": str(NAMES[key]), "rate": None, "reason": portal}
                    for key in group.portal
                ],
            }
        )
    return rows


def _attainment(key: str, value: dict) -> float | None:
    """min(rate / T, 1) in percent; a rate without a published T is its own
    attainment; 2.2, a duration, has none."""
    if key == "2.2" or value["rate"] is None:
        return None
    threshold = value["threshold"] or 100
    return _two_decimals(min(Decimal(str(value["rate"])) * 100 / threshold, Decimal(100)))
