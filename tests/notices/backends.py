"""Mail backends for the notices' tests: Django's in-memory outbox, refusing at will."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Refuses every recipient, as an SMTP server does, while `refusals` is above 0."""

    refusals = 0

    def send_messages(self, messages):
        if RefusingBackend.refusals:
            RefusingBackend.refusals -= 1
            raise smtplib.SMTPRecipientsRefused(
                {m.to[0]: (451, b"4.3.0 Mailbox busy, try again later") for m in messages}
            )
        return super().send_messages(messages)
