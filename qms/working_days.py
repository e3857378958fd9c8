"""The working-day engine: rules R2 and R3 of domain-vn.md.

A `WorkingCalendar` is built once from the calendar records (see
`CalendarDay.objects.calendar()`) and answers every question with array
look-ups: a flag per day, and a prefix count of working days, so that "the N-th
working day after D" is one index operation whatever N is.

The engine itself knows nothing of the database, so it is cheap to test and to
benchmark. `LimitUnit` is a Django enum only so that models and forms can use it as
their choices; it reads nothing.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.dates import LOCAL_TZ, short_date


class LimitUnit(TextChoices):
    """What a procedure's time limit counts (rule R3); the values are stored."""

    WORKING_DAYS = "days", gettext_lazy("working days")
    WORKING_HOURS = "hours", gettext_lazy("working hours")
    SAME_DAY = "same_day", gettext_lazy("same day")


class CalendarRangeError(ValueError):
    """A date falls outside the years the calendar has records for."""


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class OfficeHours:
    """Office periods of a working day, in order, e.g. 07:30-11:30 and 13:30-17:00."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError(_("Office hours need at least one period."))
        previous_end = -1
        for start, end in self.periods:
            if not previous_end <= _minutes(start) < _minutes(end):
                raise ValueError(_("Office hours must be increasing, non-overlapping periods."))
            previous_end = _minutes(end)

    @property
    def minutes_per_day(self) -> int:
        return sum(_minutes(end) - _minutes(start) for start, end in self.periods)

    @property
    def opening(self) -> int:
        return _minutes(self.periods[0][0])

    @property
    def closing(self) -> int:
        return _minutes(self.periods[-1][1])

    def minutes_left(self, minute: int) -> int:
        """Office minutes from `minute` to the end of the day."""
        return sum(
            max(0, _minutes(end) - max(_minutes(start), minute)) for start, end in self.periods
        )

    def advance(self, minute: int, amount: int) -> int:
        """The minute of the day at which `amount` office minutes after `minute` are used up.

        The caller guarantees that the day has `amount` minutes left.
        """
        for start, end in self.periods:
            begin = max(_minutes(start), minute)
            available = _minutes(end) - begin
            if available <= 0:
                continue
            if amount <= available:
                return begin + amount
            amount -= available
        raise ValueError("not enough office minutes left in the day")


DEFAULT_OFFICE_HOURS = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))))


class WorkingCalendar:
    """Working days between `first` and `last` inclusive.

    A day is a working day when it is Monday to Friday and not in `days_off`, or
    when it is in `working_weekend_days` (the make-up Saturdays, ngày làm bù).
    """

    def __init__(
        self,
        first: date,
        last: date,
        days_off: Iterable[date] = (),
        working_weekend_days: Iterable[date] = (),
        missing_years: Iterable[int] = (),
    ) -> None:
        if last < first:
            raise ValueError("empty calendar")
        self.first = first
        self.last = last
        # Years inside the range that nobody has entered: refused, never guessed.
        self.missing_years = frozenset(missing_years)
        self._base = first.toordinal()
        size = last.toordinal() - self._base + 1
        flags = bytearray(size)
        for offset in range(size):
            flags[offset] = (first + timedelta(days=offset)).weekday() < 5
        for day in days_off:
            if first <= day <= last:
                flags[day.toordinal() - self._base] = 0
        for day in working_weekend_days:
            if first <= day <= last:
                flags[day.toordinal() - self._base] = 1
        self._flags = bytes(flags)
        # _before[i]: how many working days lie at offsets < i.
        before = array("i", [0]) * (size + 1)
        # _working[k]: offset of the k-th working day (0-based).
        working = array("i")
        for offset, flag in enumerate(self._flags):
            before[offset + 1] = before[offset] + flag
            if flag:
                working.append(offset)
        self._before = before
        self._working = working

    # -- look-ups ---------------------------------------------------------

    def _offset(self, day: date) -> int:
        offset = day.toordinal() - self._base
        if not 0 <= offset < len(self._flags) or day.year in self.missing_years:
            raise self._out_of_range(day)
        return offset

    def _out_of_range(self, day: date) -> CalendarRangeError:
        return CalendarRangeError(
            _(
                "The working-day calendar has no days off for the year of %(day)s (it "
                "covers %(first)s to %(last)s). Add that year's days off to the calendar first."
            )
            % {
                "first": short_date(self.first),
                "last": short_date(self.last),
                "day": short_date(day),
            }
        )

    def _working_day(self, index: int, start: date) -> date:
        """The working day at `index`, reached by counting from `start`."""
        if index >= len(self._working):
            raise CalendarRangeError(
                _(
                    "The working-day calendar ends on %(last)s; counting from %(day)s goes "
                    "past it. Add the next year's days off to the calendar first."
                )
                % {"last": short_date(self.last), "day": short_date(start)}
            )
        found = date.fromordinal(self._base + self._working[index])
        if self.missing_years:
            skipped = self.missing_years & set(range(start.year, found.year + 1))
            if skipped:
                raise self._out_of_range(date(min(skipped), 1, 1))
        return found

    def is_working_day(self, day: date) -> bool:
        return bool(self._flags[self._offset(day)])

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the first working day after it."""
        return self._working_day(self._before[self._offset(day)], day)

    def previous_working_day(self, day: date) -> date:
        """The last working day before `day`."""
        index = self._before[self._offset(day)] - 1
        if index < 0:
            raise self._out_of_range(day)
        return date.fromordinal(self._base + self._working[index])

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (count >= 1); `day` itself is not counted."""
        if count < 1:
            raise ValueError(_("The number of working days must be at least 1."))
        return self._working_day(self._before[self._offset(day) + 1] + count - 1, day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        return self._before[self._offset(end) + 1] - self._before[self._offset(start) + 1]

    # -- rule R3 ----------------------------------------------------------

    def receipt_day(self, received_at: datetime, cutoff: time | None = None) -> date:
        """The working day a dossier counts as received on.

        A dossier received on a non-working day counts from the start of the next
        working day (so a cut-off cannot push it further); one received at or
        after the procedure's cut-off counts from the next working day.
        """
        local = received_at.astimezone(LOCAL_TZ)
        day = local.date()
        if not self.is_working_day(day):
            return self.next_working_day(day)
        if cutoff is not None and local.time() >= cutoff:
            return self.add_working_days(day, 1)
        return day

    def due_date(
        self,
        received_at: datetime,
        days: int,
        cutoff: time | None = None,
        *,
        received_on: date | None = None,
    ) -> date:
        """Appointment date for a limit of `days` working days; 0 means "same day".
        `received_on`, where the caller has it already, is `receipt_day(received_at,
        cutoff)`."""
        if days < 0:
            raise ValueError(_("The time limit cannot be negative."))
        received = received_on or self.receipt_day(received_at, cutoff)
        return received if days == 0 else self.add_working_days(received, days)

    def due(
        self,
        received_at: datetime,
        unit: str,
        amount: int | None,
        cutoff: time | None = None,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        *,
        received_on: date | None = None,
    ) -> date | datetime:
        """Rule R3 for a limit of `amount` `unit`s (a `LimitUnit`): the appointment
        date for working days and for "same day" (which has no amount), the
        appointment moment for working hours. `received_on` as for `due_date`."""
        if unit == LimitUnit.WORKING_HOURS:
            return self.due_datetime_in_hours(received_at, amount, office_hours, cutoff)
        days = amount if unit == LimitUnit.WORKING_DAYS else 0
        return self.due_date(received_at, days, cutoff, received_on=received_on)

    def due_datetime_in_hours(
        self,
        received_at: datetime,
        hours: int,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        cutoff: time | None = None,
    ) -> datetime:
        """Appointment moment for a limit of `hours` working hours within office hours."""
        if hours < 1:
            raise ValueError(_("The number of working hours must be at least 1."))
        local = received_at.astimezone(LOCAL_TZ)
        if self.is_working_day(local.date()) and cutoff is not None and local.time() >= cutoff:
            next_day = self.add_working_days(local.date(), 1)
            local = datetime.combine(next_day, time(0), tzinfo=LOCAL_TZ)
        return self.add_working_time(local, hours * 60, office_hours)

    def add_working_time(
        self, start: datetime, minutes: int, office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    ) -> datetime:
        """The moment when `minutes` of office time after `start` have passed.

        Time before opening, in the lunch break, after closing and on non-working
        days does not count. Whole days are jumped with the index, not walked.
        """
        local = start.astimezone(LOCAL_TZ)
        day, minute = local.date(), local.hour * 60 + local.minute
        if not self.is_working_day(day):
            day, minute = self.next_working_day(day), 0
        remaining = minutes
        left_today = office_hours.minutes_left(minute)
        if remaining > left_today:
            remaining -= left_today
            per_day = office_hours.minutes_per_day
            whole_days = math.ceil(remaining / per_day)
            day = self.add_working_days(day, whole_days)
            remaining -= (whole_days - 1) * per_day
            minute = 0
        end = office_hours.advance(minute, remaining) if remaining else minute
        return datetime.combine(day, time(end // 60, end % 60), tzinfo=LOCAL_TZ)
