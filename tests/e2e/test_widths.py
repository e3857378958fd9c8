"""What must not be cut off, at a phone's width and at a common laptop's (1366 px):
the user menu opens inside the window, and the revision editor shows each step's name
whole."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from procedures import services as procedure_services
from procedures.models import RevisionStep
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, ProcedureFactory, issue_revision

LONG_STEP = "Tiếp nhận, kiểm tra thành phần hồ sơ, chuyển công chức chuyên môn xử lý"


@pytest.mark.parametrize("width", [400, 1366])
def test_the_user_menu_opens_inside_the_window(page: Page, live_server, make_persona, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, make_persona(Role.ISO_SECRETARY), PASSWORD)
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # the menu has finished opening (Bootstrap's collapse animates): a click on the
        # user button while it slides can land before its dropdown is ready
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.get_by_test_id("current-user").click()
    menu = page.locator(".navbar .dropdown-menu.show")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_in_viewport()


def test_the_revision_editor_shows_step_names_whole_at_1366(page: Page, live_server, make_persona):
    secretary = make_persona(Role.ISO_SECRETARY)
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(procedure, secretary=secretary, approver=make_persona(Role.CHAIRMAN))
    draft = procedure_services.revision_draft(procedure=procedure, user=secretary)
    RevisionStep.objects.filter(revision=draft, order=1).update(name=LONG_STEP)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, secretary, PASSWORD)
    page.goto(live_server.url + reverse("procedures:revision_edit", args=[draft.pk]))
    names = page.get_by_test_id("steps-formset").locator("input[name$='-name']")
    expect(names.first).to_have_value(LONG_STEP)
    for index in range(names.count()):
        cut = names.nth(index).evaluate("input => input.scrollWidth > input.clientWidth")
        assert not cut, names.nth(index).input_value()
