"""The ISO secretary's list of the notices not delivered: pending ones with their next
attempt, given-up ones, each with its last error; sent ones are not listed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from notices.models import Event, Notice
from notices.services import notice_record, notify
from qms.roles import Role
from tests.html import parse


def queue(recipient: str) -> Notice:
    return notify(event=Event.RESULT_READY, recipient=recipient, subject="S", body="B")


def test_the_secretary_sees_who_was_not_told_and_why(personas, client_for):
    now = timezone.now()
    notice_record(notice=queue("sent@example.vn"), at=now)
    retried = notice_record(notice=queue("busy@example.vn"), at=now, error="451 Mailbox busy")
    given_up = queue("gone@example.vn")
    Notice.objects.filter(pk=given_up.pk).update(
        status=Notice.Status.FAILED, attempts=Notice.MAX_ATTEMPTS
    )
    notice_record(notice=given_up, at=now, error="550 No such user")
    page = client_for(personas[Role.ISO_SECRETARY]).get(reverse("notices:undelivered"))
    assert page.status_code == 200
    text = parse(page.content).text
    assert "2 thông báo chưa gửi được, 1 thông báo đã ngừng gửi." in text
    assert "busy@example.vn" in text and "451 Mailbox busy" in text
    assert "gone@example.vn" in text and "550 No such user" in text and "Đã ngừng gửi" in text
    assert "sent@example.vn" not in text
    assert retried.next_attempt_at == now + timedelta(minutes=5)
