"""Every change of the governance records goes through one of these functions (one
transaction each, with history)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import retention
from governance.models import (
    DisposalItem,
    DisposalList,
    GovernanceSequence,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    SteeringMember,
    TrainingRecord,
    qualified_auditors,
)
from qms.dates import short_date
from qms.history import save_tracked, track
from qms.models import User
from qms.roles import Role
from qms.signing import chairman_approve


def _require_secretary(user: User) -> None:
    if not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the ISO secretary keeps these records."))


# ---------------------------------------------------------------------------
# Risks


def _next_risk_code(day: date) -> str:
    """The year's next code, past any entered by hand (the demo's, an import's)."""
    prefix = f"RR-{day.year}-"
    taken = [
        int(code.removeprefix(prefix))
        for code in Risk.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.removeprefix(prefix).isdigit()
    ]
    number = GovernanceSequence.take(("risk", day.year), at_least=max(taken, default=0) + 1)
    return f"{prefix}{number:02d}"


@transaction.atomic
def risk_save(*, risk: Risk, user: User, reason: str = "") -> Risk:
    """Record a risk or opportunity (its code given from the year it was identified)
    or change it."""
    _require_secretary(user)
    if risk.identified_on and risk.identified_on > timezone.localdate():
        raise ValidationError(
            {"identified_on": _("A risk is recorded once identified: this day is still to come.")}
        )
    if not risk.code and risk.identified_on:
        risk.code = _next_risk_code(risk.identified_on)
    return save_tracked(risk, user=user, reason=reason or None)


@transaction.atomic
def risk_action_add(
    *, risk: Risk, user: User, description: str, owner: User, due_date: date
) -> RiskAction:
    _require_secretary(user)
    if risk.status != Risk.Status.OPEN:
        raise ValidationError(_("%(risk)s is closed: it takes no more actions.") % {"risk": risk})
    if due_date < risk.identified_on:
        raise ValidationError(
            {"due_date": _("The action cannot be due before the risk was identified.")}
        )
    action = RiskAction(risk=risk, description=description, owner=owner, due_date=due_date)
    return save_tracked(action, user=user)


@transaction.atomic
def risk_action_done(*, action: RiskAction, user: User, done_on: date, evidence: str) -> RiskAction:
    """The action's owner or the ISO secretary records it done, with its evidence."""
    action = RiskAction.objects.select_for_update().get(pk=action.pk)
    if user.pk != action.owner_id and not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the action's owner or the ISO secretary can do this."))
    if action.done_on:
        raise ValidationError(_("The action is already done."))
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say what shows that the action was done.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The action cannot be done in the future.")})
    if done_on < action.risk.identified_on:
        raise ValidationError(
            {"done_on": _("The action cannot be done before the risk was identified.")}
        )
    action.done_on, action.done_by, action.evidence = done_on, user, evidence
    return save_tracked(action, user=user)


# ---------------------------------------------------------------------------
# Competence


@transaction.atomic
def training_record(*, record: TrainingRecord, user: User) -> TrainingRecord:
    _require_secretary(user)
    if record.completed_on and record.completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": _("A course is recorded once completed: this day is still to come.")}
        )
    return save_tracked(record, user=user)


def check_auditors_qualified(*, auditors, start: date, end: date | None = None) -> None:
    """Only qualified auditors (an internal-auditor course with its certificate, valid
    from the audit's `start` to its `end`) may lead an audit or be on its team (ISO
    9001:2015 7.2, 9.2.2)."""
    end = end or start
    people = [auditor for auditor in auditors if auditor is not None]
    ids = [person.pk for person in people]
    qualified = set(qualified_auditors(start).filter(pk__in=ids).values_list("pk", flat=True))
    qualified &= set(qualified_auditors(end).filter(pk__in=ids).values_list("pk", flat=True))
    refused = [
        _(
            "%(person)s has no internal auditor certificate valid from %(start)s to "
            "%(end)s: record their internal auditor course, or its renewal, first."
        )
        % {
            "person": person.get_full_name() or person.username,
            "start": short_date(start),
            "end": short_date(end),
        }
        for person in dict.fromkeys(people)
        if person.pk not in qualified
    ]
    if refused:
        raise ValidationError({"team": refused})


def training_figures(year: int) -> dict:
    """The year's training for the yearly ISO report: people trained by kind (each
    person once per kind; acknowledging a procedure's revision counts as procedure
    training), and the internal-auditor certificates issued in the year and valid at
    its end."""
    from procedures.models import Acknowledgement

    records = TrainingRecord.objects.filter(completed_on__year=year)
    people: dict[str, set[int]] = {kind: set() for kind in TrainingRecord.Kind.values}
    for kind, person in records.values_list("kind", "person"):
        people[kind].add(person)
    people[TrainingRecord.Kind.PROCEDURE] |= set(
        Acknowledgement.objects.filter(acknowledged_at__year=year).values_list("user", flat=True)
    )
    certificates = TrainingRecord.objects.auditor_certificates()
    return {
        "year": year,
        "people_trained": {kind: len(ids) for kind, ids in people.items()},
        "people_trained_total": len(set().union(*people.values())),
        "courses": records.count(),
        "auditor_certificates_issued": certificates.filter(completed_on__year=year).count(),
        "qualified_auditors": qualified_auditors(date(year, 12, 31)).count(),
    }


# ---------------------------------------------------------------------------
# Retention and disposal


@transaction.atomic
def retention_rule_save(*, rule: RetentionRule, user: User) -> RetentionRule:
    _require_secretary(user)
    return save_tracked(rule, user=user)


def _next_disposal_number(day: date) -> str:
    return f"{GovernanceSequence.take(('disposal', day.year)):02d}/{day.year}/DSHUY"


@transaction.atomic
def disposal_propose(
    *, kind: str, user: User, day: date | None = None, reason: str = ""
) -> DisposalList:
    """Put on a new list every record of `kind` whose retention ended by `day` and
    that no list holds yet; the chairman then approves it by signing."""
    _require_secretary(user)
    day = day or timezone.localdate()
    rule = RetentionRule.objects.filter(kind=kind).first()
    if rule is None:
        raise ValidationError(
            {"kind": _("The retention schedule has no rule for this kind of record.")}
        )
    due = list(retention.due(rule, day))
    if not due:
        raise ValidationError({"kind": _("No record of this kind may be disposed of yet.")})
    disposal = DisposalList(
        number=_next_disposal_number(day),
        kind=kind,
        proposed_on=day,
        proposed_by=user,
        reason=reason,
    )
    save_tracked(disposal, user=user)
    DisposalItem.objects.bulk_create(
        DisposalItem(
            disposal_list=disposal,
            kind=kind,
            object_id=record.pk,
            label=record.label,
            closed_on=record.closed_on,
            disposable_from=rule.disposable_from(record.closed_on),
        )
        for record in due
    )
    return disposal


@transaction.atomic
def disposal_execute(*, disposal: DisposalList, user: User) -> int:
    """Dispose of the records of an approved list (what that does to each kind:
    `governance.retention`), each checked again against the schedule and its record's
    closing as they are today (a longer retention set, or a later closing day entered,
    since the proposal holds the record back). Refused as a whole if any record's
    date has not come: nothing is half disposed of. Each is dated the day it is done,
    which is after the approval."""
    _require_secretary(user)
    disposal = DisposalList.objects.select_for_update().get(pk=disposal.pk)
    if not disposal.approval:
        raise ValidationError(_("The chairman has not approved this disposal list yet."))
    if disposal.executed_at:
        raise ValidationError(_("This disposal list has already been carried out."))
    day = timezone.localdate()  # the day it is done: never back-dated, nor before approval
    rule = RetentionRule.objects.get(kind=disposal.kind)
    items = list(disposal.items.all())
    # each record's closing as the records say it today: a date corrected since the
    # proposal (a returned dossier's, say) counts, when it is later than the listed one
    closed_now = {record.pk: record.closed_on for record in retention.closed_records(rule.kind)}

    def may_go_from(item: DisposalItem) -> date:
        closed = max(item.closed_on, closed_now.get(item.object_id, item.closed_on))
        return max(item.disposable_from, rule.disposable_from(closed))

    early = [item for item in items if day < may_go_from(item)]
    if early:
        raise ValidationError(
            _("%(record)s may not be disposed of before %(date)s.")
            % {"record": early[0].label, "date": may_go_from(early[0]).strftime("%d/%m/%Y")}
        )
    now = timezone.now()
    for item in items:
        retention.dispose(item, user=user)
        item.disposed_on, item.disposed_at, item.disposed_by = day, now, user
        track(item, user)
        item.full_clean()
        item.save()
    disposal.executed_at, disposal.executed_by = now, user
    track(disposal, user)
    disposal.save(update_fields=["executed_at", "executed_by"])
    return len(items)


# ---------------------------------------------------------------------------
# Steering


@transaction.atomic
def steering_decision_save(
    *, decision: SteeringDecision, members: list[dict], user: User
) -> SteeringDecision:
    """Record the decision and its members (rows of person, role, duty), replacing
    the members while it is not signed. The group has one head and one ISO secretary."""
    _require_secretary(user)
    roles = Counter(row["role"] for row in members)
    if roles[SteeringMember.GroupRole.HEAD] != 1:
        raise ValidationError(_("The decision names exactly one head of the steering group."))
    if roles[SteeringMember.GroupRole.SECRETARY] != 1:
        raise ValidationError(_("The decision names exactly one ISO secretary."))
    people = [row["person"].pk for row in members]
    if len(people) != len(set(people)):
        raise ValidationError(_("A person is named twice in the decision."))
    save_tracked(decision, user=user)
    decision.members.all().delete()
    SteeringMember.objects.bulk_create(
        SteeringMember(
            decision=decision, person=row["person"], role=row["role"], duty=row.get("duty", "")
        )
        for row in members
    )
    return decision


def steering_approve(
    *, decision: SteeringDecision, user: User, password: str, seen_sha256: str
) -> SteeringDecision:
    """The chairman signs the decision, on its date or later: the date it bears is
    the day it is signed, never one still to come."""
    if decision.signed_on > timezone.localdate():
        raise ValidationError(
            _("The decision is dated %(date)s: it is signed on that day, not before.")
            % {"date": decision.signed_on.strftime("%d/%m/%Y")}
        )
    return chairman_approve(record=decision, user=user, password=password, seen_sha256=seen_sha256)


@dataclass(frozen=True)
class Mismatch:
    person: User
    problem: str


def steering_mismatches(day: date | None = None) -> list[Mismatch]:
    """Where the accounts' roles and the decision in force disagree: the decision is
    the authority, the roles are set by the administrator, and each difference is
    shown to be put right (by a new decision or by the account's roles)."""
    decision = SteeringDecision.in_force(day)
    if decision is None:
        return []
    named = {member.person_id: member for member in decision.members.select_related("person")}
    problems = []
    for member in named.values():
        if member.role == SteeringMember.GroupRole.SECRETARY and not member.person.has_role(
            Role.ISO_SECRETARY
        ):
            problems.append(
                Mismatch(
                    member.person,
                    _("named ISO secretary by the decision but without that role here"),
                )
            )
        if member.role == SteeringMember.GroupRole.HEAD and not member.person.has_role(
            Role.CHAIRMAN, Role.VICE_CHAIRMAN
        ):
            problems.append(
                Mismatch(member.person, _("heads the steering group but is not a chairman here"))
            )
    secretaries = [
        member.person_id
        for member in named.values()
        if member.role == SteeringMember.GroupRole.SECRETARY
    ]
    for user in User.objects.filter(groups__name=Role.ISO_SECRETARY.value, is_active=True):
        if user.pk not in secretaries:
            problems.append(
                Mismatch(user, _("holds the ISO secretary role without the decision naming them"))
            )
    return problems
