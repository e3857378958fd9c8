from django.core.management.base import BaseCommand, CommandError

from procedures.services import revisions_activate_due
from qms.dates import short_date


class Command(BaseCommand):
    help = "Put in force the approved revisions whose effective date has come (run daily)."

    def handle(self, *args, **options) -> None:
        activated, problems = revisions_activate_due()
        for revision in activated:
            self.stdout.write(f"{revision}: có hiệu lực từ {short_date(revision.effective_from)}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} lần ban hành chưa thể áp dụng.")
