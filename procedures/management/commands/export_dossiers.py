from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.dossier_export import dossiers_csv, dossiers_xlsx, left_out
from procedures.management.commands.export_tracking_book import _day


class Command(BaseCommand):
    help = (
        "Write the dossiers received in a period with the Vietnamese columns and values "
        "that import_dossiers reads (stopped and withdrawn dossiers are left out)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, date_from, date_to, format, output, **options) -> None:
        first, last = _day(date_from), _day(date_to)
        if last < first:
            raise CommandError("Ngày kết thúc trước ngày bắt đầu.")
        build = dossiers_xlsx if format == "xlsx" else dossiers_csv
        data = build(first, last)
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} byte")
        skipped = left_out(first, last)
        if skipped:
            self.stdout.write(f"Không ghi {skipped} hồ sơ đã dừng hoặc rút (tệp không có cột đó).")
