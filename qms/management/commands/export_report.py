from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qms.filters import YEARS
from qms.models import PeriodicReport
from qms.oversight import snapshot
from qms.oversight.pdf import report_pdf, report_xlsx

WRITERS = {"pdf": report_pdf, "xlsx": report_xlsx}


class Command(BaseCommand):
    help = (
        "Write a periodic report of the plan: "
        "export_report [--kind reform|communication] --year YYYY "
        "--period q1|h1|9m|year (communication: q1|q2|q3|q4) --format pdf|xlsx -o FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", default=PeriodicReport.Kind.REFORM)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", required=True)
        parser.add_argument("--format", required=True, dest="fmt")
        parser.add_argument("-o", "--output", required=True, help="The file to write")

    def handle(
        self, *args, kind: str, year: int, period: str, fmt: str, output: str, **options
    ) -> None:
        if kind not in PeriodicReport.SCHEDULES:
            choices = "|".join(PeriodicReport.Kind.values)
            raise CommandError(f"--kind '{kind}' không hợp lệ: chọn một trong {choices}.")
        if period not in PeriodicReport.SCHEDULES[kind]:
            choices = "|".join(PeriodicReport.SCHEDULES[kind])
            raise CommandError(f"--period '{period}' không hợp lệ: chọn một trong {choices}.")
        if fmt not in WRITERS:
            raise CommandError(f"--format '{fmt}' không hợp lệ: chọn pdf hoặc xlsx.")
        if year not in YEARS:
            raise CommandError(
                f"--year {year} không hợp lệ: năm phải từ {YEARS.start} đến {YEARS.stop - 1}."
            )
        try:
            data = WRITERS[fmt](snapshot.report_for(kind, year, period))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} byte")
