"""The plan's targets measured from the records (ISO 9001:2015 clause 9.1)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.timezone import localdate

from audits.models import Audit
from nonconformities.models import Action, Nonconformity
from procedures.models import Dossier, Outcome, Procedure, ProcedureRevision, Rating
from qms.models import PlanTask, Unit

KEYS = (
    "received",
    "resolved",
    "early",
    "on_time",
    "late",
    "open_overdue",
    "on_time_rate",
    "online_rate",
    "digitised_rate",
    "satisfaction_rate",
    "procedures_in_use",
    "procedures_controlled",
    "iso_coverage_rate",
    "audits_planned",
    "audits_done",
    "nc_open",
    "nc_overdue",
    "nc_closed",
    "plan_tasks_due",
    "plan_tasks_done_on_time",
)


@dataclass(frozen=True)
class Scope:
    """A period (both ends included), optionally narrowed to one unit or procedure."""

    start: date
    end: date
    unit: Unit | None = None
    procedure: Procedure | None = None

    @property
    def cutoff(self) -> date:
        """The day the period's state is read on: its end, or today if earlier."""
        return min(self.end, localdate())


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal (half up), None when the denominator is 0."""
    if not whole:
        return None
    return float((Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


# Measures read from the KPIs rather than counted themselves.
DERIVED = {
    "plan_tasks_on_time_rate": lambda f: rate(f["plan_tasks_done_on_time"], f["plan_tasks_due"]),
}


def value(figures: dict, measure: str) -> float | None:
    """The value of `measure` (a KPI key or a derived measure) among `figures`."""
    return DERIVED[measure](figures) if measure in DERIVED else figures[measure]


def compute(scope: Scope) -> dict:
    """The KPIs of rule R7 (domain-vn.md) for `scope`, each an aggregate over stored,
    indexed fields. Beside R7, for the plan's other targets: ISO coverage (procedures
    in use with a controlled revision in force at the cutoff), audits planned in the
    period and how many of them were reported, nonconformities open at the cutoff
    (found by then, not closed or cancelled), open ones with an action overdue at the
    cutoff, those closed in the period, and plan tasks due in the period and done by
    their deadline."""
    figures = {
        **_dossiers(scope),
        **_procedures(scope),
        **_audits(scope),
        **_nonconformities(scope),
        **_plan_tasks(scope),
    }
    return {key: figures[key] for key in KEYS}


def _dossiers(scope: Scope) -> dict:
    dossiers = Dossier.objects.all()
    if scope.unit:
        dossiers = dossiers.filter(procedure__unit=scope.unit)
    if scope.procedure:
        dossiers = dossiers.filter(procedure=scope.procedure)
    period = (scope.start, scope.end)
    cutoff = scope.cutoff
    received = dossiers.filter(received_on__range=period).aggregate(
        received=Count("pk"),
        online=Count("pk", filter=Q(channel="online")),
        open_overdue=Count(
            "pk",
            # accepted and not ended by the citizen (a stopped dossier has no result)
            filter=Q(status__in=[*Dossier.OPEN_STATUSES, *Dossier.RESULT_STATUSES])
            & Q(due_date__lt=cutoff)
            & (Q(completed_on__isnull=True) | Q(completed_on__gt=cutoff)),
        ),
    )
    resolved = dossiers.filter(completed_on__range=period).aggregate(
        resolved=Count("pk"),
        early=Count("pk", filter=Q(outcome=Outcome.EARLY)),
        on_time=Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
        late=Count("pk", filter=Q(outcome=Outcome.LATE)),
        digitised=Count("pk", filter=Q(digitised=True)),
    )
    rated = (
        dossiers.filter(returned_on__range=period)
        .exclude(rating="")
        .aggregate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(rating__in=[Rating.VERY_SATISFIED, Rating.SATISFIED])),
        )
    )
    return {
        "received": received["received"],
        "resolved": resolved["resolved"],
        "early": resolved["early"],
        "on_time": resolved["on_time"],
        "late": resolved["late"],
        "open_overdue": received["open_overdue"],
        "on_time_rate": rate(resolved["early"] + resolved["on_time"], resolved["resolved"]),
        "online_rate": rate(received["online"], received["received"]),
        "digitised_rate": rate(resolved["digitised"], resolved["resolved"]),
        "satisfaction_rate": rate(rated["satisfied"], rated["rated"]),
    }


def _procedures(scope: Scope) -> dict:
    procedures = Procedure.objects.filter(in_use=True)
    if scope.unit:
        procedures = procedures.filter(unit=scope.unit)
    if scope.procedure:
        procedures = procedures.filter(pk=scope.procedure.pk)
    in_force = ProcedureRevision.objects.in_force_on(scope.cutoff).filter(procedure=OuterRef("pk"))
    counts = procedures.aggregate(
        in_use=Count("pk"), controlled=Count("pk", filter=Exists(in_force))
    )
    return {
        "procedures_in_use": counts["in_use"],
        "procedures_controlled": counts["controlled"],
        "iso_coverage_rate": rate(counts["controlled"], counts["in_use"]),
    }


def _audits(scope: Scope) -> dict:
    audits = Audit.objects.filter(planned_start__range=(scope.start, scope.end))
    if scope.unit:
        audits = audits.filter(units=scope.unit)
    if scope.procedure:
        audits = audits.filter(procedures=scope.procedure)
    counts = audits.aggregate(
        planned=Count("pk", distinct=True),
        done=Count(
            "pk",
            distinct=True,
            filter=Q(status__in=[Audit.Status.REPORTED, Audit.Status.CLOSED]),
        ),
    )
    return {"audits_planned": counts["planned"], "audits_done": counts["done"]}


def _nonconformities(scope: Scope) -> dict:
    records = Nonconformity.objects.all()
    if scope.unit:
        records = records.filter(unit=scope.unit)
    if scope.procedure:
        records = records.filter(procedure=scope.procedure)
    cutoff = scope.cutoff
    Stage = Nonconformity.Stage
    open_at_cutoff = Q(found_on__lte=cutoff) & (
        Q(stage__in=Nonconformity.OPEN_STAGES) | Q(stage=Stage.CLOSED, verified_on__gt=cutoff)
    )
    late_action = Action.objects.filter(nonconformity=OuterRef("pk"), due_date__lt=cutoff).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=cutoff)
    )
    counts = records.aggregate(
        open=Count("pk", filter=open_at_cutoff),
        overdue=Count("pk", filter=open_at_cutoff & Q(Exists(late_action))),
        closed=Count(
            "pk", filter=Q(stage=Stage.CLOSED, verified_on__range=(scope.start, scope.end))
        ),
    )
    return {
        "nc_open": counts["open"],
        "nc_overdue": counts["overdue"],
        "nc_closed": counts["closed"],
    }


def _plan_tasks(scope: Scope) -> dict:
    tasks = PlanTask.objects.due_between(scope.start, scope.end)
    if scope.unit:
        tasks = tasks.filter(units=scope.unit)
    if scope.procedure:
        # Plan tasks concern the whole desk, not one procedure.
        tasks = tasks.none()
    return {
        "plan_tasks_due": tasks.count(),
        "plan_tasks_done_on_time": tasks.done_on_time().count(),
    }
