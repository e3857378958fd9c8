from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.tracking_book import tracking_book_pdf, tracking_book_xlsx
from qms.models import Unit


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ngày '{value}' không hợp lệ; dùng dạng YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Write the tracking book (form 06 of 2018, 07 of 2025) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["xlsx", "pdf"], required=True)
        parser.add_argument("--unit", help="Unit code, e.g. TP-HT")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, date_from, date_to, format, unit, output, **options) -> None:
        first, last = _day(date_from), _day(date_to)
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(f"Không có bộ phận mã '{unit}'.")
        build = tracking_book_xlsx if format == "xlsx" else tracking_book_pdf
        try:
            data = build(first, last, chosen)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} byte")
