"""The import command's progress bar: one bar per stage of the importer's hook, on a
terminal only."""

import io

from django.core.management import call_command

from procedures.management.commands.import_dossiers import ProgressBars
from procedures.models import Dossier
from tests.procedures.test_import import GOOD, csv_bytes


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_stage_has_its_bar_following_the_hook():
    stream = io.StringIO()
    bars = ProgressBars(stream)
    bars("check", 2000, 5000)
    assert (bars.bar.desc, bars.bar.n, bars.bar.total) == ("Kiểm tra", 2000, 5000)
    bars("check", 4500, 4500)  # the file had fewer rows than it seemed
    assert (bars.bar.n, bars.bar.total) == (4500, 4500)
    checked = bars.bar
    bars("write", 4500, 4500)
    assert checked.disable  # closed when the next stage began
    assert (bars.bar.desc, bars.bar.n, bars.bar.total) == ("Ghi", 4500, 4500)
    bars.close()
    shown = stream.getvalue()
    assert "Kiểm tra" in shown and "4500/4500" in shown and "Ghi" in shown


def test_a_disabled_bar_writes_nothing():
    stream = io.StringIO()
    bars = ProgressBars(stream, disable=True)
    bars("check", 10, 10)
    bars.close()
    assert stream.getvalue() == ""


def test_the_command_draws_its_bars_on_a_terminal_only(effective, tmp_path):
    path = tmp_path / "tinh.csv"
    path.write_bytes(csv_bytes(*GOOD))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dossiers", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Sẽ tạo 3 hồ sơ" in out.getvalue() and err.getvalue() == ""
    out, terminal = io.StringIO(), Terminal()
    call_command("import_dossiers", str(path), stdout=out, stderr=terminal)
    assert "Đã tạo 3 hồ sơ" in out.getvalue() and Dossier.objects.count() == 3
    assert "Kiểm tra" in terminal.getvalue() and "Ghi" in terminal.getvalue()
    out, terminal = io.StringIO(), Terminal()
    call_command("import_dossiers", str(path), "--no-progress", stdout=out, stderr=terminal)
    assert "bỏ qua 3 hồ sơ đã có" in out.getvalue() and terminal.getvalue() == ""
