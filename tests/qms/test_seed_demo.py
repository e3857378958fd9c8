"""`seed_demo` loads the organisation, its units, one user per role and the year 2023,
idempotently; what the other apps compute from the demo agrees with its records.

The demo is built once for this module (the `demo` fixture; once per worker that
runs one of its tests under `make test`'s pytest-xdist) and read by each test."""

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audits.models import Audit, Clause, Finding
from procedures.models import Apology, Dossier, Procedure, ProcedureRevision, SupplementRequest
from procedures.pdf import dossier_pdf
from qms.management.commands.seed_demo import DEMO_PASSWORD, USERS
from qms.models import Objective, Organisation, Unit, User
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

    year = [row for row in Dossier.objects.all() if row.received_on.year == 2023]
    resolved = [
        row for row in Dossier.objects.all() if row.completed_on and row.completed_on.year == 2023
    ]
    outcomes = [row.outcome for row in resolved]
    assert figures["received"] == len(year) > 0
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

    objectives = {objective.measure: objective for objective in Objective.objects.filter(year=2023)}
    assert len(objectives) == 5
    assert all(objective.approval.matches() for objective in objectives.values())
    after = date(2024, 1, 2)
    on_time = objectives["on_time_rate"]
    assert on_time.status(value(figures, "on_time_rate"), after) == "missed"  # some were late
    digitised = objectives["digitised_rate"]
    assert digitised.status(value(figures, "digitised_rate"), after) == "met"


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
