"""Importing dossiers from the province's electronic one-stop system (CSV or XLSX).

All or nothing: every row is checked first and every problem is reported with its
row number, column and reason; only a clean file is written, in one transaction.
A dossier whose code is already in the register is skipped, so importing the
same file twice creates nothing the second time.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from nonconformities.services import nc_from_late_dossier
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
    RevisionStep,
    RuleSet,
)
from procedures.models.dossiers import REPRESENTATIVE_FIELDS, representative_problems
from qms.dates import short_date
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
DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")
CODE = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9.-]{5,39}$")
# Reads the rows after the header, each only its cells between two columns (0-based).
RowReader = Callable[[int, int], Iterator[Sequence]]
# Told how far an import has gone: the stage ("check" the rows, "write" the dossiers),
# the rows done and the rows in all; called every PROGRESS_EVERY rows and at the end.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 1000


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
    rows: list[dict]  # by field
    labels: dict[str, str]  # each field read: its header as the file writes it
    ignored: list[str]  # the file's headers that name no field


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
    ImportRejected for a file that cannot be read at all, lacks a required column or
    has more than MAX_ROWS rows. A header is known by the column table (Vietnamese or
    the field's own name) or by `mapping` (a saved profile's), compared folded.

    Read lazily, row by row, and only the known columns: what a file declares (an
    XLSX dimension of A1:XFD1048576) or blank lines cost no memory beyond the cap.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        header_cells, data = _xlsx_table(content)
    elif suffix == ".csv":
        header_cells, data = _csv_table(content)
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
    rows: list[dict] = []
    for cells in data(first, last):
        if len(rows) == MAX_ROWS:
            raise _too_many_rows()
        row = {
            column: cells[i - first]
            for column, i in positions.items()
            if i - first < len(cells) and cells[i - first] is not None
        }
        rows.append(row if any(str(cell).strip() for cell in row.values()) else {})
    return Table(rows, labels, ignored)


def _too_many_rows() -> ImportRejected:
    return ImportRejected([RowError(0, "", f"Tệp có quá {MAX_ROWS} dòng.")])


def _xlsx_table(content: bytes) -> tuple[Sequence | None, RowReader]:
    """The first row's cells (None for an empty sheet) and a reader of the others."""

    def unreadable(error: Exception) -> ImportRejected:
        return ImportRejected([RowError(0, "", f"Không đọc được tệp XLSX ({error}).")])

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=False).active
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

    return header, data


def _csv_table(content: bytes) -> tuple[Sequence | None, RowReader]:
    """The first row's cells (None for an empty file) and a reader of the others."""
    # A line break is one byte, never part of another UTF-8 character: a file with
    # more lines than the header and MAX_ROWS rows is refused before it is parsed.
    if max(content.count(b"\n"), content.count(b"\r")) > MAX_ROWS + 1:
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
    return header, lambda first, last: (cells[first : last + 1] for cells in table)


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        for pattern in DATETIME_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            moment = datetime.fromisoformat(text)  # ValueError when not ISO 8601 either
    # Local time, whatever offset the file wrote: the day in the code, the receipt day
    # and the due date are all days at the desk.
    return moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


class _Row:
    """Reads one row's cells, collecting every problem instead of stopping at the first."""

    def __init__(self, number: int, cells: dict, errors: list[RowError]) -> None:
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = str(self.cells.get(column, "") or "").strip()
        if required and not value:
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


REPRESENTATIVE_LENGTHS = {
    name: Dossier._meta.get_field(name).max_length for name in REPRESENTATIVE_FIELDS
}


def _representative(row: _Row) -> dict[str, str]:
    """The authorised person's details (form 01), checked as the receipt checks them."""
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


def build_dossiers(
    rows: list[dict], progress: Progress | None = None
) -> tuple[list[Dossier], int, list[RowError]]:
    """Check every row and build the dossiers to create; nothing is written here."""
    errors: list[RowError] = []
    calendar = CalendarDay.objects.calendar()
    office_hours = Organisation.current_office_hours()
    procedures = _Procedures()
    revisions: dict[tuple[int, date], ProcedureRevision | None] = {}
    first_steps: dict[int, RevisionStep | None] = {}  # read once per revision
    codes = {str(r.get("code", "")).strip() for r in rows}
    existing = set(  # only well-formed codes can be in the register (no NUL for PostgreSQL)
        Dossier.objects.filter(code__in=[c for c in codes if CODE.match(c)]).values_list(
            "code", flat=True
        )
    )
    seen: dict[str, int] = {}
    dossiers, skipped = [], 0
    for number, cells in enumerate(rows, start=2):
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress("check", number - 2, len(rows))
        if not cells:
            continue
        errors_before = len(errors)
        row = _Row(number, cells, errors)
        code = row.text("code", required=True, max_length=40)
        if code and not CODE.match(code):
            row.error(
                "code", f"'{code}' không đúng dạng mã hồ sơ (chữ in hoa, số, dấu chấm, gạch)."
            )
        if code in seen:
            row.error("code", f"trùng với mã ở dòng {seen[code]}.")
        seen.setdefault(code, number)
        procedure = procedures.find(row)
        name = row.text("applicant_name", required=True)
        representative = _representative(row)
        channel = row.choice("channel")
        received_at = row.moment("received_at", required=True)
        due_value = row.moment("due_date")
        completed_at = row.moment("completed_at")
        returned_at = row.moment("returned_at")
        digitised = row.choice("digitised", blank=True) == "1"
        rating = row.choice("rating", blank=True)
        now = timezone.now()
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
            skipped += 1
            continue
        if procedure is None or received_at is None or len(errors) > errors_before:
            continue
        received_on = timezone.localdate(received_at)
        key = (procedure.pk, received_on)
        if key not in revisions:
            revisions[key] = procedure.revisions.in_force_on(received_on).first()
        revision = revisions[key]
        if revision is None and not due_value:
            # History from before the QMS: no revision to count the time limit by.
            row.error(
                "due_date",
                f"bắt buộc: thủ tục {procedure.code} chưa có quy trình hiệu lực vào ngày "
                f"{short_date(received_on)} (hồ sơ trước khi áp dụng ISO), nên ngày hẹn "
                "trả phải lấy từ tệp.",
            )
            continue
        dossier = Dossier(
            code=code,
            procedure=procedure,
            revision=revision,
            rule_set=RuleSet.for_receipt(received_on),
            applicant_name=name,
            **representative,
            channel=channel,
            received_at=received_at,
            received_on=received_on,
            clock_started_at=received_at,
        )
        if revision is not None:
            try:
                dossier.start_clock(calendar, received_at, office_hours)
            except CalendarRangeError as error:
                row.error("received_at", str(error))
                continue
        if due_value:  # the province's own appointment wins; a bare date means closing time
            dossier.due_at = (
                datetime.combine(due_value.date(), office_hours.periods[-1][1], tzinfo=LOCAL_TZ)
                if due_value.time() == datetime.min.time()
                else due_value
            )
        dossier.due_date = timezone.localdate(dossier.due_at)
        dossier.first_due_date = dossier.due_date
        dossier.status = Dossier.Status.IN_PROGRESS
        if completed_at:
            dossier.finish(completed_at)
            dossier.status = Dossier.Status.COMPLETED
        elif revision is not None:
            if revision.pk not in first_steps:
                first_steps[revision.pk] = revision.steps.select_related("unit").first()
            dossier.enter_step(first_steps[revision.pk])
        if returned_at:
            dossier.returned_at, dossier.returned_on = returned_at, timezone.localdate(returned_at)
            dossier.status = Dossier.Status.RETURNED
            dossier.digitised, dossier.rating = digitised, rating
        dossiers.append(dossier)
    if progress:
        progress("check", len(rows), len(rows))
    return dossiers, skipped, errors


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
    `progress`, when given, is told how far the import has gone."""
    table = read_table(name, content, profile.mapping if profile else None)
    with transaction.atomic():
        dossiers, skipped, errors = build_dossiers(table.rows, progress)
        if errors:
            raise ImportRejected(
                [RowError(e.row, table.labels.get(e.column, e.column), e.reason) for e in errors]
            )
        if not dry_run:
            # Numbers first: the lock on each day's sequence keeps the desk from
            # handing out one of these codes until they are committed.
            _advance_sequences(dossiers)
            number_the_book(dossiers)
            created = bulk_create_with_history(
                dossiers,
                Dossier,
                batch_size=2000,
                default_user=user,
                default_change_reason=f"Nhập từ tệp {PurePath(name).name}",
            )
            if progress:
                progress("write", len(created), len(created))
            for dossier in created:  # late in the province's system, late here too
                # (history from before the QMS raises none: `nc_from_late_dossier`)
                if dossier.outcome == Outcome.LATE:
                    nc_from_late_dossier(dossier=dossier, user=user)
    return ImportResult(
        created=len(dossiers),
        skipped=skipped,
        dry_run=dry_run,
        codes=[d.code for d in dossiers],
        ignored=table.ignored,
    )


def _advance_sequences(dossiers: list[Dossier]) -> None:
    """Imported codes of our organisation take their numbers: the desk's next codes
    for the day written in each code continue after them."""
    own = Organisation.current().code
    highest: dict[date, int] = {}
    for dossier in dossiers:
        code = DossierCode.parse(dossier.code)
        if code and code.organisation == own:
            highest[code.day] = max(highest.get(code.day, 0), code.number)
    DossierSequence.reach(highest)


def number_the_book(dossiers: list[Dossier]) -> None:
    """Rule R12 for imported dossiers (all of them were accepted): each year's get
    the next rows of that year's book, in receipt order. A year the desk has already
    numbered continues after its last row, since rows are never renumbered."""
    by_year: dict[int, list[Dossier]] = {}
    for dossier in sorted(dossiers, key=lambda d: (d.received_at, d.code)):
        by_year.setdefault(dossier.received_on.year, []).append(dossier)
    for year in sorted(by_year):  # years in order, as every writer locks them
        rows = next_book_rows(year, len(by_year[year]))
        for dossier, row in zip(by_year[year], rows, strict=True):
            dossier.book_year, dossier.book_row = year, row
