"""Backup and restore: one archive with the database and the uploaded files.

The database is copied consistently while the system is in use — SQLite through its
online backup API, PostgreSQL with `pg_dump` (one snapshot) — and restored only into
an empty database of the same engine. A manifest records each table's row count,
which the restore checks.
"""

import json
import os
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
        if not path.is_file() or path.is_symlink():
            continue
        destination = (media_root / path.relative_to(extracted)).resolve()
        if not destination.is_relative_to(root):
            raise ValidationError(f"Bản sao lưu chứa tệp ngoài thư mục đính kèm: {path.name}.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def restore(archive: Path, target: dict, media_root: Path) -> dict:
    """Put the archive's database into the empty database `target` (a DATABASES
    entry of the same engine) and its files under `media_root`; check every table's
    row count against the manifest."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        work = Path(work)
        try:
            tar.extractall(work, filter="data")
        except tarfile.FilterError as error:
            raise ValidationError(f"Bản sao lưu có tệp không hợp lệ: {error}.") from error
        manifest = json.loads((work / "manifest.json").read_text())
        engine = _vendor(target)
        if manifest.get("format") != FORMAT or manifest["engine"] != engine:
            raise ValidationError(
                f"Bản sao lưu là của {manifest.get('engine')}, cơ sở dữ liệu đích là {engine}: "
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
        if engine == "sqlite":
            with (
                sqlite3.connect(work / "database.sqlite3") as source,
                sqlite3.connect(target["NAME"]) as copy,
            ):
                source.backup(copy)
        else:
            args, env = _postgresql_args(target)
            subprocess.run(
                [_postgresql_tool("pg_restore"), *args, "--no-owner", "--no-privileges",
                 "--dbname", target["NAME"], str(work / "database.pgdump")],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
        _restore_files(work / "media", media_root)
    restored = table_counts(target)
    if restored != manifest["tables"]:
        differ = sorted(
            name
            for name in set(restored) | set(manifest["tables"])
            if restored.get(name) != manifest["tables"].get(name)
        )
        raise ValidationError(f"Khôi phục chưa đủ: số dòng khác ở các bảng {', '.join(differ)}.")
    return manifest
