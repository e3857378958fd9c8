"""History: who changed a record and why, and the guards that keep history rows.

Every tracked model has a simple_history table; a change's row names its user and
its reason when the writer says so through `track` (or `save_tracked`, which also
checks the record before saving it). History rows are never changed nor deleted
(ISO 9001:2015 clause 7.5.3): the ORM refuses their deletion, a trigger refuses
UPDATE whatever sends it.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.timezone import make_aware
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges, HistoricalRecords


def track(record: Any, user: Any, reason: str | None = None) -> Any:
    """Name `user` (and, when given, `reason`) on the history row that the next
    save or delete of `record` writes."""
    record._history_user = user
    if reason is not None:
        record._change_reason = reason
    return record


def save_tracked(record: Any, *, user: Any, reason: str | None = None) -> Any:
    """Check `record` with `full_clean` and save it, its history row naming `user`
    and `reason`: the one way a service writes a record a form or an import filled
    in, so that nothing unchecked is saved and no change is left unnamed."""
    track(record, user, reason)
    record.full_clean()
    record.save()
    return record


def value_on(model: type[models.Model], field: str, day: date, among=None, default=None):
    """An expression to annotate `model`'s rows with: what `field` held at the end of
    `day` (local time) by the row's history, among the values `among` if given (those
    the row can have had then); for a record entered after that day, the first such
    value it had; without one in its history, `default` (its value now if None)."""
    history = model.history.filter(id=OuterRef("pk"))
    if among is not None:
        history = history.filter(**{f"{field}__in": among})
    history = history.values(field)
    next_day = make_aware(datetime.combine(day + timedelta(days=1), time.min))
    last = history.filter(history_date__lt=next_day).order_by("-history_date", "-history_id")
    first = history.order_by("history_date", "history_id")
    return Coalesce(Subquery(last[:1]), Subquery(first[:1]), default or F(field))


class HistoryWithLinks(HistoricalRecords):
    """simple_history's records of a model whose many-to-many links are part of its
    history: they keep themselves on the model as `history_records`, so that
    `save_tracked_with_links` writes a change's one row once its links are set."""

    def finalize(self, sender, **kwargs) -> None:
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender.history_records = self


def save_tracked_with_links(
    record: Any, *, user: Any, reason: str | None, links: dict[str, list]
) -> Any:
    """`save_tracked` for a record saved together with its many-to-many `links` (name:
    the related objects it now has): one history row, written after the links are set
    so that it holds them. simple_history alone would write one for the save and one
    more for each link changed, the same change shown as created and then modified."""
    history_type = "+" if record._state.adding else "~"
    record.skip_history_when_saving = True
    try:
        save_tracked(record, user=user, reason=reason)
        for name, related in links.items():
            getattr(record, name).set(related)
    finally:
        del record.skip_history_when_saving
    type(record).history_records.create_historical_record(record, history_type)
    return record


class HistoryDeletionError(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("History rows are never deleted."), code="history")


def refuse_history_deletion(sender, instance, **kwargs) -> None:
    """pre_delete of every historical model: the history of documented information
    (ISO 9001:2015 clause 7.5.3) is kept whatever happens to the record."""
    raise HistoryDeletionError()


def history_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


def _history_triggers(connection) -> list[tuple[str, str]]:
    """(table, trigger) of the history tables that exist in this database."""
    existing = set(connection.introspection.table_names())
    return [
        (connection.ops.quote_name(table), connection.ops.quote_name(f"{table}_frozen"))
        for table in (model._meta.db_table for model in history_models())
        if table in existing
    ]


def thaw_history_tables(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """pre_migrate: drops the triggers, so that a migration may rewrite history
    tables (a new column's default, say); `freeze_history_tables` puts them back."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for table, trigger in _history_triggers(connection):
            on = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}{on}")
        for table, trigger, _event in _signature_triggers(connection):
            on = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}{on}")


def freeze_history_tables(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: a trigger on every history table refuses UPDATE, whether it
    comes from a queryset's update(), the admin or raw SQL. Deleting history rows
    is refused by `refuse_history_deletion` in the ORM only: a trigger on DELETE
    would also stop the test runner emptying tables between tests. Users are never
    deleted either (their SET_NULL would rewrite history): they are deactivated."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION qms_history_frozen() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'history rows are never changed'; END $$"
            )
            cursor.execute(
                "CREATE OR REPLACE FUNCTION qms_signature_kept() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'signatures are never changed'; END $$"
            )
        for table, trigger in _history_triggers(connection):
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE UPDATE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'history rows are never changed'); END"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {trigger} BEFORE UPDATE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION qms_history_frozen()"
                )
        for table, trigger, event in _signature_triggers(connection):
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {event} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'signatures are never changed'); END"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {trigger} BEFORE {event} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION qms_signature_kept()"
                )


def _signature_triggers(connection) -> list[tuple[str, str, str]]:
    """(table, trigger, event): a signature is neither changed nor deleted, by the
    ORM, the admin or raw SQL. Unlike history rows its DELETE is refused as well: the
    test runner empties tables with TRUNCATE on PostgreSQL, which row triggers do not
    see, and tests/conftest.py lifts the trigger while it empties SQLite's."""
    table = "qms_signature"
    if table not in connection.introspection.table_names():
        return []
    return [
        (table, f"{table}_{name}", event)
        for name, event in (("frozen", "UPDATE"), ("kept", "DELETE"))
    ]
