"""The working-day engine against the official calendar and a day-by-day reference."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qms.models import CalendarDay
from qms.working_days import (
    DEFAULT_OFFICE_HOURS,
    LOCAL_TZ,
    CalendarRangeError,
    LimitUnit,
    OfficeHours,
    WorkingCalendar,
)


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)


@pytest.fixture
def seeded(db) -> WorkingCalendar:
    return CalendarDay.objects.calendar()


# -- the official calendar (domain-vn.md section 7) ------------------------------


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # R3's own example: Tết Quý Mão 20-26/01/2023 is skipped.
        ("2023-01-19 09:30", 3, "2023-01-31"),
        # Days off in lieu: Giỗ Tổ and 30/4 fell on a weekend in 2023 (off 2-3/5).
        ("2023-04-28 08:00", 1, "2023-05-04"),
        # National Day 2023: Fri 1/9 and Mon 4/9 (in lieu of Sat 2/9).
        ("2023-08-31 10:00", 1, "2023-09-05"),
        # Year end: Mon 1/1/2024 is New Year's Day.
        ("2023-12-29 10:00", 1, "2024-01-02"),
        # Tết Giáp Thìn 8-14/02/2024.
        ("2024-02-07 10:00", 2, "2024-02-16"),
        # Swapped day: Mon 29/4/2024 off, Sat 4/5/2024 worked (CV 2450/VPCP-KGVX).
        ("2024-04-26 09:00", 1, "2024-05-02"),
        ("2024-04-26 09:00", 3, "2024-05-04"),
        # 2025: Fri 2/5 off, Sat 26/4 worked.
        ("2025-04-25 09:00", 1, "2025-04-26"),
        ("2025-04-29 09:00", 1, "2025-05-05"),
        # Tết Ất Tỵ: official days off Mon 27/1 - Fri 31/1/2025.
        ("2025-01-24 09:00", 1, "2025-02-03"),
        # Year end into 2026: Thu 1/1 holiday and Fri 2/1 off (CV 12729/VPCP-KGVX),
        # Sat 10/1/2026 a make-up working day.
        ("2025-12-31 09:00", 1, "2026-01-05"),
        ("2026-01-08 09:00", 2, "2026-01-10"),
        # Tết Bính Ngọ 16-20/02/2026.
        ("2026-02-13 09:00", 1, "2026-02-23"),
        # Giỗ Tổ Sun 26/4/2026, off in lieu Mon 27/4; 30/4-1/5 Thu-Fri.
        ("2026-04-24 09:00", 1, "2026-04-28"),
        ("2026-04-29 09:00", 1, "2026-05-04"),
        # National Day 2026: Mon 31/8 swapped with Sat 22/8, holidays 1-2/9.
        ("2026-08-21 09:00", 1, "2026-08-22"),
        ("2026-08-28 09:00", 1, "2026-09-03"),
    ],
)
def test_due_dates_follow_the_official_calendar(seeded, received, days, expected):
    assert seeded.due_date(local(received), days).isoformat() == expected


def test_the_library_gap_of_2026_is_corrected(seeded):
    # domain-vn.md 7.2: the library alone gives 5/1, the official calendar 6/1.
    assert seeded.add_working_days(date(2026, 1, 1), 2) == date(2026, 1, 6)
    assert not seeded.is_working_day(date(2026, 1, 2))
    assert seeded.is_working_day(date(2026, 1, 10))


@pytest.mark.parametrize(
    ("received", "cutoff", "days", "expected"),
    [
        ("2023-01-19 14:59", "15:00", 3, "2023-01-31"),
        ("2023-01-19 15:00", "15:00", 3, "2023-02-01"),  # counts from Fri 20/1 → after Tết
        ("2023-03-03 16:00", "15:00", 1, "2023-03-07"),  # Friday after cut-off → Monday
        ("2023-03-03 16:00", None, 1, "2023-03-06"),
        # Received on Saturday: counts from the start of Monday, cut-off or not.
        ("2023-03-04 16:00", "15:00", 1, "2023-03-07"),
        ("2023-03-04 08:00", None, 1, "2023-03-07"),
        # Received on a holiday (Tết): counts from Fri 27/1/2023.
        ("2023-01-23 09:00", None, 1, "2023-01-30"),
    ],
)
def test_cutoff_and_receipt_on_non_working_days(seeded, received, cutoff, days, expected):
    cutoff_time = time.fromisoformat(cutoff) if cutoff else None
    assert seeded.due_date(local(received), days, cutoff_time).isoformat() == expected


@pytest.mark.parametrize(
    ("received", "cutoff", "expected"),
    [
        ("2023-03-02 10:00", "15:00", "2023-03-02"),
        ("2023-03-02 15:00", "15:00", "2023-03-03"),
        ("2023-03-03 15:30", "15:00", "2023-03-06"),
        ("2023-03-04 09:00", "15:00", "2023-03-06"),
        ("2023-01-19 16:00", "15:00", "2023-01-27"),
    ],
)
def test_same_day_procedures(seeded, received, cutoff, expected):
    assert seeded.due_date(local(received), 0, time.fromisoformat(cutoff)).isoformat() == expected


@pytest.mark.parametrize(
    ("received", "hours", "cutoff", "expected"),
    [
        ("2023-03-02 08:00", 2, None, "2023-03-02 10:00"),
        ("2023-03-02 10:30", 2, None, "2023-03-02 14:30"),  # across the lunch break
        ("2023-03-02 10:30", 1, None, "2023-03-02 11:30"),  # ends exactly at noon closing
        ("2023-03-02 06:00", 1, None, "2023-03-02 08:30"),  # before opening
        ("2023-03-02 12:00", 1, None, "2023-03-02 14:30"),  # during the break
        ("2023-03-02 18:00", 1, None, "2023-03-03 08:30"),  # after closing
        ("2023-03-02 09:00", 8, None, "2023-03-03 09:30"),
        ("2023-03-02 09:00", 16, None, "2023-03-06 10:00"),  # over a weekend
        ("2023-01-19 09:30", 8, None, "2023-01-27 10:00"),  # over Tết
        ("2023-03-02 15:10", 1, "15:00", "2023-03-03 08:30"),
        ("2023-03-04 09:00", 1, None, "2023-03-06 08:30"),  # Saturday
        ("2023-03-02 07:30", 15, None, "2023-03-03 17:00"),  # exactly two whole days
    ],
)
def test_working_hours(seeded, received, hours, cutoff, expected):
    cutoff_time = time.fromisoformat(cutoff) if cutoff else None
    due = seeded.due_datetime_in_hours(local(received), hours, DEFAULT_OFFICE_HOURS, cutoff_time)
    assert due.strftime("%Y-%m-%d %H:%M") == expected
    assert due.tzinfo == LOCAL_TZ


@pytest.mark.parametrize(
    ("unit", "amount", "cutoff", "expected"),
    [
        (LimitUnit.WORKING_DAYS, 3, None, date(2023, 1, 31)),
        (LimitUnit.WORKING_DAYS, 3, time(9), date(2023, 2, 1)),
        (LimitUnit.SAME_DAY, None, None, date(2023, 1, 19)),
        (LimitUnit.SAME_DAY, None, time(9), date(2023, 1, 27)),
        (LimitUnit.WORKING_HOURS, 8, None, local("2023-01-27 10:00")),
        (LimitUnit.WORKING_HOURS, 1, time(9), local("2023-01-27 08:30")),
    ],
)
def test_one_function_branches_on_the_unit_of_the_limit(seeded, unit, amount, cutoff, expected):
    """Rule R3's choice between days, hours and the same day, which the calculator
    and every revision's appointment take from here."""
    due = seeded.due(local("2023-01-19 09:30"), unit, amount, cutoff, DEFAULT_OFFICE_HOURS)
    assert due == expected and type(due) is type(expected)


def test_counting_working_days_between_dates(seeded):
    assert seeded.working_days_between(date(2023, 1, 19), date(2023, 1, 31)) == 3
    assert seeded.working_days_between(date(2023, 1, 31), date(2023, 1, 19)) == -3
    # 2024: 262 weekdays, 12 of them days off, plus the make-up Saturday 4/5.
    assert seeded.working_days_between(date(2024, 1, 1), date(2024, 12, 31)) == 251


def test_dates_outside_the_calendar_are_refused_with_a_clear_message(seeded):
    with pytest.raises(CalendarRangeError, match="31/12/2030"):
        seeded.due_date(local("2030-12-30 09:00"), 5)
    with pytest.raises(CalendarRangeError, match="15/06/2019"):
        seeded.is_working_day(date(2019, 6, 15))


def test_bad_limits_are_refused(seeded):
    with pytest.raises(ValueError):
        seeded.due_date(local("2023-03-02 09:00"), -1)
    with pytest.raises(ValueError):
        seeded.due_datetime_in_hours(local("2023-03-02 09:00"), 0)
    with pytest.raises(ValueError):
        OfficeHours(((time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))))


# -- properties against a day-by-day reference -----------------------------------

FIRST, LAST = date(2024, 1, 1), date(2025, 12, 31)


class Reference:
    """Rules R2 and R3 the slow, obvious way: one day at a time."""

    def __init__(self, days_off: set[date], working_weekend_days: set[date]) -> None:
        self.days_off = days_off
        self.working_weekend_days = working_weekend_days

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def add_working_days(self, day: date, count: int) -> date:
        while count:
            day += timedelta(days=1)
            count -= self.is_working_day(day)
        return day

    def due_date(self, received_at: datetime, days: int, cutoff: time | None) -> date:
        day = received_at.date()
        late = cutoff is not None and received_at.time() >= cutoff
        if self.is_working_day(day) and late:
            day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return self.add_working_days(day, days) if days else day

    def due_in_hours(self, received_at: datetime, hours: int, office: OfficeHours) -> datetime:
        moment = received_at
        remaining = hours * 60
        while True:
            day = moment.date()
            if self.is_working_day(day):
                for start, end in office.periods:
                    begin = max(datetime.combine(day, start, LOCAL_TZ), moment)
                    finish = datetime.combine(day, end, LOCAL_TZ)
                    available = int((finish - begin).total_seconds() // 60)
                    if available <= 0:
                        continue
                    if remaining <= available:
                        return begin + timedelta(minutes=remaining)
                    remaining -= available
            moment = datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ)


dates = st.dates(min_value=FIRST, max_value=LAST)
calendars = st.tuples(
    st.sets(dates, max_size=60),
    st.sets(dates.filter(lambda day: day.weekday() >= 5), max_size=10),
)
moments = st.builds(
    lambda day, minute: datetime.combine(day, time(minute // 60, minute % 60), LOCAL_TZ),
    st.dates(min_value=FIRST, max_value=date(2025, 9, 30)),
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
cutoffs = st.one_of(st.none(), st.builds(time, st.integers(10, 17), st.sampled_from([0, 30])))


@given(calendars, dates, dates, st.integers(min_value=1, max_value=40))
def test_engine_matches_reference(calendar_days, start, end, count):
    days_off, weekend_days = calendar_days
    engine = WorkingCalendar(FIRST, LAST, days_off, weekend_days)
    reference = Reference(days_off, weekend_days)
    assert engine.is_working_day(start) == reference.is_working_day(start)
    expected_next = start
    while not reference.is_working_day(expected_next):
        expected_next += timedelta(days=1)
    assert engine.next_working_day(start) == expected_next
    if start < date(2025, 9, 30):
        assert engine.add_working_days(start, count) == reference.add_working_days(start, count)
    low, high = sorted((start, end))
    expected = sum(
        reference.is_working_day(low + timedelta(days=i)) for i in range(1, (high - low).days + 1)
    )
    assert engine.working_days_between(low, high) == expected
    assert engine.working_days_between(high, low) == -expected


@given(calendars, moments, st.integers(min_value=0, max_value=30), cutoffs)
def test_due_date_matches_reference(calendar_days, received_at, days, cutoff):
    engine = WorkingCalendar(FIRST, LAST, *calendar_days)
    reference = Reference(*calendar_days)
    assert engine.due_date(received_at, days, cutoff) == reference.due_date(
        received_at, days, cutoff
    )


@given(calendars, moments, st.integers(min_value=1, max_value=40))
def test_hours_match_reference(calendar_days, received_at, hours):
    engine = WorkingCalendar(FIRST, LAST, *calendar_days)
    reference = Reference(*calendar_days)
    assert engine.due_datetime_in_hours(
        received_at, hours, DEFAULT_OFFICE_HOURS
    ) == reference.due_in_hours(received_at, hours, DEFAULT_OFFICE_HOURS)


@pytest.mark.django_db
@settings(max_examples=50)
@given(moments, st.integers(min_value=0, max_value=20), cutoffs)
def test_seeded_calendar_matches_reference(received_at, days, cutoff):
    rows = CalendarDay.objects.values_list("date", "kind")
    reference = Reference(
        {day for day, kind in rows if kind == CalendarDay.Kind.DAY_OFF},
        {day for day, kind in rows if kind == CalendarDay.Kind.WORKING_DAY},
    )
    engine = CalendarDay.objects.calendar()
    assert engine.due_date(received_at, days, cutoff) == reference.due_date(
        received_at, days, cutoff
    )
