import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.models import Procedure
from qms.models import Unit
from qms.oversight import i766
from qms.oversight.kpi import Scope


class Command(BaseCommand):
    help = "Print the KPIs of a period (rule R7) and the 766 indicators (R14) as one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument("--unit", help="Unit code")
        parser.add_argument("--procedure", help="Procedure code")
        parser.add_argument("--json", action="store_true", help="JSON output (the only format)")

    def handle(self, *args, **options) -> None:
        start = self._day(options["start"], "--from")
        end = self._day(options["end"], "--to")
        if end < start:
            raise CommandError("--to: ngày kết thúc phải không trước ngày bắt đầu (--from).")
        unit = self._record(Unit, options["unit"], "--unit", "đơn vị")
        procedure = self._record(Procedure, options["procedure"], "--procedure", "thủ tục")
        scope = Scope(start, end, unit=unit, procedure=procedure)
        self.stdout.write(json.dumps(i766.period_figures(scope), ensure_ascii=False))

    @staticmethod
    def _day(text: str, option: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"{option}: “{text}” không phải ngày dạng YYYY-MM-DD.") from None

    @staticmethod
    def _record(model, code: str | None, option: str, noun: str):
        if code is None:
            return None
        try:
            return model.objects.get(code=code)
        except model.DoesNotExist:
            raise CommandError(f"{option}: không có {noun} mã “{code}”.") from None
