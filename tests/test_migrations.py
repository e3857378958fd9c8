"""Migrations carry frozen copies of the data they seed: a migration that imported the
apps' live code would write other rows once that code changed, so two databases
migrated a year apart would differ. Imports are read with `ast`, as in test_layers."""

from pathlib import Path

import pytest

from tests.test_layers import ROOT, imported_modules, within

PROJECT = ("qms", "procedures", "audits", "nonconformities", "isodocs")
# makemigrations writes these references into field definitions itself (upload
# validators, generated file names): Django needs them importable, and they carry
# no data the migration writes.
REFERENCED_BY_FIELDS = ("qms.uploads", "qms.validators")


def migrations() -> list[Path]:
    return sorted(path for app in PROJECT for path in (ROOT / app / "migrations").glob("*.py"))


def live_imports(path: Path) -> list[str]:
    own = ".".join(path.relative_to(ROOT).parts[:-1])
    return sorted(
        module
        for module in imported_modules(path)
        if any(within(module, package) for package in PROJECT)
        and not within(module, own)
        and not any(within(module, allowed) for allowed in REFERENCED_BY_FIELDS)
    )


def test_the_check_reads_the_migrations():
    assert ROOT / "audits/migrations/0002_question_bank.py" in migrations()
    assert "qms.uploads" in imported_modules(ROOT / "procedures/migrations/0001_initial.py")


@pytest.mark.parametrize("path", migrations(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_migration_imports_live_app_code(path):
    assert live_imports(path) == []
