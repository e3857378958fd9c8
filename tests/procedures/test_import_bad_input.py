"""Bad files for `import_dossiers`: whatever a CSV or XLSX file holds, the import
either writes every row or writes nothing and names each problem's row and column
in Vietnamese; it never fails otherwise.

Cells are drawn by hypothesis from good values and bad ones: empty, huge, markup,
formulas, wrong types, dates outside the calendar (1900, 2200) and impossible ones,
receipts in the future, completions before receipts, duplicate codes; whole files
of random bytes or text, in UTF-8 or not.
"""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bench.hostile import newlines_csv, whole_sheet_xlsx
from procedures.importer import (
    COLUMNS,
    MAX_ROWS,
    TABLE,
    ImportRejected,
    import_dossiers,
    read_table,
)
from procedures.models import Channel, Dossier, Rating
from tests.database import database_state, is_vietnamese

junk = st.one_of(
    st.just(""),
    st.just("Đ" * 5_000),
    st.just('<script>alert("x")</script>'),
    st.sampled_from(["=1+1", "+84", "-1", "@SUM(A1)", '=HYPERLINK("x")']),
    st.text(max_size=30),
)
moments = st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31))
moment_text = st.one_of(
    moments.map(lambda m: f"{m:%d/%m/%Y %H:%M}"),
    moments.map(lambda m: m.isoformat()),
    moments.map(lambda m: f"{m:%d/%m/%Y}"),
    st.sampled_from(["31/02/2023 09:00", "02/03/2023 25:00", "2023-13-01"]),
    junk,
)
recent = st.datetimes(datetime(2023, 1, 2, 7), datetime(2023, 12, 29, 17)).map(
    lambda m: f"{m:%d/%m/%Y %H:%M}"
)
days_2023 = st.dates(date(2023, 1, 2), date(2023, 12, 29))
codes = st.one_of(
    st.builds(lambda day, n: f"PAD-{day:%y%m%d}-{n:04}", days_2023, st.integers(1, 3)), junk
)
cells = {
    "code": codes,
    "procedure_code": st.one_of(st.just("QT-TP-05"), junk),
    "applicant_name": st.one_of(st.just("Trần Văn An"), junk),
    "channel": st.one_of(st.sampled_from(Channel.values), junk),
    "received_at": st.one_of(recent, moment_text),
    "due_date": st.one_of(st.just(""), moment_text),
    "completed_at": st.one_of(st.just(""), recent, moment_text),
    "returned_at": st.one_of(st.just(""), recent, moment_text),
    "digitised": st.one_of(st.sampled_from(["", "0", "1"]), junk),
    "rating": st.one_of(st.sampled_from(["", *Rating.values]), junk),
}
HEADER = ",".join(COLUMNS) + "\n"
KNOWN_NAMES = {name for column in TABLE for name in column.names}
good_rows = st.builds(
    lambda moment, number, channel: {
        **dict.fromkeys(COLUMNS, ""),
        "code": f"PAD-{moment:%y%m%d}-{number:04}",
        "procedure_code": "QT-TP-05",
        "applicant_name": "Trần Văn An",
        "channel": channel,
        "received_at": f"{moment:%d/%m/%Y %H:%M}",
    },
    st.datetimes(datetime(2023, 1, 2, 7), datetime(2023, 12, 29, 17)),
    st.integers(1, 9999),
    st.sampled_from(Channel.values),
)
rows = st.lists(st.one_of(good_rows, st.fixed_dictionaries(cells)), min_size=1, max_size=6)


def csv_file(table: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8")


def xlsx_file(table: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in table:  # openpyxl cannot even write control characters
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check_answer(name: str, content: bytes) -> None:
    """The one thing the test asserts, for any file: all or nothing, and each
    refusal names its place in Vietnamese. Rolled back, so every example starts
    from the same records."""
    with transaction.atomic():
        before = database_state()
        try:
            result = import_dossiers(name, content)
        except ImportRejected as rejected:
            event("refused")
            assert rejected.errors and database_state() == before
            for error in rejected.errors:
                # a column is named as the file heads it, or by its own header
                assert error.column in ("", *KNOWN_NAMES), error
                assert is_vietnamese(error.reason), error.reason
                assert str(error).startswith(f"Dòng {error.row}")
        else:
            event("imported" if result.created else "nothing to import")
            rows = [line for line in read_table(name, content).rows if line]
            assert result.created + result.skipped == len(rows)
            assert Dossier.objects.filter(code__in=result.codes).count() == result.created
        transaction.set_rollback(True)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(table=rows, as_xlsx=st.booleans())
def test_any_rows_are_imported_whole_or_refused_by_row_and_column(effective, table, as_xlsx):
    lines = [list(cells), *[[row[column] for column in cells] for row in table]]
    if as_xlsx:
        check_answer("tinh.xlsx", xlsx_file(lines))
    else:
        check_answer("tinh.csv", csv_file(lines))


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda text: (HEADER + text).encode()),
        st.text(max_size=100).map(lambda text: (HEADER + text).encode("cp1258", "replace")),
    ),
    name=st.sampled_from(["a.csv", "a.xlsx", "a.CSV", "a.txt", "a"]),
)
def test_any_bytes_are_refused_with_a_message_or_imported(effective, content, name):
    check_answer(name, content)


def test_xlsx_cells_of_every_type(effective):
    """Dates, numbers and booleans as the spreadsheet stores them."""
    received = datetime(2023, 3, 2, 9, 0)
    table = [
        COLUMNS,
        ["PAD-230302-0001", "QT-TP-05", "Trần Văn An", "direct", received, None, None, None],
        ["PAD-230302-0002", "QT-TP-05", 12345, "direct", 45000, True, 1.5, None],
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("a.xlsx", xlsx_file(table))
    assert {(e.row, e.column) for e in rejected.value.errors} >= {
        (3, "received_at"),
        (3, "due_date"),
        (3, "completed_at"),
    }
    assert not Dossier.objects.exists()


GOOD_ROW = ["PAD-230302-0001", "QT-TP-05", "Trần Văn An", "direct", "02/03/2023 09:00"]
TOO_MANY = [f"Dòng 0: Tệp có quá {MAX_ROWS} dòng."]


def test_an_xlsx_declaring_the_whole_sheet_is_read_by_the_cells_it_has(effective):
    content = whole_sheet_xlsx([GOOD_ROW])
    assert len(content) < 6_000
    assert list(read_table("a.xlsx", content).rows) == [dict(zip(COLUMNS, GOOD_ROW, strict=False))]
    assert import_dossiers("a.xlsx", content).codes == ["PAD-230302-0001"]


def test_an_xlsx_with_a_cell_in_the_sheets_last_row_is_refused_at_the_cap(effective):
    """Read row by row, the blank rows before that cell count up to the cap and
    stop there: nothing is expanded to the declared 1,048,576 rows × 16,384 columns."""
    content = whole_sheet_xlsx([GOOD_ROW], last_cell="XFD1048576")
    assert len(content) < 6_000
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("a.xlsx", content)
    assert [str(error) for error in rejected.value.errors] == TOO_MANY
    assert not Dossier.objects.exists()


def test_a_csv_of_line_breaks_beyond_the_cap_is_refused_before_it_is_parsed(effective):
    # Without even a header: the count of lines is what is checked first.
    for content in (newlines_csv(MAX_ROWS + 1), b"\n" * (MAX_ROWS + 2), b"\r" * (MAX_ROWS + 2)):
        with pytest.raises(ImportRejected) as rejected:
            read_table("a.csv", content)
        assert [str(error) for error in rejected.value.errors] == TOO_MANY
    assert list(read_table("a.csv", newlines_csv(MAX_ROWS)).rows) == [{}] * MAX_ROWS


def test_a_large_file_with_one_duplicate_at_its_end_writes_nothing(effective):
    """The benchmark imports 100,000 rows; here 5,000 over several days are enough to
    show that a problem on the last row refuses the whole file."""
    start = datetime(2023, 3, 1, 8, 0)
    table = [COLUMNS]
    for number in range(5_000):
        received = start + timedelta(days=number // 900)
        code = f"IMP-{received:%y%m%d}-{number:06}"
        table.append(
            [code, "QT-TP-05", f"Công dân {number}", "online", f"{received:%d/%m/%Y %H:%M}"]
        )
    table.append(table[1])  # the first row again, at the end
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("lon.csv", csv_file(table))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(5_002, "code")]
    assert "trùng với mã ở dòng 2" in str(rejected.value.errors[0])
    assert not Dossier.objects.exists()
