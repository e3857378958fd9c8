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

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


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
