"""`send_notices`: each due notice sent once, a refused one retried after its back-off
and given up after the last attempt, each attempt logged; the desk's records untouched."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from notices.channels import Channel, ChannelRefused
from notices.management.commands.send_notices import Command
from notices.models import Event, Notice
from notices.services import notice_take, notify
from qms.working_days import LOCAL_TZ
from tests.notices.backends import RefusingBackend
from tests.threads import run_together

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=LOCAL_TZ)


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def notice(db) -> Notice:
    with at(0):
        return notify(
            event=Event.SUPPLEMENT_REQUESTED,
            recipient="binh@example.vn",
            subject="Hồ sơ PAD-1: đề nghị bổ sung, hoàn thiện hồ sơ",
            body="Nội dung cần bổ sung: giấy xác nhận cư trú",
        )


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.notices.backends.RefusingBackend"
    RefusingBackend.refusals = 0
    yield RefusingBackend
    RefusingBackend.refusals = 0


def test_a_due_notice_is_sent_once(notice):
    out = StringIO()
    with at(1):
        call_command("send_notices", stdout=out)
    assert out.getvalue().strip() == "Đã gửi 1 thông báo; 0 sẽ gửi lại; 0 đã ngừng gửi."
    [message] = mail.outbox
    assert message.to == ["binh@example.vn"] and message.from_email == "iso@localhost"
    assert message.subject == notice.subject and message.body == notice.body
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.sent_at == T0 + timedelta(minutes=1)
    assert [(a.ok, a.error) for a in notice.log.all()] == [(True, "")]
    with at(2):
        assert Command().send_due()[Notice.Status.SENT] == 0  # the second run: nothing
    assert len(mail.outbox) == 1


def test_a_refused_notice_is_retried_after_its_back_off_then_sent_once(notice, refusing):
    refusing.refusals = 2
    with at(0):
        Command().send_due()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING and notice.attempts == 1
    assert notice.next_attempt_at == T0 + timedelta(minutes=5)
    with at(4):  # before the back-off: not tried
        assert Command().send_due() == {"pending": 0, "sent": 0, "failed": 0}
    with at(5):
        Command().send_due()  # refused again: the next wait is twice as long
    notice.refresh_from_db()
    assert notice.next_attempt_at == T0 + timedelta(minutes=15)
    with at(14):
        Command().send_due()
    assert mail.outbox == []
    with at(15):
        Command().send_due()
    with at(60):
        Command().send_due()
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 3
    assert [(a.at, a.ok, a.error) for a in notice.log.all()] == [
        (T0, False, "451 4.3.0 Mailbox busy, try again later"),
        (T0 + timedelta(minutes=5), False, "451 4.3.0 Mailbox busy, try again later"),
        (T0 + timedelta(minutes=15), True, ""),
    ]


def test_a_notice_refused_every_time_is_given_up(notice, refusing, monkeypatch):
    monkeypatch.setattr(Notice, "MAX_ATTEMPTS", 3)
    refusing.refusals = 100
    for minutes in (0, 5, 15, 35, 75):
        with at(minutes):
            Command().send_due()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and notice.attempts == 3
    assert notice.log.filter(ok=False).count() == 3
    assert mail.outbox == []


def test_a_failed_send_leaves_the_desks_records_as_they_were(effective, personas, refusing):
    from procedures import dossier_services
    from qms.roles import Role

    dossier = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Trần Thị Bình",
        applicant_email="binh@example.vn",
        channel="direct",
    )
    dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.OFFICER])
    dossier_services.dossier_request_supplement(
        dossier=dossier, user=personas[Role.SPECIALIST], reason="Giấy xác nhận cư trú"
    )
    history = dossier.history.count()
    refusing.refusals = 1
    assert Command().send_due()[Notice.Status.PENDING] == 1
    dossier.refresh_from_db()
    assert dossier.status == dossier.Status.WAITING and dossier.history.count() == history
    assert dossier.supplements.get().reason == "Giấy xác nhận cư trú"


class BrokenGateway(Channel):
    def send(self, notice):
        raise KeyError("the gateway's reply had no status")


class RefusingGateway(Channel):
    def send(self, notice):
        raise ChannelRefused("Số điện thoại không nhận tin nhắn")


@pytest.mark.parametrize(
    ("gateway", "error"),
    [
        ("tests.notices.test_send_notices.RefusingGateway", "Số điện thoại không nhận tin nhắn"),
        ("tests.notices.test_send_notices.BrokenGateway", "KeyError: \"the gateway's reply"),
    ],
)
def test_a_channel_registered_in_the_settings_carries_its_notices(settings, db, gateway, error):
    settings.NOTICE_CHANNELS = {"email": "notices.channels.EmailChannel", "sms": gateway}
    with at(0):
        sms = notify(
            event=Event.RESULT_READY, recipient="0912345678", subject="", body="Đã có kết quả",
            channel="sms",
        )  # fmt: skip
        email = notify(
            event=Event.RESULT_READY, recipient="binh@example.vn", subject="Kết quả", body="…"
        )
        assert Command().send_due() == {"pending": 1, "sent": 1, "failed": 0}
    assert sms.log.get().error.startswith(error)
    assert email.log.get().ok and len(mail.outbox) == 1


def test_an_unknown_channel_is_a_refusal_logged(notice):
    Notice.objects.filter(pk=notice.pk).update(channel="zalo")
    with at(0):
        Command().send_due()
    assert notice.log.get().error == "Chưa thiết lập kênh gửi “zalo”."


def test_a_notice_taken_by_one_run_is_out_of_the_others_reach(notice):
    with at(0):
        assert notice_take(pk=notice.pk, now=T0) is not None
        assert notice_take(pk=notice.pk, now=T0) is None
    with at(14):
        assert Command().send_due()[Notice.Status.SENT] == 0
    with at(15):  # the run that took it died before recording: sent after the lease
        assert Command().send_due()[Notice.Status.SENT] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_a_notice_once():
    notice = notify(event=Event.RESULT_READY, recipient="binh@example.vn", subject="S", body="B")
    errors = run_together(*[lambda: Command().send_one(notice.pk)] * 2)
    assert errors == []
    assert len(mail.outbox) == 1
    assert notice.log.count() == 1
