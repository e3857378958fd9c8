"""`seed_demo` loads the organisation, its units, one user per role and the year 2023,
idempotently; what the other apps compute from the demo agrees with its records.

The demo is built once for this module (the `demo` fixture; once per worker that
runs one of its tests under `make test`'s pytest-xdist) and read by each test."""

import json
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils.timezone import localdate

from audits.models import Audit, Clause, Finding, Programme
from governance.models import SteeringDecision
from isodocs import services as iso_services
from isodocs.models import (
    Announcement,
    ExternalDocument,
    LegalUpdate,
    QualityPolicy,
    QualityScope,
    YearlyReport,
)
from nonconformities.models import Nonconformity
from procedures.models import (
    Apology,
    Dossier,
    Handoff,
    Procedure,
    ProcedureRevision,
    ResultValidity,
    SupplementRequest,
)
from procedures.pdf import dossier_pdf
from qms.management.commands.seed_demo import DEMO_PASSWORD, USERS
from qms.models import (
    ApprovedRecord,
    ManagementReview,
    Objective,
    Organisation,
    PeriodicReport,
    Plan,
    Signature,
    Unit,
    User,
)
from qms.oversight.demo import TARGETS
from qms.oversight.kpi import rate, value
from qms.roles import Role
from tests.audits.test_audit_pages import pdf_words
from tests.procedures.test_form_identity import pdf_words as pdf_words_of


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_production_mode(db, settings):
    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        seed()
    assert User.objects.count() == users


def test_seed_demo_is_complete_and_idempotent(demo, db, settings):
    settings.DEBUG = True
    first = demo
    assert "hồ sơ năm 2023: 0" in seed()  # nothing added the second time
    assert Organisation.objects.count() == 1
    organisation = Organisation.current()
    before, after = (
        organisation.identity_on(date(2025, 6, 30)),
        organisation.identity_on(date(2025, 7, 1)),
    )
    assert before.name == after.name == "Ủy ban nhân dân phường An Dương"
    assert (before.superior, before.desk_name) == (
        "Ủy ban nhân dân quận Lê Chân",
        "Bộ phận Một cửa",
    )
    assert (after.superior, after.desk_name) == (
        "Ủy ban nhân dân thành phố Hải Phòng",
        "Trung tâm Phục vụ hành chính công",
    )
    assert set(Unit.objects.values_list("code", flat=True)) == {
        "VP-TK",
        "TP-HT",
        "ĐC-XD",
        "VH-XH",
        "TC-KT",
        "BP-MC",
    }
    assert Unit.objects.get(is_one_stop_desk=True).code == "BP-MC"
    assert User.objects.count() == len(USERS)
    assert {role for *_rest, role in USERS} == set(Role)
    for username, *_rest, role in USERS:
        user = User.objects.get(username=username)
        assert user.roles == {role}
        assert user.check_password(DEMO_PASSWORD)
        assert f"{username:<12} {DEMO_PASSWORD}" in first
        assert str(role.label) in first

    procedures = Procedure.objects.all()
    assert procedures.count() >= 10
    assert {p.field for p in procedures} >= {
        "civil_status",
        "certification",
        "land_construction",
        "culture_society",
    }
    assert procedures.controlled().count() == procedures.count()
    superseded = ProcedureRevision.objects.filter(status="superseded").get()
    assert superseded.procedure.revisions.effective().get().number == 2
    for revision in ProcedureRevision.objects.all():
        assert revision.approval.matches()
        revision.check_step_total(revision.step_total())

    year = Dossier.objects.filter(received_on__year=2023)
    total = year.count()
    assert 2000 < total < 5000
    late = year.filter(outcome="late").count()
    assert 0 < late < total * 0.05
    assert 0.5 < year.filter(digitised=True).count() / total < 0.75
    assert SupplementRequest.objects.exists() and Apology.objects.exists()
    assert not year.filter(due_date__isnull=True).exists()
    assert Dossier.objects.open().count() == 12
    # the tracking book numbers the year in receipt order (R12); each dossier lists
    # the documents received and how the result goes back (R11)
    rows = list(year.order_by("received_at", "id").values_list("book_year", "book_row"))
    assert rows == [(2023, row) for row in range(1, total + 1)]
    assert not year.filter(documents__isnull=True).exists()
    assert {"desk", "post", "online"} <= set(year.values_list("delivery", flat=True))


def test_the_kpi_command_agrees_with_a_count_of_the_demo_records(demo, db):
    out = StringIO()
    call_command("kpi", "--from", "2023-01-01", "--to", "2023-12-31", "--json", stdout=out)
    figures = json.loads(out.getvalue())

    came = [row for row in Dossier.objects.all() if row.received_on.year == 2023]
    # a request turned away at intake was never received (R13)
    year = [row for row in came if row.status not in Dossier.TURNED_AWAY_STATUSES]
    statuses = [row.status for row in came]
    resolved = [
        row for row in Dossier.objects.all() if row.completed_on and row.completed_on.year == 2023
    ]
    outcomes = [row.outcome for row in resolved]
    assert figures["received"] == len(year) > 0
    assert figures["refused_at_intake"] == statuses.count(Dossier.Status.REFUSED)
    assert figures["returned_incomplete_at_intake"] == statuses.count(Dossier.Status.INCOMPLETE)
    assert figures["resolved"] == len(resolved) > 0
    assert (figures["early"], figures["on_time"], figures["late"]) == (
        outcomes.count("early"),
        outcomes.count("on_time"),
        outcomes.count("late"),
    )
    assert figures["late"] > 0
    online = sum(row.channel == "online" for row in year)
    assert figures["online_rate"] == rate(online, len(year))
    digitised = sum(row.digitised for row in resolved)
    assert figures["digitised_rate"] == rate(digitised, len(resolved))
    rated = [
        row.rating
        for row in Dossier.objects.all()
        if row.returned_on and row.returned_on.year == 2023 and row.rating
    ]
    satisfied = sum(rating != "unsatisfied" for rating in rated)
    assert figures["satisfaction_rate"] == rate(satisfied, len(rated))

    cutoff = date(2023, 12, 31)

    def in_force(row):
        procedure = row.procedure
        if procedure.result_validity == ResultValidity.MONTHS:
            return row.completed_on > cutoff - relativedelta(months=procedure.result_valid_months)
        return procedure.result_validity == ResultValidity.PERMANENT

    stock = [
        row
        for row in Dossier.objects.select_related("procedure")
        if row.completed_on and row.completed_on <= cutoff and in_force(row)
    ]
    scanned = sum(row.digitised and row.returned_on <= cutoff for row in stock)
    assert figures["digitised_in_force_rate"] == rate(scanned, len(stock))
    assert len(stock) < len(resolved)  # some results lapse or are not lasting

    objectives = {
        (objective.measure, objective.target): objective
        for objective in Objective.objects.filter(year=2023)
    }
    assert len(objectives) == 7
    assert all(objective.approval.matches() for objective in objectives.values())
    after = date(2024, 1, 2)
    on_time = objectives["on_time_rate", 100]
    assert on_time.status(value(figures, "on_time_rate"), after) == "missed"  # some were late
    digitised = objectives["digitised_in_force_rate", 55]
    assert digitised.status(value(figures, "digitised_in_force_rate"), after) == "met"
    legal = objectives["legal_documents_on_time_rate", 100]
    assert legal.status(value(figures, "legal_documents_on_time_rate"), after) == "met"


def test_the_demo_audit_report_holds_every_clause_and_finding(demo, db, tmp_path):
    audit = Audit.objects.get(code="ĐGNB-2023-01")
    assert audit.status == Audit.Status.REPORTED and audit.report_signature.matches()
    assert audit.actual_end == date(2023, 11, 8)  # signed on its last day, not at seeding
    assert not audit.items.filter(result="").exists()
    assert Audit.objects.get(code="ĐGNB-2023-02").status == Audit.Status.IN_PROGRESS
    out = tmp_path / "report.pdf"
    call_command("export_pdf", "audit-report", str(audit.pk), "-o", str(out))
    text = pdf_words(out)
    assert "ngày 08 tháng 11 năm 2023" in text
    clauses = list(Clause.objects.values_list("number", "title"))
    assert len(clauses) == 84
    for number, title in clauses:
        assert f"{number} {title}" in text, number
    findings = list(Finding.objects.filter(audit=audit))
    assert len(findings) == 5
    for finding in findings:
        assert re.sub(r"\s+", " ", finding.evidence) in text
    assert "SHA-256" in text and audit.lead_auditor.full_name in text


def test_every_finished_demo_dossier_has_its_hand_over_trail(demo, db):
    """R11: the 2023 dossiers' control slips are not empty: a hand-over per step, the
    last at the completion, and the slip prints them up to the return."""
    year = Dossier.objects.filter(received_on__year=2023)
    assert not year.filter(handoffs__isnull=True).exists()
    paused = SupplementRequest.objects.filter(dossier__received_on__year=2023).first().dossier
    steps = paused.revision.steps.count()
    trail = list(paused.handoffs.order_by("handed_at"))
    assert len(trail) == steps and trail[-1].handed_at == paused.completed_at
    request = paused.supplements.get()
    assert trail[0].handed_at < request.requested_at < request.answered_at < trail[1].handed_at
    text = pdf_words_of(dossier_pdf("control-slip", paused))
    assert text.count("1. Giao:") == steps + 3  # the steps, the pause, the restart, the return
    assert "1. Giao: Bộ phận Một cửa" in text and "(đã ký điện tử)" in text
    assert "Tạm dừng:" in text and "Tiếp tục:" in text and "Trả kết quả cho" in text
    assert "Hồ sơ nhập từ hệ thống khác" not in text


def test_every_accepted_demo_dossier_names_the_officer_who_received_it(demo, db):
    """Issue 16: form 01 and the control slip's first row (the desk's receipt) print
    the receiving officer; the demo's dossiers of 2023 had none."""
    accepted = Dossier.objects.filter(status__in=Dossier.ACCEPTED_STATUSES)
    assert accepted.filter(received_on__year=2023).count() > 2000
    assert not accepted.filter(received_by__isnull=True).exists()
    first_giver = (
        Handoff.objects.filter(dossier=OuterRef("pk"))
        .order_by("handed_at", "id")
        .values("from_user")[:1]
    )
    handed_on = accepted.filter(Exists(Handoff.objects.filter(dossier=OuterRef("pk"))))
    assert handed_on.filter(received_on__year=2023).count() > 2000
    assert (
        not handed_on.annotate(giver=Subquery(first_giver)).exclude(giver=F("received_by")).exists()
    )

    dossier = accepted.filter(received_on__year=2023).order_by("received_at").first()
    officer = dossier.received_by.get_full_name()
    receipt = pdf_words_of(dossier_pdf("receipt", dossier))
    assert f"NGƯỜI TIẾP NHẬN HỒ SƠ {officer}" in receipt
    slip = pdf_words_of(dossier_pdf("control-slip", dossier))
    first_row = slip.split("1. Giao:")[1]
    assert first_row.startswith(" Bộ phận Một cửa") and f"{officer} (đã ký điện tử)" in first_row


def test_every_signature_and_approval_of_the_demo_carries_the_date_of_its_event(demo, db):
    """Issue 16: every date on a document is the date of its own event. The demo
    signs and approves its records of 2023 on the days they were signed then, never on
    the day it is seeded: each signed model is listed here with the days its
    signature may carry, and a model signed by the demo but not listed fails."""
    plan = Plan.objects.get(number="07/KH-UBND", year=2023)
    audits = Audit.objects.filter(year=2023)
    first_audit = min(audit.planned_start for audit in audits)
    window = {  # the first and last day the record's signature may carry
        ProcedureRevision: lambda revision: (revision.decision_date, revision.decision_date),
        Objective: lambda objective: (date(objective.year, 1, 1), plan.issued_on),
        Programme: lambda programme: (
            date(programme.year, 1, 1),
            first_audit - timedelta(days=1),
        ),
        Audit: lambda audit: (audit.actual_end, audit.actual_end),
        ManagementReview: lambda review: (review.held_on, review.held_on),
        # the steering group's decision, signed on its date (governance.demo)
        SteeringDecision: lambda decision: (decision.signed_on, decision.signed_on),
        # the policy and the scope approved the day they take effect; the announcement
        # signed the day it is issued
        QualityPolicy: lambda policy: (policy.effective_from, policy.effective_from),
        QualityScope: lambda scope: (scope.effective_from, scope.effective_from),
        Announcement: lambda announcement: (announcement.issued_on, announcement.issued_on),
        # issued before the appointment it apologises for (R5)
        Apology: lambda apology: (apology.dossier.received_on, apology.dossier.due_date),
    }
    signatures = list(Signature.objects.select_related("content_type"))
    assert {signature.content_type.model_class() for signature in signatures} == set(window)
    for signature in signatures:
        record = signature.record
        earliest, latest = window[type(record)](record)
        assert earliest <= localdate(signature.signed_at) <= latest, (str(record), signature)
        if isinstance(record, ApprovedRecord) and signature.meaning == Signature.Meaning.APPROVED:
            assert record.approved_at == signature.signed_at, str(record)
    assert ProcedureRevision.objects.filter(decision_date__year=2023).exists()
    assert Objective.objects.filter(year=2023).count() == len(TARGETS) == 7

    # the approvals that are not signatures: the audit plans, the audits' opening,
    # a nonconformity's verification
    for audit in audits:
        assert audit.actual_start == audit.planned_start, audit.code
    approved = audits.filter(plan_approved_at__isnull=False)
    assert approved.exists()
    for audit in approved:
        assert date(2023, 1, 1) <= localdate(audit.plan_approved_at) < audit.planned_start
    verified = Nonconformity.objects.filter(verified_on__isnull=False)
    assert verified.exists()
    for nc in verified:
        if nc.kind == Nonconformity.Kind.OUTPUT:  # closed when its result was delivered
            assert nc.verified_on == nc.dossier.returned_on, nc.code
            continue
        assert nc.verified_on.year == 2023, nc.code
        assert all(action.done_on <= nc.verified_on for action in nc.actions.all()), nc.code


def test_the_demo_late_dossiers_are_outputs_and_their_patterns_open_cases(demo, db):
    """R15: each late dossier of 2023 is a nonconforming output, none a case of its
    own; each pattern's case links the outputs of one procedure that formed it."""
    from nonconformities.models import Nonconformity
    from qms.oversight.kpi import Scope, compute

    late = Dossier.objects.filter(received_on__year=2023, outcome="late")
    outputs = Nonconformity.objects.outputs()
    assert set(outputs.values_list("dossier", flat=True)) == set(late.values_list("pk", flat=True))
    assert not Nonconformity.objects.corrective().filter(dossier__isnull=False).exists()
    cases = Nonconformity.objects.corrective().filter(source="late_pattern")
    assert cases.exists()
    for case in cases:
        linked = list(case.outputs.all())
        assert len(linked) >= 2 and {o.procedure_id for o in linked} == {case.procedure_id}
    figures = compute(Scope(date(2023, 1, 1), date(2023, 12, 31)))
    recorded = outputs.filter(found_on__year=2023).exclude(stage="cancelled")
    assert figures["nc_outputs"] == recorded.count() > 0
    assert figures["nc_open"] < figures["nc_outputs"]


def test_the_demo_reports_of_both_kinds_are_numbered_in_the_order_they_were_sent(demo, db):
    """One register of the committee's reports (BC-UBND): a later report never has
    a smaller number in the same year."""
    reports = PeriodicReport.objects.select_related("number").order_by("submitted_on")
    assert {report.kind for report in reports} == set(PeriodicReport.Kind)
    assert reports.count() == 8
    numbers = [(report.number.year, report.number.number) for report in reports]
    assert numbers == sorted(numbers)
    assert all(report.number.year == report.submitted_on.year for report in reports)


def test_the_demo_carries_the_iso_documents_of_2023(demo, db):
    """Policy, scope with the 8.3 exclusion, the documents its procedures cite, the
    announcement listing every procedure in scope, the yearly report sent in 2023;
    the 2025 decree and circular replaced the one-stop rules and flagged every
    procedure for a legal update that is still open."""
    scope = QualityScope.in_force_on(date(2023, 12, 31))
    assert QualityPolicy.in_force_on(date(2023, 12, 31)).version == 1
    assert [row.clause for row in scope.exclusions.all()] == ["8.3"]
    codes = set(Procedure.objects.in_iso_scope(date(2023, 12, 31)).values_list("code", flat=True))
    assert (
        set(scope.procedure_codes) == codes == set(Procedure.objects.values_list("code", flat=True))
    )
    announcement = Announcement.objects.get()
    assert announcement.scope == scope and announcement.issued_on.year == 2023
    assert str(announcement.number) == "1/2023/QĐ-UBND"
    report = YearlyReport.objects.get(year=2023)
    assert report.submitted_on.year == 2023 and report.figures["counts"][
        "procedures_in_scope"
    ] == len(codes)
    numbers = set(ExternalDocument.objects.values_list("number", flat=True))
    assert {"61/2018/NĐ-CP", "107/2021/NĐ-CP", "01/2018/TT-VPCP", "118/2025/NĐ-CP",
            "03/2025/TT-VPCP", "60/2014/QH13"} <= numbers  # fmt: skip
    assert ExternalDocument.objects.get(number="61/2018/NĐ-CP").status == "replaced"
    open_updates = LegalUpdate.objects.open()
    assert set(open_updates.values_list("document__number", flat=True)) == {
        "118/2025/NĐ-CP", "03/2025/TT-VPCP"
    }  # fmt: skip
    assert set(open_updates.values_list("procedure__code", flat=True)) == codes
    assert not iso_services.announcement_due(localdate())
    for procedure in Procedure.objects.all():  # every procedure cites its field's law
        assert procedure.external_documents.exclude(number__contains="VPCP").exclude(
            number__in=["61/2018/NĐ-CP", "107/2021/NĐ-CP"]).exists(), procedure.code  # fmt: skip
