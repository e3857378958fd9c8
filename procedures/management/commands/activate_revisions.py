from django.core.management.base import BaseCommand

from procedures.services import revisions_activate_due


class Command(BaseCommand):
    help = "Put in force the approved revisions whose effective date has come (run daily)."

    def handle(self, *args, **options) -> None:
        for revision in revisions_activate_due():
            self.stdout.write(f"{revision}: có hiệu lực từ {revision.effective_from:%d/%m/%Y}")
