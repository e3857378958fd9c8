import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from notices.channels import ChannelRefused, channel_for
from notices.models import Notice
from notices.services import due_notice_ids, notice_record, notice_take

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the due notices of the outbox; a refused one is retried later with back-off."

    def handle(self, *args, **options) -> None:
        counts = self.send_due()
        self.stdout.write(
            f"Đã gửi {counts[Notice.Status.SENT]} thông báo; "
            f"{counts[Notice.Status.PENDING]} sẽ gửi lại; "
            f"{counts[Notice.Status.FAILED]} đã ngừng gửi."
        )

    def send_due(self) -> dict[str, int]:
        """Try every due notice once; how many ended in each status."""
        counts = dict.fromkeys(Notice.Status.values, 0)
        for pk in due_notice_ids(timezone.now()):
            notice = self.send_one(pk)
            if notice is not None:
                counts[notice.status] += 1
        return counts

    def send_one(self, pk: int) -> Notice | None:
        """Take the notice, send it through its channel, log the attempt; None when
        another run has it or it is no longer due."""
        notice = notice_take(pk=pk, now=timezone.now())
        if notice is None:
            return None
        error = ""
        try:
            channel_for(notice.channel).send(notice)
        except ChannelRefused as refused:
            error = str(refused)
        except Exception as failure:  # a faulty channel must not stop the other notices
            logger.exception("Channel %s failed on notice %s", notice.channel, notice.pk)
            error = f"{type(failure).__name__}: {failure}"
        return notice_record(notice=notice, at=timezone.now(), error=error)
