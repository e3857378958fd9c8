"""An auditor types on while the checklist saves the field just left: the save's answer
lands mid-typing and not a character is lost (issue 18)."""

import re

from playwright.sync_api import Page, Route, expect

from audits.models import ChecklistItem
from tests.e2e.conftest import log_in
from tests.e2e.test_audit_journey import started_audit
from tests.factories import PASSWORD


def test_typing_on_while_the_left_field_is_saved(page: Page, live_server, make_persona):
    lead, dossier, audit = started_audit(make_persona, "ĐGNB-2026-02")

    # The save of the field left is held until the next field is being typed into.
    held: list[Route] = []
    holding = {"on": False}

    def hold(route: Route) -> None:
        if holding["on"] and route.request.method == "POST":
            holding["on"] = False
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/danh-gia/muc/\d+/$"), hold)
    log_in(page, live_server, lead, PASSWORD)
    page.goto(f"{live_server.url}/danh-gia/{audit.pk}/kiem-tra/")
    item = page.locator("section[id^=item-]").nth(0)

    # The result first, as the form reads from the top: nothing to shout about yet.
    with page.expect_response(re.compile(r"/danh-gia/muc/\d+/$")):
        item.get_by_label("Phù hợp", exact=True).check()
    expect(item.locator("form")).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(item).not_to_contain_text("Hãy ghi bằng chứng")

    item.get_by_label("Bằng chứng").click()
    page.keyboard.type("Đã xem sổ theo dõi hồ sơ")
    holding["on"] = True
    page.keyboard.press("Tab")  # to the dossiers sampled: the evidence is saved
    for _ in range(500):
        if held:
            break
        page.wait_for_timeout(10)
    assert held, "leaving the evidence sent no save"
    expect(item.get_by_label("Hồ sơ lấy mẫu")).to_be_focused()
    half = len(dossier.code) // 2
    page.keyboard.type(dossier.code[:half])
    held[0].continue_()  # its answer comes back while the rest is typed
    page.keyboard.type(dossier.code[half:])
    page.keyboard.press("Tab")

    # the dossier's badge comes with the last save's answer
    expect(item).to_contain_text(f"{dossier.code}:")
    expect(item.get_by_role("status")).to_have_text("Đã lưu")
    expect(item.get_by_label("Hồ sơ lấy mẫu")).to_have_value(dossier.code)
    expect(item.get_by_label("Bằng chứng")).to_have_value("Đã xem sổ theo dõi hồ sơ")
    saved = ChecklistItem.objects.get(audit=audit, order=item_order(item))
    assert (saved.result, saved.evidence) == ("conforming", "Đã xem sổ theo dõi hồ sơ")
    assert [d.code for d in saved.dossiers.all()] == [dossier.code]


def item_order(item) -> int:
    return int(item.get_attribute("data-testid").rsplit("-", 1)[1])
