"""Server time of the desk's two busiest actions with a million dossiers in the database.

    DJANGO_DEBUG=1 .venv/bin/python bench/desk_1m.py [--n 1000000]

Builds (once, then reuses) an SQLite database under bench/data/ holding the demo
organisation and procedures plus N dossiers spread over six years, then prints the
median server time of the dossier list (first page, and a page deep in the list
with two filters), of receiving one dossier (code, appointment and history) and of
the KPIs of a year and of a month (`qms.kpi.compute`).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(n: int) -> Path:
    path = ROOT / "bench" / "data" / f"desk-{n}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")
    import django

    django.setup()
    return path


def fill(n: int) -> None:
    """Insert N returned dossiers with plain SQL (the benchmark measures reads and one
    receipt, not this loading)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from procedures.models import Dossier, ProcedureRevision

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    have = Dossier.objects.count()
    if have >= n:
        return
    revisions = list(ProcedureRevision.objects.effective().values_list("procedure_id", "pk"))
    rng = random.Random(1)
    start = datetime(2019, 1, 1, 1, 0, tzinfo=UTC)
    columns = [
        "code",
        "procedure_id",
        "revision_id",
        "rule_set",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_address",
        "channel",
        "documents_count",
        "note",
        "status",
        "reception_reason",
        "received_at",
        "received_on",
        "clock_started_at",
        "first_due_date",
        "due_at",
        "due_date",
        "supplement_count",
        "waiting_total",
        "completed_at",
        "completed_on",
        "outcome",
        "on_time_766",
        "returned_at",
        "returned_on",
        "digitised",
        "result_scan",
        "rating",
        "ended_reason",
    ]
    sql = (
        f"INSERT INTO {Dossier._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch = []
    for i in range(have, n):
        received = start + timedelta(minutes=i * 3)
        due = received + timedelta(days=3)
        done = received + timedelta(days=rng.randint(0, 4))
        procedure_id, revision_id = revisions[i % len(revisions)]
        outcome = (
            "early"
            if done.date() < due.date()
            else "on_time"
            if done.date() == due.date()
            else "late"
        )
        batch.append(
            (
                f"B-{received:%y%m%d}-{i:07d}",
                procedure_id,
                revision_id,
                "2025" if received.year >= 2026 else "2018",
                f"Người dân {i % 9973}",
                "",
                "",
                "",
                rng.choice(["direct", "online", "post"]),
                1,
                "",
                "returned",
                "",
                received,
                received.date(),
                received,
                due.date(),
                due,
                due.date(),
                0,
                0,
                done,
                done.date(),
                outcome,
                outcome != "late",
                done,
                done.date(),
                rng.random() < 0.6,
                "",
                rng.choice(["very_satisfied", "satisfied", ""]),
                "",
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            batch.clear()
            print(f"  {i + 1} dossiers", file=sys.stderr)
    if batch:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_ms(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure() -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from procedures import services
    from procedures.models import Dossier, Procedure
    from qms.kpi import Scope, compute
    from qms.models import User

    setup_test_environment()
    officer = User.objects.get(username="motcua")
    client = Client()
    client.force_login(officer)
    procedure = Procedure.objects.get(code="QT-CT-01")
    deep = Dossier.objects.filter(received_on__year=2021).order_by("received_at").first()
    cursor = f"{deep.received_at.isoformat()}_{deep.pk}"

    def first_page():
        assert client.get("/ho-so/").status_code == 200

    def deep_page():
        response = client.get(
            "/ho-so/", {"procedure": procedure.pk, "channel": "online", "after": cursor}
        )
        assert response.status_code == 200 and response.context["page"].rows

    def receive():
        services.dossier_receive(
            procedure=procedure, user=officer, applicant_name="Đo Thời Gian", channel="direct"
        )

    def kpi(start: date, end: date):
        return lambda: compute(Scope(start, end))

    print(f"dossiers in the database: {Dossier.objects.count():,}")
    print(f"list, first page:                 {median_ms(first_page, 20):7.1f} ms")
    print(f"list, deep page with two filters: {median_ms(deep_page, 20):7.1f} ms")
    print(f"receiving one dossier:            {median_ms(receive, 100):7.1f} ms")
    year, month = (
        kpi(date(2021, 1, 1), date(2021, 12, 31)),
        kpi(date(2021, 3, 1), date(2021, 3, 31)),
    )
    print(f"KPIs of a year (R7):              {median_ms(year, 5):7.1f} ms")
    print(f"KPIs of a month (R7):             {median_ms(month, 20):7.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    options = parser.parse_args()
    setup(options.n)
    fill(options.n)
    measure()
