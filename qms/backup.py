"""Backup and restore: one archive with the database and the uploaded files.

The database is copied consistently while the system is in use — SQLite through its
online backup API, PostgreSQL with `pg_dump` (one snapshot) — and restored only into
an empty database of the same engine. A manifest records each table's row count,
which the restore checks.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

FORMAT = 1


def _vendor(target: dict) -> str:
    return "sqlite" if target["ENGINE"].endswith("sqlite3") else "postgresql"


def _postgresql_tool(name: str) -> str:
    """The newest installed `pg_dump`/`pg_restore` (Debian keeps them per version)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    return str(found[-1]) if found else shutil.which(name) or name


def _postgresql_args(target: dict) -> tuple[list[str], dict]:
    """The command-line arguments and environment of `pg_dump`/`pg_restore`."""
    params = psycopg_params(target)
    args = ["--host", params["host"], "--port", str(params["port"])]
    if params["user"]:
        args += ["--username", params["user"]]
    return args, {**os.environ, "PGPASSWORD": params["password"] or ""}


# The tables of each engine, in a stable order.
TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' "
    "AND name NOT LIKE 'sqlite_%' ORDER BY name",
    "postgresql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
}


def _counts(db, engine: str) -> dict[str, int]:
    """Rows in each table, through `db` (an sqlite3 or psycopg connection)."""
    names = [row[0] for row in db.execute(TABLES[engine]).fetchall()]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


@contextmanager
def connect(target: dict):
    """A connection of its own to `target` (a DATABASES entry): sqlite3 or psycopg,
    both answering `execute(sql).fetchall()`."""
    if _vendor(target) == "sqlite":
        with closing(sqlite3.connect(target["NAME"])) as db:
            yield db
        return
    import psycopg

    with psycopg.connect(**psycopg_params(target)) as db:
        yield db


def table_counts(target: dict) -> dict[str, int]:
    """Rows in each table of `target` (a DATABASES entry), read directly."""
    with connect(target) as db:
        return _counts(db, _vendor(target))


def psycopg_params(target: dict) -> dict:
    return {
        "dbname": target["NAME"],
        "host": target.get("HOST") or "localhost",
        "port": target.get("PORT") or 5432,
        "user": target.get("USER") or None,
        "password": target.get("PASSWORD") or None,
    }


def _dump_postgresql(target: dict, dump: Path) -> dict[str, int]:
    """`pg_dump` and the row counts read in one exported snapshot, so that the
    manifest describes exactly what was dumped while others keep writing."""
    with connect(target) as db:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(db, "postgresql")
        args, env = _postgresql_args(target)
        subprocess.run(
            [_postgresql_tool("pg_dump"), *args, "--format=custom", "--no-owner",
             "--no-privileges", "--snapshot", snapshot, "--file", str(dump), target["NAME"]],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        db.execute("COMMIT")
    return counts


def backup(archive: Path) -> dict:
    """Write the database and the uploaded files to `archive` (a .tar.gz)."""
    target = connection.settings_dict
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if _vendor(target) == "sqlite":
            dump = work / "database.sqlite3"
            with (
                closing(sqlite3.connect(target["NAME"])) as source,
                closing(sqlite3.connect(dump)) as copy,
            ):
                source.backup(copy)  # a consistent copy, writers carry on meanwhile
            counts = table_counts({**target, "NAME": str(dump)})
        else:
            dump = work / "database.pgdump"
            counts = _dump_postgresql(target, dump)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": _vendor(target),
            "created_at": timezone.now().isoformat(),
            "tables": counts,
            "media_files": [str(p.relative_to(media)) for p in files],
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        # the archive holds password hashes: readable by its owner only
        archive.touch(mode=0o600)
        os.chmod(archive, 0o600)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(dump, dump.name)
            for path in files:
                tar.add(path, f"media/{path.relative_to(media)}")
    return manifest


def _restore_files(extracted: Path, media_root: Path) -> None:
    """Copy the extracted files under `media_root`, none of them outside it."""
    if not extracted.is_dir():
        return
    root = media_root.resolve()
    for path in extracted.rglob("*"):
        if not path.is_file():
            continue
        destination = (media_root / path.relative_to(extracted)).resolve()
        if not destination.is_relative_to(root):
            raise ValidationError(f"Bản sao lưu chứa tệp ngoài thư mục đính kèm: {path.name}.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def _files_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo:
    """tarfile's "data" filter, and no link at all: `backup` never writes one, and a
    link inside the folder (`media -> .`) would make the database copy, with its
    password hashes, show up among the uploaded files."""
    if not (member.isfile() or member.isdir()):
        raise ValidationError(
            f"Bản sao lưu có liên kết hoặc tệp đặc biệt, không khôi phục: {member.name}."
        )
    return tarfile.data_filter(member, path)


def _extract(archive: Path, work: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter=_files_only)
    except tarfile.FilterError as error:
        raise ValidationError(f"Bản sao lưu có tệp không hợp lệ: {error}.") from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ValidationError(f"Không đọc được tệp sao lưu ({error}).") from error


# What a manifest holds, each entry with the test its value must pass.
MANIFEST = {
    "format": lambda value: value == FORMAT,
    "engine": lambda value: value in {"sqlite", "postgresql"},
    "created_at": lambda value: isinstance(value, str),
    "tables": lambda value: (
        isinstance(value, dict)
        and all(
            isinstance(count, int) and not isinstance(count, bool) and count >= 0
            for count in value.values()
        )
    ),
    "media_files": lambda value: (
        isinstance(value, list) and all(isinstance(name, str) for name in value)
    ),
}


def _read_manifest(path: Path) -> dict:
    problem = "không phải JSON"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problem = "không có trong bản sao lưu"
    except (ValueError, OSError):
        pass  # not JSON, or not UTF-8
    else:
        if not isinstance(manifest, dict):
            problem = "không phải một bảng khóa–giá trị JSON"
        else:
            wrong = [key for key, valid in MANIFEST.items() if not valid(manifest.get(key))]
            if not wrong:
                return manifest
            problem = f"thiếu hoặc sai giá trị ở {', '.join(wrong)}"
    raise ValidationError(f"Tệp manifest.json của bản sao lưu {problem}: không khôi phục.")


def _count_mismatch(tables: list[str]) -> ValidationError:
    return ValidationError(f"Khôi phục chưa đủ: số dòng khác ở các bảng {', '.join(tables)}.")


def _restore_sqlite(work: Path, target: dict, expected: dict[str, int]) -> None:
    """Copy the database in, then check it; a failed check puts the empty database
    back (an empty database copied over the file)."""
    with (
        closing(sqlite3.connect(work / "database.sqlite3")) as source,
        closing(sqlite3.connect(target["NAME"])) as copy,
    ):
        source.backup(copy)
        restored = _counts(copy, "sqlite")
        if restored != expected:
            with closing(sqlite3.connect(":memory:")) as empty:
                empty.backup(copy)
            differ = {*restored, *expected}
            raise _count_mismatch(
                sorted(name for name in differ if restored.get(name) != expected.get(name))
            )


# Run by psql after pg_restore's script, in the same transaction: the row counts
# that differ from the manifest's (passed as the psql variable `expected`) raise, and
# psql's --single-transaction then commits nothing.
CHECK_POSTGRESQL = f"""
SELECT pg_catalog.set_config('qms.expected', :'expected', true);
DO $check$
DECLARE
    expected jsonb := pg_catalog.current_setting('qms.expected')::jsonb;
    restored jsonb := '{{}}';
    found_table text;
    counted bigint;
    differ text;
BEGIN
    FOR found_table IN {TABLES["postgresql"]} LOOP
        EXECUTE pg_catalog.format('SELECT COUNT(*) FROM public.%I', found_table) INTO counted;
        restored := restored || pg_catalog.jsonb_build_object(found_table, counted);
    END LOOP;
    SELECT pg_catalog.string_agg(key, ', ' ORDER BY key) INTO differ
    FROM pg_catalog.jsonb_object_keys(restored || expected) AS key
    WHERE restored -> key IS DISTINCT FROM expected -> key;
    IF differ IS NOT NULL THEN
        RAISE EXCEPTION 'qms-counts: %', differ;
    END IF;
END
$check$;
"""


def _restore_postgresql(work: Path, target: dict, expected: dict[str, int]) -> None:
    """pg_restore's script and the row-count check, run by psql as one transaction."""
    args, env = _postgresql_args(target)
    check = work / "check.sql"
    check.write_text(CHECK_POSTGRESQL)
    with open(work / "pg_restore.log", "w+b") as log:
        script = subprocess.Popen(
            [_postgresql_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-",
             str(work / "database.pgdump")],
            stdout=subprocess.PIPE, stderr=log,
        )  # fmt: skip
        with script.stdout:
            run = subprocess.run(
                [_postgresql_tool("psql"), *args, "--no-psqlrc", "--quiet",
                 "--single-transaction", "--set", "ON_ERROR_STOP=1",
                 "--set", f"expected={json.dumps(expected)}",
                 "--file", "-", "--file", str(check), "--dbname", target["NAME"]],
                stdin=script.stdout, env=env, capture_output=True,
            )  # fmt: skip
        script.wait()
        log.seek(0)
        errors = (log.read() + run.stderr).decode(errors="replace")
    differ = re.search(r"qms-counts: (.*)", errors)
    if differ:
        raise _count_mismatch(differ[1].split(", "))
    if script.returncode or run.returncode:
        detail = errors.strip().splitlines()[-1:]
        raise ValidationError(f"Không khôi phục được cơ sở dữ liệu: {' '.join(detail)}")


def restore(archive: Path, target: dict, media_root: Path) -> dict:
    """Put the archive's database into the empty database `target` (a DATABASES
    entry of the same engine) and its files under `media_root`; check every table's
    row count against the manifest before the database is kept. A restore that
    fails, the check included, leaves the database and the folder empty."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        _extract(archive, work)
        manifest = _read_manifest(work / "manifest.json")
        engine = _vendor(target)
        if manifest["engine"] != engine:
            raise ValidationError(
                f"Bản sao lưu là của {manifest['engine']}, cơ sở dữ liệu đích là {engine}: "
                "chỉ khôi phục được vào cùng loại cơ sở dữ liệu."
            )
        if table_counts(target):
            raise ValidationError(
                f"Cơ sở dữ liệu đích '{target['NAME']}' không trống: chỉ khôi phục vào "
                "một cơ sở dữ liệu trống."
            )
        if media_root.exists() and any(media_root.iterdir()):
            raise ValidationError(
                f"Thư mục tệp đính kèm '{media_root}' không trống: chỉ khôi phục vào "
                "một thư mục trống."
            )
        try:
            _restore_files(work / "media", media_root)
            if engine == "sqlite":
                _restore_sqlite(work, target, manifest["tables"])
            else:
                _restore_postgresql(work, target, manifest["tables"])
        except BaseException:
            for path in media_root.iterdir() if media_root.exists() else ():
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            raise
    return manifest
