from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qms.pdf import EXPORTERS


class Command(BaseCommand):
    help = "Write the PDF of one record: export_pdf KIND PK -o FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="What to print, e.g. procedure")
        parser.add_argument("pk", type=int, help="The record's id")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write")

    def handle(self, *args, kind: str, pk: int, output: str, **options) -> None:
        exporter = EXPORTERS.get(kind)
        if exporter is None:
            kinds = ", ".join(sorted(EXPORTERS))
            raise CommandError(f"Không có loại tài liệu '{kind}'. Các loại có thể in: {kinds}.")
        try:
            data = exporter(pk)
        except ObjectDoesNotExist as error:
            raise CommandError(f"Không tìm thấy bản ghi {kind} số {pk}.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} byte")
