"""Rule R7: the KPIs of a period, on hand-built records."""

import json
import re
from datetime import date, datetime, time
from io import StringIO
from itertools import count

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nonconformities.models import Action, Nonconformity
from procedures.models import Dossier, Outcome
from qms.models import Plan, PlanTask, Unit
from qms.oversight import i766
from qms.oversight.kpi import KEYS, Scope, compute, rate
from qms.roles import Role
from tests.factories import ProcedureFactory

MARCH = Scope(date(2023, 3, 1), date(2023, 3, 31))
_codes = count(1)


def dossier(revision, received_on, due_date, *, completed_on=None, status=None, **fields):
    """A dossier row as the services leave it (the KPIs read only stored fields)."""
    if completed_on:
        fields["outcome"] = Outcome.compare(completed_on, due_date)
    return Dossier.objects.create(
        code=f"KPI-{next(_codes):06d}",
        procedure=revision.procedure,
        revision=revision,
        rule_set="2018",
        applicant_name="Nguyễn Văn A",
        channel=fields.pop("channel", "direct"),
        status=status or ("completed" if completed_on else "in_progress"),
        received_at=timezone.make_aware(datetime.combine(received_on, time(9))),
        received_on=received_on,
        due_date=due_date,
        completed_on=completed_on,
        **fields,
    )


def test_rates_have_one_decimal_and_no_value_without_a_denominator():
    assert rate(2, 3) == 66.7
    assert rate(1, 8) == 12.5  # half up
    assert rate(0, 5) == 0.0
    assert rate(0, 0) is None


def test_an_empty_period_counts_nothing_and_has_no_rates(db):
    figures = compute(MARCH)
    assert list(figures) == list(KEYS)
    assert {key: value for key, value in figures.items() if value} == {}
    assert [key for key, value in figures.items() if value is None] == [
        "on_time_rate",
        "online_rate",
        "digitised_rate",
        "digitised_in_force_rate",
        "satisfaction_rate",
        "iso_coverage_rate",
    ]


def test_dossier_figures_follow_r7(effective):
    d = date
    dossier(effective, d(2023, 3, 1), d(2023, 3, 6), completed_on=d(2023, 3, 3), digitised=True)
    dossier(effective, d(2023, 3, 2), d(2023, 3, 7), completed_on=d(2023, 3, 7), channel="online")
    dossier(effective, d(2023, 3, 3), d(2023, 3, 8), completed_on=d(2023, 3, 10))  # late
    # received in February, resolved in March: resolved but not received
    dossier(effective, d(2023, 2, 27), d(2023, 3, 2), completed_on=d(2023, 3, 1), digitised=True)
    # received in March, resolved in April after its appointment: open and overdue at 31/3
    dossier(effective, d(2023, 3, 27), d(2023, 3, 30), completed_on=d(2023, 4, 3))
    dossier(effective, d(2023, 3, 28), d(2023, 3, 31), channel="online")  # due on the last day
    dossier(effective, d(2023, 3, 20), d(2023, 3, 23), status="waiting")  # overdue
    dossier(effective, d(2023, 3, 21), d(2023, 3, 24), status="withdrawn")  # ended, not overdue
    dossier(effective, d(2023, 3, 22), None, status="refused")  # never received (R13)
    returned = {"status": "returned", "returned_on": d(2023, 3, 9)}
    dossier(
        effective,
        d(2023, 3, 1),
        d(2023, 3, 6),
        completed_on=d(2023, 3, 6),
        rating="satisfied",
        **returned,
    )
    dossier(
        effective,
        d(2023, 3, 1),
        d(2023, 3, 6),
        completed_on=d(2023, 3, 6),
        rating="unsatisfied",
        **returned,
    )
    dossier(effective, d(2023, 3, 1), d(2023, 3, 6), completed_on=d(2023, 3, 6), **returned)

    figures = compute(MARCH)
    assert figures["received"] == 10
    assert figures["refused_at_intake"] == 1
    assert (figures["resolved"], figures["early"], figures["on_time"], figures["late"]) == (
        7,
        2,
        4,
        1,
    )
    assert figures["open_overdue"] == 2
    assert figures["on_time_rate"] == rate(6, 7) == 85.7
    assert figures["online_rate"] == rate(2, 10) == 20.0
    assert figures["digitised_rate"] == rate(2, 7) == 28.6
    assert figures["satisfaction_rate"] == 50.0  # one of the two rated; unrated not counted

    other = ProcedureFactory(code="QT-VH-01", unit=Unit.objects.get(code="VH-XH"))
    assert compute(Scope(MARCH.start, MARCH.end, procedure=other))["received"] == 0
    own_unit = effective.procedure.unit
    assert compute(Scope(MARCH.start, MARCH.end, unit=own_unit))["received"] == 10


@time_machine.travel(datetime(2023, 12, 31, 12, tzinfo=timezone.get_current_timezone()))
def test_open_overdue_is_read_today_when_the_period_has_not_ended(effective):
    dossier(effective, date(2023, 12, 20), date(2023, 12, 28))
    dossier(effective, date(2023, 12, 27), date(2024, 1, 3))
    assert compute(Scope(date(2023, 12, 1), date(2024, 1, 31)))["open_overdue"] == 1


def test_iso_coverage_counts_procedures_in_use_with_a_revision_in_force(effective):
    ProcedureFactory(code="QT-VH-02")  # in use, no revision
    ProcedureFactory(code="QT-VH-03", in_use=False)
    figures = compute(MARCH)
    assert (figures["procedures_in_use"], figures["procedures_controlled"]) == (2, 1)
    assert figures["iso_coverage_rate"] == 50.0
    before = compute(Scope(date(2022, 1, 1), date(2022, 12, 31)))  # not yet in force
    assert before["procedures_controlled"] == 0


def test_audits_planned_in_the_period_and_reported(audit):
    june = Scope(date(2023, 6, 1), date(2023, 6, 30))
    assert (compute(june)["audits_planned"], compute(june)["audits_done"]) == (1, 0)
    Audit = type(audit)
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.REPORTED)
    assert compute(june)["audits_done"] == 1
    assert compute(MARCH)["audits_planned"] == 0
    assert (
        compute(Scope(june.start, june.end, unit=Unit.objects.get(code="VH-XH")))["audits_planned"]
        == 0
    )


def test_nonconformities_open_overdue_and_closed(personas):
    owner = personas[Role.SPECIALIST]

    def nc(found_on, stage, verified_on=None, action_due=None, done_on=None):
        record = Nonconformity.objects.create(
            code=f"NC-2023-{next(_codes):03d}",
            source="staff",
            severity="minor",
            description="Thiếu chữ ký",
            found_on=found_on,
            stage=stage,
            verified_on=verified_on,
        )
        if action_due:
            Action.objects.create(
                nonconformity=record,
                kind="corrective",
                description="Bổ sung",
                owner=owner,
                due_date=action_due,
                done_on=done_on,
            )

    nc(date(2023, 3, 2), "in_progress", action_due=date(2023, 3, 20))  # open, overdue
    nc(date(2023, 3, 3), "in_progress", action_due=date(2023, 3, 20), done_on=date(2023, 3, 15))
    nc(date(2023, 3, 4), "closed", verified_on=date(2023, 3, 25))  # closed in March
    nc(date(2023, 2, 4), "closed", verified_on=date(2023, 4, 5))  # open at 31/3
    nc(date(2023, 3, 5), "cancelled")
    nc(date(2023, 4, 5), "draft")  # found after the period
    figures = compute(MARCH)
    assert (figures["nc_open"], figures["nc_overdue"], figures["nc_closed"]) == (3, 1, 1)


def test_plan_tasks_due_and_done_on_time(units):
    plan = Plan.objects.create(
        number="15/KH-UBND", issued_on=date(2023, 1, 10), year=2023, title="Kế hoạch"
    )
    unit, other = Unit.objects.get(code="VH-XH"), Unit.objects.get(code="TP-HT")

    def task(order, deadline, completed_on=None):
        return PlanTask.objects.create(
            plan=plan,
            order=order,
            content="Việc",
            leader_role=Role.CHAIRMAN,
            product="Báo cáo",
            deadline=deadline,
            status="done" if completed_on else "in_progress",
            completed_on=completed_on,
        )

    task(1, date(2023, 3, 15), date(2023, 3, 10)).units.set([unit, other])
    task(2, date(2023, 3, 15), date(2023, 3, 20)).units.set([unit])  # done late
    task(3, date(2023, 3, 31)).units.set([other])
    task(4, date(2023, 4, 30), date(2023, 3, 1)).units.set([unit])  # due later
    figures = compute(MARCH)
    assert (figures["plan_tasks_due"], figures["plan_tasks_done_on_time"]) == (3, 1)
    of_unit = compute(Scope(MARCH.start, MARCH.end, unit=unit))
    assert (of_unit["plan_tasks_due"], of_unit["plan_tasks_done_on_time"]) == (2, 1)


def test_the_command_prints_the_same_figures_as_json(effective):
    dossier(effective, date(2023, 3, 1), date(2023, 3, 6), completed_on=date(2023, 3, 3))
    out = StringIO()
    call_command("kpi", "--from", "2023-03-01", "--to", "2023-03-31", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {**compute(MARCH), "i766": i766.indicators(MARCH)}
    code = effective.procedure.code
    out = StringIO()
    call_command(
        "kpi",
        "--from",
        "2023-03-01",
        "--to",
        "2023-03-31",
        "--procedure",
        code,
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["received"] == 1
    with pytest.raises(CommandError, match="--to: ngày kết thúc"):
        call_command("kpi", "--from", "2023-03-31", "--to", "2023-03-01", "--json")
    with pytest.raises(CommandError, match="--from: “31/03/2023” không phải ngày"):
        call_command("kpi", "--from", "31/03/2023", "--to", "2023-04-01", "--json")
    with pytest.raises(CommandError, match="--unit: không có đơn vị mã “XX”"):
        call_command("kpi", "--from", "2023-03-01", "--to", "2023-03-31", "--unit", "XX", "--json")


def test_the_dossier_counts_read_their_index_alone(db):
    """Over a million dossiers the KPIs stay quick because each count by date can
    read one index holding every column it tests, never the table's rows: each
    count's columns are those of one index (an id counted would send PostgreSQL to
    every row for it), and SQLite, whose plan does not hang on statistics, says it
    reads that index alone."""
    ProcedureFactory()
    with CaptureQueriesContext(connection) as queries:
        compute(Scope(date(2023, 1, 1), date(2023, 12, 31)))  # the desk's year
    counts = [q["sql"] for q in queries if 'FROM "procedures_dossier"' in q["sql"]]
    assert len(counts) == 4  # received, resolved, rated, and the results in force (R16)
    indexes = [
        {Dossier._meta.get_field(name.lstrip("-")).column for name in index.fields}
        for index in Dossier._meta.indexes
        if index.condition is None
    ]
    for sql in counts:
        columns = set(re.findall(r'"procedures_dossier"\."(\w+)"', sql))
        assert any(columns <= held for held in indexes), (columns, sql)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = " ".join(str(step) for row in cursor.fetchall() for step in row)
            assert "USING COVERING INDEX dossier_" in plan, (sql, plan)
