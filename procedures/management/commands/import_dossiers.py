from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.importer import ImportRejected, import_dossiers
from procedures.models import ImportProfile


class Command(BaseCommand):
    help = "Import dossiers from a CSV or XLSX file, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")
        parser.add_argument(
            "--profile", help="Name of a saved import profile, for columns named otherwise"
        )

    def handle(self, *args, file: str, dry_run: bool, profile: str | None, **options) -> None:
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
        try:
            result = import_dossiers(path.name, path.read_bytes(), dry_run=dry_run, profile=chosen)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(rejected.errors)} lỗi; không hồ sơ nào được nhập."
            ) from rejected
        verb = "Sẽ tạo" if dry_run else "Đã tạo"
        self.stdout.write(f"{verb} {result.created} hồ sơ; bỏ qua {result.skipped} hồ sơ đã có.")
        if result.ignored:
            self.stdout.write(f"Các cột không đọc: {', '.join(result.ignored)}.")
