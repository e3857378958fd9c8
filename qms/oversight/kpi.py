"""The plan's targets measured from the records (ISO 9001:2015 clause 9.1)."""

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils.formats import number_format
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from audits.models import Audit
from nonconformities.models import Nonconformity
from procedures.models import (
    Dossier,
    Outcome,
    Procedure,
    Rating,
    RatingSource,
    in_force_revision,
)
from procedures.models.dossiers import SATISFACTION_CRITERIA
from qms.models import LegalDocument, PlanTask, Unit

KEYS = (
    "received",
    "refused_at_intake",
    "returned_incomplete_at_intake",
    "resolved",
    "early",
    "on_time",
    "late",
    "open_overdue",
    "on_time_rate",
    "online_rate",
    "digitised_rate",
    "digitised_in_force_rate",
    "satisfaction_rate",
    "rated",
    "rated_by_citizens",
    "procedures_in_use",
    "procedures_controlled",
    "iso_coverage_rate",
    "audits_planned",
    "audits_done",
    "nc_open",
    "nc_overdue",
    "nc_closed",
    "nc_outputs",
    "nc_outputs_open",
    "plan_tasks_due",
    "plan_tasks_done_on_time",
    "legal_documents_due",
    "legal_documents_on_time",
)

# What each figure is called on the dashboard, in reports and in review minutes.
LABELS = {
    "received": _("Dossiers received"),
    "refused_at_intake": _("Refused at intake (form 03)"),
    "returned_incomplete_at_intake": _("Handed back incomplete at intake (form 02)"),
    "resolved": _("Dossiers resolved"),
    "early": _("Resolved early"),
    "on_time": _("Resolved on time"),
    "late": _("Resolved late"),
    "open_overdue": _("Still open and overdue"),
    "on_time_rate": _("On-time rate"),
    "online_rate": _("Online submissions"),
    "digitised_rate": _("Results returned in the period digitised"),
    "digitised_in_force_rate": _("Valid results digitised"),
    "satisfaction_rate": _("Satisfied citizens"),
    "rated": _("Dossiers rated"),
    "rated_by_citizens": _("Rated by the citizens themselves (QR code, kiosk)"),
    "procedures_in_use": _("Procedures in use"),
    "procedures_controlled": _("Procedures with a controlled revision in force"),
    "iso_coverage_rate": _("ISO 9001:2015 coverage"),
    "audits_planned": _("Audits planned"),
    "audits_done": _("Audits done"),
    "nc_open": _("Corrective actions open"),
    "nc_overdue": _("Corrective actions with overdue actions"),
    "nc_closed": _("Corrective actions closed"),
    "nc_outputs": _("Nonconforming outputs recorded"),
    "nc_outputs_open": _("Nonconforming outputs not yet corrected"),
    "plan_tasks_due": _("Plan tasks due"),
    "plan_tasks_done_on_time": _("Plan tasks done on time"),
    "legal_documents_due": _("Legal documents planned"),
    "legal_documents_on_time": _("Legal documents issued on time and posted"),
}


def percent(value: float | None) -> str:
    """A rate as every page and document shows it: "97,7%", or "—" when undefined."""
    return "—" if value is None else f"{number_format(value, 1)}%"


def display(key: str, value) -> str:
    """The figure `key` as every page and document shows it."""
    if key.endswith("_rate"):
        return percent(value)
    return "—" if value is None else number_format(value, 0, force_grouping=True)


@dataclass(frozen=True)
class Scope:
    """A period (both ends included), optionally narrowed to one unit or procedure,
    read on `as_of` (today unless a report recorded later says when it was made)."""

    start: date
    end: date
    unit: Unit | None = None
    procedure: Procedure | None = None
    as_of: date | None = None

    @property
    def cutoff(self) -> date:
        """The day the period is read on: its end, or `as_of` if earlier. Events count
        up to it, states are read on it."""
        return min(self.end, self.as_of or localdate())

    @property
    def reach(self) -> tuple[date, date]:
        """The days whose events count: from the start to the cutoff."""
        return self.start, self.cutoff


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal (half up), None when the denominator is 0."""
    if not whole:
        return None
    return float((Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


# Measures read from the KPIs rather than counted themselves.
DERIVED = {
    "plan_tasks_on_time_rate": lambda f: rate(f["plan_tasks_done_on_time"], f["plan_tasks_due"]),
    "legal_documents_on_time_rate": lambda f: rate(
        f["legal_documents_on_time"], f["legal_documents_due"]
    ),
}


def value(figures: dict, measure: str) -> float | None:
    """The value of `measure` (a KPI key or a derived measure) among `figures`."""
    return DERIVED[measure](figures) if measure in DERIVED else figures[measure]


def measure(scope: Scope) -> dict:
    """The KPIs of rule R7 (domain-vn.md) for `scope`, each an aggregate over stored,
    indexed fields, counting events up to the cutoff. Beside R7, for the plan's other
    targets: the valid results digitised at the cutoff (R16), ISO coverage
    (procedures in use with a controlled revision in force at the cutoff), audits
    planned in the whole period (the programme) and how many of
    them were reported, nonconformities open at the cutoff (found by then, not closed
    or cancelled), open ones with an action overdue at the cutoff, those closed by
    then, and plan tasks due by the cutoff and done by their deadline. Decision 766's
    indicators are measured beside them (qms/oversight/i766.py)."""
    return {
        **_dossiers(scope),
        **_results_in_force(scope),
        **_procedures(scope),
        **_audits(scope),
        **_nonconformities(scope),
        **_plan_tasks(scope),
        **_legal_documents(scope),
    }


def compute(scope: Scope) -> dict:
    """Exactly the KPIs of `KEYS` (what `manage.py kpi` prints)."""
    figures = measure(scope)
    return {key: figures[key] for key in KEYS}


def _dossiers_in(scope: Scope):
    dossiers = Dossier.objects.all()
    if scope.unit:
        dossiers = dossiers.filter(procedure__unit=scope.unit)
    if scope.procedure:
        dossiers = dossiers.filter(procedure=scope.procedure)
    return dossiers


# The counts behind the dossier KPIs, by the date that places a dossier in a period:
# received by `received_on`, resolved by `completed_on`, rated by `returned_on`.
# A request turned away at intake was never received (R13): it is counted apart and
# is in no rate's denominator. Each count counts that date (never null where it
# places the dossier), a column of its period's index: PostgreSQL too then reads the
# index alone, where counting ids would read every row for its id.
TURNED_AWAY = Q(status__in=Dossier.TURNED_AWAY_STATUSES)
RECEIVED = {
    "received": Count("received_on", filter=~TURNED_AWAY),
    "online": Count("received_on", filter=~TURNED_AWAY & Q(channel="online")),
    "refused_at_intake": Count("received_on", filter=Q(status=Dossier.Status.REFUSED)),
    "returned_incomplete_at_intake": Count(
        "received_on", filter=Q(status=Dossier.Status.INCOMPLETE)
    ),
}
RESOLVED = {
    "resolved": Count("completed_on"),
    "early": Count("completed_on", filter=Q(outcome=Outcome.EARLY)),
    "on_time": Count("completed_on", filter=Q(outcome=Outcome.ON_TIME)),
    "late": Count("completed_on", filter=Q(outcome=Outcome.LATE)),
    "digitised": Count("completed_on", filter=Q(digitised=True)),
}
RATED = {
    "rated": Count("returned_on"),
    "satisfied": Count(
        "returned_on", filter=Q(rating__in=[Rating.VERY_SATISFIED, Rating.SATISFIED])
    ),
    # beside the rate, how many of its ratings the citizens gave themselves rather
    # than told the officer at the return
    "by_citizens": Count("returned_on", filter=Q(rating_source=RatingSource.CITIZEN)),
}


def _dossiers(scope: Scope) -> dict:
    """The dossier KPIs of rule R7, the requests turned away at intake counted apart
    (R13)."""
    dossiers = _dossiers_in(scope)
    period = scope.reach
    received = dossiers.filter(received_on__range=period).aggregate(
        **RECEIVED, open_overdue=Count("received_on", filter=Dossier.overdue_open_on(scope.cutoff))
    )
    resolved = dossiers.filter(completed_on__range=period).aggregate(**RESOLVED)
    rated = dossiers.filter(returned_on__range=period).exclude(rating="").aggregate(**RATED)
    return {
        "received": received["received"],
        "refused_at_intake": received["refused_at_intake"],
        "returned_incomplete_at_intake": received["returned_incomplete_at_intake"],
        "resolved": resolved["resolved"],
        "early": resolved["early"],
        "on_time": resolved["on_time"],
        "late": resolved["late"],
        "open_overdue": received["open_overdue"],
        "on_time_rate": rate(resolved["early"] + resolved["on_time"], resolved["resolved"]),
        "online_rate": rate(received["online"], received["received"]),
        "digitised_rate": rate(resolved["digitised"], resolved["resolved"]),
        "satisfaction_rate": rate(rated["satisfied"], rated["rated"]),
        "rated": rated["rated"],
        "rated_by_citizens": rated["by_citizens"],
    }


def _results_in_force(scope: Scope) -> dict:
    """The plan's digitisation target (R16): the stock of results still valid at the
    cutoff, whenever they were issued, and how many of them were digitised by then
    (a result is scanned when it is returned). The period's start does not narrow a
    stock; the flow of the period is `digitised_rate`."""
    counts = (
        _dossiers_in(scope)
        .results_in_force_on(scope.cutoff)
        .aggregate(
            in_force=Count("completed_on"),
            digitised=Count(
                "completed_on", filter=Q(digitised=True, returned_on__lte=scope.cutoff)
            ),
        )
    )
    return {"digitised_in_force_rate": rate(counts["digitised"], counts["in_force"])}


def criteria(scope: Scope) -> dict:
    """The nine criteria scored beside the ratings of the dossiers returned in
    `scope` (§8.1): how many dossiers were scored, each criterion's average (0 to 2,
    two decimals, None when none was scored) in the criteria's order."""
    scores = (
        _dossiers_in(scope)
        .filter(returned_on__range=scope.reach, criteria__isnull=False)
        .values_list("criteria", flat=True)
    )
    totals, scored = [0] * len(SATISFACTION_CRITERIA), 0
    for row in scores.iterator():
        scored += 1
        totals = [total + score for total, score in zip(totals, row, strict=True)]
    return {
        "scored": scored,
        "averages": [
            float((Decimal(total) / scored).quantize(Decimal("0.01"), ROUND_HALF_UP))
            if scored
            else None
            for total in totals
        ],
    }


def monthly(scope: Scope) -> list[dict]:
    """The dossier KPIs of each month of `scope` (which lies within one year), each
    month read exactly as a period of its own."""
    months = []
    for month in range(scope.start.month, scope.end.month + 1):
        first = max(scope.start, date(scope.start.year, month, 1))
        last = min(scope.end, date(scope.start.year, month, monthrange(scope.start.year, month)[1]))
        months.append({"month": month, **_dossiers(replace(scope, start=first, end=last))})
    return months


def worst_procedures(scope: Scope, limit: int = 5) -> list[dict]:
    """The procedures with the most late dossiers resolved in `scope`. Grouped on the
    index of (completed_on, outcome, procedure) alone; names are read for the few
    procedures shown."""
    rows = list(
        _dossiers_in(scope)
        .filter(completed_on__range=scope.reach)
        .values("procedure")
        .annotate(resolved=RESOLVED["resolved"], late=RESOLVED["late"])
        .filter(late__gt=0)
        .order_by("-late", "procedure")[:limit]
    )
    names = Procedure.objects.in_bulk([row["procedure"] for row in rows])
    return [
        {**row, "code": names[row["procedure"]].code, "name": names[row["procedure"]].name}
        for row in rows
    ]


def _procedures(scope: Scope) -> dict:
    procedures = Procedure.objects.filter(in_use=True)
    if scope.unit:
        procedures = procedures.filter(unit=scope.unit)
    if scope.procedure:
        procedures = procedures.filter(pk=scope.procedure.pk)
    # the ISO scope's one rule (`ProcedureQuerySet.in_iso_scope`) among those in use
    counts = procedures.aggregate(
        in_use=Count("pk"), controlled=Count("pk", filter=in_force_revision(scope.cutoff))
    )
    return {
        "procedures_in_use": counts["in_use"],
        "procedures_controlled": counts["controlled"],
        "iso_coverage_rate": rate(counts["controlled"], counts["in_use"]),
    }


def audits_in(scope: Scope):
    """The audits of `scope`'s unit or procedure (all of them for the whole desk),
    whenever planned."""
    audits = Audit.objects.all()
    if scope.unit:
        audits = audits.filter(units=scope.unit)
    if scope.procedure:
        audits = audits.filter(procedures=scope.procedure)
    return audits


def _audits(scope: Scope) -> dict:
    audits = audits_in(scope).filter(planned_start__range=(scope.start, scope.end))
    counts = audits.aggregate(
        planned=Count("pk", distinct=True),
        done=Count(
            "pk",
            distinct=True,
            filter=Q(status__in=Audit.SIGNED_STATUSES),
        ),
    )
    return {"audits_planned": counts["planned"], "audits_done": counts["done"]}


def nonconformity_filters(scope: Scope) -> dict[str, Q]:
    """What each nonconformity figure counts, the two kinds apart (R15): corrective
    action cases open, overdue and closed; nonconforming outputs recorded in the
    period (not cancelled) and those not yet corrected at the cutoff. The figures and
    the lists beside them filter by these."""
    case, output = Q(kind=Nonconformity.Kind.CORRECTIVE), Q(kind=Nonconformity.Kind.OUTPUT)
    return {
        "nc_open": case & Nonconformity.open_on(scope.cutoff),
        "nc_overdue": case & Nonconformity.overdue_on(scope.cutoff),
        "nc_closed": case & Q(stage=Nonconformity.Stage.CLOSED, verified_on__range=scope.reach),
        "nc_outputs": output
        & Q(found_on__range=scope.reach)
        & ~Q(stage=Nonconformity.Stage.CANCELLED),
        "nc_outputs_open": output & Nonconformity.open_on(scope.cutoff),
    }


def nonconformities_in(scope: Scope, key: str | None = None):
    """The nonconformities of `scope`'s unit or procedure; those the figure `key`
    counts, if given."""
    records = Nonconformity.objects.all()
    if scope.unit:
        records = records.filter(unit=scope.unit)
    if scope.procedure:
        records = records.filter(procedure=scope.procedure)
    return records.filter(nonconformity_filters(scope)[key]) if key else records


def _nonconformities(scope: Scope) -> dict:
    return nonconformities_in(scope).aggregate(
        **{key: Count("pk", filter=q) for key, q in nonconformity_filters(scope).items()}
    )


def plan_tasks_in(scope: Scope):
    """The plan tasks of `scope`'s unit (all of them for the whole desk; none for
    one procedure: plan tasks concern the whole desk)."""
    tasks = PlanTask.objects.all()
    if scope.unit:
        tasks = tasks.filter(units=scope.unit)
    if scope.procedure:
        tasks = tasks.none()
    return tasks


def _plan_tasks(scope: Scope) -> dict:
    tasks = plan_tasks_in(scope).due_between(*scope.reach)
    return {
        "plan_tasks_due": tasks.count(),
        "plan_tasks_done_on_time": tasks.done_on_time().count(),
    }


def _legal_documents(scope: Scope) -> dict:
    """The ward's legal documents planned in the period and those issued by their
    planned date and posted on the ward's portal, both by the cutoff (the plan's
    target: 100%)."""
    documents = LegalDocument.objects.filter(planned_on__range=scope.reach)
    if scope.unit or scope.procedure:
        # The council's and committee's documents belong to no unit or procedure.
        documents = documents.none()
    counts = documents.aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk",
            filter=Q(
                issued_on__lte=F("planned_on"),
                posted_on__isnull=False,
                posted_on__lte=scope.cutoff,
            ),
        ),
    )
    return {"legal_documents_due": counts["due"], "legal_documents_on_time": counts["on_time"]}
