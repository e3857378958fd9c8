"""Every change of an audit goes through one of these functions (one transaction each,
with history): planning, starting the checklist, answering it, findings, the report
and its signature."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import (
    Audit,
    ChecklistItem,
    ChecklistTemplate,
    Clause,
    Finding,
    Question,
    Result,
    TimetableRow,
)
from governance.services import check_auditors_qualified
from nonconformities.services import nc_from_finding
from procedures.models import Dossier, Procedure
from qms.dates import short_date
from qms.history import save_tracked, save_tracked_with_links, track
from qms.models import Signature, Unit, User
from qms.roles import Role
from qms.signing import signature_sign

FINDING_SEVERITY = {
    Result.OBSERVATION: Finding.Severity.OBSERVATION,
    Result.MINOR: Finding.Severity.MINOR,
    Result.MAJOR: Finding.Severity.MAJOR,
}


def check_independence(*, units, procedures, auditors) -> None:
    """An auditor never audits their own unit (ISO 9001:2015 9.2.2 c): neither a unit
    the audit names nor the unit owning a procedure it audits."""
    unit_ids = {unit.pk for unit in units}
    owned = {}
    for procedure in procedures:
        owned.setdefault(procedure.unit_id, procedure)
    conflicts = []
    for auditor in auditors:
        if auditor.unit_id in unit_ids:
            conflicts.append(
                _(
                    "%(auditor)s belongs to %(unit)s, which this audit covers: an auditor "
                    "cannot audit their own unit."
                )
                % {"auditor": auditor, "unit": auditor.unit}
            )
        elif auditor.unit_id in owned:
            conflicts.append(
                _(
                    "%(auditor)s belongs to %(unit)s, which owns %(procedure)s audited here: "
                    "an auditor cannot audit their own unit."
                )
                % {
                    "auditor": auditor,
                    "unit": auditor.unit,
                    "procedure": owned[auditor.unit_id].code,
                }
            )
    if conflicts:
        raise ValidationError({"team": conflicts})


def _recheck_independence(audit: Audit) -> None:
    """Units, procedures or people may have moved since the plan was made."""
    check_independence(
        units=audit.units.all(),
        procedures=audit.procedures.all(),
        auditors=[audit.lead_auditor, *audit.team.all()],
    )


@transaction.atomic
def audit_save(
    *,
    audit: Audit,
    units: list[Unit],
    procedures: list[Procedure],
    clauses: list[Clause],
    team: list[User],
    user: User,
    reason: str,
    timetable: list[dict] | None = None,
) -> Audit:
    """Plan an audit, or change its plan until it is approved or starts; `timetable`
    (rows of `TimetableRow` fields), when given, replaces the plan's timetable."""
    if not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Audits are planned by the ISO secretary."))
    if audit.pk:
        stored = Audit.objects.select_for_update().get(pk=audit.pk)
        if stored.status != Audit.Status.PLANNED:
            raise ValidationError(_("The audit has started: its plan can no longer change."))
        if stored.plan_approved_at:
            raise ValidationError(_("The audit plan is approved: it can no longer change."))
    if not units:
        raise ValidationError(
            {"units": _("Name the units audited (all of them for the whole system).")}
        )
    check_independence(units=units, procedures=procedures, auditors=[audit.lead_auditor, *team])
    check_auditors_qualified(
        auditors=[audit.lead_auditor, *team], start=audit.planned_start, end=audit.planned_end
    )
    if audit.planned_end < audit.planned_start:
        raise ValidationError({"planned_end": _("The audit cannot end before it starts.")})
    if timetable is not None:
        _check_timetable(audit, timetable, units=units, auditors=[audit.lead_auditor, *team])
    save_tracked_with_links(
        audit,
        user=user,
        reason=reason,
        links={"units": units, "procedures": procedures, "clauses": clauses, "team": team},
    )
    if timetable is not None:
        audit.timetable.all().delete()
        TimetableRow.objects.bulk_create(
            TimetableRow(
                audit=audit,
                **{name: row.get(name) for name in ("day", "start", "end", "unit", "auditor")},
                clauses=row.get("clauses") or "",
            )
            for row in timetable
        )
    return audit


def _check_timetable(audit: Audit, rows: list[dict], *, units, auditors) -> None:
    """Each row falls within the audit's dates, on a unit it audits, by one of its
    auditors. Each refusal names its row (from 1) and field in its params, so that a
    form shows it in that row."""
    errors = []

    def refuse(message: str, number: int, field: str, **params) -> None:
        errors.append(
            ValidationError(
                message, code="timetable_row", params={"row": number, "field": field, **params}
            )
        )

    for number, row in enumerate(rows, start=1):
        if not audit.planned_start <= row["day"] <= audit.planned_end:
            refuse(
                _("Timetable row %(row)s: %(day)s is outside the audit's dates."),
                number,
                "day",
                day=short_date(row["day"]),
            )
        if row.get("end") and row["end"] <= row["start"]:
            refuse(_("Timetable row %(row)s: it must end after it starts."), number, "end")
        if row.get("unit") and row["unit"] not in units:
            refuse(
                _("Timetable row %(row)s: %(unit)s is not among the units audited."),
                number,
                "unit",
                unit=row["unit"],
            )
        if row["auditor"] not in auditors:
            refuse(
                _("Timetable row %(row)s: %(auditor)s is not in the audit team."),
                number,
                "auditor",
                auditor=row["auditor"],
            )
    if errors:
        raise ValidationError({"timetable": errors})


@transaction.atomic
def audit_plan_approve(*, audit: Audit, user: User) -> Audit:
    """The ISO secretary approves the plan and its timetable; from then on neither
    changes."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Audit plans are approved by the ISO secretary."))
    if audit.plan_approved_at:
        raise ValidationError(_("The audit plan is already approved."))
    if audit.status != Audit.Status.PLANNED:
        raise ValidationError(_("The audit has started: its plan can no longer be approved."))
    if not audit.timetable.exists():
        raise ValidationError(_("Fill in the plan's timetable before approving it."))
    audit.plan_approved_by, audit.plan_approved_at = user, timezone.now()
    return save_tracked(audit, user=user, reason=_("Audit plan approved"))


def _require_auditor(audit: Audit, user: User, *, lead: bool = False) -> None:
    allowed = {audit.lead_auditor_id} if lead else audit.auditors()
    if user.pk not in allowed:
        message = (
            _("Only the lead auditor of %(audit)s can do this.")
            if lead
            else _("Only the auditors of %(audit)s can do this.")
        )
        raise ValidationError(message % {"audit": audit.code})


def questions_for(audit: Audit, template: ChecklistTemplate | None = None) -> list[Question]:
    """The questions an audit starts from: a template's, or the standard's for the
    clauses in scope (all of them when none is chosen) plus those generated from
    the procedures in scope."""
    if template is not None:
        return list(template.questions.select_related("clause").order_by("clause__order", "id"))
    clauses = audit.clauses.all() or Clause.objects.all()
    questions = Question.objects.filter(clause__in=clauses, procedure__isnull=True)
    questions = questions | Question.objects.filter(procedure__in=audit.procedures.all())
    return list(questions.select_related("clause").order_by("clause__order", "id"))


# Also shown where the lead auditor would start the audit.
PLAN_NOT_APPROVED = gettext_lazy(
    "The ISO secretary has not approved this audit's plan yet: the audit starts only "
    "from an approved plan, which the auditees were told."
)


@transaction.atomic
def audit_start(*, audit: Audit, user: User, template: ChecklistTemplate | None = None) -> Audit:
    """Copy the questions into the audit's own checklist and start the audit, as its
    approved plan says (ISO 19011 6.3.2: the plan is agreed before the audit)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_auditor(audit, user, lead=True)
    if audit.status != Audit.Status.PLANNED:
        raise ValidationError(_("Only a planned audit can start."))
    if not audit.plan_approved_at:
        raise ValidationError(PLAN_NOT_APPROVED)
    _recheck_independence(audit)
    questions = questions_for(audit, template)
    if not questions:
        raise ValidationError(_("The checklist would be empty: choose clauses or a template."))
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            audit=audit,
            order=order,
            clause_number=question.clause.number,
            clause_title=question.clause.title,
            question=question.text,
        )
        for order, question in enumerate(questions, start=1)
    )
    audit.status = Audit.Status.IN_PROGRESS
    audit.actual_start = timezone.localdate()
    track(audit, user, _("Audit started"))
    audit.save()
    return audit


def _require_in_progress(audit: Audit) -> None:
    if audit.status != Audit.Status.IN_PROGRESS:
        raise ValidationError(
            _("%(audit)s is %(status)s: its checklist and findings cannot change.")
            % {"audit": audit.code, "status": audit.get_status_display().lower()}
        )


@transaction.atomic
def checklist_answer(
    *,
    item: ChecklistItem,
    user: User,
    result: str,
    evidence: str = "",
    not_applicable_reason: str = "",
    requirement: str = "",
    statement: str = "",
    dossiers: list[Dossier] = (),
) -> ChecklistItem:
    """Record one answer; a nonconformity or observation becomes (or stays) a
    finding stated by the auditor, any other answer removes the finding it had made."""
    # The audit row first: an answer and the report's signature never cross.
    audit = Audit.objects.select_for_update().get(pk=item.audit_id)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    _require_auditor(audit, user)
    _require_in_progress(audit)
    errors = ChecklistItem.answer_errors(
        result=result, evidence=evidence, not_applicable_reason=not_applicable_reason
    )
    if result in FINDING_SEVERITY:
        stated = Finding.statement_errors(
            severity=FINDING_SEVERITY[result], requirement=requirement, description=statement
        )
        errors |= {
            ("statement" if key == "description" else key): message
            for key, message in stated.items()
        }
    if errors:
        raise ValidationError(errors)
    item.result, item.evidence = result, evidence
    item.not_applicable_reason = not_applicable_reason if result == Result.NOT_APPLICABLE else ""
    item.answered_by, item.answered_at = user, timezone.now()
    track(item, user, _("Answered"))
    item.save()
    item.dossiers.set(dossiers)
    if result in FINDING_SEVERITY:
        finding = getattr(item, "finding", None) or Finding(audit=audit, item=item)
        finding.clause_number = item.clause_number
        finding.severity = FINDING_SEVERITY[result]
        finding.requirement = requirement
        finding.description = statement
        finding.evidence = evidence
        finding.unit = finding.unit or _audited_unit(audit)
        track(finding, user, _("From the checklist"))
        finding.save()
    elif hasattr(item, "finding"):
        track(item.finding, user, _("Answer changed"))
        item.finding.delete()
    return item


def _audited_unit(audit: Audit) -> Unit | None:
    units = list(audit.units.all()[:2])
    return units[0] if len(units) == 1 else None


def _check_finding_unit(audit: Audit, unit: Unit, user: User) -> None:
    """A finding falls on a unit the audit covers, never on its auditor's own unit."""
    if not audit.scope_units().filter(pk=unit.pk).exists():
        raise ValidationError(
            {
                "unit": _(
                    "%(unit)s is not in the scope of %(audit)s: choose a unit audited or "
                    "the unit owning a procedure audited."
                )
                % {"unit": unit, "audit": audit.code}
            }
        )
    if unit.pk == user.unit_id:
        raise ValidationError(
            {
                "unit": _("%(unit)s is your own unit: an auditor cannot record a finding on it.")
                % {"unit": unit}
            }
        )


@transaction.atomic
def finding_add(
    *,
    audit: Audit,
    user: User,
    clause_number: str,
    description: str,
    severity: str,
    evidence: str = "",
    requirement: str = "",
    unit: Unit | None = None,
) -> Finding:
    _require_auditor(audit, user)
    _require_in_progress(audit)
    errors = Finding.statement_errors(
        severity=severity, requirement=requirement, description=description
    )
    if errors:
        raise ValidationError(errors)
    if unit is not None:
        _check_finding_unit(audit, unit, user)
    finding = Finding(
        audit=audit,
        clause_number=clause_number,
        requirement=requirement,
        description=description,
        severity=severity,
        evidence=evidence,
        unit=unit,
    )
    return save_tracked(finding, user=user, reason=_("Added by hand"))


@transaction.atomic
def report_save(*, audit: Audit, user: User, **fields: str) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_auditor(audit, user, lead=True)
    _require_in_progress(audit)
    for name in Audit.REPORT_FIELDS:
        if name in fields:
            setattr(audit, name, fields[name])
    track(audit, user, _("Report drafted"))
    audit.save()
    return audit


def items_left(audit: Audit):
    """The checklist items not answered yet, in their order: the report is signed
    only without any, and the checklist and the report's page name them first."""
    return audit.items.filter(result="").order_by("order")


@transaction.atomic
def report_sign(*, audit: Audit, user: User, password: str, seen_sha256: str) -> Audit:
    """The lead auditor signs the report as it was shown to them; from then on the
    audit is read-only."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_auditor(audit, user, lead=True)
    _require_in_progress(audit)
    left = list(items_left(audit))
    if left:
        raise ValidationError(
            _("%(count)s checklist items are not answered yet: %(items)s.")
            % {"count": len(left), "items": "; ".join(str(item) for item in left)}
        )
    if not audit.conclusion.strip():
        raise ValidationError({"conclusion": _("Write the conclusion before signing.")})
    _recheck_independence(audit)
    audit.actual_end = timezone.localdate()  # part of what is signed
    signature_sign(
        record=audit,
        user=user,
        password=password,
        roles=(Role.AUDITOR,),
        meaning=Signature.Meaning.SIGNED,
        seen_sha256=seen_sha256,
    )
    audit.status = Audit.Status.REPORTED
    track(audit, user, _("Report signed"))
    audit.save()
    for finding in audit.findings.all():
        nc_from_finding(finding=finding, user=user)
    return audit


def questions_from_procedures() -> int:
    """Questions generated from each effective revision's steps and records (clauses
    8.5.1 and 7.5.3); run again after procedures change. Returns how many are new."""
    steps_clause = Clause.objects.get(number="8.5.1")
    records_clause = Clause.objects.get(number="7.5.3")
    created = 0
    for procedure in Procedure.objects.controlled().prefetch_related("revisions"):
        revision = procedure.effective_revision
        texts = [
            (
                steps_clause,
                f"{procedure.code}: hồ sơ lấy mẫu ở bước “{step.name}” có được chuyển trong "
                f"thời gian quy định ({step.allotment.normalize():f} {revision.step_unit_label()}) "
                "không?",
            )
            for step in revision.steps.all()
        ] + [
            (
                records_clause,
                f"{procedure.code}: “{record.name}” có được lưu tại "
                f"{record.keeper or 'nơi quy định'} với thời gian lưu {record.retention} không?",
            )
            for record in revision.records.all()
        ]
        for clause, text in texts:
            _question, new = Question.objects.get_or_create(
                clause=clause, procedure=procedure, text=text
            )
            created += new
    return created


@transaction.atomic
def audit_close(*, audit: Audit, user: User) -> Audit:
    """Close a reported audit once its findings are handled (lead auditor or ISO secretary)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if user.pk != audit.lead_auditor_id and not user.has_role(Role.ISO_SECRETARY):
        raise ValidationError(_("Only the lead auditor or the ISO secretary can close an audit."))
    if audit.status != Audit.Status.REPORTED:
        raise ValidationError(_("Only a reported audit can be closed."))
    audit.status = Audit.Status.CLOSED
    track(audit, user, _("Audit closed"))
    audit.save()
    return audit
