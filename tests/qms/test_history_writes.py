"""`save_tracked` is the one "check, name the user, save" of the services: a record
it refuses is not saved, one it saves has a history row naming the user and reason,
and no module writes the sequence out again."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from qms.history import save_tracked
from qms.models import CalendarDay
from qms.roles import Role

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("qms", "procedures", "audits", "nonconformities")


def test_a_saved_record_names_its_user_and_reason(personas):
    secretary = personas[Role.ISO_SECRETARY]
    day = CalendarDay(date=date(2027, 3, 3), kind="day_off", name="Nghỉ bão", legal_basis="TB")
    assert save_tracked(day, user=secretary, reason="Bão số 3") is day
    row = CalendarDay.history.get(date=date(2027, 3, 3))
    assert (row.history_user, row.history_change_reason) == (secretary, "Bão số 3")


def test_a_refused_record_is_not_saved(personas):
    day = CalendarDay(date=date(2027, 3, 3), kind="day_off", name="", legal_basis="TB")
    with pytest.raises(ValidationError) as error:
        save_tracked(day, user=personas[Role.ISO_SECRETARY], reason="Bão số 3")
    assert "name" in error.value.message_dict
    assert not CalendarDay.history.filter(date=date(2027, 3, 3)).exists()


def tracked_and_cleaned(path: Path) -> list[str]:
    """`function: record` for every function of `path` that both calls `track(record,
    ...)` and `record.full_clean()` (with no argument, as `save_tracked` does)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        tracked, cleaned = set(), set()
        for call in ast.walk(function):
            if not isinstance(call, ast.Call):
                continue
            if isinstance(call.func, ast.Name) and call.func.id == "track" and call.args:
                tracked.add(ast.unparse(call.args[0]))
            elif (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "full_clean"
                and not call.args
                and not call.keywords
            ):
                cleaned.add(ast.unparse(call.func.value))
        found += [f"{function.name}: {record}" for record in sorted(tracked & cleaned)]
    return found


def service_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "qms/history.py"
    ]


def test_the_guard_reads_the_modules():
    assert ROOT / "procedures/services.py" in service_modules()
    assert tracked_and_cleaned(ROOT / "qms/history.py") == ["save_tracked: record"]


@pytest.mark.parametrize(
    "path", service_modules(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_no_module_writes_out_check_track_save_again(path):
    assert tracked_and_cleaned(path) == []
