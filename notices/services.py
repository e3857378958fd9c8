"""Writing notices to the outbox, and the steps of sending one (`send_notices`)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notices.models import Attempt, Event, Notice


@transaction.atomic
def notify(
    *,
    event: Event | str,
    recipient: str,
    subject: str,
    body: str,
    dossier=None,
    channel: str = "email",
) -> Notice | None:
    """Put a notice in the outbox, in the caller's transaction: if the event is rolled
    back, so is its notice; once it commits, the notice waits for `send_notices`, and
    no failure to send can undo the event. No recipient (the applicant gave no
    address): nothing to send, None."""
    recipient = recipient.strip()
    if not recipient:
        return None
    now = timezone.now()
    return Notice.objects.create(
        created_at=now,
        next_attempt_at=now,
        event=event,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        dossier=dossier,
    )


# How long a notice taken by a run is out of the others' reach: far longer than a send
# may take (`EmailChannel.TIMEOUT`). A run that dies between taking and recording a
# notice leaves it pending: it is sent again after this lease.
LEASE = timedelta(minutes=15)


def due_notice_ids(now: datetime, limit: int = 500) -> list[int]:
    """The notices to try now, oldest due first."""
    return list(
        Notice.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def notice_take(*, pk: int, now: datetime) -> Notice | None:
    """Take a due notice for this run, or None if it is no longer due or another run
    holds it. The row is locked (skipped if another run locks it, on PostgreSQL;
    SQLite's IMMEDIATE transactions take the database's write lock instead) and
    moved out of reach for `LEASE` before the short transaction commits: the send
    itself then holds no lock, and two runs never send one notice twice."""
    notice = Notice.objects.select_for_update(skip_locked=True).due(now).filter(pk=pk).first()
    if notice is None:
        return None
    notice.next_attempt_at = now + LEASE
    notice.save(update_fields=["next_attempt_at"])
    return notice


@transaction.atomic
def notice_record(*, notice: Notice, at: datetime, error: str = "") -> Notice:
    """Log one attempt: sent, or refused with `error`, then retried after the back-off
    (`Notice.retry_delay`) until `Notice.MAX_ATTEMPTS`, when the notice is given up.
    Only the notice's own rows are written."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    Attempt.objects.create(notice=notice, at=at, ok=not error, error=error)
    notice.attempts += 1
    if not error:
        notice.status, notice.sent_at = Notice.Status.SENT, at
    elif notice.attempts >= Notice.MAX_ATTEMPTS:
        notice.status = Notice.Status.FAILED
    else:
        notice.next_attempt_at = at + notice.retry_delay()
    notice.save(update_fields=["status", "sent_at", "attempts", "next_attempt_at"])
    return notice
