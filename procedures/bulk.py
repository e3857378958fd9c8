"""Writing many new rows of one model at once, with their history rows, the fastest
way each engine has: `executemany` of prepared rows on SQLite, `COPY` on PostgreSQL.

It writes what `bulk_create_with_history` would: every column prepared by its field
for the connection, and one history row each ("+", the user, the reason), copied
from the rows as they stand when `history` is called. Like any bulk create it calls
no `save()` and sends no signal: the caller has checked the rows. Every call belongs
in the caller's transaction.
"""

import operator
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial

from django.db import connection, models


def _converter(field: models.Field):
    """How a field's value becomes a query parameter; None where it already is one
    (text, numbers, booleans, the ids of related rows)."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return _sqlite_datetime()
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField)):
        return None
    if isinstance(field, (models.BooleanField, models.ForeignKey)):
        return None
    return partial(field.get_db_prep_save, connection=connection)


def _sqlite_datetime():
    """What Django's SQLite backend stores for an aware moment (its text in the
    connection's zone), without the connection and settings it looks up again for
    every value."""
    zone, adapt = connection.timezone, connection.ops.adapt_datetimefield_value

    def convert(value: datetime) -> str:
        if value.tzinfo is None:
            return adapt(value)  # Django's own warning or error
        return str(value.astimezone(zone).replace(tzinfo=None))

    return convert


def _runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """The ids as runs of consecutive numbers: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], pk)
        else:
            runs.append((pk, pk))
    return runs


class BulkInsert:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        meta = model._meta
        self.pk = meta.pk
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        # The columns whose values are parameters as they are, then the others.
        plain = [f for f in fields if _converter(f) is None]
        self.fields = plain + [f for f in fields if _converter(f) is not None]
        self.plain = operator.itemgetter(*(f.attname for f in plain))
        self.converted = [(f.attname, _converter(f)) for f in self.fields[len(plain) :]]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.key = quote(self.pk.column)
        self.columns = [quote(f.column) for f in self.fields]

    def values(self, obj: models.Model) -> tuple:
        """The row's parameters, in the order of `self.columns`."""
        stored = obj.__dict__  # every concrete field's value, as the ORM reads it
        converted = []
        for attname, convert in self.converted:
            value = stored[attname]
            converted.append(None if value is None else convert(value))
        return self.plain(stored) + tuple(converted)

    def insert(self, objs: Sequence[models.Model]) -> list[int]:
        """Insert the objects and give each its id (also returned, in order)."""
        if not objs:
            return []
        rows = [self.values(obj) for obj in objs]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                ids = self._copy(cursor, rows)
            else:
                cursor.executemany(
                    f"INSERT INTO {self.table} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.columns))})",
                    rows,
                )
                # SQLite numbers the rows one after another: this transaction holds
                # the database's write lock from its first insert to its commit.
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
                ids = list(range(last - len(rows) + 1, last + 1))
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
        return ids

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

    def update(self, fields: Sequence[str], rows: Iterable[tuple]) -> None:
        """Set `fields` (plain integer columns) of the rows given as (id, *values)."""
        rows = list(rows)
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = [quote(self.model._meta.get_field(name).column) for name in fields]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
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

    def history(self, ids: Sequence[int], *, user, reason: str, when: datetime) -> None:
        """One history row ("+") for each of the rows `ids`, as they stand now."""
        history = self.model.history.model
        quote = connection.ops.quote_name
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
        stamp = connection.ops.adapt_datetimefield_value(when)
        user_id = user.pk if user else None
        with connection.cursor() as cursor:
            cursor.executemany(
                sql, [(stamp, reason, user_id, low, high) for low, high in _runs(ids)]
            )
