"""Shared XLSX building blocks."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_START = ("=", "+", "-", "@")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell for a write-only sheet in which text stays text: a name or a complaint
    that starts with "=" must never become a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


def text_row(sheet, values) -> list[WriteOnlyCell]:
    return [text_cell(sheet, value) for value in values]


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    """A download of the XLSX file `data` named `name`.xlsx."""
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
