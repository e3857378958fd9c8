"""The migration that numbers documents gives the reports already sent their numbers,
per year in the order they were sent, and each year's sequence continues after them."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("qms", "0015_identity_desk_phone")]
AFTER = [("qms", "0016_document_numbers_report_fields")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reports_already_sent_are_numbered_per_year_in_sending_order():
    old = migrate(BEFORE)
    report = old.get_model("qms", "PeriodicReport")
    sent = {
        ("2023", "h1"): date(2023, 6, 1),
        ("2023", "q1"): date(2023, 3, 1),
        ("2024", "q1"): date(2024, 2, 28),
    }
    for (year, period), day in sent.items():
        report.objects.create(year=int(year), period=period, figures={}, submitted_on=day)
    report.objects.create(year=2024, period="h1")  # not sent: no number
    try:
        new = migrate(AFTER)
        numbered = {
            (r.year, r.period): str(r.number and f"{r.number.number}/{r.number.year}")
            for r in new.get_model("qms", "PeriodicReport").objects.select_related("number")
        }
        assert numbered == {
            (2023, "q1"): "1/2023",
            (2023, "h1"): "2/2023",
            (2024, "q1"): "1/2024",
            (2024, "h1"): "None",
        }
        sequence = new.get_model("qms", "DocumentSequence").objects
        assert sequence.get(kind="BC-UBND", year=2023).last == 2
    finally:
        new = migrate()
        new.get_model("qms", "PeriodicReport").objects.all()._raw_delete(connection.alias)
