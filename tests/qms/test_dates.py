"""One way to write a day (`qms.dates`): the short form of tables and messages, and
the words of an official document's date line (rule R10)."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from qms.dates import date_line, date_words, moment_words, short_date, short_moment

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "day, words",
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
        (date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
        (date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
    ],
)
def test_the_words_pad_a_day_below_10_and_the_months_1_and_2_only(day, words):
    assert date_words(day) == words


def test_the_date_line_names_the_place():
    assert date_line("An Dương", date(2026, 3, 15)) == "An Dương, ngày 15 tháng 3 năm 2026"


def test_the_short_form_and_a_missing_day():
    assert short_date(date(2026, 3, 5)) == "05/03/2026"
    assert short_date(date(2026, 12, 15)) == "15/12/2026"
    assert short_date(date(202, 3, 5)) == "05/03/0202"  # a mistyped year stays visible
    assert short_date(None) == "—"
    assert short_moment(None) == "—"


def test_a_moment_is_written_in_local_time():
    evening_in_utc = datetime(2026, 3, 4, 18, 30, tzinfo=UTC)  # 01:30 on the 5th in Hanoi
    assert short_date(evening_in_utc) == "05/03/2026"
    assert short_moment(evening_in_utc) == "05/03/2026 01:30"
    assert date_words(evening_in_utc) == "ngày 05 tháng 3 năm 2026"


# A day format written by hand: strftime's "%d/%m/%Y" or Django's "d/m/Y" as the
# whole format. Lists of accepted input formats (`*_FORMATS`) parse, not write.
HAND_WRITTEN = re.compile(r"""[:'"]%d/%m/%Y['"}]|['"]d/m/Y['"]""")


def test_days_are_written_only_by_qms_dates():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("qms", "procedures", "audits", "nonconformities")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and path != ROOT / "qms" / "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_WRITTEN.search(line) and "FORMAT" not in line
    ]
    assert found == []


def test_a_moment_in_words_is_local_time_with_hours_and_minutes():
    # 18:05 UTC is 01:05 the next day in Hanoi
    assert moment_words(datetime(2026, 2, 28, 18, 5, tzinfo=UTC)) == (
        "01 giờ 05 phút, ngày 01 tháng 3 năm 2026"
    )
    assert moment_words(None) == "—"


def test_the_local_zone_is_the_settings_zone(settings):
    """qms.dates names the ward's zone itself (importing it needs no settings): the
    same one Django converts to."""
    from qms.dates import LOCAL_TZ

    assert str(LOCAL_TZ) == settings.TIME_ZONE
