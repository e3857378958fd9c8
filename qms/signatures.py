"""Signatures: who signed what, in which role, and a SHA-256 of what they signed.

A signable model implements `signed_content()`, a JSON-ready dict of everything the
signature vouches for, and names in `FILLED_AT_SIGNING` the keys of it that signing
writes itself (the rest is what the signer was shown: `qms.signing.shown_sha256`).
The hash is taken over its canonical JSON (sorted keys, no spaces, NFC-normalised
text), so any later change to that content shows up when the hash is recomputed.
"""

import hashlib
import json
import unicodedata
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges


class SignedRecordError(ValidationError):
    """Raised on any attempt to change or delete the content of a signed record."""

    def __init__(self, record: Any = None) -> None:
        super().__init__(
            _("%(record)s has been signed and can no longer be changed.")
            % {"record": record or _("This record")},
            code="signed",
        )


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    return value


def canonical_json(content: dict) -> str:
    return json.dumps(
        _normalise(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class FrozenQuerySet(models.QuerySet):
    """A queryset whose bulk `update()` and `delete()` refuse to touch signed rows.

    Subclasses say which rows are frozen; `save()` and `delete()` on the model guard
    the single-row paths.
    """

    def frozen(self) -> models.QuerySet:
        raise NotImplementedError

    def update(self, **kwargs):
        if self.frozen().exists():
            raise SignedRecordError()
        return super().update(**kwargs)

    def delete(self):
        if self.frozen().exists():
            raise SignedRecordError()
        return super().delete()


class FrozenPartQuerySet(FrozenQuerySet):
    """Rows of a `FrozenPart` model: frozen with their parent, in bulk as well."""

    def frozen(self):
        return self.filter(**{f"{self.model.PARENT}__in": self.model.locked_parents()})

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        column = f"{self.model.PARENT}_id"
        if self.model.locked_parents().filter(pk__in={getattr(o, column) for o in objs}).exists():
            raise SignedRecordError()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        if self.filter(pk__in=[obj.pk for obj in objs]).frozen().exists():
            raise SignedRecordError()
        return super().bulk_update(objs, *args, **kwargs)


class FrozenPart(models.Model):
    """A row that is part of its parent's signed content (the foreign key `PARENT`):
    it changes only while that parent is unsigned, except for `MUTABLE_FIELDS` (the
    follow-up recorded after signing, which the signature does not cover)."""

    PARENT: str
    MUTABLE_FIELDS: tuple[str, ...] = ()

    objects = FrozenPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._guard(follow_up=True)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard(follow_up=False)
        return super().delete(*args, **kwargs)

    @classmethod
    def locked_parents(cls) -> models.QuerySet:
        """The parents whose content is signed."""
        raise NotImplementedError

    def _guard(self, *, follow_up: bool) -> None:
        """Neither the parent it joins nor the one it leaves may be signed, unless
        (`follow_up`) only mutable fields of a row that stays put change."""
        column = f"{self.PARENT}_id"
        stored = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        parents = {getattr(self, column)} | ({getattr(stored, column)} if stored else set())
        if not self.locked_parents().filter(pk__in=parents).exists():
            return
        if follow_up and stored is not None and self.MUTABLE_FIELDS:
            fixed = [
                field.attname
                for field in self._meta.concrete_fields
                if field.name not in self.MUTABLE_FIELDS
            ]
            if all(getattr(stored, name) == getattr(self, name) for name in fixed):
                return
        raise SignedRecordError()


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
