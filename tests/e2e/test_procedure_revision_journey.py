"""The ISO secretary drafts a new revision; the chairman approves it with the password;
the old revision shows as superseded."""

from django.utils.formats import date_format
from django.utils.timezone import localdate
from playwright.sync_api import Page, expect

from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD, ProcedureFactory, issue_revision


def test_draft_approve_supersede(page: Page, live_server, make_persona):
    secretary = make_persona(Role.ISO_SECRETARY)
    chairman = make_persona(Role.CHAIRMAN)
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(procedure, secretary=secretary, approver=chairman)

    log_in(page, live_server, secretary, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Quy trình").click()
    page.get_by_role("link", name="QT-TP-05").click()
    page.get_by_role("button", name="Soạn lần ban hành mới").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("lần ban hành 2")
    page.get_by_label("Tóm tắt nội dung sửa đổi").fill("Rút gọn thành phần hồ sơ")
    page.get_by_label("Lý do thay đổi").fill("Theo Nghị định mới")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.get_by_test_id("revision-status")).to_have_text("Đã trình phê duyệt")
    log_out(page)

    log_in(page, live_server, chairman, PASSWORD)
    page.goto(f"{live_server.url}/quy-trinh/QT-TP-05/")
    page.get_by_role("link", name="2", exact=True).click()
    today = date_format(localdate(), "d/m/Y")
    page.get_by_label("Số quyết định ban hành").fill("15/QĐ-UBND")
    page.get_by_label("Ngày quyết định ban hành").fill(today)
    page.get_by_label("Ngày hiệu lực").fill(today)
    page.get_by_label("Mật khẩu của bạn").fill("sai-mat-khau")
    page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(page.get_by_text("Mật khẩu không đúng.")).to_be_visible()
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(page.get_by_test_id("revision-status")).to_have_text("Đang hiệu lực")
    expect(page.get_by_test_id("approval")).to_contain_text(chairman.full_name)

    page.get_by_role("link", name="QT-TP-05").click()
    expect(page.get_by_test_id("revision-status-1")).to_have_text("Hết hiệu lực")
    expect(page.get_by_test_id("revision-status-2")).to_have_text("Đang hiệu lực")
