from collections import defaultdict

from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandParser
from django.utils.timezone import localdate

from nonconformities.models import Action
from qms.dates import short_date
from qms.models import CalendarDay


class Command(BaseCommand):
    help = "E-mail the owners of corrective actions due within N working days, or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="Working days ahead (default 3)")

    def handle(self, *args, days: int, **options) -> None:
        today = localdate()
        horizon = CalendarDay.objects.calendar().add_working_days(today, max(days, 1))
        by_owner = defaultdict(list)
        for action in (
            Action.objects.open()
            .filter(due_date__lte=horizon)
            .select_related("owner", "nonconformity")
            .order_by("due_date")
        ):
            by_owner[action.owner].append(action)
        sent = 0
        for owner, actions in by_owner.items():
            if not owner.email:
                self.stderr.write(f"{owner}: chưa có địa chỉ thư điện tử.")
                continue
            lines = [
                f"- {a.nonconformity.code}: {a.description} — hạn {short_date(a.due_date)}"
                + (" (QUÁ HẠN)" if a.due_date < today else "")
                for a in actions
            ]
            send_mail(
                subject=f"Nhắc việc: {len(actions)} hành động khắc phục sắp đến hạn hoặc quá hạn",
                message="Kính gửi " + owner.get_full_name() + ",\n\n" + "\n".join(lines),
                from_email=None,
                recipient_list=[owner.email],
            )
            sent += 1
        self.stdout.write(f"Đã gửi {sent} thư nhắc việc.")
