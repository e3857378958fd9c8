"""The inputs of a management review (ISO 9001:2015 clause 9.3.2), compiled from the
records of its period, and the sections its page and minutes show."""

from dataclasses import replace

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from nonconformities.models import Complaint
from procedures.models import ProcedureRevision
from qms.models import ManagementReview, ReviewOutput
from qms.oversight import snapshot
from qms.oversight.kpi import Scope
from qms.oversight.snapshot import Section


def compile_inputs(review: ManagementReview) -> dict:
    """What the records say for the review's period, JSON-ready: the report snapshot,
    the chair and the decisions taken, the follow-up of earlier reviews' actions, the
    procedures revised in the period and the citizens' complaints."""
    scope = Scope(review.period_start, review.period_end)
    # what earlier reviews decided and is still open, or was done since
    earlier = (
        ReviewOutput.objects.filter(
            review__in=ManagementReview.objects.frozen().filter(held_on__lt=review.held_on),
            owner__isnull=False,
        )
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=scope.start))
        .select_related("owner", "review")
    )
    complaints = Complaint.objects.filter(
        received_at__date__range=(scope.start, scope.end)
    ).aggregate(received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    return {
        **snapshot.snapshot(scope),
        # the names as they are at signing, so that the minutes print what was signed
        "chair": review.chair.get_full_name(),
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
            for revision in ProcedureRevision.objects.filter(
                effective_from__range=(scope.start, scope.end)
            )
            .select_related("procedure")
            .order_by("effective_from", "procedure__code")
        ],
        "complaints": complaints,
    }


def inputs_of(review: ManagementReview) -> dict:
    """The inputs as signed, or as the records stand today while unsigned."""
    return review.inputs if review.inputs is not None else compile_inputs(review)


def sections(review: ManagementReview, data: dict) -> list[Section]:
    """The 9.3.2 inputs in the standard's order, figures beside the text."""
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
        Section(
            _("c1) Customer satisfaction and feedback from interested parties"),
            facts=[
                dossiers.facts[-1],
                (_("Complaints and recommendations received"), str(data["complaints"]["received"])),
                (_("Complaints answered"), str(data["complaints"]["answered"])),
            ],
            note=review.feedback,
        ),
        replace(
            snapshot.objectives_section(data),
            title=_("c2) Extent to which quality objectives have been met"),
        ),
        replace(
            dossiers,
            title=_("c3) Process performance and conformity of products and services"),
            facts=dossiers.facts[:-1],
        ),
        replace(
            snapshot.nonconformity_section(data),
            title=_("c4) Nonconformities and corrective actions"),
        ),
        replace(snapshot.scores_section(data), title=_("c5) Monitoring and measurement results")),
        replace(snapshot.iso_section(data), title=_("c6) Audit results")),
        Section(_("c7) Performance of external providers"), note=review.providers),
        Section(_("d) Adequacy of resources"), note=review.resources),
        replace(
            snapshot.plan_section(data),
            title=_("e) Effectiveness of actions taken to address risks and opportunities"),
            note=review.risks,
        ),
        Section(_("f) Opportunities for improvement"), note=review.improvements),
    ]


def outputs_header() -> list[str]:
    return [_("Kind"), _("Decision or action"), _("Owner"), _("Due date")]


def output_rows(data: dict) -> list[list[str]]:
    return [
        [row["kind"], row["decision"], row["owner"] or "—", snapshot.day(row["due_date"])]
        for row in data["outputs"]
    ]
