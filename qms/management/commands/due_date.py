from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.timezone import localtime

from qms.forms import DueDateForm
from qms.working_days import LimitUnit


class Command(BaseCommand):
    help = "Print the appointment date of a dossier received at a given local time (rule R3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received", required=True, help='Local time, "YYYY-MM-DD HH:MM" or "dd/mm/yyyy HH:MM"'
        )
        limit = parser.add_mutually_exclusive_group(required=True)
        limit.add_argument("--days", help="Time limit in working days")
        limit.add_argument("--hours", help="Time limit in working hours")
        limit.add_argument("--same-day", action="store_true", help="Same-day procedure")
        parser.add_argument("--cutoff", help="Cut-off time HH:MM")

    def handle(self, *args, **options) -> None:
        if options["same_day"]:
            limit, amount = LimitUnit.SAME_DAY, ""
        elif options["hours"] is not None:
            limit, amount = LimitUnit.WORKING_HOURS, options["hours"]
        else:
            limit, amount = LimitUnit.WORKING_DAYS, options["days"]
        form = DueDateForm(
            {
                "received_at": options["received"],
                "limit": limit,
                "amount": amount,
                "cutoff": options["cutoff"] or "",
            }
        )
        if not form.is_valid():
            names = {"received_at": "--received", "amount": f"--{limit}", "cutoff": "--cutoff"}
            raise CommandError(
                "; ".join(
                    f"{names.get(field, field)}: {' '.join(errors)}"
                    for field, errors in form.errors.items()
                )
            )
        due = form.cleaned_data["due"]
        if limit == LimitUnit.WORKING_HOURS:
            self.stdout.write(localtime(due).strftime("%Y-%m-%d %H:%M"))
        else:
            self.stdout.write(due.isoformat())
