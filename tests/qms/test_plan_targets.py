"""The plan's targets as the plan words them (issue 17, item 5): a plan's 100% over
its whole list, tasks carried out all year, two satisfaction targets, the ward's
legal documents issued on time and posted."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from qms.models import LegalDocument, Objective, Plan, PlanTask, PlanTaskProgress
from qms.oversight import plan_2023
from qms.oversight.demo import seed_plan
from qms.oversight.kpi import Scope, compute, value
from qms.roles import Role
from tests.factories import UnitFactory

YEAR_2023 = Scope(date(2023, 1, 1), date(2023, 12, 31))


@pytest.fixture
def plan(db):
    return Plan.objects.create(
        number="07/KH-UBND", issued_on=date(2023, 1, 14), year=2023, title="Kế hoạch CCHC"
    )


def task(plan, order, deadline, completed_on=None, **fields):
    return PlanTask.objects.create(
        plan=plan,
        order=order,
        content=f"Nhiệm vụ {order}",
        leader_role=Role.CHAIRMAN,
        deadline=deadline,
        status="done" if completed_on else "in_progress",
        completed_on=completed_on,
        **fields,
    )


def test_a_task_dated_before_its_plans_year_counts_in_that_year(plan, client_for, personas):
    task(plan, 1, date(2022, 12, 21), date(2022, 12, 21))  # V.2 of the 2023 plan
    task(plan, 2, date(2023, 6, 30), date(2023, 6, 29))
    other = Plan.objects.create(number="01/KH", issued_on=date(2022, 1, 5), year=2022, title="Cũ")
    task(other, 1, date(2022, 12, 20), date(2022, 12, 20))

    figures = compute(YEAR_2023)

    assert (figures["plan_tasks_due"], figures["plan_tasks_done_on_time"]) == (2, 2)
    # a period that does not start the year holds only what falls due in it
    assert compute(Scope(date(2023, 4, 1), date(2023, 6, 30)))["plan_tasks_due"] == 1
    # the list the figure links to holds the same two tasks
    page = client_for(personas[Role.CHAIRMAN]).get(
        reverse("qms:plan_tasks"), {"due_from": "01/01/2023", "due_to": "31/12/2023"}
    )
    rows = page.content.decode().split('data-testid="plan-tasks"')[1]
    assert rows.count("Nhiệm vụ 1") == 1 and "Nhiệm vụ 2" in rows
    assert "21/12/2022" in rows and "20/12/2022" not in rows


def test_a_task_carried_out_all_year_is_done_only_at_its_deadline(plan):
    all_year = task(plan, 1, date(2023, 12, 31), all_year=True)
    all_year.status, all_year.completed_on = "done", date(2023, 1, 31)

    with pytest.raises(ValidationError) as refused:
        all_year.full_clean()

    assert refused.value.message_dict["completed_on"] == [
        "Nhiệm vụ thực hiện cả năm hoàn thành vào thời hạn 31/12/2023: "
        "ghi nhận tiến độ từng tháng đến lúc đó."
    ]
    all_year.completed_on = date(2023, 12, 31)
    all_year.full_clean()


def test_monthly_progress_is_one_row_per_month(plan):
    all_year = task(plan, 1, date(2023, 12, 31), all_year=True)
    PlanTaskProgress.objects.create(task=all_year, month=date(2023, 3, 17), note="Tháng 3")

    assert PlanTaskProgress.objects.get().month == date(2023, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanTaskProgress.objects.create(task=all_year, month=date(2023, 3, 2), note="Lại tháng 3")


def test_the_demo_plan_reads_the_plan_as_written(units):
    for code in ("VP-TK", "ĐC-XD", "TC-KT", "BP-MC"):
        UnitFactory(code=code)

    seed_plan()

    tasks = {t.order: t for t in PlanTask.objects.prefetch_related("units", "progress")}
    assert len(tasks) == len(plan_2023.TASKS) == 22
    all_year = [t for t in tasks.values() if t.all_year]
    assert {t.order for t in all_year} == {
        t for t in tasks if "cả năm" in tasks[t].timeframe.lower()
    }
    assert all(t.deadline == date(2023, 12, 31) for t in all_year)
    assert all(len(t.progress.all()) == 12 for t in all_year)
    assert all(t.completed_on >= t.deadline for t in all_year)
    # "Cán bộ, công chức" include the one-stop desk; "và CC có liên quan" is kept
    assert all("BP-MC" in {u.code for u in tasks[o].units.all()} for o in (14, 15, 16))
    assert tasks[4].other_implementers == "và công chức có liên quan"
    # V.2, dated before the plan's year, is among the 22 tasks the year counts
    assert compute(YEAR_2023)["plan_tasks_due"] == 22
    assert LegalDocument.objects.count() == 2


def test_one_measure_may_carry_the_plans_two_satisfaction_targets(chairman):
    def objective(target):
        return Objective.objects.create(
            year=2023,
            title=f"Hài lòng trên {target}%",
            measure="satisfaction_rate",
            comparison="gt",
            target=target,
        )

    objective(95)
    objective(97)
    with pytest.raises(IntegrityError), transaction.atomic():
        objective(97)


def test_legal_documents_count_when_issued_by_their_date_and_posted(units):
    def document(planned, issued=None, posted=None):
        return LegalDocument.objects.create(
            issuer=LegalDocument.Issuer.COMMITTEE,
            title="Quyết định",
            number="1/2023/QĐ-UBND" if issued else "",
            planned_on=planned,
            issued_on=issued,
            posted_on=posted,
        )

    document(date(2023, 3, 31), date(2023, 3, 29), date(2023, 3, 30))  # on time, posted
    document(date(2023, 6, 30), date(2023, 7, 3), date(2023, 7, 3))  # issued late
    document(date(2023, 9, 30), date(2023, 9, 28))  # never posted
    document(date(2024, 1, 15))  # planned for next year

    figures = compute(YEAR_2023)

    assert (figures["legal_documents_due"], figures["legal_documents_on_time"]) == (3, 1)
    assert value(figures, "legal_documents_on_time_rate") == 33.3
    assert (
        compute(Scope(date(2023, 1, 1), date(2023, 12, 31), unit=units["TP-HT"]))[
            "legal_documents_due"
        ]
        == 0
    )


def test_a_document_is_posted_after_it_is_issued_and_carries_its_number(db):
    early = LegalDocument(
        issuer=LegalDocument.Issuer.COUNCIL,
        title="Nghị quyết",
        planned_on=date(2023, 3, 31),
        issued_on=date(2023, 3, 29),
        posted_on=date(2023, 3, 28),
    )
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    messages = str(refused.value)
    assert "Nhập số của văn bản đã ban hành." in messages
    assert "Văn bản được đăng sau khi ban hành (từ ngày ban hành trở đi)." in messages
