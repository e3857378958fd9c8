"""Numbers given without gaps: the sequence rows every numbering takes from, and the
numbers of the documents that carry one ("Số: 12/2025/BC-UBND", rule R10)."""

from datetime import date

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number given per key (a day, a year, a kind and a year), advanced
    atomically.

    Each change is one upsert, which also locks the key's row until the transaction
    ends: whoever numbers under that key waits for the others. A table row rather
    than a database sequence, so a rolled-back transaction takes its number back with
    it: no gap, and the number is not given twice. `KEY` names the key's column, or
    its columns (a tuple) for a key of several parts.
    """

    KEY: str | tuple[str, ...]
    last = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @classmethod
    def take(cls, key, *, at_least: int = 1, count: int = 1) -> int:
        """The key's next number, and no less than `at_least`; with `count`, the last
        of that many numbers in a row."""
        parts = list(key) if isinstance(cls.KEY, tuple) else [key]
        with connection.cursor() as cursor:
            cursor.execute(
                f"{cls._upsert()} DO UPDATE SET last = {cls._larger()}"
                f"({cls._meta.db_table}.last + %s, excluded.last) RETURNING last",
                [*parts, max(at_least, count), count],
            )
            (number,) = cursor.fetchone()
        return number

    @classmethod
    def reach(cls, numbers: dict) -> None:
        """Raise each key's last number to at least the one given, keys in order so
        that two writers lock them in the same order."""
        rows = sorted(numbers.items())
        if isinstance(cls.KEY, tuple):
            rows = [(*key, last) for key, last in rows]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"{cls._upsert()} DO UPDATE SET last = {cls._larger()}"
                f"({cls._meta.db_table}.last, excluded.last)",
                rows,
            )

    @classmethod
    def _upsert(cls) -> str:
        columns = ", ".join(cls.KEY) if isinstance(cls.KEY, tuple) else cls.KEY
        values = ", ".join(["%s"] * (columns.count(",") + 2))
        return (
            f"INSERT INTO {cls._meta.db_table} ({columns}, last) VALUES ({values}) "
            f"ON CONFLICT ({columns})"
        )

    @staticmethod
    def _larger() -> str:
        return "GREATEST" if connection.vendor == "postgresql" else "MAX"


class DocumentKind(models.TextChoices):
    """The documents that carry a number, each with the suffix of §2.2 it is numbered
    under. The desk's receipt and control slip carry the dossier's code instead."""

    REFORM_REPORT = "BC-UBND", _("administrative-reform report")
    SUPPLEMENT_REQUEST = "PBS", _("supplement request (form 02)")
    REFUSAL = "PTC", _("refusal (form 03)")
    APOLOGY = "PXL", _("apology letter (form 04)")
    DECISION = "QĐ-UBND", _("decision of the committee")


class DocumentSequence(NumberSequence):
    """The last number given per kind of document and year."""

    KEY = ("kind", "year")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="qms_document_sequence_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class DocumentNumber(models.Model):
    """The number a document was given at its event (the report sent, the refusal,
    the request), in that event's transaction: numbered by kind and year from 1
    without gaps, stored, never reused and never changed."""

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["kind", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"], name="qms_document_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}/{self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise ValueError("A document number is never changed.")
        super().save(*args, **kwargs)

    @classmethod
    def assign(cls, kind: str, day: date) -> "DocumentNumber":
        """The next number of `kind` in the year of `day`; call it inside the event's
        transaction, so that an event rolled back gives its number back."""
        return cls.objects.create(
            kind=kind, year=day.year, number=DocumentSequence.take((kind, day.year))
        )


def document_number_field(**options) -> models.OneToOneField:
    """The number a numbered document keeps (R10): given by `DocumentNumber.assign` at
    its event, so never typed, never shared and never deleted under the document."""
    return models.OneToOneField(
        DocumentNumber,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        **options,
    )
