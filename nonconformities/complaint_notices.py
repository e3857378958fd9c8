"""The messages that tell a citizen about their complaint or recommendation: that it
was received, and that it is answered. Plain text in Vietnamese, whatever language
the officer's browser asks for, each with the absolute address of the feedback's
public page; whoever sends them (the outbox) decides when and to whom."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from nonconformities.models import Complaint
from public.tokens import complaint_url
from qms.dates import short_date


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


def acknowledgement(complaint: Complaint) -> Notice:
    """The feedback is received: its reference, the day the answer is due, the link."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your feedback %(reference)s is received") % {"reference": complaint.reference}
        body = _(
            "Dear %(citizen)s,\n\n"
            "The one-stop desk received your complaint or recommendation on %(received)s "
            "under the reference %(reference)s. It will be answered by %(due)s.\n\n"
            "Follow it and read the answer at:\n%(link)s\n"
        ) % _fields(complaint)
    return Notice(subject, body)


def answered(complaint: Complaint) -> Notice:
    """The feedback is answered: the answer itself, and the link where it stays."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your feedback %(reference)s is answered") % {"reference": complaint.reference}
        body = _(
            "Dear %(citizen)s,\n\n"
            "The one-stop desk answered your complaint or recommendation %(reference)s "
            "on %(answered)s:\n\n%(answer)s\n\n"
            "The answer stays at:\n%(link)s\n"
        ) % {
            **_fields(complaint),
            "answered": short_date(complaint.answered_at),
            "answer": complaint.answer,
        }
    return Notice(subject, body)


def _fields(complaint: Complaint) -> dict[str, str]:
    return {
        "citizen": complaint.citizen,
        "reference": complaint.reference,
        "received": short_date(complaint.received_at),
        "due": short_date(complaint.answer_due),
        "link": complaint_url(complaint.reference),
    }
