"""Writes of the QMS core; each function is one transaction and leaves history."""

from django.db import transaction

from qms.models import CalendarDay, User


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, user: User, reason: str) -> CalendarDay:
    day._history_user = user
    day._change_reason = reason
    day.full_clean()
    day.save()
    return day


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, user: User, reason: str) -> None:
    day._history_user = user
    day._change_reason = reason
    day.delete()
