"""`manage.py due_date`, the calculator page and a revision's appointment answer rule
R3 the same way."""

import subprocess
import sys
from datetime import datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from procedures.models import ProcedureRevision
from qms.forms import DueDateForm
from qms.models import CalendarDay, Organisation
from qms.roles import Role
from qms.working_days import LOCAL_TZ, LimitUnit


def due_date(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--received", "2023-01-19 09:30", "--days", "3"], "2023-01-31\n"),
        (["--received", "19/01/2023 09:30", "--days", "3"], "2023-01-31\n"),
        (["--received", "2023-01-19 15:30", "--days", "3", "--cutoff", "15:00"], "2023-02-01\n"),
        (["--received", "2023-01-19 16:00", "--same-day", "--cutoff", "15:00"], "2023-01-27\n"),
        (["--received", "2023-01-19 09:30", "--hours", "8"], "2023-01-27 10:00\n"),
        (["--received", "2026-01-09 10:00", "--days", "1"], "2026-01-10\n"),
        (["--received", "2025-12-31 16:30", "--days", "1", "--cutoff", "16:00"], "2026-01-06\n"),
    ],
)
def test_prints_the_appointment_only(args, expected):
    assert due_date(*args) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "hôm qua", "--days", "3"], "--received: Nhập một ngày/thời gian hợp lệ"),
        (["--received", "2023-01-19 09:30", "--days", "0"], "--days:"),
        (["--received", "2023-01-19 09:30", "--days", "ba"], "--days: Nhập một số nguyên"),
        (["--received", "2023-01-19 09:30", "--hours", "-2"], "--hours:"),
        (["--received", "2023-01-19 09:30", "--days", "3", "--cutoff", "25:00"], "--cutoff:"),
        (["--received", "2035-01-19 09:30", "--days", "3"], "chưa có ngày nghỉ của năm"),
    ],
)
def test_bad_arguments_are_named(args, message):
    with pytest.raises(CommandError, match=message):
        due_date(*args)


def test_bad_argument_exits_non_zero_with_a_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "due_date", "--received", "x", "--days", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--received: Nhập một ngày/thời gian hợp lệ" in result.stderr
    assert result.stdout == ""


def test_calculator_page(personas, client_for):
    client = client_for(personas[Role.OFFICER])
    url = reverse("qms:due_date")
    query = {"received_at": "19/01/2023 09:30", "limit": "days", "amount": "3"}
    page = client.get(url, query).content.decode()
    assert "31/01/2023" in page and "<nav" in page
    partial = client.get(url, query, headers={"HX-Request": "true"}).content.decode()
    assert "31/01/2023" in partial and "<nav" not in partial
    errors = client.get(url, {"received_at": "", "limit": "days"}).content.decode()
    assert "Thời điểm tiếp nhận: Trường này là bắt buộc." in errors
    assert "Thời hạn giải quyết: Nhập thời hạn giải quyết." in errors


@pytest.mark.django_db
@pytest.mark.parametrize("received", ["19/01/2023 09:30", "19/01/2023 15:30", "21/01/2023 10:00"])
@pytest.mark.parametrize(
    ("unit", "amount", "cutoff"),
    [
        (LimitUnit.WORKING_DAYS, 3, None),
        (LimitUnit.WORKING_DAYS, 3, time(15)),
        (LimitUnit.WORKING_HOURS, 8, None),
        (LimitUnit.WORKING_HOURS, 8, time(15)),
        (LimitUnit.SAME_DAY, None, time(15)),
    ],
)
def test_the_calculator_and_a_revision_give_the_same_appointment(received, unit, amount, cutoff):
    form = DueDateForm(
        {
            "received_at": received,
            "limit": unit,
            "amount": amount or "",
            "cutoff": cutoff.isoformat() if cutoff else "",
        }
    )
    assert form.is_valid(), form.errors
    due = form.cleaned_data["due"]
    revision = ProcedureRevision(limit_unit=unit, limit_amount=amount, cutoff=cutoff)
    office_hours = Organisation.current_office_hours()
    due_at = revision.appointment(
        CalendarDay.objects.calendar(), form.cleaned_data["received_at"], office_hours
    ).due_at
    if unit != LimitUnit.WORKING_HOURS:  # a day limit ends when the office closes
        due = datetime.combine(due, office_hours.periods[-1][1], tzinfo=LOCAL_TZ)
    assert due_at == due
