"""Issue 18: every role starts at its home page and reaches each item waiting for
it through its count: the count links to a list showing exactly that many rows.
Runs on the demo records (`seed_demo`). With SCREENS=1 it also saves each role's
home page under docs/screens/ (1280x800)."""

import os
import re
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from PIL import Image
from playwright.sync_api import Page, expect

from procedures import services
from procedures.models import Procedure
from qms.management.commands.seed_demo import DEMO_PASSWORD
from qms.models import User
from tests.e2e.conftest import log_out

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"

# The demo user of each role, and a key whose count is not zero in the demo.
ROLES = {
    "officer": ("motcua", "queue"),
    "specialist": ("chuyenvien", "queue"),
    "iso_secretary": ("thuky", "procedures_review"),
    "auditor": ("danhgia", "actions_to_verify"),
    "vice_chairman": ("phochutich", "revisions"),
    "chairman": ("chutich", "revisions"),
}

TABLE_ROWS = "main table[data-testid] tbody tr:not(:has(td[colspan]))"


def rows_shown(page: Page) -> int:
    """How many rows the list page shows, whichever list it is."""
    path = re.sub(r"\?.*", "", page.url.split("//", 1)[1].split("/", 1)[1])
    if re.fullmatch(r"danh-gia/\d+/kiem-tra/", path):
        return page.locator("main section.card[id^=item-]").count()
    if path in ("danh-gia/cua-toi/", "quy-trinh/can-doc/"):
        return page.locator("main .list-group-item:has(a)").count()
    if path.startswith("danh-gia/chuong-trinh/"):
        return page.locator("main h1").count()  # the one programme to approve
    return page.locator(TABLE_ROWS).count()


def save_screen(png: bytes, path: Path) -> None:
    """The screenshot in 128 colours: a small file, the text still sharp."""
    image = Image.open(BytesIO(png)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def demo_records():
    """The demo records, and one revision submitted so that the leaders have
    something waiting for them too."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    secretary = User.objects.get(username="thuky")
    procedure = Procedure.objects.controlled().order_by("code").first()
    draft = services.revision_draft(procedure=procedure, user=secretary)
    services.revision_submit(revision=draft, user=secretary)


def test_each_role_reaches_what_waits_for_it_from_its_home_page(
    page: Page, live_server, demo_records
):
    """The six roles one after another, on one demo (building it takes longer than
    a role's whole journey)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    for role, (username, busy) in ROLES.items():
        assert User.objects.get(username=username).has_role(role)
        log_in(page, live_server, username)
        reaches_what_waits(page, live_server, role, busy)
        log_out(page)


def reaches_what_waits(page: Page, live_server, role: str, busy: str) -> None:
    home = f"{live_server.url}/"
    page.goto(home)
    cards = page.locator("[data-testid=waiting] a[data-testid^=waiting-]")
    expect(cards.first).to_be_visible()
    if os.environ.get("SCREENS"):
        save_screen(page.screenshot(), SCREENS / f"home-{role}.png")
    waiting = {
        cards.nth(n).get_attribute("data-testid"): int(
            cards.nth(n).get_by_test_id("waiting-count").inner_text()
        )
        for n in range(cards.count())
    }
    assert waiting[f"waiting-{busy}"] > 0, (role, waiting)
    for key, count in waiting.items():
        page.goto(home)
        page.get_by_test_id(key).click()
        page.wait_for_load_state()
        assert rows_shown(page) == count, (role, key, page.url)
