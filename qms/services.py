"""Writes of the QMS core (the working calendar, accounts); each function is one
transaction and leaves history."""

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts import logger as auth_log
from qms.dates import short_moment
from qms.history import save_tracked, track
from qms.models import CalendarDay, User


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, user: User, reason: str) -> CalendarDay:
    return save_tracked(day, user=user, reason=reason)


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, user: User, reason: str) -> None:
    track(day, user, reason)
    day.delete()


@transaction.atomic
def user_password_reset(*, user: User, password: str, by: User) -> User:
    """A superuser sets `user`'s password. Whoever sets a password knows it, so the
    owner of the account must change it at the next sign-in, is told by e-mail, and
    the log says who reset whose. Only a superuser may: otherwise the ISO secretary,
    who keeps the accounts, could sign in, and sign, as anyone."""
    if not by.is_superuser:
        raise ValidationError(_("Only a superuser can reset a password."))
    user.set_password(password)
    user.must_change_password = user != by
    user.save()
    auth_log.warning("password reset user=%r by=%r", user.get_username(), by.get_username())
    if user.email and user != by:
        message = _(
            "%(by)s reset the password of your account %(username)s at %(when)s. "
            "Sign in with the password they give you; you will then choose a new one "
            "that only you know. If you did not ask for this, report it at once."
        ) % {
            "by": by.get_full_name(),
            "username": user.get_username(),
            "when": short_moment(timezone.now()),
        }
        subject = _("The password of your account was reset")
        transaction.on_commit(lambda: _mail(subject, message, user.email))
    return user


def _mail(subject: str, message: str, to: str) -> None:
    """Send a notice; a mail server that fails is logged, not shown to the user whose
    change is already saved."""
    try:
        send_mail(subject, message, None, [to])
    except OSError as error:  # smtplib's errors included
        auth_log.error("mail to %r not sent: %s", to, error)
