"""Importing dossiers from the province's electronic one-stop system (CSV or XLSX).

All or nothing: every row is checked first and every problem is reported with its
row number, column and reason; only a clean file is written, in one transaction.
A dossier whose code is already in the register is skipped, so importing the
same file twice creates nothing the second time.
"""

import csv
import gc
import io
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from openpyxl import load_workbook

from nonconformities.services import nc_from_late_imports
from procedures.bulk import BulkInsert, held
from procedures.dossier_services import next_book_rows
from procedures.models import (
    Channel,
    Dossier,
    DossierCode,
    DossierSequence,
    ImportProfile,
    Outcome,
    Procedure,
    ProcedureRevision,
    Rating,
    RatingSource,
    RevisionStep,
    RuleSet,
)
from procedures.models.dossiers import REPRESENTATIVE_FIELDS, representative_problems
from qms.dates import local_day, short_date
from qms.models import CalendarDay, Organisation
from qms.text import words_key
from qms.working_days import LOCAL_TZ, CalendarRangeError
from qms.xlsx import FORMULA_START


@dataclass(frozen=True)
class Column:
    """One column of the province's file: the importer's field, the Vietnamese header
    the export writes (the tracking book's where it has one), and the other headers
    registers use for it. Headers match without case, marks, spacing or punctuation."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases, self.field)


# The one table of columns, read by the import and written by `export_dossiers`.
TABLE = [
    Column("code", "Mã hồ sơ"),
    Column("procedure_code", "Mã thủ tục", ("Mã TTHC",)),
    Column("applicant_name", "Tên tổ chức, cá nhân", ("Người nộp", "Tên cá nhân, tổ chức")),
    Column("channel", "Hình thức nộp"),
    Column("received_at", "Ngày tiếp nhận", ("Nhận hồ sơ",)),
    Column("due_date", "Ngày hẹn trả", ("Hẹn trả kết quả",)),
    Column("completed_at", "Ngày có kết quả"),
    Column("returned_at", "Ngày trả kết quả", ("Trả kết quả",)),
    Column("digitised", "Số hóa"),
    Column("rating", "Đánh giá", ("Mức độ hài lòng",)),
    Column("procedure_name", "Tên thủ tục", ("Tên TTHC",)),
    Column("representative_name", "Người được ủy quyền"),
    Column("representative_id_number", "Số giấy tờ của người được ủy quyền"),
    Column("representative_address", "Địa chỉ người được ủy quyền"),
    Column("representative_phone", "Điện thoại người được ủy quyền"),
    Column("representative_email", "Thư điện tử người được ủy quyền"),
    Column("representative_authorisation", "Giấy ủy quyền"),
]
COLUMNS = [column.field for column in TABLE]
HEADERS = {column.field: column.header for column in TABLE}
REQUIRED = {"code", "applicant_name", "channel", "received_at"}
# A procedure is found by its code (the ward's or the national one) or by its name.
PROCEDURE = ("procedure_code", "procedure_name")
# The values of the coded columns: the stored value, then the Vietnamese words for it
# (the first is what the export writes); the stored value itself is read too.
VALUES = {
    "channel": {
        Channel.DIRECT: ("Trực tiếp",),
        Channel.ONLINE: ("Trực tuyến",),
        Channel.POST: ("Bưu chính công ích", "Qua bưu chính"),
    },
    "digitised": {"1": ("Có",), "0": ("Không",)},
    "rating": {
        Rating.VERY_SATISFIED: ("Rất hài lòng",),
        Rating.SATISFIED: ("Hài lòng",),
        Rating.UNSATISFIED: ("Không hài lòng",),
    },
}
READ_VALUES = {
    column: {words_key(word): value for value, words in values.items() for word in (*words, value)}
    for column, values in VALUES.items()
}
MAX_ROWS = 200_000
IMPORT_CACHE_KIB = 16_384  # SQLite's page cache while a file is imported
# A moment as registers write it: dd/mm/yyyy, with HH:MM and seconds or without.
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
CODE = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9.-]{5,39}$")
# Reads the rows after the header, each only its cells between two columns (0-based).
RowReader = Callable[[int, int], Iterator[Sequence]]
# Told how far an import has gone: the stage ("check" the rows, "write" the dossiers),
# the rows done and the rows in all; called every PROGRESS_EVERY rows and at the end.
Progress = Callable[[str, int, int], None]
T = TypeVar("T")
# Rows read, checked and written at a time: the memory an import holds.
BATCH = 2000


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    skipped: int
    dry_run: bool
    codes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # the file's headers not read


@dataclass
class Table:
    rows: Iterator[dict]  # by field, read as they are asked for
    labels: dict[str, str]  # each field read: its header as the file writes it
    ignored: list[str]  # the file's headers that name no field
    expected: int  # about how many rows follow the header (for progress; 0: unknown)


def mapping_problems(mapping) -> list[str]:
    """What is wrong with a saved profile's mapping (file header -> field)."""
    if not isinstance(mapping, dict):
        return ['Ghi dạng {"tên cột trong tệp": "trường"}.']
    problems = [
        f"'{header}' ứng với '{target}', không phải trường nào; các trường: {', '.join(COLUMNS)}."
        for header, target in mapping.items()
        if target not in COLUMNS
    ]
    problems += [
        f"tên cột '{header}' để trống." for header in mapping if not words_key(str(header))
    ]
    return problems


def _known_headers(mapping: dict[str, str] | None) -> dict[str, str]:
    """Folded header -> field: the table's names, and a profile's over them."""
    known = {words_key(name): column.field for column in TABLE for name in column.names}
    known.update({words_key(str(header)): target for header, target in (mapping or {}).items()})
    return known


def _header_problems(labels: dict[str, str], ignored: list[str], mapping) -> list[RowError]:
    missing = [c for c in TABLE if c.field in REQUIRED and c.field not in labels]
    if not any(field in labels for field in PROCEDURE):
        missing.insert(1, TABLE[COLUMNS.index("procedure_code")])
    if not missing:
        return []
    unknown = (
        f" Cột không nhận ra trong tệp: {', '.join(repr(h) for h in ignored)}." if ignored else ""
    )
    known = "; ".join(
        [f"{c.field}: {', '.join(c.names)}" for c in TABLE]
        + [f"{target}: {header}" for header, target in (mapping or {}).items()]
    )
    return [
        RowError(
            1,
            column.header,
            (
                "thiếu cột bắt buộc trong dòng tiêu đề"
                + (" (hoặc cột Tên thủ tục)" if column.field == "procedure_code" else "")
                + f".{unknown} Tên cột được nhận: {known}."
            ),
        )
        for column in missing
    ]


def read_table(name: str, content: bytes, mapping: dict[str, str] | None = None) -> Table:
    """The file's rows as dicts of the known columns (an empty dict for a blank row,
    so that row numbers hold), from CSV (UTF-8, with or without BOM) or XLSX; raises
    ImportRejected for a file that cannot be read at all or lacks a required column,
    and, while its rows are read, when it has more than MAX_ROWS rows. A header is
    known by the column table (Vietnamese or the field's own name) or by `mapping`
    (a saved profile's), compared folded.

    Read lazily, row by row, and only the known columns: what a file declares (an
    XLSX dimension of A1:XFD1048576) or blank lines cost no memory beyond the cap.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        header_cells, data, expected = _xlsx_table(content)
    elif suffix == ".csv":
        header_cells, data, expected = _csv_table(content)
    else:
        raise ImportRejected([RowError(0, "", "Chỉ nhận tệp .csv hoặc .xlsx.")])
    if header_cells is None:
        raise ImportRejected([RowError(1, "", "Tệp không có dữ liệu.")])
    known = _known_headers(mapping)
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    twice: list[RowError] = []
    for i, cell in enumerate(header_cells):
        label = str("" if cell is None else cell).strip()
        target = known.get(words_key(label))
        if target is None:
            if label:
                ignored.append(label)
        elif target in positions:
            twice.append(
                RowError(1, label, f"cùng nghĩa với cột '{labels[target]}': hãy giữ một cột.")
            )
        else:
            positions[target], labels[target] = i, label
    problems = twice + _header_problems(labels, ignored, mapping)
    if problems:
        raise ImportRejected(problems)
    first, last = min(positions.values()), max(positions.values())

    def rows() -> Iterator[dict]:
        for count, cells in enumerate(data(first, last)):
            if count == MAX_ROWS:
                raise _too_many_rows()
            row = {
                column: cells[i - first]
                for column, i in positions.items()
                if i - first < len(cells) and cells[i - first] is not None
            }
            # Blank when no cell has anything but spaces (joined: the cells at once).
            yield row if "".join(map(str, row.values())).strip() else {}

    return Table(rows(), labels, ignored, min(expected, MAX_ROWS))


def _too_many_rows() -> ImportRejected:
    return ImportRejected([RowError(0, "", f"Tệp có quá {MAX_ROWS} dòng.")])


def _xlsx_table(content: bytes) -> tuple[Sequence | None, RowReader, int]:
    """The first row's cells (None for an empty sheet), a reader of the others and
    how many the sheet declares (trusted for the progress shown, nothing else)."""

    def unreadable(error: Exception) -> ImportRejected:
        return ImportRejected([RowError(0, "", f"Không đọc được tệp XLSX ({error}).")])

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=False).active
        declared = max((sheet.max_row or 1) - 1, 0)
        # The declared dimension is not trusted: only the cells written are read.
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, values_only=True), None)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise unreadable(error) from error

    def data(first: int, last: int):
        try:
            yield from sheet.iter_rows(
                min_row=2, min_col=first + 1, max_col=last + 1, values_only=True
            )
        except Exception as error:
            raise unreadable(error) from error

    return header, data, declared


def _csv_table(content: bytes) -> tuple[Sequence | None, RowReader, int]:
    """The first row's cells (None for an empty file), a reader of the others and
    about how many there are."""
    # A line break is one byte, never part of another UTF-8 character: a file with
    # more lines than the header and MAX_ROWS rows is refused before it is parsed.
    lines = max(content.count(b"\n"), content.count(b"\r"))
    if lines > MAX_ROWS + 1:
        raise _too_many_rows()
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)

    def rows():
        try:
            yield from reader
        except UnicodeDecodeError as error:
            raise ImportRejected(
                [RowError(0, "", "Tệp CSV phải dùng bảng mã UTF-8 (có hoặc không có BOM).")]
            ) from error
        except csv.Error as error:
            raise ImportRejected([RowError(0, "", f"Không đọc được tệp CSV ({error}).")]) from error

    table = rows()
    header = next(table, None)
    expected = max(lines - 1, 0)
    return header, lambda first, last: (cells[first : last + 1] for cells in table), expected


def _moment(value) -> datetime:
    if not isinstance(value, datetime):
        text = str(value).strip()
        written = DAY_MONTH_YEAR.fullmatch(text)
        if written:  # the desk's local time; ValueError for a day that does not exist
            day, month, year, hour, minute, second = map(int, written.groups("0"))
            return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)
        value = datetime.fromisoformat(text)  # ValueError when not ISO 8601 either
    # Local time, whatever offset the file wrote: the day in the code, the receipt day
    # and the due date are all days at the desk.
    return value.astimezone(LOCAL_TZ) if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


class _Row:
    """Reads one row's cells, collecting every problem instead of stopping at the first."""

    def __init__(self, number: int, cells: dict, errors: list[RowError]) -> None:
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.cells.get(column)
        value = (value if type(value) is str else str(value)).strip() if value else ""
        if not value:
            if required:
                self.error(column, "không được để trống.")
        elif "\x00" in value:
            self.error(column, "có ký tự rỗng (null): hãy xóa ký tự đó.")
        elif value.startswith(FORMULA_START) and column != "channel":
            self.error(column, "không nhận công thức hoặc giá trị bắt đầu bằng =, +, -, @.")
        elif len(value) > max_length:
            self.error(column, f"dài quá {max_length} ký tự.")
        return value

    def moment(self, column: str, *, required: bool = False) -> datetime | None:
        value = self.cells.get(column, "")
        if value in ("", None):
            if required:
                self.error(column, "không được để trống.")
            return None
        try:
            return _moment(value)
        except ValueError:
            self.error(
                column, f"'{value}' không phải ngày giờ dạng dd/mm/yyyy HH:MM hoặc ISO 8601."
            )
            return None

    def choice(self, column: str, *, blank: bool = False) -> str:
        """The stored value of a coded column (VALUES), from its Vietnamese words
        or the value itself, compared folded."""
        value = self.text(column)
        if blank and value == "":
            return value
        found = READ_VALUES[column].get(words_key(value))
        if found is None:
            allowed = ", ".join(
                word for stored, words in VALUES[column].items() for word in (*words, stored)
            )
            self.error(column, f"'{value}' không hợp lệ; chỉ nhận: {allowed}.")
            return ""
        return found


class _Procedures:
    """Finds a row's procedure by the ward's code, the national procedure code, or
    its name compared without case or marks: read once for the whole file."""

    def __init__(self) -> None:
        procedures = list(Procedure.objects.all())
        self.by_code = {p.code: p for p in procedures}
        self.by_code.update({p.national_code: p for p in procedures if p.national_code})
        self.by_name: dict[str, list[Procedure]] = {}
        for procedure in procedures:
            self.by_name.setdefault(words_key(procedure.name), []).append(procedure)

    def find(self, row: "_Row") -> Procedure | None:
        code = row.text("procedure_code", max_length=32)
        name = row.text("procedure_name", max_length=300)
        if code in self.by_code:
            return self.by_code[code]
        named = self.by_name.get(words_key(name), []) if name else []
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            row.error(
                "procedure_name", f"có {len(named)} thủ tục cùng tên '{name}': ghi mã thủ tục."
            )
        elif code:
            row.error(
                "procedure_code", f"không có thủ tục mã '{code}' (mã của phường hoặc mã quốc gia)."
            )
        elif name:
            row.error("procedure_name", f"không có thủ tục tên '{name}'.")
        else:
            row.error("procedure_code", "không được để trống (ghi mã hoặc tên thủ tục).")
        return None


class _Revisions:
    """The revision of a procedure in force on a day, read once for each stretch of
    days in which none of the procedure's revisions takes effect or ends: only on
    those days can the answer change (years of history are a few reads, not one for
    each day)."""

    def __init__(self, on_connection: Callable) -> None:
        self.on_connection = on_connection
        self.changes: dict[int, list[date]] = {}  # by procedure, in order
        dates = ProcedureRevision.objects.values_list("procedure_id", "effective_from", "ended_on")
        for procedure, *days in dates:
            self.changes.setdefault(procedure, []).extend(day for day in days if day)
        for days in self.changes.values():
            days.sort()
        self.found: dict[tuple[int, int], ProcedureRevision | None] = {}

    def in_force(self, procedure: Procedure, day: date) -> ProcedureRevision | None:
        # in force from its first day (included) to its end (excluded): bisect_right
        stretch = (procedure.pk, bisect_right(self.changes.get(procedure.pk, ()), day))
        if stretch not in self.found:
            self.found[stretch] = self.on_connection(
                lambda: procedure.revisions.in_force_on(day).first()
            )
        return self.found[stretch]


REPRESENTATIVE_LENGTHS = {
    name: Dossier._meta.get_field(name).max_length for name in REPRESENTATIVE_FIELDS
}


def _representative(row: _Row) -> dict[str, str]:
    """The authorised person's details (form 01), checked as the receipt checks them;
    none when the row names nobody (a blank dossier's fields are empty already)."""
    if not any(map(row.cells.get, REPRESENTATIVE_FIELDS)):
        return {}
    values = {
        name: row.text(name, max_length=REPRESENTATIVE_LENGTHS[name])
        for name in REPRESENTATIVE_FIELDS
    }
    for name, message in representative_problems(values).items():
        row.error(name, str(message))
    for name in ("representative_phone", "representative_email"):
        if values[name]:
            for validator in Dossier._meta.get_field(name).validators:
                try:
                    validator(values[name])
                except ValidationError as error:
                    row.error(name, " ".join(str(m) for m in error.messages))
    return values


def _at_once(read: Callable[[], T]) -> T:
    return read()


class _Check:
    """Checks rows and builds their dossiers, a batch at a time, remembering what a
    later row needs (the codes seen, the revisions and first steps read); nothing
    is written here. Every problem is collected in `errors`. What it reads from the
    database while it checks goes through `on_connection`: the import's writer,
    which lets it use the connection once the batch being written is in."""

    def __init__(self, on_connection: Callable[[Callable[[], T]], T] = _at_once) -> None:
        self.on_connection = on_connection
        self.errors: list[RowError] = []
        self.skipped = 0
        self.calendar = CalendarDay.objects.calendar()
        self.office_hours = Organisation.current_office_hours()
        self.procedures = _Procedures()
        self.revisions = _Revisions(on_connection)
        self.first_steps: dict[int, RevisionStep | None] = {}  # read once per revision
        self.seen: dict[str, int] = {}
        self.own = Organisation.current().code
        # Of the last batch: each day's highest number in the codes of our organisation.
        self.highest: dict[date, int] = {}
        # A dossier is built as a copy of a blank one's fields, every default in place:
        # a tenth of the cost of the model's constructor, which sets them one by one
        # through their descriptors (and sends init signals, which nothing here needs).
        self.blank = {
            name: value
            for name, value in Dossier(
                *[f.get_default() for f in Dossier._meta.concrete_fields]
            ).__dict__.items()
            if name != "_state"
        }

    def registered(self, rows: list[tuple[int, dict]]) -> set[str]:
        """Which of these rows' codes the register holds already."""
        codes = {str(cells.get("code", "")).strip() for _number, cells in rows}
        # Only well-formed codes can be in the register (no NUL for PostgreSQL).
        return held(Dossier, "code", [code for code in codes if CODE.match(code)])

    def batch(self, rows: list[tuple[int, dict]], existing: set[str]) -> list[Dossier]:
        """The dossiers of these (row number, cells) to create; `existing`: the codes of
        theirs the register holds (`registered`)."""
        now = timezone.now()
        dossiers = []
        self.highest = {}
        for number, cells in rows:
            if cells:
                dossier = self.row(_Row(number, cells, self.errors), existing, now)
                if dossier is not None:
                    dossiers.append(dossier)
        return dossiers

    def row(self, row: _Row, existing: set[str], now: datetime) -> Dossier | None:
        errors_before = len(self.errors)
        code = row.text("code", required=True, max_length=40)
        if code and not CODE.match(code):
            row.error(
                "code", f"'{code}' không đúng dạng mã hồ sơ (chữ in hoa, số, dấu chấm, gạch)."
            )
        if code in self.seen:
            row.error("code", f"trùng với mã ở dòng {self.seen[code]}.")
        self.seen.setdefault(code, row.number)
        procedure = self.procedures.find(row)
        name = row.text("applicant_name", required=True)
        representative = _representative(row)
        channel = row.choice("channel")
        received_at = row.moment("received_at", required=True)
        due_value = row.moment("due_date")
        completed_at = row.moment("completed_at")
        returned_at = row.moment("returned_at")
        digitised = row.choice("digitised", blank=True) == "1"
        rating = row.choice("rating", blank=True)
        for column, moment in (
            ("received_at", received_at),
            ("completed_at", completed_at),
            ("returned_at", returned_at),
        ):
            if moment and moment > now:
                row.error(column, "là thời điểm trong tương lai.")
        in_code = DossierCode.parse(code)
        if received_at and in_code and in_code.day != received_at.date():
            row.error("code", "ngày trong mã hồ sơ khác ngày tiếp nhận.")
        if received_at and due_value and due_value.date() < received_at.date():
            row.error("due_date", "trước ngày tiếp nhận.")
        if received_at and completed_at and completed_at < received_at:
            row.error("completed_at", "trước thời điểm tiếp nhận.")
        if returned_at and not completed_at:
            row.error("returned_at", "có ngày trả nhưng thiếu ngày có kết quả.")
        if returned_at and completed_at and returned_at < completed_at:
            row.error("returned_at", "trước thời điểm có kết quả.")
        if (rating or digitised) and not returned_at:
            row.error("rating", "chỉ ghi đánh giá, số hóa cho hồ sơ đã trả kết quả.")
        if code in existing:
            self.skipped += 1
            return None
        if procedure is None or received_at is None or len(self.errors) > errors_before:
            return None
        received_on = received_at.date()  # a moment read from the file is local
        revision = self.revisions.in_force(procedure, received_on)
        if revision is None and not due_value:
            # History from before the QMS: no revision to count the time limit by.
            row.error(
                "due_date",
                f"bắt buộc: thủ tục {procedure.code} chưa có quy trình hiệu lực vào ngày "
                f"{short_date(received_on)} (hồ sơ trước khi áp dụng ISO), nên ngày hẹn "
                "trả phải lấy từ tệp.",
            )
            return None
        dossier = Dossier.__new__(Dossier)
        dossier.__dict__.update(self.blank, _state=ModelState())
        dossier.code = code
        # The procedure and revision as their descriptors set them, without the checks
        # of type and database router they make on every row: both were read here.
        dossier.procedure_id, dossier.revision_id = procedure.pk, revision and revision.pk
        dossier._state.fields_cache.update(procedure=procedure, revision=revision)
        dossier.rule_set = RuleSet.for_receipt(received_on)
        dossier.applicant_name = name
        for field_name, value in representative.items():
            setattr(dossier, field_name, value)
        dossier.channel = channel
        dossier.received_at = dossier.clock_started_at = received_at
        dossier.received_on = received_on
        if revision is not None:
            try:
                dossier.start_clock(self.calendar, received_at, self.office_hours)
            except CalendarRangeError as error:
                row.error("received_at", str(error))
                return None
        if due_value:  # the province's own appointment wins; a bare date means closing time
            dossier.due_at = (
                datetime.combine(
                    due_value.date(), self.office_hours.periods[-1][1], tzinfo=LOCAL_TZ
                )
                if due_value.time() == datetime.min.time()
                else due_value
            )
        dossier.due_date = local_day(dossier.due_at)
        dossier.first_due_date = dossier.due_date
        dossier.status = Dossier.Status.IN_PROGRESS
        if completed_at:
            dossier.finish(completed_at)
            dossier.status = Dossier.Status.COMPLETED
        elif revision is not None:
            if revision.pk not in self.first_steps:
                self.first_steps[revision.pk] = self.on_connection(
                    lambda: revision.steps.select_related("unit").first()
                )
            dossier.enter_step(self.first_steps[revision.pk])
        if returned_at:
            dossier.returned_at, dossier.returned_on = returned_at, returned_at.date()
            dossier.status = Dossier.Status.RETURNED
            dossier.digitised, dossier.rating = digitised, rating
            # an imported rating was typed by the desk, as the officer's at a return
            dossier.rating_source = RatingSource.OFFICER if rating else ""
        if in_code and in_code.organisation == self.own:
            self.highest[in_code.day] = max(self.highest.get(in_code.day, 0), in_code.number)
        return dossier


def _batches(rows: Iterable[dict]) -> Iterator[list[tuple[int, dict]]]:
    """The rows with their numbers in the file (the header is row 1), BATCH at a time."""
    size = BATCH
    batch: list[tuple[int, dict]] = []
    for number, cells in enumerate(rows, start=2):
        batch.append((number, cells))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_dossiers(rows: Iterable[dict]) -> tuple[list[Dossier], int, list[RowError]]:
    """Check every row and build the dossiers to create; nothing is written here."""
    check = _Check()
    dossiers = [
        dossier
        for batch in _batches(rows)
        for dossier in check.batch(batch, check.registered(batch))
    ]
    return dossiers, check.skipped, check.errors


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's collector of reference cycles paused: an import's rows leave none
    (refcounting frees them), yet each of its tens of thousands of objects makes the
    collector run again, over every object the process holds (1 to 2.5 s of
    100,000 rows). Restored afterwards as it was."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def import_dossiers(
    name: str,
    content: bytes,
    *,
    user=None,
    dry_run: bool = False,
    profile: ImportProfile | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the file, its headers read through `profile`'s mapping when given;
    every problem is named by its row and by the column as the file heads it.
    `progress`, when given, is told how far the import has gone.

    The rows are read, checked and written a batch at a time, in one transaction:
    the file is never whole in memory, and the first problem stops the writing
    (the checking goes on, to name every problem) and rolls back what was written.
    """
    table = read_table(name, content, profile.mapping if profile else None)
    reason = f"Nhập từ tệp {PurePath(name).name}"
    with _no_cycle_collection(), transaction.atomic(), _Writer(user, reason, dry_run) as writer:
        check = _Check(writer.call)
        done = 0
        checked = None  # the last batch checked: written while the next one is checked
        for batch in _batches(table.rows):
            registered = check.registered(batch)  # before the writer takes the connection
            if checked and not check.errors:
                writer.write(*checked)
            checked = (check.batch(batch, registered), check.highest)
            writer.wait()
            done += len(batch)
            if progress:
                progress("check", done, max(done, table.expected))
        if checked and not check.errors:
            writer.write(*checked)
            writer.wait()
        if check.errors:
            raise ImportRejected(
                [
                    RowError(e.row, table.labels.get(e.column, e.column), e.reason)
                    for e in check.errors
                ]
            )
        if progress:
            progress("check", done, done)
        writer.finish(progress)
    return ImportResult(
        created=len(writer.codes),
        skipped=check.skipped,
        dry_run=dry_run,
        codes=writer.codes,
        ignored=table.ignored,
    )


class _Writer:
    """Writes the checked dossiers a batch at a time (procedures.bulk) with one history
    row each, and at the end the nonconformities of the late ones. A dry run writes
    nothing.

    The tracking book's rows (R12) follow the receipt order of the whole file: while
    each batch is in receipt order after the one before (an export in receipt order),
    its dossiers are numbered as they are inserted; from the first that is not, the
    rest are inserted unnumbered and, at the end, the whole file is numbered again
    with the rows given so far and the next ones, and its history rows written anew.

    A batch is written by a thread of its own, on the import's connection and in its
    transaction, while the import's thread checks the next batch: PostgreSQL's
    server, or SQLite's engine in the statements that insert a batch (Python waits
    for neither), inserts and indexes the rows on the other core. The import's
    thread waits (`wait`, `call`) before it uses the connection again."""

    def __init__(self, user, reason: str, dry_run: bool) -> None:
        self.user, self.reason, self.dry_run = user, reason, dry_run
        self.when = timezone.now()
        self.db = connections[DEFAULT_DB_ALIAS]
        self.bulk = BulkInsert(Dossier, self.db)
        self.codes: list[str] = []
        self.receipts: list[tuple[datetime, str, int]] = []  # for the book
        self.late: list[Dossier] = []
        self.last: tuple[datetime, str] | None = None  # the last receipt numbered
        self.in_order = True
        self.given: dict[int, list[int]] = {}  # each year's book rows given so far
        self.thread: ThreadPoolExecutor | None = None  # a dry run writes nothing
        self.writing: Future | None = None

    def __enter__(self) -> "_Writer":
        if self.db.vendor == "sqlite":
            # Written in order, a page at a time: more cache than this holds no faster
            # (over 1,000,000 dossiers, 7.0-8.5 s with it, 7.4-9.4 s with 64 MB; peak
            # 225 MiB instead of 280). What the connection had is given back after.
            with self.db.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        if not self.dry_run:
            self.db.inc_thread_sharing()
            self.thread = ThreadPoolExecutor(1, thread_name_prefix="import-writer")
            # The writer takes Python's lock back each time the database answers; the
            # checking thread, which holds it meanwhile, is asked to let go after a
            # millisecond instead of five (about a tenth off PostgreSQL's import).
            self.switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self.switch_interval, 0.001))
        return self

    def __exit__(self, *failed) -> None:
        try:
            if self.thread is not None:
                self._stop()
        finally:
            if self.db.vendor == "sqlite":
                with self.db.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def _stop(self) -> None:
        try:  # a failure elsewhere: the batch being written ends before the rollback
            if self.writing is not None:
                futures.wait([self.writing])
        finally:
            sys.setswitchinterval(self.switch_interval)
            self.thread.shutdown()
            self.db.dec_thread_sharing()

    def write(self, dossiers: list[Dossier], highest: dict[date, int]) -> None:
        """Start writing `dossiers` (nothing else using the connection)."""
        self.codes += [dossier.code for dossier in dossiers]
        if self.dry_run:
            return
        # Numbers first: the lock on each day's sequence keeps the desk from handing
        # out one of these codes until they are committed; the desk's next codes for
        # those days continue after them.
        DossierSequence.reach(highest)
        receipts = [(dossier.received_at, dossier.code) for dossier in dossiers]
        self.in_order = self.in_order and receipts == sorted(receipts)
        if self.in_order and receipts:
            self.in_order = self.last is None or self.last < receipts[0]
        if self.in_order and receipts:
            self.last = receipts[-1]
            for dossier, year, row in number_the_book(
                (dossier.received_at, dossier.code, dossier) for dossier in dossiers
            ):
                dossier.book_year, dossier.book_row = year, row
                self.given.setdefault(year, []).append(row)
        rows = [self.bulk.values(dossier) for dossier in dossiers]
        self.writing = self.thread.submit(self._store, dossiers, rows, self.in_order)

    def _store(self, dossiers: list[Dossier], rows: list[tuple], numbered: bool) -> None:
        """Insert the batch, with its history rows once its book rows are final."""
        ids = self.bulk.insert(dossiers, rows)
        if numbered:
            self.bulk.history(ids, user=self.user, reason=self.reason, when=self.when)
        if self.db.vendor == "postgresql":  # the deferred foreign keys, checked here
            self.db.check_constraints()  # (SQLite's: a whole-table check, not this)
        for dossier in dossiers:
            self.receipts.append((dossier.received_at, dossier.code, dossier.pk))
            if dossier.outcome == Outcome.LATE:
                self.late.append(dossier)

    def wait(self) -> None:
        """Until the batch being written is in the database (its error raised here)."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def call(self, read: Callable[[], T]) -> T:
        """`read()`, which uses the connection, once the batch being written is in."""
        self.wait()
        return read()

    def finish(self, progress: Progress | None) -> None:
        if self.dry_run:
            return
        ids = [pk for _received_at, _code, pk in self.receipts]
        if not self.in_order:
            numbered = ids[: sum(len(rows) for rows in self.given.values())]
            self.bulk.clear(["book_year", "book_row"], numbered)
            self.bulk.forget_history(numbered, when=self.when)
            self.bulk.number(
                "book_year", "book_row", number_the_book(self.receipts, held=self.given)
            )
            self.bulk.history(ids, user=self.user, reason=self.reason, when=self.when)
        # Late in the province's system, late here too, found in the order they were
        # completed (history from before the QMS raises none).
        self.late.sort(key=lambda dossier: (dossier.completed_at, dossier.pk))
        nc_from_late_imports(self.late, user=self.user)
        if progress:
            progress("write", len(ids), len(ids))


def number_the_book(
    receipts: Iterable[tuple[datetime, str, T]], *, held: dict[int, list[int]] | None = None
) -> list[tuple[T, int, int]]:
    """Rule R12 for dossiers received together, all accepted, given as (received at,
    code, what to number): each year's take the next rows of that year's book, in
    receipt order. A year the desk has already numbered continues after its last
    row, since rows are never renumbered. `held`: rows of each year taken already
    (by this transaction, for these dossiers), used first. Returns (what, year,
    row) in book order."""
    by_year: dict[int, list[T]] = {}
    for received_at, _code, what in sorted(receipts, key=lambda receipt: receipt[:2]):
        by_year.setdefault(local_day(received_at).year, []).append(what)
    numbered = []
    for year in sorted(by_year):  # years in order, as every writer locks them
        rows = list((held or {}).get(year, []))
        if len(by_year[year]) > len(rows):
            rows += next_book_rows(year, len(by_year[year]) - len(rows))
        numbered += [(what, year, row) for what, row in zip(by_year[year], rows, strict=True)]
    return numbered
