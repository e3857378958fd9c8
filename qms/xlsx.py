"""Shared XLSX building blocks."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_START = ("=", "+", "-", "@")


def _text_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


def write_row(sheet, values) -> None:
    """Appends `values` to the write-only `sheet`, text staying text: a name, a title
    or a complaint that starts with "=" must never become a formula. Every row of
    every export is written here (headers, titles and the organisation's name too),
    so no cell escapes the guard."""
    sheet.append([_text_cell(sheet, value) for value in values])


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    """A download of the XLSX file `data` named `name`.xlsx."""
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
