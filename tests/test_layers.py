"""The two floors of `qms` hold: the core never imports an app or the oversight
package, and no app imports the oversight package.

Imports are read from the source with `ast`, at module level and inside functions
alike (a function-level import is a dependency all the same). The core is every
module under qms/ except:

- qms/oversight/: the floor that reads every app;
- qms/urls.py: the project's URL conf routes to every app and to the oversight pages;
- qms/apps.py: the app config registers the oversight's printed review minutes with
  `qms.pdf.register_exporter` at start-up, as each app's config registers its own;
- qms/management/: commands such as `seed_demo`, `kpi` and `export_report` drive the
  whole system.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("procedures", "audits", "nonconformities", "notices", "governance", "isodocs")
OVERSIGHT = "qms.oversight"
CORE_EXCEPTIONS = ("qms/oversight/", "qms/urls.py", "qms/apps.py", "qms/management/")


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports; `from a import b` counts as `a` and `a.b`, since
    `b` may be a module (`from qms import oversight`)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def forbidden_imports(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        module
        for module in imported_modules(path)
        if any(within(module, package) for package in forbidden)
    )


def core_modules() -> list[Path]:
    return [
        path
        for path in modules_of("qms")
        if not path.relative_to(ROOT).as_posix().startswith(CORE_EXCEPTIONS)
    ]


def test_the_layers_are_read_from_the_source():
    assert ROOT / "qms/views.py" in core_modules()
    assert ROOT / "qms/oversight/views.py" not in core_modules()
    assert {"procedures.models", "qms.oversight.kpi"} <= imported_modules(
        ROOT / "qms/oversight/views.py"
    )


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_the_core_imports_no_app_and_not_the_oversight(path):
    assert forbidden_imports(path, (*APPS, OVERSIGHT)) == []


@pytest.mark.parametrize(
    "path",
    [path for app in APPS for path in modules_of(app)],
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_no_app_imports_the_oversight(path):
    assert forbidden_imports(path, (OVERSIGHT,)) == []
