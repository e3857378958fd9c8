"""A notice through a real SMTP conversation: a local aiosmtpd server on 127.0.0.1
refuses the recipient once (451, try later), then takes the message."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
import time_machine
from django.utils import timezone

from notices.management.commands.send_notices import Command
from notices.models import Event, Notice
from notices.services import notify
from tests.notices.smtp_server import Controller


class RefusingOnce:
    """Refuses the first RCPT with a temporary failure, then accepts and keeps each
    message's bytes."""

    def __init__(self) -> None:
        self.refusals = 1
        self.received: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RefusingOnce()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_a_refused_notice_reaches_the_smtp_server_once_after_its_back_off(db, smtp_server):
    notice = notify(
        event=Event.APOLOGY_ISSUED,
        recipient="binh@example.vn",
        subject="Hồ sơ PAD-1: thư xin lỗi và hẹn lại ngày trả kết quả",
        body="Ngày hẹn trả kết quả mới là 14/10/2026.",
    )
    Command().send_due()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING
    assert notice.log.get().error == "451 4.3.0 Try again later"
    assert smtp_server.received == []
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        Command().send_due()
        Command().send_due()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 2
    [raw] = smtp_server.received
    message = message_from_bytes(raw, policy=default)
    assert message["To"] == "binh@example.vn"
    # Django folds the encoded subject onto its next line: the fold's space comes back
    assert message["Subject"].strip() == "Hồ sơ PAD-1: thư xin lỗi và hẹn lại ngày trả kết quả"
    assert message.get_content().strip() == "Ngày hẹn trả kết quả mới là 14/10/2026."
