"""The ways a notice reaches an applicant.

A channel is a class with one method, `send(notice)`, that hands the notice to its
service and returns, or raises `ChannelRefused` with the reason the service gave.
`settings.NOTICE_CHANNELS` maps the name a notice carries (`Notice.channel`) to the
dotted path of its class; an SMS or Zalo gateway is one class registered there.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from notices.models import Notice


class ChannelRefused(Exception):
    """The channel did not take the notice; the message is written in its attempt log."""


class Channel:
    """The interface of a channel: send `notice` (its recipient, subject and body) or
    raise `ChannelRefused`. It is called outside any database transaction, once per
    attempt, and must not write the desk's records."""

    def send(self, notice: Notice) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """E-mail through Django's mail backend (`EMAIL_BACKEND`), from `DEFAULT_FROM_EMAIL`."""

    # Seconds an SMTP server may take to answer: a hung server must not hold the run.
    TIMEOUT = 30

    def send(self, notice: Notice) -> None:
        message = EmailMessage(
            subject=notice.subject,
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.recipient],
            connection=get_connection(timeout=self.TIMEOUT),
        )
        try:
            message.send()
        except smtplib.SMTPResponseException as error:
            raise ChannelRefused(_smtp_reply(error.smtp_code, error.smtp_error)) from error
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise ChannelRefused(_smtp_reply(code, reply)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelRefused(str(error) or type(error).__name__) from error


def _smtp_reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    return f"{code} {text}"


def channel_for(name: str) -> Channel:
    """The channel registered under `name` in `settings.NOTICE_CHANNELS`."""
    path = settings.NOTICE_CHANNELS.get(name)
    if path is None:
        raise ChannelRefused(_("No channel named “%(name)s” is set up.") % {"name": name})
    return import_string(path)()
