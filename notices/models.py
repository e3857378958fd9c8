"""The outbox of the notices sent to applicants, and the log of each attempt to send one.

A notice is written in the transaction of the event it tells of (`notices.services.notify`):
an event rolled back leaves no notice, an event committed leaves one that
`python manage.py send_notices` sends later, however long the mail server refuses it.
"""

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APOLOGY_ISSUED = "apology_issued", _("Apology issued")
    RESULT_READY = "result_ready", _("Result ready")
    FEEDBACK_ACKNOWLEDGED = "feedback_acknowledged", _("Feedback acknowledged")
    FEEDBACK_ANSWERED = "feedback_answered", _("Feedback answered")


class NoticeQuerySet(models.QuerySet):
    def due(self, now: datetime):
        """The pending notices whose next attempt has come."""
        return self.filter(status=Notice.Status.PENDING, next_attempt_at__lte=now)

    def undelivered(self):
        """What the ISO secretary watches: still trying, or given up."""
        return self.filter(status__in=(Notice.Status.PENDING, Notice.Status.FAILED))


class Notice(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    # The first retry waits 5 minutes, each next one twice as long up to 6 hours: a mail
    # server down for a night is outlasted, and 10 attempts span about a day before the
    # notice is given up and shown to the ISO secretary.
    FIRST_RETRY = timedelta(minutes=5)
    LONGEST_RETRY = timedelta(hours=6)
    MAX_ATTEMPTS = 10

    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    channel = models.CharField(_("sending channel"), max_length=20, default="email")
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    # The notice keeps its own copy of what it says: it stands even if the record goes.
    dossier = models.ForeignKey(
        "procedures.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # send_notices reads the due ones at every run
            models.Index(fields=["status", "next_attempt_at"], name="notices_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient}"

    def retry_delay(self) -> timedelta:
        """How long to wait after the `attempts`-th failed attempt."""
        return min(self.FIRST_RETRY * 2 ** max(self.attempts - 1, 0), self.LONGEST_RETRY)

    @property
    def last_error(self) -> str:
        """The refusal of the latest attempt (read from the prefetched log)."""
        log = list(self.log.all())
        return log[-1].error if log else ""


class Attempt(models.Model):
    """One try to send a notice: when, and the channel's refusal if it refused."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="log"
    )
    at = models.DateTimeField(_("at"))
    ok = models.BooleanField(_("sent"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sending attempt")
        verbose_name_plural = _("sending attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.at:%Y-%m-%d %H:%M}"
