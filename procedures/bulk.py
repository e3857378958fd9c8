"""Writing many new rows of one model at once, with their history rows, the fastest
way each engine has: multi-row `INSERT`s of prepared rows on SQLite, `COPY` on
PostgreSQL.

It writes what `bulk_create_with_history` would: every column prepared by its field
for the connection, and one history row each ("+", the user, the reason), copied
from the rows as they stand when `history` is called. Like any bulk create it calls
no `save()` and sends no signal: the caller has checked the rows. Every call belongs
in the caller's transaction.
"""

import json
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.duration import duration_microseconds


def _converter(field: models.Field, connection):
    """How a field's value becomes a query parameter; None where it already is one
    (text, numbers, booleans, the ids of related rows). What each field's
    `get_db_prep_save` gives, without its per-value lookups of the connection."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return _sqlite_datetime(connection)
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return date.isoformat if connection.vendor == "sqlite" else None
    native_duration = connection.features.has_native_duration_field
    if isinstance(field, models.DurationField) and not native_duration:
        return duration_microseconds
    if isinstance(field, models.FileField):
        return str  # the stored name, of a FieldFile or of a name
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField)):
        return None
    if isinstance(field, (models.BooleanField, models.ForeignKey)):
        return None
    return partial(field.get_db_prep_save, connection=connection)


def _sqlite_datetime(connection):
    """What Django's SQLite backend stores for an aware moment (its text in the
    connection's zone), without the connection and settings it looks up again for
    every value."""
    zone, adapt = connection.timezone, connection.ops.adapt_datetimefield_value
    if zone is UTC:
        # "+00:00" is the last six characters of every moment in UTC.
        def convert(value: datetime) -> str:
            if value.tzinfo is None:
                return adapt(value)  # Django's own warning or error
            return value.astimezone(UTC).isoformat(" ")[:-6]

        return convert

    def convert_to_zone(value: datetime) -> str:
        if value.tzinfo is None:
            return adapt(value)
        return str(value.astimezone(zone).replace(tzinfo=None))

    return convert_to_zone


def _runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """The ids as runs of consecutive numbers: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], pk)
        else:
            runs.append((pk, pk))
    return runs


def held(model: type[models.Model], field: str, values: Sequence[str]) -> set[str]:
    """Which of the texts `values` the column of `model`'s `field` holds: the whole
    list as one parameter (an array on PostgreSQL, JSON on SQLite), which the engine
    looks up along the column's index; a fifth of the time of the ORM's `__in`,
    which makes, and has the engine read, one parameter for each value."""
    db = connections[DEFAULT_DB_ALIAS]
    table = db.ops.quote_name(model._meta.db_table)
    column = db.ops.quote_name(model._meta.get_field(field).column)
    if db.vendor == "postgresql":
        among, listed = f"{column} = ANY(%s)", list(values)
    else:
        among, listed = f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(values)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {among}", [listed])
        return {value for (value,) in cursor.fetchall()}


class BulkInsert:
    CHUNK = 500  # rows in one SQLite statement

    def __init__(self, model: type[models.Model], db=None) -> None:
        """`db`: the connection to write with (the current thread's by default); the
        one a thread shares with the thread it writes for."""
        self.model = model
        self.db = db or connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        self.pk = meta.pk
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        # The columns whose values are parameters as they are, then the others.
        converters = {f.attname: _converter(f, self.db) for f in fields}
        plain = [f for f in fields if converters[f.attname] is None]
        self.fields = plain + [f for f in fields if converters[f.attname] is not None]
        self.plain = operator.itemgetter(*(f.attname for f in plain))
        self.converted = [(f.attname, converters[f.attname]) for f in self.fields[len(plain) :]]
        quote = self.db.ops.quote_name
        self.table = quote(meta.db_table)
        self.key = quote(self.pk.column)
        self.columns = [quote(f.column) for f in self.fields]

    def values(self, obj: models.Model) -> tuple:
        """The row's parameters, in the order of `self.columns`."""
        stored = obj.__dict__  # every concrete field's value, as the ORM reads it
        converted = [
            None if (value := stored[attname]) is None else convert(value)
            for attname, convert in self.converted
        ]
        return self.plain(stored) + tuple(converted)

    def insert(self, objs: Sequence[models.Model], rows: list[tuple] | None = None) -> list[int]:
        """Insert the objects and give each its id (also returned, in order); `rows`:
        their `values`, where the caller has them already."""
        if not objs:
            return []
        if rows is None:
            rows = [self.values(obj) for obj in objs]
        # Both write through the driver's own cursor: its errors made Django's here.
        with self.db.cursor() as cursor, self.db.wrap_database_errors:
            if self.db.vendor == "postgresql":
                ids = self._copy(cursor, rows)
            else:
                self._insert_values(cursor, rows)
                # SQLite numbers the rows one after another: this transaction holds
                # the database's write lock from its first insert to its commit.
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
                ids = list(range(last - len(rows) + 1, last + 1))
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
        return ids

    def _insert_values(self, cursor, rows: list[tuple]) -> None:
        """SQLite: the rows CHUNK at a time, each chunk one statement that the engine
        runs in a single step, during which Python's other threads go on (an import
        checks its next batch meanwhile). Every full chunk's statement is the same
        text, which sqlite3 prepares once and keeps in its cache. It goes to
        sqlite3's own cursor, written with its "?": Django's would rewrite every
        "%s" of it first."""
        limit = self.db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        size = max(1, min(self.CHUNK, limit // len(self.columns)))
        row = f"({', '.join(['?'] * len(self.columns))})"
        insert = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES "
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            sqlite3.Cursor.execute(
                cursor.cursor,
                insert + ", ".join([row] * len(part)),
                [value for values in part for value in values],
            )

    def _copy(self, cursor, rows: list[tuple]) -> list[int]:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [self.model._meta.db_table, self.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join([self.key, *self.columns])
        with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
        return ids

    def number(self, group: str, number: str, rows: Iterable[tuple[int, int, int]]) -> None:
        """Set the integer columns `group` and `number` of the rows given as (id, group,
        number): one statement for each run of rows whose ids and numbers both go up
        by one (a whole year of a file in receipt order), each row of the run numbered
        by its id; the rows of no run as `update` sets them."""
        runs: list[list[int]] = []  # [group, first id, last id, number - id]
        for pk, value, count in rows:
            last = runs[-1] if runs else None
            if last and (last[0], last[2] + 1, last[3]) == (value, pk, count - pk):
                last[2] = pk
            else:
                runs.append([value, pk, pk, count - pk])
        self.update(
            [group, number],
            [(low, value, low + offset) for value, low, high, offset in runs if low == high],
        )
        ranges = [(value, offset, low, high) for value, low, high, offset in runs if low < high]
        if ranges:
            quote = self.db.ops.quote_name
            group, number = (quote(self.model._meta.get_field(f).column) for f in (group, number))
            with self.db.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {self.table} SET {group} = %s, {number} = {self.key} + %s "
                    f"WHERE {self.key} BETWEEN %s AND %s",
                    ranges,
                )

    def clear(self, fields: Sequence[str], ids: Sequence[int]) -> None:
        """Set `fields` to NULL on the rows `ids`."""
        quote = self.db.ops.quote_name
        columns = [quote(self.model._meta.get_field(name).column) for name in fields]
        with self.db.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {self.table} SET {', '.join(f'{c} = NULL' for c in columns)} "
                f"WHERE {self.key} BETWEEN %s AND %s",
                _runs(ids),
            )

    def update(self, fields: Sequence[str], rows: Iterable[tuple]) -> None:
        """Set `fields` (plain integer columns) of the rows given as (id, *values)."""
        rows = list(rows)
        if not rows:
            return
        quote = self.db.ops.quote_name
        columns = [quote(self.model._meta.get_field(name).column) for name in fields]
        with self.db.cursor() as cursor:
            if self.db.vendor == "postgresql":
                arrays = [list(column) for column in zip(*rows, strict=True)]
                names = ["pk", *(f"v{i}" for i in range(len(fields)))]
                cursor.execute(
                    f"UPDATE {self.table} SET "
                    + ", ".join(f"{c} = v.v{i}" for i, c in enumerate(columns))
                    + " FROM unnest("
                    + ", ".join(["%s::bigint[]"] * len(arrays))
                    + f") AS v({', '.join(names)}) WHERE {self.table}.{self.key} = v.pk",
                    arrays,
                )
            else:
                cursor.executemany(
                    f"UPDATE {self.table} SET "
                    + ", ".join(f"{c} = %s" for c in columns)
                    + f" WHERE {self.key} = %s",
                    [(*values, pk) for pk, *values in rows],
                )

    def forget_history(self, ids: Sequence[int], *, when: datetime) -> None:
        """Delete the history rows `history` wrote at `when` for the rows `ids`."""
        history = self.model.history.model._meta
        quote = self.db.ops.quote_name
        made, kind = (
            quote(history.get_field(name).column) for name in ("history_date", "history_type")
        )
        stamp = self.db.ops.adapt_datetimefield_value(when)
        with self.db.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {quote(history.db_table)} WHERE {self.key} BETWEEN %s AND %s "
                f"AND {kind} = '+' AND {made} = %s",
                [(low, high, stamp) for low, high in _runs(ids)],
            )

    def history(self, ids: Sequence[int], *, user, reason: str, when: datetime) -> None:
        """One history row ("+") for each of the rows `ids`, as they stand now."""
        history = self.model.history.model
        quote = self.db.ops.quote_name
        table = quote(history._meta.db_table)
        extra = [
            quote(history._meta.get_field(name).column)
            for name in ("history_date", "history_change_reason", "history_type", "history_user")
        ]
        copied = ", ".join([self.key, *self.columns])
        sql = (
            f"INSERT INTO {table} ({copied}, {', '.join(extra)}) "
            f"SELECT {copied}, %s, %s, '+', %s FROM {self.table} "
            f"WHERE {self.key} BETWEEN %s AND %s"
        )
        stamp = self.db.ops.adapt_datetimefield_value(when)
        user_id = user.pk if user else None
        with self.db.cursor() as cursor:
            cursor.executemany(
                sql, [(stamp, reason, user_id, low, high) for low, high in _runs(ids)]
            )
