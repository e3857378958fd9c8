"""Small files that ask an import for a great deal of memory. The tests check the
importer's answer to them (tests/procedures/test_import_bad_input.py), the benchmark
the memory it takes (bench/measure.py)."""

import io
import re
import zipfile

from openpyxl import Workbook

from procedures.importer import COLUMNS


def whole_sheet_xlsx(rows: list[list], *, last_cell: str = "") -> bytes:
    """An XLSX of the header and `rows` (about 5 KB) that declares the whole sheet,
    A1:XFD1048576, as its dimension; `last_cell` (say "XFD1048576") adds one cell."""
    book = Workbook()
    sheet = book.active
    for row in [COLUMNS, *rows]:
        sheet.append(row)
    if last_cell:
        sheet[last_cell] = "x"
    written = io.BytesIO()
    book.save(written)
    crafted = io.BytesIO()
    with (
        zipfile.ZipFile(written) as source,
        zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(member, data)
    return crafted.getvalue()


def newlines_csv(blank_lines: int) -> bytes:
    """A CSV of the header and then only line breaks."""
    return (",".join(COLUMNS) + "\n" * (1 + blank_lines)).encode()
