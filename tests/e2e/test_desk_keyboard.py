"""The one-stop officer at the desk, by keyboard alone: from the home page to the
printed receipt (form 01), counting the keys pressed besides the text typed, and the
application's own time on that path (printed, not asserted: speed is reported)."""

import threading
import time

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import Page, expect

from procedures.models import Dossier
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, ProcedureFactory, UnitFactory, issue_revision

KEYS_AT_MOST = 25
COMPONENTS = [
    {"name": "Tờ khai đăng ký khai sinh", "copy_type": "original", "quantity": 1},
    {"name": "Giấy chứng sinh", "copy_type": "original", "quantity": 1},
]


@pytest.fixture
def officer(make_persona):
    """An officer, and two birth procedures in force: "Đăng ký khai sinh" is also part
    of the other's name."""
    UnitFactory(code="TP-HT")
    secretary, chairman = make_persona(Role.ISO_SECRETARY), make_persona(Role.CHAIRMAN)
    for code, name in [
        ("QT-TP-01", "Đăng ký khai sinh"),
        ("QT-TP-02", "Đăng ký khai sinh có yếu tố nước ngoài"),
    ]:
        issue_revision(
            ProcedureFactory(code=code, name=name),
            secretary=secretary,
            approver=chairman,
            components=COMPONENTS,
        )
    return make_persona(Role.OFFICER)


class ServerClock:
    """The live server's own time per request (the live server runs in this process:
    Django's request signals frame each request's handling), static files aside."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, float]] = []
        self._local = threading.local()

    def _start(self, sender, environ, **kwargs) -> None:
        self._local.path = environ["PATH_INFO"]
        self._local.start = time.perf_counter()

    def _finish(self, sender, **kwargs) -> None:
        path = getattr(self._local, "path", "")
        if path and not path.startswith("/static/"):
            self.requests.append((path, (time.perf_counter() - self._local.start) * 1000))
        self._local.path = ""

    def __enter__(self):
        request_started.connect(self._start)
        request_finished.connect(self._finish)
        return self

    def __exit__(self, *exc) -> None:
        request_started.disconnect(self._start)
        request_finished.disconnect(self._finish)


def test_from_the_home_page_to_the_printed_receipt_by_keyboard(page: Page, live_server, officer):
    log_in(page, live_server, officer, PASSWORD)
    expect(page.get_by_test_id("shortcut")).to_contain_text("Alt+N")
    keys: list[str] = []

    def press(key: str) -> None:
        keys.append(key)
        page.keyboard.press(key)

    with ServerClock() as clock:
        press("Alt+n")  # the shortcut of "Tiếp nhận"
        page.wait_for_url("**/ho-so/tiep-nhan/")
        # the procedure field has the focus; typed without marks, it lists both
        page.keyboard.type("dang ky khai sinh")
        first = page.get_by_role("option", name="QT-TP-01 – Đăng ký khai sinh")
        expect(first).to_have_attribute("aria-selected", "true")
        press("Enter")  # picks the highlighted match, sends nothing
        expect(page.get_by_label("Thủ tục")).to_have_value("QT-TP-01 – Đăng ký khai sinh")
        expect(page.get_by_label("Thành phần hồ sơ nộp")).to_have_value(
            "Tờ khai đăng ký khai sinh; bản chính; 1\nGiấy chứng sinh; bản chính; 1"
        )
        press("Tab")
        page.keyboard.type("Phan Thị Hạnh")
        press("Tab")
        page.keyboard.type("031095001234")
        # on through the remaining fields: the Tab order ends on "save"
        save = page.get_by_role("button", name="Lưu và cấp mã hồ sơ")
        for _ in range(KEYS_AT_MOST):
            press("Tab")
            if save.evaluate("button => button === document.activeElement"):
                break
        press("Enter")
        expect(page.get_by_test_id("dossier-code")).to_be_visible()
        receipt = page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)")
        expect(receipt).to_be_focused()
        with page.expect_popup() as popup:
            press("Enter")
        url = popup.value.url
        deadline = time.monotonic() + 30
        while not any(path.endswith("/in/receipt/") for path, _ in clock.requests):
            assert time.monotonic() < deadline, clock.requests
            page.wait_for_timeout(50)

    dossier = Dossier.objects.get()
    assert dossier.procedure.code == "QT-TP-01" and dossier.applicant_name == "Phan Thị Hạnh"
    assert url.endswith(f"/ho-so/{dossier.code}/in/receipt/")
    assert page.request.get(url).headers["content-type"] == "application/pdf"
    total = sum(ms for _, ms in clock.requests)
    lookups = sum(ms for path, ms in clock.requests if path.endswith("/thu-tuc/"))
    print(f"\nkeys pressed besides the typed text: {len(keys)} ({' '.join(keys)})")
    for path, ms in clock.requests:
        print(f"  {ms:8.1f} ms  {path}")
    print(
        f"application time on the path: {total:.1f} ms over {len(clock.requests)} requests "
        f"(of which the procedure list: {lookups:.1f} ms)"
    )
    assert len(keys) <= KEYS_AT_MOST


def test_the_procedure_list_by_keyboard_and_the_skip_link(page: Page, live_server, officer):
    log_in(page, live_server, officer, PASSWORD)
    # the skip link is the first Tab stop and leads past the menu (the home page's
    # scripts have run: a key pressed earlier lands nowhere)
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua menu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    page.goto(f"{live_server.url}/ho-so/tiep-nhan/")
    field = page.get_by_label("Thủ tục")
    expect(field).to_be_focused()
    page.keyboard.type("KHAI SINH")
    listbox = page.get_by_role("listbox")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(field).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", "procedure-match-1")
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")  # round to the last
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_have_value("KHAI SINH")
    page.keyboard.press("ArrowDown")  # opens the list again
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài")
    expect(listbox).to_be_hidden()
    # Enter in the field never sends the form, even typed fast before the list comes
    field.fill("")
    page.keyboard.type("nuoc ngoai")
    page.keyboard.press("Enter")
    expect(field).to_have_value("QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài")
    expect(page).to_have_url(f"{live_server.url}/ho-so/tiep-nhan/")
    assert not Dossier.objects.exists()
