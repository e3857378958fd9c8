"""What the dashboard, the periodic reports and the management reviews show about a
period: one JSON-ready snapshot of the records, and the plan's report schedule."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.formats import number_format
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from audits.models import Finding
from nonconformities.models import Nonconformity
from procedures.models.dossiers import SATISFACTION_CRITERIA
from qms.dates import short_date
from qms.models import Objective, Organisation, PeriodicReport, PlanTask
from qms.oversight import i766, kpi
from qms.oversight.kpi import Scope

Kind = PeriodicReport.Kind


def period_scope(year: int, period: str, as_of: date | None = None) -> Scope:
    """The dashboard's periods: a reform report's, from 1 January to its end."""
    report = PeriodicReport(kind=Kind.REFORM, year=year, period=period)
    return Scope(report.start(), report.end(), as_of=as_of)


@dataclass(frozen=True)
class ScheduledReport:
    report: PeriodicReport
    due: date

    @property
    def submitted(self) -> bool:
        return bool(self.report.submitted_on)

    def state(self, today: date) -> str:
        """submitted, overdue (its day has passed), or pending."""
        if self.submitted:
            return "submitted"
        return "overdue" if today > self.due else "pending"


def schedule(year: int) -> list[ScheduledReport]:
    """Every report of both schedules of `year`, written or not, by due day."""
    due_after = Organisation.settings().communication_report_days
    reports = {
        (report.kind, report.period): report for report in PeriodicReport.objects.filter(year=year)
    }
    entries = []
    for kind, spans in PeriodicReport.SCHEDULES.items():
        for period in spans:
            report = reports.get((kind.value, period.value)) or PeriodicReport(
                kind=kind, year=year, period=period
            )
            entries.append(ScheduledReport(report, report.due(due_after)))
    return sorted(entries, key=lambda entry: (entry.due, entry.report.kind))


# How many days ahead a report not yet submitted counts as due on the home page.
REPORT_NOTICE_DAYS = 14


def reports_due(today: date, kind: str | None = None) -> list[ScheduledReport]:
    """The reports (of `kind`, or of both) of this year and last year not submitted
    whose day has passed or comes within `REPORT_NOTICE_DAYS` of `today`: a report
    still owed does not drop out on 1 January, and the fourth quarter's
    communication report falls due in the next year."""
    notice = today + timedelta(days=REPORT_NOTICE_DAYS)
    return [
        entry
        for year in (today.year - 1, today.year)
        for entry in schedule(year)
        if (kind is None or entry.report.kind == kind)
        and not entry.submitted
        and entry.due <= notice
    ]


def next_report(today: date) -> ScheduledReport | None:
    """The first report not yet submitted whose day has not passed (last year's
    fourth-quarter report may fall due in January)."""
    for year in (today.year - 1, today.year, today.year + 1):
        for entry in schedule(year):
            if not entry.submitted and entry.due >= today:
                return entry
    return None


def snapshot(scope: Scope) -> dict:
    """Every figure and list a report or a review prints for `scope`, JSON-ready:
    the KPIs, Decision 766's indicators and group estimates, the year's approved
    objectives measured over the scope, the procedures with most late dossiers, the
    audits planned in the period, the nonconformities open at its cutoff and the plan
    tasks due in it. Each list holds the records its figures count (the scope's unit
    or procedure, read on the cutoff), at the stage or status they had then."""
    figures = kpi.measure(scope)
    indicators = i766.indicators(scope)
    cutoff = scope.cutoff
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "as_of": cutoff.isoformat(),
        "kpi": figures,
        "i766": indicators,
        "groups_766": i766.groups(indicators),
        "objectives": [
            _objective(objective, kpi.value(figures, objective.measure), cutoff)
            for objective in Objective.objects.frozen().filter(year=scope.end.year).order_by("pk")
        ],
        "criteria": kpi.criteria(scope),
        "worst_procedures": [
            {
                "pk": row["procedure"],
                "code": row["code"],
                "name": row["name"],
                "resolved": row["resolved"],
                "late": row["late"],
            }
            for row in kpi.worst_procedures(scope)
        ],
        "audits": [
            {
                "pk": audit.pk,
                "code": audit.code,
                "title": audit.title,
                "planned_start": audit.planned_start.isoformat(),
                "status": audit.get_status_display(),
                "nonconformities": audit.nonconformities,
                "observations": audit.observations,
            }
            for audit in kpi.audits_in(scope)
            .filter(planned_start__range=(scope.start, scope.end))
            .annotate(
                nonconformities=Count(
                    "findings", filter=~Q(findings__severity=Finding.Severity.OBSERVATION)
                ),
                observations=Count(
                    "findings", filter=Q(findings__severity=Finding.Severity.OBSERVATION)
                ),
            )
            .order_by("planned_start", "pk")
        ],
        "nonconformities": [
            {
                "pk": record.pk,
                "code": record.code,
                "kind": record.get_kind_display(),
                "output": record.is_output,
                "source": record.get_source_display(),
                "description": record.description,
                "stage": str(Nonconformity.Stage(record.stage_then).label),
                "overdue": record.overdue,
            }
            for record in kpi.nonconformities_in(scope)
            .filter(Nonconformity.open_on(cutoff))
            .annotate(
                overdue=ExpressionWrapper(Nonconformity.overdue_on(cutoff), BooleanField()),
                stage_then=Nonconformity.stage_on(cutoff),
            )
            .order_by("found_on", "pk")
        ],
        "plan_tasks": [
            {
                "pk": task.pk,
                "order": task.order,
                "content": task.content,
                "deadline": task.deadline.isoformat(),
                "status": str(PlanTask.Status(task.status_then).label),
            }
            for task in kpi.plan_tasks_in(scope)
            .due_between(*scope.reach)
            .annotate(status_then=PlanTask.status_on(cutoff))
            .order_by("deadline", "order")
        ],
    }


def _objective(objective: Objective, value: float | None, as_of: date) -> dict:
    status = objective.status(value, as_of)
    return {
        "pk": objective.pk,
        "title": objective.title,
        "comparison": objective.get_comparison_display(),
        "target": float(objective.target),
        "value": value,
        "status": status.value if status else None,
    }


def report_for(kind: str, year: int, period: str) -> PeriodicReport:
    """The report of `kind` for `period`, or a new unsaved one while none is written."""
    return PeriodicReport.objects.filter(
        kind=kind, year=year, period=period
    ).first() or PeriodicReport(kind=kind, year=year, period=period)


def due_on(report: PeriodicReport) -> date:
    return report.due(Organisation.settings().communication_report_days)


def report_scope(report: PeriodicReport, sent_on: date) -> Scope:
    """What `report` sent on `sent_on` counts: its window, read at its end (or on
    the day it is sent, if that is earlier)."""
    start, end = report.window(sent_on)
    return Scope(start, end, as_of=min(end, sent_on))


def report_snapshot(report: PeriodicReport, scope: Scope) -> dict:
    """What `report` stores when it is sent: the snapshot of `scope`; a communication
    report adds the plan's tasks of the unit that writes it."""
    data = snapshot(scope)
    if report.kind == Kind.COMMUNICATION:
        data["unit_tasks"] = unit_tasks(Organisation.settings().communication_unit, scope)
    return data


def report_figures(report: PeriodicReport) -> dict:
    """The submitted figures of `report`, or, while it is being written, those it
    would send today."""
    return report.figures or report_snapshot(report, report_scope(report, localdate()))


def unit_tasks(unit, scope: Scope) -> list[dict]:
    """The tasks of the plan that `unit` carries out and whose deadline falls in the
    scope's year, each with its status at the cut-off and the monthly progress
    recorded within the scope; none when the ward has named no unit."""
    if unit is None:
        return []
    year = scope.end.year
    tasks = (
        PlanTask.objects.filter(units=unit, deadline__year=year)
        .annotate(status_then=PlanTask.status_on(scope.cutoff))
        .prefetch_related("progress")
        .order_by("order")
    )
    return [
        {
            "pk": task.pk,
            "order": task.order,
            "content": task.content,
            "deadline": task.deadline.isoformat(),
            "status": str(PlanTask.Status(task.status_then).label),
            "progress": [
                {"month": entry.month.isoformat(), "note": entry.note}
                for entry in task.progress.all()
                if scope.start.replace(day=1) <= entry.month <= scope.cutoff
            ],
        }
        for task in tasks
    ]


@dataclass(frozen=True)
class Section:
    """A titled part of a report or of review minutes: figures, then a table."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    widths: tuple[int, ...] = ()  # the columns' proportions, when not the default


def _facts(figures: dict, *keys: str) -> list[tuple[str, str]]:
    # A snapshot stored before a measure existed prints without it: what was
    # signed is shown as it was.
    shown = [key for key in keys if key in figures]
    return [(str(kpi.LABELS[key]), kpi.display(key, figures[key])) for key in shown]


def day(iso: str | None) -> str:
    return short_date(date.fromisoformat(iso) if iso else None)


def _status(value: str | None) -> str:
    return str(Objective.Status(value).label) if value else str(_("Not measured yet"))


def dossier_section(data: dict) -> Section:
    return Section(
        _("Administrative procedures handled"),
        _facts(
            data["kpi"],
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
        ),
        [_("Procedure"), _("Resolved"), _("Resolved late")],
        [
            [f"{row['code']} – {row['name']}", str(row["resolved"]), str(row["late"])]
            for row in data["worst_procedures"]
        ],
    )


# How many of the worst items (procedures, criteria, sources) a page names.
WORST = 3


def criteria_section(data: dict) -> Section | None:
    """The nine criteria's averages, the weakest named first; None for a snapshot
    stored before the criteria were reported."""
    if "criteria" not in data:
        return None
    averages = data["criteria"]["averages"]
    numbered = [
        (number, str(label), average)
        for number, (label, average) in enumerate(
            zip(SATISFACTION_CRITERIA, averages, strict=True), start=1
        )
    ]
    weakest = sorted((row for row in numbered if row[2] is not None), key=lambda row: row[2])
    return Section(
        _("Satisfaction by criterion (0 to 2)"),
        facts=[
            (_("Dossiers scored on the nine criteria"), str(data["criteria"]["scored"])),
            (
                _("Weakest criteria"),
                "; ".join(f"{number}. {label}" for number, label, _avg in weakest[:WORST]) or "—",
            ),
        ],
        header=[_("Criterion"), _("Average")],
        rows=[
            [f"{number}. {label}", "—" if average is None else number_format(average, 2)]
            for number, label, average in numbered
        ],
    )


def figure_766(value: dict) -> str:
    """An indicator's rate as printed: "95,24% (20/21)", or "—" with the reason."""
    if value.get("rate") is None:
        return f"— ({value['reason']})" if value.get("reason") else "—"
    if value["key"] == "2.2":
        return _("%(days)s working days (%(numerator)s/%(denominator)s)") % {
            "days": number_format(value["rate"], 2),
            "numerator": value["numerator"],
            "denominator": value["denominator"],
        }
    return f"{number_format(value['rate'], 2)}% ({value['numerator']}/{value['denominator']})"


def scores_section(data: dict) -> Section:
    if "groups_766" not in data:
        return _scores_as_submitted(data)
    rows = []
    for group in data["groups_766"]:
        estimate = "—" if group["estimate"] is None else number_format(group["estimate"], 2)
        for number, value in enumerate(group["indicators"]):
            rows.append(
                [
                    f"{group['number']}. {group['name']}" if number == 0 else "",
                    f"{value['key']} {value['name']}",
                    figure_766(value),
                    "—"
                    if value.get("attainment") is None
                    else f"{number_format(value['attainment'], 2)}%",
                    f"{estimate} / {group['points']}" if number == 0 else "",
                ]
            )
    return Section(
        _("Decision 766 indicators"),
        header=[_("Group"), _("Indicator"), _("Rate"), _("Attainment"), _("Estimate")],
        rows=rows,
        note=_(
            "Estimates (ước tính): the decision publishes no split of a group's points "
            "between its indicators, so a group's estimate is the mean attainment of its "
            "measured indicators times its points; attainment is min(rate / threshold, 1)."
        ),
    )


def _scores_as_submitted(data: dict) -> Section:
    """The group scores of a report or review submitted before the indicators were
    measured as R14 writes them: printed as they were sent."""
    return Section(
        _("Decision 766 group scores"),
        header=[_("Group"), _("Indicator"), _("Points"), _("Maximum")],
        rows=[
            [
                f"{row['number']}. {row['name']}",
                f"{row['indicator']}: {kpi.percent(row['value'])}" if row["indicator"] else "—",
                "—" if row["score"] is None else number_format(row["score"], 1),
                str(row["points"]),
            ]
            for row in data.get("scores_766", [])
        ],
    )


def objectives_section(data: dict) -> Section:
    return Section(
        _("Quality objectives"),
        header=[_("Objective"), _("Target"), _("Value"), _("Status")],
        rows=[
            [
                row["title"],
                f"{row['comparison']} {kpi.percent(row['target'])}",
                kpi.percent(row["value"]),
                _status(row["status"]),
            ]
            for row in data["objectives"]
        ],
    )


def iso_section(data: dict) -> Section:
    return Section(
        _("ISO 9001:2015 quality management"),
        _facts(
            data["kpi"],
            "procedures_in_use",
            "procedures_controlled",
            "iso_coverage_rate",
            "audits_planned",
            "audits_done",
        ),
        [_("Audit"), _("Planned start"), _("Status"), _("Nonconformities"), _("Observations")],
        [
            [
                f"{row['code']} – {row['title']}",
                day(row["planned_start"]),
                row["status"],
                str(row["nonconformities"]),
                str(row["observations"]),
            ]
            for row in data["audits"]
        ],
    )


def nonconformity_section(data: dict) -> Section:
    """Both kinds (R15): the cases' figures, then the outputs'; a snapshot frozen
    before the kinds has neither the outputs' figures nor a kind per row."""
    return Section(
        _("Nonconformities and corrective actions"),
        _facts(data["kpi"], "nc_open", "nc_overdue", "nc_closed")
        + _facts(
            data["kpi"], *(key for key in ("nc_outputs", "nc_outputs_open") if key in data["kpi"])
        ),
        [_("Code"), _("Kind"), _("Source"), _("Description"), _("Stage on the figures' day")],
        [
            [
                row["code"],
                row.get("kind", ""),
                row["source"],
                row["description"],
                row["stage"] + (f" ({_('overdue')})" if row["overdue"] else ""),
            ]
            for row in data["nonconformities"]
        ],
    )


def plan_section(data: dict) -> Section:
    return Section(
        _("Tasks of the reform plan"),
        _facts(
            data["kpi"],
            "plan_tasks_due",
            "plan_tasks_done_on_time",
            "legal_documents_due",
            "legal_documents_on_time",
        ),
        [_("Order no."), _("Task"), _("Deadline"), _("Status")],
        [
            [str(row["order"]), row["content"], day(row["deadline"]), row["status"]]
            for row in data["plan_tasks"]
        ],
    )


def communication_sections(data: dict) -> list[Section]:
    """What the culture officer's quarterly report shows: online public services and
    digitisation, the legal documents posted on the portal, and the unit's tasks of
    the plan with what was done in the quarter."""
    indicators = [
        (f"{key} {i766.NAMES[key]}", figure_766({**data["i766"][key], "key": key}))
        for key in ("3.1", "3.3")
    ]
    return [
        Section(
            _("Online public services and digitisation"),
            _facts(data["kpi"], "received", "online_rate", "digitised_rate")
            + _facts(data["kpi"], "digitised_in_force_rate")
            + indicators,
        ),
        Section(
            _("Legal documents posted on the ward's portal"),
            _facts(data["kpi"], "legal_documents_due", "legal_documents_on_time"),
        ),
        Section(
            _("The unit's tasks of the reform plan"),
            header=[_("Order no."), _("Task"), _("Deadline"), _("Status"), _("Done in the period")],
            widths=(8, 40, 14, 14, 40),
            rows=[
                [
                    str(row["order"]),
                    row["content"],
                    day(row["deadline"]),
                    row["status"],
                    "\n".join(
                        f"{date.fromisoformat(entry['month']):%m/%Y}: {entry['note']}"
                        for entry in row["progress"]
                    )
                    or "—",
                ]
                for row in data.get("unit_tasks", [])
            ],
        ),
    ]


def sections_of(report: PeriodicReport, data: dict) -> list[Section]:
    if report.kind == Kind.COMMUNICATION:
        return communication_sections(data)
    return report_sections(data)


def report_sections(data: dict) -> list[Section]:
    return [
        dossier_section(data),
        scores_section(data),
        objectives_section(data),
        iso_section(data),
        nonconformity_section(data),
        plan_section(data),
    ]
