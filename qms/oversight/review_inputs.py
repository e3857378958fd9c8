"""The inputs of a management review (ISO 9001:2015 clause 9.3.2), compiled from the
records of its period, and the sections its page and minutes show."""

from collections import Counter
from dataclasses import replace
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from governance.models import Risk, RiskAction, process_label
from isodocs.models import LegalUpdate
from nonconformities.models import Complaint
from procedures.models import ProcedureRevision
from qms.models import ManagementReview, ReviewOutput
from qms.oversight import kpi, snapshot
from qms.oversight.kpi import Scope
from qms.oversight.snapshot import WORST, Section


def compile_inputs(review: ManagementReview) -> dict:
    """What the records say for the review's period, JSON-ready: the report snapshot
    and its months, the chair, the secretary and the decisions taken, the follow-up of
    earlier reviews' actions, the procedures revised in the period (a first issue is
    no change of the system: it is counted apart) and the citizens' complaints, each
    read on the period's cutoff like the snapshot."""
    scope = Scope(review.period_start, review.period_end)
    # what earlier reviews decided and is still open, or was done since
    earlier = (
        ReviewOutput.objects.filter(
            review__in=ManagementReview.objects.filter(
                approved_at__isnull=False, held_on__lt=review.held_on
            ),
            owner__isnull=False,
        )
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=scope.start))
        .select_related("owner", "review")
    )
    in_period = ProcedureRevision.objects.filter(effective_from__range=scope.reach)
    replaced_one = Exists(
        ProcedureRevision.objects.filter(
            procedure=OuterRef("procedure"), effective_from__lt=OuterRef("effective_from")
        )
    )
    complaints = Complaint.objects.filter(received_at__date__range=scope.reach).aggregate(
        received=Count("pk"), answered=Count("pk", filter=Q(answered_at__date__lte=scope.cutoff))
    )
    return {
        **snapshot.snapshot(scope),
        # the names as they are at signing, so that the minutes print what was signed
        "chair": review.chair.get_full_name(),
        "secretary": review.secretary.get_full_name() if review.secretary else None,
        "monthly": [
            {key: month[key] for key in ("month", "received", "resolved", "late", "on_time_rate")}
            | {"year": year}
            for year, part in _years(scope)
            for month in kpi.monthly(part)
        ],
        "outputs": [
            {
                "kind": output.get_kind_display(),
                "decision": output.decision,
                "owner": output.owner.get_full_name() if output.owner else None,
                "due_date": output.due_date.isoformat() if output.due_date else None,
            }
            for output in review.outputs.select_related("owner").order_by("pk")
        ],
        "previous_actions": [
            {
                "review": str(output.review),
                "decision": output.decision,
                "owner": output.owner.get_full_name(),
                "due_date": output.due_date.isoformat(),
                "done_on": output.done_on.isoformat() if output.done_on else None,
                "result": output.result,
            }
            for output in earlier
        ],
        "revisions": [
            {
                "code": revision.procedure.code,
                "name": revision.procedure.name,
                "number": revision.number,
                "effective_from": revision.effective_from.isoformat(),
                "reason": revision.change_summary,
            }
            for revision in in_period.filter(replaced_one)
            .select_related("procedure")
            .order_by("effective_from", "procedure__code")
        ],
        "first_issues": in_period.exclude(replaced_one).count(),
        "complaints": complaints,
        "risks": _risks(scope),
        "legal_updates": _legal_updates(scope),
    }


def _risks(scope: Scope) -> dict:
    """Input e): the register as it stands at the period's cutoff (risks identified
    by then and not closed), by level, the high ones named, and the actions treating
    them due in the period: done by the cutoff, or not."""
    risks = Risk.objects.filter(identified_on__lte=scope.cutoff).open().select_related("owner")
    actions = RiskAction.objects.filter(risk__in=risks, due_date__range=(scope.start, scope.cutoff))
    by_level = Counter(risk.level.value for risk in risks)
    return {
        "open": len(risks),
        "by_level": dict(by_level),
        "to_review": risks.filter(review_date__lte=scope.cutoff).count(),
        "actions_due": actions.count(),
        "actions_done": actions.filter(done_on__lte=scope.cutoff).count(),
        "rows": [
            {
                "code": risk.code,
                "process": risk.process,
                "field": risk.field,
                "description": risk.description,
                "score": risk.score,
                "level": risk.level.value,
                "treatment": risk.treatment,
                "owner": risk.owner.get_full_name(),
                "review_date": risk.review_date.isoformat(),
            }
            for risk in sorted(risks, key=lambda risk: (-risk.score, risk.code))
        ],
    }


def _legal_updates(scope: Scope) -> dict:
    """Changes in the legal basis (an external issue, 9.3.2 b): the procedures flagged
    in the period because a document they cite was amended or replaced, and of those
    flagged by the cutoff, the ones still to update when the inputs are compiled (the
    flag is a state, not a history) and those past their deadline at the cutoff."""
    updates = LegalUpdate.objects.filter(flagged_on__range=scope.reach)
    still_open = LegalUpdate.objects.open().filter(flagged_on__lte=scope.cutoff)
    return {
        "flagged": updates.count(),
        "open": still_open.count(),
        "overdue": still_open.filter(due_on__lt=scope.cutoff).count(),
    }


def _years(scope: Scope) -> list[tuple[int, Scope]]:
    """The scope cut at the turns of the year (`kpi.monthly` reads one year)."""
    return [
        (
            year,
            replace(
                scope,
                start=max(scope.start, date(year, 1, 1)),
                end=min(scope.end, date(year, 12, 31)),
            ),
        )
        for year in range(scope.start.year, scope.end.year + 1)
    ]


def inputs_of(review: ManagementReview) -> dict:
    """The inputs as signed, or as the records stand today while unsigned."""
    return review.inputs if review.inputs is not None else compile_inputs(review)


def sections(review: ManagementReview, data: dict) -> list[Section]:
    """The 9.3.2 inputs in the standard's order, figures beside the text: trends as
    monthly figures and counts, each list cut to the few items a meeting discusses."""
    dossiers = snapshot.dossier_section(data)
    return [
        Section(
            _("a) Status of actions from previous management reviews"),
            header=[_("Decision or action"), _("Owner"), _("Due date"), _("Done on")],
            rows=[
                [
                    row["decision"],
                    row["owner"],
                    snapshot.day(row["due_date"]),
                    snapshot.day(row["done_on"]) if row["done_on"] else _("Not done"),
                ]
                for row in data["previous_actions"]
            ],
        ),
        Section(
            _("b) Changes in external and internal issues"),
            facts=(
                [
                    (
                        _("Procedures issued for the first time in the period"),
                        str(data["first_issues"]),
                    )
                ]
                if "first_issues" in data
                else []
            )
            + _legal_update_facts(data),
            header=[_("Procedure"), _("Revision"), _("Effective from"), _("Changes")],
            rows=[
                [
                    f"{row['code']} – {row['name']}",
                    str(row["number"]),
                    snapshot.day(row["effective_from"]),
                    row["reason"],
                ]
                for row in data["revisions"]
            ],
            note=review.issues_changes,
        ),
        _satisfaction_section(review, data, dossiers),
        replace(
            snapshot.objectives_section(data),
            title=_("c2) Extent to which quality objectives have been met"),
        ),
        _performance_section(data, dossiers),
        _nonconformity_section(data),
        replace(
            snapshot.scores_section(data),
            title=_("c5) Monitoring and measurement results"),
            facts=snapshot.plan_section(data).facts,
        ),
        replace(snapshot.iso_section(data), title=_("c6) Audit results")),
        Section(_("c7) Performance of external providers"), note=review.providers),
        Section(_("d) Adequacy of resources"), note=review.resources),
        _risk_section(review, data),
        Section(_("f) Opportunities for improvement"), note=review.improvements),
    ]


def _risk_section(review: ManagementReview, data: dict) -> Section:
    """Input e): the register's open risks and opportunities, the actions due in the
    period and how many were done; minutes signed before the register existed say
    that none was recorded."""
    title = _("e) Effectiveness of actions taken to address risks and opportunities")
    risks = data.get("risks")
    if not risks or not risks["open"]:
        return Section(
            title,
            facts=[(_("Risks and opportunities in the register"), _("None recorded"))],
            note=review.risks,
        )
    return Section(
        title,
        facts=[
            (_("Risks and opportunities in the register"), str(risks["open"])),
            *(
                (_("Level: %(level)s") % {"level": Risk.Level(level).label}, str(n))
                for level, n in risks["by_level"].items()
            ),
            (_("Due for review by the end of the period"), str(risks["to_review"])),
            (_("Actions due in the period"), str(risks["actions_due"])),
            (_("Actions done"), str(risks["actions_done"])),
        ],
        header=[
            _("Code"),
            _("Process"),
            _("Risk or opportunity"),
            _("Score"),
            _("Treatment"),
            _("Owner"),
        ],
        rows=[
            [
                row["code"],
                process_label(row["process"], row["field"]),
                row["description"],
                f"{row['score']} ({Risk.Level(row['level']).label})",
                str(Risk.Treatment(row["treatment"]).label),
                row["owner"],
            ]
            for row in risks["rows"][: WORST * 3]
        ],
        note=review.risks,
        widths=(12, 20, 40, 12, 14, 18),
    )


def _legal_update_facts(data: dict) -> list[tuple[str, str]]:
    """Reviews signed before the legal updates were counted print without them."""
    updates = data.get("legal_updates")
    if updates is None:
        return []
    return [
        (_("Procedures flagged for a legal update in the period"), str(updates["flagged"])),
        (_("Legal updates not yet done"), str(updates["open"])),
        (_("Legal updates past their deadline"), str(updates["overdue"])),
    ]


def _satisfaction_section(review: ManagementReview, data: dict, dossiers: Section) -> Section:
    """Input c1): the satisfaction rate, the nine criteria's averages with the weakest
    named, and the complaints."""
    criteria = snapshot.criteria_section(data)
    return Section(
        _("c1) Customer satisfaction and feedback from interested parties"),
        facts=[
            dossiers.facts[-1],
            *(criteria.facts if criteria else []),
            (_("Complaints and recommendations received"), str(data["complaints"]["received"])),
            (_("Complaints answered"), str(data["complaints"]["answered"])),
        ],
        header=criteria.header if criteria else [],
        rows=criteria.rows if criteria else [],
        note=review.feedback,
    )


def _performance_section(data: dict, dossiers: Section) -> Section:
    """The period's figures month by month, and the procedures with most late
    dossiers named."""
    worst = ", ".join(f"{row['code']} ({row['late']})" for row in data["worst_procedures"][:WORST])
    return Section(
        _("c3) Process performance and conformity of products and services"),
        facts=dossiers.facts[:-1],
        header=[_("Month"), _("Received"), _("Resolved"), _("Resolved late"), _("On time")],
        rows=[
            [
                f"{row['month']:02d}/{row['year']}",
                str(row["received"]),
                str(row["resolved"]),
                str(row["late"]),
                kpi.percent(row["on_time_rate"]),
            ]
            for row in data.get("monthly", [])
        ],
        note=_("Procedures with most dossiers resolved late: %(worst)s.") % {"worst": worst}
        if worst
        else "",
    )


def _nonconformity_section(data: dict) -> Section:
    """The two kinds apart (R15): counts by stage, and by kind and source, and the
    worst three named: overdue ones first, then the oldest."""
    records = data["nonconformities"]
    by_stage = Counter(row["stage"] for row in records if not row.get("output"))
    by_source = Counter((row.get("kind", ""), row["source"]) for row in records)
    overdue = Counter((row.get("kind", ""), row["source"]) for row in records if row["overdue"])
    worst = sorted(records, key=lambda row: not row["overdue"])[:WORST]
    base = snapshot.nonconformity_section(data)
    return Section(
        _("c4) Nonconformities and corrective actions"),
        facts=base.facts
        + [
            (_("Open at stage: %(stage)s") % {"stage": stage}, str(n))
            for stage, n in by_stage.items()
        ],
        header=[_("Kind"), _("Source"), _("Not closed"), _("Of which overdue")],
        rows=[
            [kind, source, str(n), str(overdue[kind, source])]
            for (kind, source), n in by_source.most_common()
        ],
        note="\n".join(
            [_("Most pressing:")]
            + [
                f"{row['code']} ({row['source']}, {row['stage']}"
                + (f", {_('overdue')}" if row["overdue"] else "")
                + f"): {row['description']}"
                for row in worst
            ]
        )
        if worst
        else "",
    )


def outputs_header() -> list[str]:
    return [_("Kind"), _("Decision or action"), _("Owner"), _("Due date")]


def output_rows(data: dict) -> list[list[str]]:
    return [
        [row["kind"], row["decision"], row["owner"] or "—", snapshot.day(row["due_date"])]
        for row in data["outputs"]
    ]
