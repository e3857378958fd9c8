from django.core.management.base import BaseCommand, CommandError

from procedures.services import revisions_activate_due


class Command(BaseCommand):
    help = "Put in force the approved revisions whose effective date has come (run daily)."

    def handle(self, *args, **options) -> None:
        activated, problems = revisions_activate_due()
        for revision in activated:
            self.stdout.write(f"{revision}: có hiệu lực từ {revision.effective_from:%d/%m/%Y}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} lần ban hành chưa thể áp dụng.")
