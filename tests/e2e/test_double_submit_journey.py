"""A double click on a create form's button sends it once, and the admin's pages
work under the Content-Security-Policy (the conftest fails on any violation)."""

from playwright.sync_api import Page, expect

from procedures.models import Dossier
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, ProcedureFactory, UnitFactory, UserFactory, issue_revision


def test_a_double_click_on_save_sends_the_receipt_once(page: Page, live_server, make_persona):
    officer = make_persona(Role.OFFICER)
    UnitFactory(code="TP-HT")
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(
        procedure, secretary=make_persona(Role.ISO_SECRETARY), approver=make_persona(Role.CHAIRMAN)
    )
    log_in(page, live_server, officer, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Tiếp nhận").click()
    page.get_by_label("Thủ tục").fill("QT-TP-05 – Cấp Giấy xác nhận tình trạng hôn nhân")
    page.get_by_label("Người nộp").fill("Phan Thị Hạnh")
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))

    page.get_by_role("button", name="Lưu và cấp mã hồ sơ").dblclick()

    expect(page.get_by_test_id("dossier-code")).to_be_visible()
    assert len(sent) == 1, sent
    assert Dossier.objects.count() == 1


def test_the_admin_works_under_the_policy(page: Page, live_server):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    log_in(page, live_server, superuser, PASSWORD)
    page.goto(f"{live_server.url}/quan-tri/")
    expect(page.locator("#site-name")).to_be_visible()
    # a two-list selector, built by the admin's script
    page.goto(f"{live_server.url}/quan-tri/audits/checklisttemplate/add/")
    expect(page.locator(".selector-available")).to_be_visible()
    # date fields get their calendar shortcuts from the admin's script
    page.goto(f"{live_server.url}/quan-tri/qms/managementreview/add/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    page.goto(f"{live_server.url}/quan-tri/qms/user/")
    expect(page.locator("#changelist")).to_be_visible()
