"""An import's late dossiers raise, in bulk, exactly what the desk's one-by-one path
raises for them (R15): the same outputs, closures and pattern cases under the same
codes, with the same history rows."""

from datetime import date

from django.db import transaction

from nonconformities import services
from nonconformities.models import Nonconformity
from qms.roles import Role
from tests.procedures.test_dossiers import receive


def records() -> list[tuple]:
    """Every nonconformity as its fields and history tell it, references by code."""
    codes = dict(Nonconformity.objects.values_list("pk", "code"))
    dossiers = dict(Nonconformity.objects.values_list("pk", "dossier__code"))
    return [
        (
            nc.code,
            nc.kind,
            nc.source,
            nc.stage,
            nc.clause,
            nc.description,
            nc.evidence,
            nc.correction,
            nc.found_on,
            nc.found_by_id,
            nc.verified_on,
            nc.verified_by_id,
            dossiers[nc.pk],
            codes.get(nc.corrective_action_id),
            [
                (
                    row.history_type,
                    row.history_change_reason,
                    row.history_user_id,
                    row.stage,
                    row.correction,
                    codes.get(row.corrective_action_id),
                )
                for row in nc.history.order_by("history_id")
            ],
        )
        for nc in Nonconformity.objects.order_by("code")
    ]


def test_an_imports_late_dossiers_raise_what_the_desk_raises_one_by_one(effective, personas):
    officer = personas[Role.OFFICER]
    procedure = effective.procedure

    def late(received: str, completed: date, returned: date | None = None):
        dossier = receive(procedure, officer, received)
        dossier.outcome, dossier.completed_on, dossier.returned_on = "late", completed, returned
        return dossier

    # Found before the import and taken by no case: a quarter's pattern may take it.
    services.nc_from_late_dossier(dossier=late("2023-01-05 09:00", date(2023, 1, 20)), user=None)
    before_qms = late("2023-01-05 10:00", date(2023, 2, 1))
    before_qms.revision = None
    imported = [
        late("2023-02-01 09:00", date(2023, 2, 10), date(2023, 2, 11)),
        before_qms,  # raises nothing
        late("2023-02-01 10:00", date(2023, 3, 3)),  # the quarter's third: a case with January's
        late("2023-03-01 09:00", date(2023, 3, 30), date(2023, 3, 31)),
        late("2023-04-03 09:00", date(2023, 4, 20)),
        late("2023-04-03 10:00", date(2023, 4, 21), date(2023, 4, 24)),  # April's second
        late("2023-04-03 11:00", date(2024, 1, 5)),  # the next year's codes
    ]
    with transaction.atomic():
        for dossier in imported:
            services.nc_from_late_dossier(dossier=dossier, user=officer)
        one_by_one = records()
        transaction.set_rollback(True)

    assert services.nc_from_late_imports(imported, user=officer) == 8
    assert records() == one_by_one
    cases = Nonconformity.objects.corrective().order_by("code")
    assert [(case.code, case.outputs.count()) for case in cases] == [
        ("NC-2023-004", 3),
        ("NC-2023-008", 2),
    ]
    assert Nonconformity.objects.get(code="NC-2023-001").corrective_action == cases[0]
    assert Nonconformity.objects.filter(code__startswith="NC-2024-").count() == 1
