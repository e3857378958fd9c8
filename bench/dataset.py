"""The benchmark's data: N dossiers over several years, made through the real models.

The database is the demo (`seed_demo`: organisation, users, the 14 procedures and
their revisions, the 2023 year) plus generated dossiers received from 2023 to last
week on every working day, each through the importer's rules (R1, R3, R5: code,
revision in force, appointment, outcome, 766 flag), with the control slip of every
finished dossier (one handoff per step, its deadline from the revision), ratings
and digitisation; all written with the history-aware bulk helpers.

A data set is stamped with its size and a hash of the code that shapes it (the
migrations, this file, the importer and the demo); a later run with the same stamp
reuses it.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Min
from simple_history.utils import bulk_create_with_history

from bench.version import code_version
from procedures.demo import _completion_day, _name
from procedures.dossier_services import next_book_rows
from procedures.importer import build_dossiers
from procedures.models import Dossier, Handoff, Outcome, Procedure, ProcedureRevision
from procedures.models.controlled import Appointment
from qms.models import CalendarDay, Organisation, User
from qms.working_days import LOCAL_TZ

FIRST_DAY = date(2023, 1, 2)
CHUNK = 20_000  # dossiers built and written at a time
STAMP_TABLE = "bench_dataset"


@dataclass
class Stamp:
    n: int
    version: str
    seconds: float

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0


def read_stamp() -> Stamp | None:
    if STAMP_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, version, seconds FROM {STAMP_TABLE}")
        row = cursor.fetchone()
    return Stamp(*row) if row else None


def write_stamp(stamp: Stamp) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {STAMP_TABLE} (n integer, version varchar(40), seconds double precision)"
        )
        cursor.execute(
            f"INSERT INTO {STAMP_TABLE} VALUES (%s, %s, %s)",
            [stamp.n, stamp.version, stamp.seconds],
        )


def reset() -> None:
    """An empty database: the SQLite file removed, or PostgreSQL's schema dropped."""
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        if not name.startswith("bench"):
            raise SystemExit(
                f"The benchmark empties its database first; '{name}' is not one of its own "
                "(give it a database whose name starts with 'bench')."
            )
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        return
    path = Path(connection.settings_dict["NAME"])
    if not path.name.startswith("bench"):
        raise SystemExit(
            f"The benchmark empties its database first; '{path}' is not one of its own "
            "(give it a file whose name starts with 'bench')."
        )
    connection.close()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def ensure(n: int, log) -> Stamp:
    """The data set of `n` dossiers, generated unless one with the same stamp is
    there; returns its stamp."""
    version = code_version()
    stamp = read_stamp()
    if stamp and (stamp.n, stamp.version) == (n, version):
        log(f"data set reused: {n:,} dossiers, code version {version}")
        return stamp
    reset()
    started = time.perf_counter()
    generate(n, log)
    stamp = Stamp(n, version, time.perf_counter() - started)
    write_stamp(stamp)
    log(f"data set generated: {n:,} dossiers in {stamp.seconds:.0f} s ({stamp.rate:,.0f}/s)")
    return stamp


BASE = 25_000  # dossiers made through the models; the rest are copies of them


def generate(n: int, log) -> None:
    """The demo, then `n` dossiers in all: a base of at most BASE made through the
    models, copied by the database itself as often as needed (each copy keeps every
    date, so the appointments stay right for the calendar, and gets its own ids and
    codes), and the few left over made through the models again."""
    call_command("migrate", verbosity=0)
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    settings.DEBUG = False  # no query log from here on
    missing = n - Dossier.objects.count()
    if missing <= 0:
        return
    rounds = -(-missing // BASE)  # the base and its copies
    base = missing // rounds
    first_id = (Dossier.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1
    Generator(base, log, prefix="B").run()
    copy_dossiers(first_id, rounds - 1, log)
    left = missing - base * rounds
    if left:
        Generator(left, log, prefix="C").run()
    number_the_book(log)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def copy_dossiers(first_id: int, copies: int, log) -> None:
    """`copies` copies of the dossiers from `first_id` on, with their control slips
    and the history of both, each an INSERT … SELECT over the base rows."""
    if not copies:
        return
    dossier_span = _span(Dossier, "id", first_id)
    handoffs = Handoff.objects.filter(dossier_id__gte=first_id)
    first_handoff = handoffs.aggregate(Min("pk"))["pk__min"]
    handoff_span = _span(Handoff, "id", first_handoff)
    dossier_history = Dossier.history.model
    handoff_history = Handoff.history.model
    first_dossier_history = dossier_history.objects.filter(id__gte=first_id).aggregate(
        Min("history_id")
    )["history_id__min"]
    first_handoff_history = handoff_history.objects.filter(id__gte=first_handoff).aggregate(
        Min("history_id")
    )["history_id__min"]
    plans = [
        (Dossier, "id", first_id, {"id": dossier_span}),
        (
            dossier_history,
            "history_id",
            first_dossier_history,
            {
                "history_id": _span(dossier_history, "history_id", first_dossier_history),
                "id": dossier_span,
            },
        ),
        (Handoff, "id", first_handoff, {"id": handoff_span, "dossier_id": dossier_span}),
        (
            handoff_history,
            "history_id",
            first_handoff_history,
            {
                "history_id": _span(handoff_history, "history_id", first_handoff_history),
                "id": handoff_span,
                "dossier_id": dossier_span,
            },
        ),
    ]
    for copy in range(1, copies + 1):
        with transaction.atomic(), connection.cursor() as cursor:
            for model, key, first, shifts in plans:
                cursor.execute(_copy_sql(model, key, first, shifts, copy))
        log(f"  copy {copy} of {copies}")
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        models = [Dossier, dossier_history, Handoff, handoff_history]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def number_the_book(log) -> None:
    """Rule R12's rows for the generated dossiers, which the database's copies cannot
    carry (a copied row would repeat its base's): each year's in receipt order, after
    the rows the demo's desk gave, from the year's sequence as a receipt takes them,
    so the tracking book measured has its 10,000 rows."""
    unnumbered = (
        Dossier.objects.filter(book_row__isnull=True)
        .exclude(status__in=[Dossier.Status.INCOMPLETE, Dossier.Status.REFUSED])
        .order_by("received_at", "pk")
    )
    by_year: dict[int, list[int]] = {}
    for pk, received_on in unnumbered.values_list("pk", "received_on").iterator():
        by_year.setdefault(received_on.year, []).append(pk)
    for year, pks in sorted(by_year.items()):
        with transaction.atomic():
            rows = next_book_rows(year, len(pks))
            numbered = [
                Dossier(pk=pk, book_year=year, book_row=row)
                for pk, row in zip(pks, rows, strict=True)
            ]
            Dossier.objects.bulk_update(numbered, ["book_year", "book_row"], batch_size=2000)
        log(f"  tracking book {year}: {len(pks):,} rows")


def _span(model, key: str, first: int) -> int:
    """How far the ids of the base rows reach: copies are shifted by this much."""
    last = model.objects.aggregate(Max(key))[f"{key}__max"]
    return last - first + 1


def _copy_sql(model, key: str, first: int, shifts: dict[str, int], copy: int) -> str:
    quote = connection.ops.quote_name
    columns = [field.column for field in model._meta.concrete_fields]
    values = []
    for column in columns:
        if column in shifts:
            values.append(f"{quote(column)} + {copy * shifts[column]}")
        elif column == "code":
            values.append(f"{quote(column)} || '.{copy}'")
        else:
            values.append(quote(column))
    table = quote(model._meta.db_table)
    last = first + shifts[key] - 1
    return (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "
        f"SELECT {', '.join(values)} FROM {table} WHERE {quote(key)} BETWEEN {first} AND {last}"
    )


class Generator:
    """Dossiers spread evenly over the working days from FIRST_DAY to last week."""

    def __init__(self, count: int, log, prefix: str) -> None:
        self.count, self.log, self.prefix = count, log, prefix
        self.rng = random.Random(count)
        self.calendar = CalendarDay.objects.calendar()
        self.office_hours = Organisation.current_office_hours()
        self.officer = User.objects.get(username="motcua")
        last = date.today() - timedelta(days=7)
        self.days = [
            FIRST_DAY + timedelta(days=offset)
            for offset in range((last - FIRST_DAY).days + 1)
            if self.calendar.is_working_day(FIRST_DAY + timedelta(days=offset))
        ]
        self.procedures = list(Procedure.objects.order_by("code"))
        self.weights = [8 if p.field == "certification" else 3 for p in self.procedures]
        self.revisions = {
            revision.pk: revision
            for revision in ProcedureRevision.objects.prefetch_related("steps__unit")
        }
        self.in_force: dict = {}
        self.now = datetime.now(LOCAL_TZ)
        self.members = {
            user.unit_id: user for user in User.objects.filter(unit__isnull=False).order_by("pk")
        }

    def run(self) -> None:
        per_day, extra = divmod(self.count, len(self.days))
        made = 0
        rows = []
        for index, day in enumerate(self.days):
            for number in range(1, per_day + (index < extra) + 1):
                rows.append(self.row(day, number))
                if len(rows) == CHUNK:
                    made += self.write(rows)
                    rows = []
                    self.log(f"  {made:,} dossiers")
        if rows:
            made += self.write(rows)
        self.log(f"  {made:,} dossiers")

    def row(self, day: date, number: int) -> dict:
        rng = self.rng
        procedure = rng.choices(self.procedures, self.weights)[0]
        received = datetime.combine(day, clock(7, 30), tzinfo=LOCAL_TZ) + timedelta(
            minutes=rng.randint(0, 540)
        )
        # Completed as the demo's desk completes (about 2% late); the importer then
        # decides the appointment and the outcome (R3, R5) from these moments.
        due = self.revision(procedure, day).appointment(self.calendar, received, self.office_hours)
        completed = max(
            datetime.combine(
                _completion_day(rng, self.calendar, received, due.due_at), clock(15), LOCAL_TZ
            ),
            received + timedelta(minutes=30),
        )
        returned = completed + timedelta(hours=rng.choice([1, 2, 20]))
        finished = returned < self.now
        return {
            "code": f"{self.prefix}{day:%y%m%d}-{number:05d}",
            "procedure_code": procedure.code,
            "applicant_name": _name(rng),
            "channel": rng.choices(["direct", "online", "post"], [70, 27, 3])[0],
            "received_at": received.isoformat(),
            "completed_at": completed.isoformat() if finished else "",
            "returned_at": returned.isoformat() if finished else "",
            "digitised": ("1" if rng.random() < 0.62 else "0") if finished else "",
            "rating": rng.choices(
                ["very_satisfied", "satisfied", "unsatisfied", ""], [55, 38, 2, 5]
            )[0]
            if finished
            else "",
        }

    def revision(self, procedure, day: date):
        """The revision in force on `day` (one query per procedure and day)."""
        key = (procedure.pk, day)
        if key not in self.in_force:
            revision = procedure.revisions.in_force_on(day).first()
            self.in_force[key] = self.revisions[revision.pk]
        return self.in_force[key]

    def write(self, rows: list[dict]) -> int:
        dossiers, _skipped, errors = build_dossiers(rows)
        if errors:
            raise ValueError("; ".join(map(str, errors[:5])))
        for dossier in dossiers:
            dossier.received_by = self.officer  # received at the desk, as the demo's are
        history = {"default_user": self.officer, "default_change_reason": "Dữ liệu đo hiệu năng"}
        with transaction.atomic():
            bulk_create_with_history(dossiers, Dossier, batch_size=2000, **history)
            handoffs = [h for d in dossiers if d.completed_at for h in self.handoffs(d)]
            bulk_create_with_history(handoffs, Handoff, batch_size=2000, **history)
        return len(dossiers)

    def handoffs(self, dossier) -> list:
        """The control slip of a finished dossier: each step handed on in turn, at a
        share of the time it took that follows the steps' allotments."""
        revision = self.revisions[dossier.revision_id]
        steps = list(revision.steps.all())
        total = sum((step.allotment for step in steps), Decimal(0))
        appointment = Appointment(dossier.clock_started_at, dossier.due_at)
        spent = dossier.completed_at - dossier.received_at
        rows, elapsed = [], Decimal(0)
        for index, (step, following) in enumerate(zip(steps, [*steps[1:], None], strict=True)):
            elapsed += step.allotment
            handed_at = dossier.received_at + spent * float(elapsed / total)
            deadline = revision.step_deadline(step, self.calendar, appointment, self.office_hours)
            rows.append(
                Handoff(
                    dossier=dossier,
                    step=step,
                    from_user=dossier.received_by  # the slip's first row: the receipt
                    if index == 0
                    else self.members.get(step.unit_id, self.officer),
                    to_unit=following.unit if following else None,
                    to_role=following.role if following else "",
                    handed_at=handed_at,
                    deadline=deadline,
                    result=Outcome.compare(handed_at.date(), deadline.date()),
                )
            )
        return rows
