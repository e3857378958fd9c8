"""Browser journeys: Playwright drives Debian's Chromium against the live server.

Playwright cannot download its own browser here, so it is pointed at the system
one (`apt-get install chromium`); CHROMIUM overrides the path.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (creating personas) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def context(context):
    """Every browser test fails on a Content-Security-Policy violation: the browser
    refuses what the policy forbids and tells only its console, so a journey could
    otherwise pass over a page whose script or style was silently dropped."""
    refused = []

    def read(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else ''}: {message.text}")

    context.on("console", read)
    yield context
    assert not refused, "\n".join(refused)


def pytest_collection_modifyitems(items):
    # Every browser test gets a real, committed database the live server can see;
    # the serialized rollback puts back the groups and calendar the migrations made.
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def log_in(page, live_server, user, password: str) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page) -> None:
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Đăng xuất").click()
