"""How a day or a moment is written for people: one place for every app.

Tables, messages and file titles use the short form (dd/mm/yyyy); the date line of
an official document uses the words form of Decree 30/2020/NĐ-CP (rule R10). A
moment stored in UTC is shown in local time, so that a record made just after
midnight does not print the day before.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.timezone import localtime

EMPTY = "—"
# The ward's time, settings.TIME_ZONE (named here, not read from the settings, so that
# importing this module needs no settings: `make run` sets up the signing token with
# qms.keys before Django starts). The site never switches to another zone (no
# `timezone.activate`), so converting to it is what `localtime` does, without looking
# up the current zone.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_day(value: date) -> date:
    """The calendar day of `value`; an aware datetime counts in local time."""
    if isinstance(value, datetime):
        # tzinfo: what is_aware asks, without its call (the import's hot path)
        return (value.astimezone(LOCAL_TZ) if value.tzinfo is not None else value).date()
    return value


def short_date(value: date | None) -> str:
    """dd/mm/yyyy, or a dash where there is no date. Written field by field: strftime
    drops the zeros of a year below 1000, which a mistyped date can hold."""
    if not value:
        return EMPTY
    day = local_day(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def short_moment(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time (signatures, forms, mails), or a dash: the
    order of `DATETIME_FORMAT` (qms/formats/vi), the pages' date and time."""
    return f"{short_date(value)} {localtime(value):%H:%M}" if value else EMPTY


def date_words(value: date) -> str:
    """'ngày 05 tháng 3 năm 2026'. R10 pads a day below 10 and the months 1 and 2,
    the only ones a digit written in front would turn into another valid date."""
    day = local_day(value)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year:04d}"


def moment_words(value: datetime | None) -> str:
    """'09 giờ 05 phút, ngày 05 tháng 3 năm 2026' in local time (the times of form
    01), or a dash."""
    if not value:
        return EMPTY
    moment = localtime(value)
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {date_words(moment)}"


def date_line(place: str, value: date | None) -> str:
    """The italic line under an official heading: '<place>, ngày dd tháng m năm yyyy',
    its date left blank on a draft not yet issued (None)."""
    return f"{place}, {date_words(value) if value else 'ngày … tháng … năm …'}"
