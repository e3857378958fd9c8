"""Backup and restore: every record and its history, and the uploaded files, come
back in an empty database of the same engine."""

import json
import os
import tarfile
import threading
import time
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from procedures import dossier_services
from procedures import services as procedure_services
from procedures.models import Dossier
from qms.backup import backup, connect, restore, table_counts
from qms.roles import Role
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def rows_of(target: dict, query: str) -> list[tuple]:
    """The rows `query` finds in the database `target`."""
    with connect(target) as db:
        return db.execute(query).fetchall()


def rows(target: dict, table: str) -> list[tuple]:
    """Every row of `table` in `target`, as text, in a stable order."""
    found = rows_of(target, f'SELECT * FROM "{table}"')
    return sorted(tuple(str(value) for value in row) for row in found)


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the test database's engine."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"qms_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_gives_back_every_record_history_and_file(
    effective, personas, secretary, tmp_path, settings, empty_database
):
    draft = procedure_services.revision_draft(procedure=effective.procedure, user=secretary)
    draft.attachment.save("qt.pdf", ContentFile(b"%PDF-1.4 ban du thao"), save=True)
    dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Sao Lưu",
        channel="direct",
    )
    archive = tmp_path / "qms.tar.gz"
    call_command("backup", "-o", str(archive), stdout=StringIO())

    media = tmp_path / "restored-media"
    manifest = restore(archive, empty_database, media)
    source = connection.settings_dict
    assert manifest["tables"]["procedures_historicaldossier"] >= 1
    assert table_counts(empty_database) == table_counts(source)
    for table in table_counts(source):
        assert rows(empty_database, table) == rows(source, table), table
    restored_file = media / draft.attachment.name
    assert restored_file.read_bytes() == b"%PDF-1.4 ban du thao"

    with pytest.raises(Exception, match="không trống"):
        restore(archive, empty_database, media)


def test_the_commands_refuse_a_missing_archive_or_folder(tmp_path):
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.tar.gz"))
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("backup", "-o", str(Path(tmp_path) / "khong" / "co.tar.gz"))


def test_a_backup_taken_while_officers_receive_is_consistent(
    effective, personas, tmp_path, empty_database
):
    """Two officers keep receiving while the backup runs: the copy is one moment of
    the database — every dossier in it has its history row and its code in the
    day's numbering, and the restore's count check passes."""

    archive = tmp_path / "qms.tar.gz"
    backup_done = threading.Event()

    def officer():
        for _ in range(1_000):  # bounded; stops as soon as the backup is written
            if backup_done.is_set():
                return
            dossier_services.dossier_receive(
                procedure=effective.procedure,
                user=personas[Role.OFFICER],
                applicant_name="Đang Ghi",
                channel="direct",
            )

    def wait_for(count: int) -> None:
        for _ in range(1_000):  # bounded: 10 s
            if Dossier.objects.count() >= count:
                return
            time.sleep(0.01)

    def backup():
        try:
            wait_for(20)  # the officers are at work
            call_command("backup", "-o", str(archive), stdout=StringIO())
            wait_for(Dossier.objects.count() + 5)  # and still are after it
        finally:
            backup_done.set()

    assert run_together(officer, officer, backup) == []
    manifest = restore(archive, empty_database, tmp_path / "restored-media")
    copied = manifest["tables"]["procedures_dossier"]
    assert 0 < copied < Dossier.objects.count()  # taken while the officers were writing
    codes = {row[0] for row in rows_of(empty_database, "SELECT code FROM procedures_dossier")}
    created = rows_of(
        empty_database, "SELECT code FROM procedures_historicaldossier WHERE history_type = '+'"
    )
    assert {row[0] for row in created} == codes
    by_day: dict[str, list[int]] = {}
    for code in codes:
        _prefix, day, number = code.rsplit("-", 2)
        by_day.setdefault(day, []).append(int(number))
    for numbers in by_day.values():  # no gap: nothing half-copied
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def rewritten(archive: Path, *, manifest: bytes | None = None, extra=()) -> Path:
    """A copy of `archive` with `manifest` in place of its own (left out when b"")
    and the `extra` members, each a TarInfo and its content (None for a link)."""
    copy = archive.with_name(f"sua-{archive.name}")
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            if member.name == "manifest.json" and manifest is not None:
                if manifest:
                    member.size = len(manifest)
                    target.addfile(member, BytesIO(manifest))
                continue
            target.addfile(member, source.extractfile(member))
        for member, content in extra:
            member.size = len(content or b"")
            target.addfile(member, BytesIO(content) if content else None)
    return copy


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tuple:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, target
    return member, None


def test_a_link_in_the_archive_is_refused_before_anything_is_restored(tmp_path, empty_database):
    """`backup` writes no link; one inside the folder (`media -> .`) would bring the
    database copy in among the uploaded files, one outside would read any file."""
    archive = tmp_path / "qms.tar.gz"
    call_command("backup", "-o", str(archive), stdout=StringIO())
    dump = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    media = tmp_path / "restored-media"
    for member in [
        link("media", "."),
        link("media/passwd", "/etc/passwd"),
        link("media/ban-sao.bin", dump, tarfile.LNKTYPE),
    ]:
        with pytest.raises(ValidationError, match="liên kết"):
            restore(rewritten(archive, extra=[member]), empty_database, media)
        assert table_counts(empty_database) == {}
        assert not media.exists() or not any(media.iterdir())


@pytest.mark.parametrize(
    "manifest",
    [
        b"",  # none at all
        b"{ khong phai json",
        b"\xff\xfe",
        b"[1, 2]",
        json.dumps({"format": 1, "engine": "sqlite", "created_at": "2023-01-01"}).encode(),
        json.dumps(
            {
                "format": 1,
                "engine": "sqlite",
                "created_at": "2023-01-01",
                "tables": {"qms_user": "mười"},
                "media_files": [],
            }
        ).encode(),
    ],
)
def test_a_malformed_manifest_is_refused_with_a_message(tmp_path, manifest):
    archive = tmp_path / "qms.tar.gz"
    call_command("backup", "-o", str(archive), stdout=StringIO())
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", str(rewritten(archive, manifest=manifest)))


def test_a_file_that_is_not_an_archive_is_refused_with_a_message(tmp_path):
    archive = tmp_path / "qms.tar.gz"
    archive.write_bytes(b"khong phai tep nen")
    with pytest.raises(CommandError, match="Không đọc được tệp sao lưu"):
        call_command("restore", str(archive))


def test_a_failed_count_check_leaves_the_database_empty_again(
    effective, personas, tmp_path, empty_database
):
    dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Sao Lưu",
        channel="direct",
    )
    archive = tmp_path / "qms.tar.gz"
    manifest = backup(archive)
    manifest["tables"]["procedures_dossier"] += 1  # one row the dump does not hold
    tampered = rewritten(archive, manifest=json.dumps(manifest).encode())
    media = tmp_path / "restored-media"
    with pytest.raises(ValidationError, match="procedures_dossier"):
        restore(tampered, empty_database, media)
    assert table_counts(empty_database) == {}
    # Empty as it was: the genuine archive restores into it.
    assert restore(archive, empty_database, media)["tables"]["procedures_dossier"] == 1
