"""Shared XLSX building blocks."""

from openpyxl.cell import WriteOnlyCell

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
