import sys
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from procedures.importer import ImportRejected, import_dossiers
from procedures.models import ImportProfile


class ProgressBars:
    """The importer's progress hook (stage, rows done, rows in all) as a tqdm bar per
    stage on `stream`: the rows checked, then the dossiers written."""

    LABELS = {"check": "Kiểm tra", "write": "Ghi"}

    def __init__(self, stream: TextIO, *, disable: bool = False) -> None:
        self.stream, self.disable = stream, disable
        self.stage = ""
        self.bar: tqdm | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                desc=self.LABELS[stage],
                total=total,
                unit=" dòng",
                file=self.stream,
                disable=self.disable,
            )
        self.bar.total = total  # the rows of a file are known about, until read
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = "Import dossiers from a CSV or XLSX file, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")
        parser.add_argument(
            "--profile", help="Name of a saved import profile, for columns named otherwise"
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (none either when stderr is not a terminal)",
        )

    def handle(
        self,
        *args,
        file: str,
        dry_run: bool,
        profile: str | None,
        no_progress: bool,
        **options,
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        chosen = None
        if profile:
            chosen = ImportProfile.objects.filter(name=profile).first()
            if chosen is None:
                known = ", ".join(ImportProfile.objects.values_list("name", flat=True))
                raise CommandError(
                    f"Không có hồ sơ cột (profile) tên '{profile}'; có: {known or 'chưa có'}."
                )
        # tqdm draws with carriage returns: it writes to the stream itself, not through
        # self.stderr, which ends every write with a new line.
        stream = options.get("stderr") or sys.stderr
        bars = ProgressBars(stream, disable=no_progress or not stream.isatty())
        try:
            result = import_dossiers(
                path.name, path.read_bytes(), dry_run=dry_run, profile=chosen, progress=bars
            )
        except ImportRejected as rejected:
            bars.close()
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(rejected.errors)} lỗi; không hồ sơ nào được nhập."
            ) from rejected
        bars.close()
        verb = "Sẽ tạo" if dry_run else "Đã tạo"
        self.stdout.write(f"{verb} {result.created} hồ sơ; bỏ qua {result.skipped} hồ sơ đã có.")
        if result.ignored:
            self.stdout.write(f"Các cột không đọc: {', '.join(result.ignored)}.")
