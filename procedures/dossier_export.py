"""Dossiers written back out for the province: the columns and the Vietnamese values
the importer reads (procedures.importer.TABLE and VALUES, the one table of both
directions), so that a file written here imports again unchanged.

Only what the import can say comes out: accepted dossiers still in processing, with
their result, or returned (R13); those the citizen stopped or withdrew have no column
for it and are left out, counted for the caller.
"""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook

from procedures.importer import TABLE, VALUES
from procedures.models import Dossier
from qms.working_days import LOCAL_TZ
from qms.xlsx import workbook_bytes, write_row

EXPORTED_STATUSES = (
    Dossier.Status.IN_PROGRESS,
    Dossier.Status.WAITING,
    Dossier.Status.COMPLETED,
    Dossier.Status.RETURNED,
)
MOMENT = "%d/%m/%Y %H:%M:%S"
# the stored fields each column is written from (the others: the field of its name)
SOURCES = {"procedure_code": "procedure__code", "procedure_name": "procedure__name"}
MOMENTS = {"received_at", "due_date", "completed_at", "returned_at"}


def _moment(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime(MOMENT) if value else ""


def _words(column: str, value) -> str:
    return VALUES[column][value][0] if value in VALUES[column] else ""


def _cell(column: str, value, returned: bool) -> str:
    if column in MOMENTS:
        return _moment(value)
    if column == "digitised":  # read only for a dossier returned (as the import checks)
        return _words(column, "1" if value else "0") if returned else ""
    if column in VALUES:
        return _words(column, value)
    return value


def dossier_rows(date_from: date, date_to: date):
    """The header, then one row per dossier received in the period, oldest first."""
    fields = [SOURCES.get(c.field, "due_at" if c.field == "due_date" else c.field) for c in TABLE]
    yield [column.header for column in TABLE]
    values = (
        Dossier.objects.filter(
            received_on__range=(date_from, date_to), status__in=EXPORTED_STATUSES
        )
        .order_by("received_at", "pk")
        .values_list("returned_at", *fields)
    )
    for returned_at, *cells in values.iterator(chunk_size=2000):
        yield [
            _cell(column.field, value, returned_at is not None)
            for column, value in zip(TABLE, cells, strict=True)
        ]


def left_out(date_from: date, date_to: date) -> int:
    """The accepted dossiers of the period the file cannot carry (stopped, withdrawn)."""
    return (
        Dossier.objects.received()
        .filter(received_on__range=(date_from, date_to))
        .exclude(status__in=EXPORTED_STATUSES)
        .count()
    )


def dossiers_csv(date_from: date, date_to: date) -> bytes:
    """UTF-8 with a BOM, so that a spreadsheet opens the Vietnamese right."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(dossier_rows(date_from, date_to))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dossiers_xlsx(date_from: date, date_to: date) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    for row in dossier_rows(date_from, date_to):
        write_row(sheet, row)
    return workbook_bytes(book)
