"""`manage.py due_date` and the calculator page answer rule R3 the same way."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from qms.roles import Role


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
