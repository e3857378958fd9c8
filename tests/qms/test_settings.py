"""Settings come from the environment; production mode is safe by default."""

import os
import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
REAL_SECRET = "k" * 20 + "-Zx9#pQ2$wL7!mN4@rT8%vB1^cF6&hJ3*"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_mode_passes_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=REAL_SECRET,
        DJANGO_ALLOWED_HOSTS="motcua.example.vn",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY chưa được đặt" in result.stderr


def test_seed_demo_refuses_production_mode(tmp_path):
    result = manage(
        "seed_demo",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=REAL_SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    assert result.returncode != 0
    assert "chỉ chạy ở chế độ phát triển" in result.stderr


def test_trusted_proxies_are_named_by_address_not_counted():
    show = "from django.conf import settings; print(*settings.TRUSTED_PROXIES)"
    result = manage("shell", "--no-imports", "-c", show, DJANGO_DEBUG="1",
                    DJANGO_TRUSTED_PROXIES="10.0.0.5, 10.1.0.0/16,::1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10.0.0.5/32", "10.1.0.0/16", "::1/128"]
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": REAL_SECRET,
                  "DJANGO_ALLOWED_HOSTS": "motcua.example.vn"}  # fmt: skip
    result = manage("shell", "--no-imports", "-c", show, **production)
    assert result.stdout.split() == ["127.0.0.1/32", "::1/128"]  # a proxy on the same host
    result = manage("check", DJANGO_TRUSTED_PROXIES="1", **production)
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES phải liệt kê địa chỉ IP hoặc mạng CIDR" in result.stderr
    assert "'1' không phải là địa chỉ IP hay mạng" in result.stderr


def test_sqlite_is_set_up_for_several_writers(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "print(connection.transaction_mode)",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_database_url_selects_postgresql():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://qms:secret@db.internal:5433/qms",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "qms",
        "db.internal",
        "5433",
    ]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ moment|date }}", "19/01/2023"),
        ("{{ moment|date:'SHORT_DATE_FORMAT' }}", "19/01/2023"),
        ("{{ moment }}", "19/01/2023 09:30"),
    ],
)
def test_dates_show_as_dd_mm_yyyy_in_local_time(template, expected):
    # 02:30 UTC is 09:30 in Hà Nội time.
    moment = datetime(2023, 1, 19, 2, 30, tzinfo=UTC)
    assert Template(template).render(Context({"moment": moment})) == expected


def test_tests_run_on_the_database_that_DATABASE_URL_names(db):
    from django.db import connection

    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == wanted


def test_a_missing_setting_is_told_in_one_line_without_a_traceback():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("manage.py: DJANGO_SECRET_KEY chưa được đặt")
    assert "\n" not in result.stderr.strip()


def test_each_log_line_is_printed_once(tmp_path):
    result = manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('django.request').warning('dòng-nhật-ký')",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'qms.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("dòng-nhật-ký") == 1


def test_the_sqlite_test_database_lies_beside_the_database_named(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['TEST']['NAME'])",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'qms.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.split()[-1]).parent == tmp_path


def test_zone_rules_come_from_the_pinned_tzdata_package():
    assert zoneinfo.TZPATH == ()
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    assert datetime(2023, 1, 1, tzinfo=hanoi).utcoffset() == timedelta(hours=7)


def test_make_test_says_in_one_line_what_to_install(tmp_path):
    """With neither Chromium nor pdftotext on the PATH, `make test` stops before
    running anything, naming the Debian packages."""
    result = subprocess.run(
        ["/usr/bin/make", "-s", "-C", str(settings.BASE_DIR), "check-deps"],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), "CHROMIUM": "chromium"},
        timeout=60,
    )
    assert result.returncode != 0
    message = result.stderr.splitlines()[0]
    assert "chromium poppler-utils" in message and "make deps" in message
