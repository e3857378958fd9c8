"""The outbox: a notice is written in the transaction of its event, or not at all."""

import pytest
from django.db import transaction

from notices.models import Event, Notice
from notices.services import notify


def queue(**kwargs) -> Notice | None:
    return notify(
        **{
            "event": Event.RESULT_READY,
            "recipient": "binh@example.vn",
            "subject": "Hồ sơ PAD-1: đã có kết quả giải quyết",
            "body": "Kính gửi ông/bà Trần Thị Bình,",
        }
        | kwargs
    )


def test_a_notice_waits_in_the_outbox(db):
    notice = queue(recipient="  binh@example.vn ")
    assert notice.status == Notice.Status.PENDING
    assert notice.recipient == "binh@example.vn" and notice.channel == "email"
    assert notice.attempts == 0 and notice.next_attempt_at == notice.created_at
    assert list(Notice.objects.all()) == [notice]


def test_an_event_rolled_back_leaves_no_notice(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the desk's action failed after the notice was written")
    assert not Notice.objects.exists()


def test_no_address_no_notice(db):
    assert queue(recipient=" ") is None
    assert not Notice.objects.exists()


def test_the_retries_wait_twice_as_long_each_time_up_to_six_hours():
    notice = Notice()
    waits = []
    for attempts in (1, 2, 3, 4, 8, 9, 20):
        notice.attempts = attempts
        waits.append(notice.retry_delay().total_seconds() / 60)
    assert waits == [5, 10, 20, 40, 360, 360, 360]
