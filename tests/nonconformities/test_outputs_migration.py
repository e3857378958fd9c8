"""The migration that applies R15 to the records kept before it: each late-dossier
case becomes a nonconforming output in place (code and history kept), closed if its
result was delivered; the 10.2 work started on one goes to a corrective action of its
own with its actions; patterns open their corrective action."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qms.roles import Role
from tests.procedures.test_dossiers import receive

BEFORE = [("nonconformities", "0003_action_done_by")]
AFTER = [("nonconformities", "0005_late_dossiers_become_outputs")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_late_dossier_cases_become_outputs_and_patterns_open_their_case(effective, personas):
    officer = personas[Role.OFFICER]
    procedure = effective.procedure
    dossiers = [receive(procedure, officer, f"2023-03-02 {hour}:00") for hour in range(8, 14)]
    old = migrate(BEFORE)
    nc_model, action_model = (
        old.get_model("nonconformities", m) for m in ("Nonconformity", "Action")
    )
    dossier_model = old.get_model("procedures", "Dossier")

    def case(number, dossier, found_on, returned_on=None, **fields):
        dossier_model.objects.filter(pk=dossier.pk).update(returned_on=returned_on)
        return nc_model.objects.create(
            code=f"NC-2023-{number:03d}",
            source="late_dossier",
            severity="minor",
            clause="8.7",
            procedure_id=procedure.pk,
            description=f"Hồ sơ {dossier.code} trễ hạn",
            found_on=found_on,
            dossier_id=dossier.pk,
            **fields,
        )

    case(1, dossiers[0], date(2023, 3, 9), date(2023, 3, 10))
    case(2, dossiers[1], date(2023, 3, 20))  # with 1: a month's pattern
    worked = case(3, dossiers[2], date(2023, 5, 10), date(2023, 5, 12), stage="in_progress")
    worked.root_cause = "Thiếu người dự phòng"
    worked.save()
    action = action_model.objects.create(
        nonconformity=worked,
        kind="corrective",
        description="Phân công người dự phòng",
        owner_id=officer.pk,
        due_date=date(2023, 6, 30),
    )
    case(4, dossiers[3], date(2023, 7, 5), stage="cancelled", cancel_reason="Lỗi hệ thống")
    case(5, dossiers[4], date(2023, 7, 25))  # alone: the cancelled one does not count
    nc_model.objects.create(
        code="NC-2023-006",
        source="staff",
        severity="minor",
        description="Thiếu sổ",
        found_on=date(2023, 8, 1),
        stage="analysis",
    )
    try:
        new = migrate(AFTER)
        records = new.get_model("nonconformities", "Nonconformity").objects
        by_code = {nc.code: nc for nc in records.all()}
        assert {code: (nc.kind, nc.stage) for code, nc in by_code.items()} == {
            "NC-2023-001": ("output", "closed"),
            "NC-2023-002": ("output", "draft"),
            "NC-2023-003": ("output", "closed"),
            "NC-2023-004": ("output", "cancelled"),
            "NC-2023-005": ("output", "draft"),
            "NC-2023-006": ("corrective", "analysis"),
            "NC-2023-007": ("corrective", "in_progress"),  # the work started on 003
            "NC-2023-008": ("corrective", "draft"),  # the March pattern
        }
        first, escalated, pattern = (
            by_code[c] for c in ("NC-2023-001", "NC-2023-007", "NC-2023-008")
        )
        assert first.verified_on == date(2023, 3, 10)
        assert "Đã trả kết quả cho công dân ngày 10/03/2023." in first.correction
        assert (escalated.source, escalated.root_cause) == ("escalation", "Thiếu người dự phòng")
        assert by_code["NC-2023-003"].corrective_action_id == escalated.pk
        assert by_code["NC-2023-003"].root_cause == ""
        moved = new.get_model("nonconformities", "Action").objects.get(pk=action.pk)
        assert moved.nonconformity_id == escalated.pk
        assert pattern.source == "late_pattern"
        assert sorted(pattern.outputs.values_list("code", flat=True)) == [
            "NC-2023-001",
            "NC-2023-002",
        ]
        assert pattern.description == (
            f"2 hồ sơ của thủ tục {procedure.code} hoàn thành trễ hạn trong tháng 03/2023."
        )
        assert by_code["NC-2023-005"].corrective_action_id is None
        history = new.get_model("nonconformities", "HistoricalNonconformity").objects
        rows = history.filter(code="NC-2023-002").order_by("history_id")
        assert [(row.kind, row.corrective_action_id) for row in rows] == [
            ("output", None),
            ("output", pattern.pk),
        ]
    finally:
        migrate()
