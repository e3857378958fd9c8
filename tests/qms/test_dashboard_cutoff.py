"""Issue 18: the dashboard tells one story. A period's figures and the lists beside
them read the same cutoff: each list holds exactly the records its figure counts, at
the stage they had on the cutoff, for a past period as for the current one."""

import json
from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils.timezone import make_aware

from audits.models import Audit
from nonconformities.models import Action, Complaint, Nonconformity
from qms import signing
from qms.models import ManagementReview, Objective, Plan, PlanTask, Unit
from qms.oversight import review_inputs, services
from qms.roles import Role
from tests.factories import PASSWORD
from tests.html import parse

Stage, Kind = Nonconformity.Stage, Nonconformity.Kind
TODAY = date(2025, 8, 20)  # the current period (the year 2025) is read on this day
PAST = {"year": 2025, "period": "h1"}  # read on its end, 30/06/2025
CURRENT = {"year": 2025, "period": "year"}


def on(day: date):
    """The clock at 9:00 on `day`, so that what is saved then is in its history."""
    return time_machine.travel(make_aware(datetime.combine(day, time(9))), tick=False)


def change(record, day: date, **fields):
    with on(day):
        for name, value in fields.items():
            setattr(record, name, value)
        record.save()
    return record


@pytest.fixture
def records(personas, units, audit):
    """Cases A (action overdue at the past cutoff and still), B (its action falls
    overdue only after it), C (action overdue at the past cutoff, done after it), D
    (closed after the past period's end, in progress at it), E (closed within the
    past period), G (of another unit, overdue throughout); outputs O1 (corrected after
    the past period), O2 (found after it) and O3 (entered after the past period as
    corrected then); plan tasks T1 (due in the past period, done after it), T2 (due
    soon after it), T3 (due later), T4 (entered done after the past period); the audit
    planned between the two cutoffs; a complaint of the past period answered after
    it, one received after it."""
    owner = personas[Role.SPECIALIST]
    tp_ht, vh_xh = Unit.objects.get(code="TP-HT"), Unit.objects.get(code="VH-XH")

    def record(code, found_on, kind=Kind.CORRECTIVE, unit=tp_ht, action_due=None):
        with on(found_on):
            nc = Nonconformity.objects.create(
                code=code,
                kind=kind,
                source="staff",
                severity="minor",
                unit=unit,
                description=f"Mô tả {code}",
                found_on=found_on,
                stage=Stage.DRAFT,
            )
        if action_due:
            change(nc, found_on, stage=Stage.IN_PROGRESS)
            nc.action = Action.objects.create(
                nonconformity=nc,
                kind="corrective",
                description=f"Hành động {code}",
                owner=owner,
                due_date=action_due,
            )
        return nc

    record("NC-A", date(2025, 3, 1), action_due=date(2025, 6, 10))
    record("NC-B", date(2025, 3, 2), action_due=date(2025, 7, 15))
    c = record("NC-C", date(2025, 3, 3), action_due=date(2025, 6, 1))
    change(c.action, date(2025, 7, 5), done_on=date(2025, 7, 5))
    d = record("NC-D", date(2025, 4, 1))
    change(d, date(2025, 5, 1), stage=Stage.IN_PROGRESS)
    change(d, date(2025, 7, 10), stage=Stage.CLOSED, verified_on=date(2025, 7, 10))
    e = record("NC-E", date(2025, 2, 1))
    change(e, date(2025, 5, 15), stage=Stage.CLOSED, verified_on=date(2025, 5, 15))
    record("NC-G", date(2025, 3, 4), unit=vh_xh, action_due=date(2025, 5, 1))
    o1 = record("NC-O1", date(2025, 6, 10), kind=Kind.OUTPUT)
    change(o1, date(2025, 8, 5), stage=Stage.CLOSED, verified_on=date(2025, 8, 5))
    record("NC-O2", date(2025, 8, 1), kind=Kind.OUTPUT)
    with on(date(2025, 7, 10)):  # entered late, already corrected: no history of 30/06
        Nonconformity.objects.create(
            code="NC-O3",
            kind=Kind.OUTPUT,
            source="late_dossier",
            severity="minor",
            unit=tp_ht,
            description="Mô tả NC-O3",
            found_on=date(2025, 6, 20),
            stage=Stage.CLOSED,
            verified_on=date(2025, 7, 10),
        )

    plan = Plan.objects.create(
        number="07/KH-UBND", issued_on=date(2025, 1, 5), year=2025, title="Kế hoạch"
    )

    def task(order, deadline):
        with on(date(2025, 1, 10)):
            return PlanTask.objects.create(
                plan=plan,
                order=order,
                content=f"Việc T{order}",
                leader_role=Role.CHAIRMAN,
                deadline=deadline,
            )

    t1 = task(1, date(2025, 6, 20))
    change(t1, date(2025, 6, 1), status=PlanTask.Status.IN_PROGRESS)
    change(t1, date(2025, 7, 10), status=PlanTask.Status.DONE, completed_on=date(2025, 7, 10))
    task(2, date(2025, 7, 15))
    task(3, date(2025, 12, 1))
    with on(date(2025, 8, 1)):  # entered late, already done: no history of 30/06
        PlanTask.objects.create(
            plan=plan,
            order=4,
            content="Việc T4",
            leader_role=Role.CHAIRMAN,
            deadline=date(2025, 7, 10),
            status=PlanTask.Status.DONE,
            completed_on=date(2025, 7, 25),
        )
    Audit.objects.filter(pk=audit.pk).update(
        planned_start=date(2025, 8, 15), planned_end=date(2025, 8, 16)
    )
    for number, (received, answered) in enumerate(
        ((date(2025, 6, 2), date(2025, 7, 10)), (date(2025, 7, 2), None)), start=1
    ):
        Complaint.objects.create(
            reference=f"PAKN-2025-{number:04d}",
            received_at=make_aware(datetime.combine(received, time(9))),
            citizen="Trần Thị B",
            content="Chờ lâu",
            received_by=owner,
            answer_due=date(2025, 7, 31),
            answered_at=answered and make_aware(datetime.combine(answered, time(9))),
        )


# For each period: the rows of each list (code, and the stage shown) and of the cases
# with overdue actions (code, their late actions), then what was coming on the cutoff.
EXPECTED = {
    "past": {
        "nc_open": [
            ("NC-A", Stage.IN_PROGRESS),
            ("NC-B", Stage.IN_PROGRESS),
            ("NC-C", Stage.IN_PROGRESS),
            ("NC-G", Stage.IN_PROGRESS),
            ("NC-D", Stage.IN_PROGRESS),  # closed on 10/07, after the period
        ],
        "nc_outputs_open": [("NC-O1", Stage.DRAFT), ("NC-O3", Stage.DRAFT)],
        "nc_overdue": {
            "NC-A": ["Hành động NC-A"],
            "NC-C": ["Hành động NC-C"],
            "NC-G": ["Hành động NC-G"],
        },
        "audits": ["ĐGNB-2023-01"],
        "tasks": [
            ("Việc T1", PlanTask.Status.IN_PROGRESS),
            ("Việc T4", PlanTask.Status.IN_PROGRESS),  # done on 25/07
            ("Việc T2", PlanTask.Status.NOT_STARTED),
        ],
    },
    "current": {
        "nc_open": [
            ("NC-A", Stage.IN_PROGRESS),
            ("NC-B", Stage.IN_PROGRESS),
            ("NC-C", Stage.IN_PROGRESS),
            ("NC-G", Stage.IN_PROGRESS),
        ],
        "nc_outputs_open": [("NC-O2", Stage.DRAFT)],
        "nc_overdue": {
            "NC-A": ["Hành động NC-A"],
            "NC-B": ["Hành động NC-B"],
            "NC-G": ["Hành động NC-G"],
        },
        "audits": [],
        "tasks": [("Việc T2", PlanTask.Status.NOT_STARTED)],
    },
}


def dashboard(client, params: dict):
    with on(TODAY):
        response = client.get(reverse("qms:dashboard"), params)
    assert response.status_code == 200
    return response


def top_items(page, testid: str) -> list:
    listing = page.find("ul", **{"data-testid": testid})
    return [child for child in listing.children if not isinstance(child, str)]


@pytest.mark.parametrize("period", ["past", "current"])
def test_each_list_holds_exactly_what_its_figure_counts_on_the_cutoff(
    period, records, client_for, chairman
):
    expected = EXPECTED[period]
    response = dashboard(client_for(chairman), PAST if period == "past" else CURRENT)
    context, page = response.context, parse(response.content)
    cutoff = date(2025, 6, 30) if period == "past" else TODAY
    assert page.find(**{"data-testid": "scope"}).text.endswith(f"{cutoff:%d/%m/%Y}.")
    tiles = {tile["key"]: tile for tile in context["tiles"]}

    for listed in context["open_nonconformities"]:
        key = listed["key"]
        rows = [(row["code"], row["stage"]) for row in listed["rows"]]
        assert rows == [(code, str(stage.label)) for code, stage in expected[key]]
        assert listed["count"] == len(rows) and tiles[key]["value"] == str(len(rows))
        assert page.find(**{"data-testid": f"count-{key}"}).text.endswith(f": {len(rows)}")
        assert len(top_items(page, f"list-{key}")) == len(rows)
        assert listed["url"] == tiles[key]["url"]

    overdue = context["overdue"]
    rows = {nc.code: [a.description for a in nc.late_actions] for nc in overdue["rows"]}
    assert rows == expected["nc_overdue"]
    assert overdue["count"] == len(rows) and tiles["nc_overdue"]["value"] == str(len(rows))
    assert page.find(**{"data-testid": "count-nc_overdue"}).text.endswith(f": {len(rows)}")
    assert len(top_items(page, "list-nc_overdue")) == len(rows)

    assert [audit.code for audit in context["upcoming_audits"]] == expected["audits"]
    assert [(task.content, task.status_shown) for task in context["tasks_due"]] == [
        (content, status.label) for content, status in expected["tasks"]
    ]


def test_the_lists_of_one_unit_hold_its_records_only(records, client_for, chairman):
    unit = Unit.objects.get(code="TP-HT")
    response = dashboard(client_for(chairman), {**PAST, "unit": unit.pk})
    cases = response.context["open_nonconformities"][0]
    assert [row["code"] for row in cases["rows"]] == ["NC-A", "NC-B", "NC-C", "NC-D"]
    assert cases["count"] == 4
    overdue = response.context["overdue"]
    assert [nc.code for nc in overdue["rows"]] == ["NC-A", "NC-C"] and overdue["count"] == 2


def test_the_review_of_a_past_period_reads_its_cutoff(records, personas, secretary, chairman):
    """c4: the case closed after the period counts at the stage it had then; c1: a
    complaint answered after the period is not yet answered in it; the task done
    after it was not done then."""
    with on(TODAY):
        review = services.review_save(
            review=ManagementReview(
                held_on=TODAY,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 6, 30),
                chair=chairman,
                secretary=secretary,
                participants="Lãnh đạo",
            ),
            user=secretary,
        )
        inputs = review_inputs.compile_inputs(review)
    facts = dict(review_inputs._nonconformity_section(inputs).facts)
    closed, in_progress = str(Stage.CLOSED.label), str(Stage.IN_PROGRESS.label)
    assert not [label for label in facts if closed in label]
    assert [n for label, n in facts.items() if in_progress in label] == ["5"]
    # received in the period (not the one of 02/07), answered only after it
    assert inputs["complaints"] == {"received": 1, "answered": 0}
    json.dumps(inputs)  # what the secretary signs is stored as JSON
    # the snapshot's rows as printed in reports and minutes
    stages = {row["code"]: row["stage"] for row in inputs["nonconformities"]}
    assert (stages["NC-D"], stages["NC-O3"]) == (in_progress, str(Stage.DRAFT.label))
    tasks = [(row["content"], row["status"]) for row in inputs["plan_tasks"]]
    assert tasks == [("Việc T1", str(PlanTask.Status.IN_PROGRESS.label))]  # done on 10/07


def test_the_objectives_awaiting_approval_are_listed_beside_their_count(db, client_for, chairman):
    def objective(title, measure):
        return Objective.objects.create(
            year=2025, title=title, measure=measure, comparison="gte", target=95
        )

    approved = objective("Đúng hạn", Objective.Measure.ON_TIME)
    signing.chairman_approve(
        record=approved,
        user=chairman,
        password=PASSWORD,
        seen_sha256=signing.shown_sha256(approved),
    )
    objective("Hài lòng", Objective.Measure.SATISFACTION)
    page = parse(dashboard(client_for(chairman), CURRENT).content)
    assert page.find("div", class_="alert-warning").find("a").text.endswith(": 1.")
    assert [item.text for item in top_items(page, "pending-objectives")] == ["Hài lòng"]
