"""`import_dossiers`: all or nothing, every bad row named, the same file twice creates nothing."""

import io
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from nonconformities.models import Nonconformity
from procedures import dossier_services
from procedures.importer import COLUMNS, ImportRejected, import_dossiers
from procedures.models import BookSequence, Dossier, DossierCode, DossierSequence
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive

HEADER = ",".join(COLUMNS)
GOOD = [
    "PAD-230302-0001,QT-TP-05,Trần Văn An,direct,02/03/2023 09:00,"
    ",06/03/2023 10:00,07/03/2023 08:00,1,satisfied",
    "PAD-230302-0002,QT-TP-05,Lê Thị Bích,online,2023-03-02T10:00:00,,,,,",
    "PAD-230303-0001,QT-TP-05,Hoàng Minh,post,03/03/2023 16:00,2023-03-07,2023-03-09 09:00,,,",
]


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    text = "\n".join([HEADER, *lines]) + "\n"
    return ("\ufeff" + text if bom else text).encode("utf-8")


def test_a_clean_file_is_imported_with_computed_dates(effective):
    result = import_dossiers("tinh.csv", csv_bytes(*GOOD, bom=True))
    assert (result.created, result.skipped) == (3, 0)
    first, second, third = Dossier.objects.order_by("code")
    assert (first.due_date, first.outcome, first.status) == (date(2023, 3, 7), "early", "returned")
    assert first.digitised and first.rating == "satisfied" and first.revision == effective
    assert (second.status, second.current_step.order) == ("in_progress", 1)
    assert (third.due_date, third.outcome) == (date(2023, 3, 7), "late")
    assert first.history.count() == 1
    # the late one raises its nonconformity, as one completed late at the desk does
    raised = Nonconformity.objects.get()
    assert (raised.dossier, raised.source) == (third, Nonconformity.Source.LATE_DOSSIER)
    assert raised.found_on == date(2023, 3, 9)


def test_each_row_written_in_bulk_has_its_history_and_its_place_in_the_book(effective, personas):
    # written with multi-row INSERTs (SQLite) or COPY (PostgreSQL) behind the ORM's back:
    # every history row must still be the dossier as it was created, by the importer
    officer = personas[Role.OFFICER]
    import_dossiers("tinh.csv", csv_bytes(*GOOD), user=officer)
    fields = [f.attname for f in Dossier._meta.concrete_fields]
    for dossier in Dossier.objects.all():
        (record,) = dossier.history.all()
        assert (record.history_type, record.history_user) == ("+", officer)
        assert {f: getattr(record, f) for f in fields} == {f: getattr(dossier, f) for f in fields}
    # the book numbered in order of receipt, after the rows were written
    book = Dossier.objects.order_by("received_at").values_list("code", "book_year", "book_row")
    assert list(book) == [
        ("PAD-230302-0001", 2023, 1),
        ("PAD-230302-0002", 2023, 2),
        ("PAD-230303-0001", 2023, 3),
    ]


def test_quotes_and_percent_signs_are_stored_as_typed(effective, monkeypatch):
    # bound as parameters, never written into a statement: kept exactly, whatever
    # quotes and % they hold, in a batch of equal names and one of different ones
    monkeypatch.setattr("procedures.importer.BATCH", 2)
    names = ["Công ty 100% 'Sao Mai' %s", "Công ty 100% 'Sao Mai' %s", 'Hộ 50%% "Bà Tư"', "%"]
    lines = [
        f'PAD-230302-000{i},QT-TP-05,"{name.replace(chr(34), chr(34) * 2)}",direct,'
        f"02/03/2023 0{i}:00,,,,,"
        for i, name in enumerate(names, start=1)
    ]
    import_dossiers("tinh.csv", csv_bytes(*lines))
    stored = Dossier.objects.order_by("code").values_list("applicant_name", flat=True)
    assert list(stored) == names
    history = Dossier.history.order_by("code").values_list("applicant_name", flat=True)
    assert list(history) == names


def seen_while_importing(probe, good: bool) -> list:
    """What `probe()` gives each time the import reports progress, for a file that
    imports (`good`) or one that is refused."""
    seen = []
    lines = GOOD if good else [GOOD[0].replace("QT-TP-05", "KHONG-CO")]
    try:
        import_dossiers("tinh.csv", csv_bytes(*lines), progress=lambda *_: seen.append(probe()))
    except ImportRejected:
        assert not good
    else:
        assert good
    return seen


@pytest.mark.parametrize("good", [True, False])
def test_the_cycle_collector_is_paused_while_importing_and_restored(effective, good):
    import gc

    seen = seen_while_importing(gc.isenabled, good)
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()  # a caller's choice is kept too
    try:
        import_dossiers("tinh.csv", csv_bytes(*GOOD))
        assert not gc.isenabled()
    finally:
        gc.enable()


RECEIPTS = {  # in receipt order: code, received at
    "A": ("PAD-230302-0001", "02/03/2023 09:00"),
    "B": ("PAD-230302-0002", "02/03/2023 10:00"),
    "C": ("PAD-230303-0001", "03/03/2023 08:00"),
    "D": ("PAD-230303-0002", "03/03/2023 09:30"),
    "E": ("PAD-230306-0001", "06/03/2023 14:00"),
}


@pytest.mark.parametrize(
    "order",
    [
        "ABCDE",  # an export in receipt order: numbered batch by batch as it is written
        "ACBDE",  # the second batch goes back before the first's last: numbered again
        "EDCBA",  # none in order
    ],
)
def test_the_book_follows_receipt_order_whatever_order_the_file_is_in(
    effective, personas, monkeypatch, order
):
    monkeypatch.setattr("procedures.importer.BATCH", 2)
    rows = [f"{RECEIPTS[k][0]},QT-TP-05,Trần Văn An,direct,{RECEIPTS[k][1]},,,,," for k in order]
    import_dossiers("tinh.csv", csv_bytes(*rows), user=personas[Role.OFFICER])
    book = Dossier.objects.order_by("book_row").values_list("code", "book_year", "book_row")
    assert list(book) == [(RECEIPTS[k][0], 2023, row) for row, k in enumerate("ABCDE", start=1)]
    # no row taken twice or left unused: the desk's next receipt is row 6
    assert BookSequence.objects.get(year=2023).last == 5
    # each history row is the dossier as numbered
    for dossier in Dossier.objects.all():
        (record,) = dossier.history.all()
        assert (record.book_year, record.book_row) == (dossier.book_year, dossier.book_row)


def test_a_batch_that_fails_to_be_written_leaves_nothing_written(effective, monkeypatch):
    # the batches are written by a thread of their own while the next is checked:
    # its failure still reaches the import and rolls every batch back
    from procedures.bulk import BulkInsert

    monkeypatch.setattr("procedures.importer.BATCH", 2)
    insert, calls = BulkInsert.insert, []

    def fail_on_the_second(self, objs, rows=None):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return insert(self, objs, rows)

    monkeypatch.setattr(BulkInsert, "insert", fail_on_the_second)
    rows = [
        f"{code},QT-TP-05,Trần Văn An,direct,{moment},,,,," for code, moment in RECEIPTS.values()
    ]
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_dossiers("tinh.csv", csv_bytes(*rows))
    assert calls == [2, 2]  # the third batch was never written
    assert not Dossier.objects.exists() and not Dossier.history.exists()
    assert not BookSequence.objects.exists() and not DossierSequence.objects.exists()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's page cache, a setting of its connection",
)
@pytest.mark.parametrize("good", [True, False])
def test_sqlite_keeps_a_small_page_cache_while_importing(effective, good):
    from django.db import connection

    from procedures.importer import IMPORT_CACHE_KIB

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    seen = seen_while_importing(cache_size, good)
    assert before != -IMPORT_CACHE_KIB and set(seen) == {-IMPORT_CACHE_KIB}
    assert cache_size() == before


def test_what_the_check_reads_waits_for_the_batch_being_written(effective, monkeypatch):
    # one connection, two threads: the second batch, the first of 2023, needs the
    # revision in force, read while the first batch is still being written
    import threading
    import time

    from django.db import connection

    from procedures.importer import _Writer

    monkeypatch.setattr("procedures.importer.BATCH", 2)
    writing, overlaps = threading.Event(), []
    store = _Writer._store

    def slow_store(self, *batch):
        writing.set()
        time.sleep(0.3)
        try:
            return store(self, *batch)
        finally:
            writing.clear()

    def watch(execute, sql, params, many, context):
        if threading.current_thread() is threading.main_thread() and writing.is_set():
            overlaps.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(_Writer, "_store", slow_store)
    lines = [
        "PAD-221205-0001,QT-TP-05,An,direct,05/12/2022 09:00,09/12/2022,,,,",
        "PAD-221205-0002,QT-TP-05,Bình,direct,05/12/2022 10:00,09/12/2022,,,,",
        "PAD-230302-0001,QT-TP-05,Chi,direct,02/03/2023 09:00,,,,,",
        "PAD-230302-0002,QT-TP-05,Dũng,direct,02/03/2023 10:00,,,,,",
    ]
    with connection.execute_wrapper(watch):
        import_dossiers("tinh.csv", csv_bytes(*lines))
    assert overlaps == []
    revisions = Dossier.objects.order_by("code").values_list("revision", flat=True)
    assert list(revisions) == [None, None, effective.pk, effective.pk]


def test_a_code_registered_behind_the_imports_back_is_refused_by_the_database(
    effective, monkeypatch
):
    # the rows go to the driver's own cursor (INSERT or COPY): a constraint it
    # breaks is still Django's IntegrityError, and nothing is written
    from django.db import IntegrityError

    import_dossiers("tinh.csv", csv_bytes(GOOD[0]))
    monkeypatch.setattr("procedures.importer.held", lambda *args: set())
    with pytest.raises(IntegrityError):
        import_dossiers("tinh.csv", csv_bytes(GOOD[1], GOOD[0]))
    assert list(Dossier.objects.values_list("code", flat=True)) == ["PAD-230302-0001"]


def test_importing_twice_creates_nothing_new(effective):
    import_dossiers("a.csv", csv_bytes(*GOOD))
    result = import_dossiers("a.csv", csv_bytes(*GOOD))
    assert (result.created, result.skipped) == (0, 3)
    assert Dossier.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_written(effective):
    bad = [
        GOOD[0],
        "PAD-230302-0001,QT-TP-05,Trùng mã,direct,02/03/2023 09:00,,,,,",
        "PAD-230302-0003,QT-XX-99,Lê Văn C,fax,32/13/2023 25:00,,,,,",
        'PAD-230302-0004,QT-TP-05,=HYPERLINK("x"),direct,02/03/2023 09:00,'
        ",01/03/2023 09:00,,,great",
        "PAD-230302-0005,QT-TP-05,,direct,2099-01-01 09:00,,,,,",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("bad.csv", csv_bytes(*bad))
    reported = {(e.row, e.column) for e in rejected.value.errors}
    assert {
        (3, "code"),
        (4, "procedure_code"),
        (4, "channel"),
        (4, "received_at"),
        (5, "applicant_name"),
        (5, "completed_at"),
        (5, "rating"),
        (6, "applicant_name"),
        (6, "received_at"),
    } <= reported
    assert "Dòng 4, cột channel: 'fax' không hợp lệ" in "\n".join(map(str, rejected.value.errors))
    assert not Dossier.objects.exists()


def test_unreadable_files_get_a_clear_message(effective):
    with pytest.raises(ImportRejected, match="1 lỗi") as rejected:
        import_dossiers("a.csv", "mã,tên\n".encode("utf-16"))
    assert "UTF-8" in str(rejected.value.errors[0])
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("a.csv", b"code,applicant_name\nX,Y\n")
    # missing columns are named as the export writes them, each with the names known
    assert {e.column for e in rejected.value.errors} == {
        "Mã thủ tục",
        "Hình thức nộp",
        "Ngày tiếp nhận",
    }
    assert "Mã TTHC" in rejected.value.errors[0].reason
    with pytest.raises(ImportRejected):
        import_dossiers("a.xlsx", b"not a zip")
    with pytest.raises(ImportRejected):
        import_dossiers("a.pdf", b"%PDF")


def test_xlsx_with_a_formula_is_refused_and_a_clean_one_imported(effective):
    def workbook(name_cell) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.append(COLUMNS)
        sheet.append(["PAD-230302-0001", "QT-TP-05", name_cell, "direct", "02/03/2023 09:00"])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    with pytest.raises(ImportRejected, match="1 lỗi"):
        import_dossiers("a.xlsx", workbook("=1+1"))
    assert import_dossiers("a.xlsx", workbook("Đỗ Văn E")).created == 1


def test_imported_codes_advance_the_days_numbering(effective, personas):
    from procedures import dossier_services
    from qms.roles import Role
    from tests.procedures.test_dossiers import receive

    import_dossiers("a.csv", csv_bytes(*GOOD))
    dossier = receive(effective.procedure, personas[Role.OFFICER], "2023-03-02 15:00")
    assert dossier.code == "PAD-230302-0003"
    assert dossier_services.next_dossier_code("PAD", date(2023, 3, 4)) == "PAD-230304-0001"


def test_the_command(effective, tmp_path, capsys):
    path = tmp_path / "tinh.csv"
    path.write_bytes(csv_bytes(*GOOD))
    call_command("import_dossiers", str(path), "--dry-run")
    assert "Sẽ tạo 3 hồ sơ" in capsys.readouterr().out and not Dossier.objects.exists()
    call_command("import_dossiers", str(path))
    assert "Đã tạo 3 hồ sơ" in capsys.readouterr().out
    path.write_bytes(csv_bytes("PAD-1,QT-TP-05,,direct,x,,,,,"))
    with pytest.raises(CommandError, match="không hồ sơ nào được nhập"):
        call_command("import_dossiers", str(path))
    assert "Dòng 2, cột code" in capsys.readouterr().err


def test_dates_that_cannot_be_are_refused(effective):
    rows = [
        "PAD-230303-0001,QT-TP-05,Ngày lệch,direct,02/03/2023 09:00,,,,,",
        "PAD-230302-0002,QT-TP-05,Xong tương lai,direct,02/03/2023 09:00,,2099-01-01 09:00,,,",
        "PAD-230302-0003,QT-TP-05,Hẹn trước,direct,02/03/2023 09:00,2023-03-01,,,,",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("a.csv", csv_bytes(*rows))
    assert {(e.row, e.column) for e in rejected.value.errors} == {
        (2, "code"),
        (3, "completed_at"),
        (4, "due_date"),
    }


@pytest.mark.parametrize(
    ("received_at", "imported"),
    [
        ("02/03/2023 10:00", True),  # the desk's next code
        # 02/03 by the clock of UTC+14, but 01/03 18:00 at the desk: the code's day
        # is not the receipt day, so the row is refused
        ("2023-03-02T01:00:00+14:00", False),
    ],
)
def test_an_imported_code_never_stops_the_desk(
    effective, personas, client_for, received_at, imported
):
    officer = personas[Role.OFFICER]
    receive(effective.procedure, officer, "2023-03-02 09:00")  # PAD-230302-0001
    row = f"PAD-230302-0002,QT-TP-05,Nhập Từ Tỉnh,direct,{received_at},,,,,"
    client = client_for(officer)
    data = {
        "procedure": effective.procedure.code,
        "applicant_name": "Phạm Văn Đông",
        "channel": "direct",
        "documents_count": "1",
        "decision": "accept",
    }
    with time_machine.travel(at("2023-03-02 15:00"), tick=False):
        if imported:
            assert import_dossiers("a.csv", csv_bytes(row)).codes == ["PAD-230302-0002"]
        else:
            with pytest.raises(ImportRejected) as rejected:
                import_dossiers("a.csv", csv_bytes(row))
            assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "code")]
        for _ in range(10):
            dossier_services.dossier_receive(
                procedure=effective.procedure, user=officer, applicant_name="A", channel="direct"
            )
        for _ in range(10):
            response = client.post(reverse("procedures:dossier_receive"), data)
            assert response.status_code == 302
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 21 + imported


def test_the_desk_skips_codes_taken_outside_its_numbering(effective, personas):
    """A sequence behind the register (restored from an older backup, say) costs
    numbers, never a refused receipt."""
    import_dossiers("a.csv", csv_bytes(*GOOD))  # PAD-230302-0001 and -0002
    DossierSequence.objects.all().delete()
    dossier = receive(effective.procedure, personas[Role.OFFICER], "2023-03-02 15:00")
    assert dossier.code == "PAD-230302-0003"
    assert DossierSequence.objects.get().last == 3


def test_a_moment_with_another_offset_is_read_at_the_desk(effective):
    # 00:30 on 02/03 at the desk, written in UTC (still 01/03 there)
    row = "PAD-230302-0007,QT-TP-05,Lê An,direct,2023-03-01T17:30:00Z,,,,,"
    import_dossiers("a.csv", csv_bytes(row))
    assert Dossier.objects.get().received_on == date(2023, 3, 2)
    assert dossier_services.next_dossier_code("PAD", date(2023, 3, 2)) == "PAD-230302-0008"


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("PAD-230302-0001", ("PAD", date(2023, 3, 2), 1)),
        ("P-AD-230302-12345", ("P-AD", date(2023, 3, 2), 12345)),  # a hyphen, five digits
        ("000.00.18.H55-231231-0042", ("000.00.18.H55", date(2023, 12, 31), 42)),
        ("PAD-231399-0001", None),  # no such day
        ("PAD-230302-A001", None),
        ("PAD-20230302-0001", None),
    ],
)
def test_the_desk_and_the_import_read_codes_alike(code, parts):
    """Rule R8 in one place: what the import reads is what the desk writes."""
    parsed = DossierCode.parse(code)
    if parts is None:
        assert parsed is None
    else:
        assert (parsed.organisation, parsed.day, parsed.number) == parts
        assert str(parsed) == code
