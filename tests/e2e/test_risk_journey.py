"""The ISO secretary records a risk of the desk in the register, adds an action to
treat it, and its owner records the action done."""

from playwright.sync_api import Page, expect

from governance.models import Risk
from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD


def test_the_secretary_records_a_risk_with_an_action(page: Page, live_server, make_persona):
    secretary = make_persona(Role.ISO_SECRETARY)
    officer = make_persona(Role.OFFICER)

    log_in(page, live_server, secretary, PASSWORD)
    nav = page.get_by_test_id("main-nav")
    nav.get_by_role("button", name="Điều hành").click()
    nav.get_by_role("link", name="Rủi ro và cơ hội").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rủi ro và cơ hội")
    page.get_by_role("link", name="Ghi nhận rủi ro hoặc cơ hội").click()
    page.get_by_label("Quá trình").select_option("desk")
    page.get_by_label("Mô tả").fill("Máy quét duy nhất hỏng làm gián đoạn số hóa hồ sơ")
    page.get_by_label("Khả năng xảy ra (1-5)").fill("3")
    page.get_by_label("Mức độ ảnh hưởng (1-5)").fill("4")
    page.get_by_label("Cách xử lý").select_option("reduce")
    page.get_by_label("Người thực hiện").select_option(str(secretary.pk))
    page.get_by_label("Ngày nhận diện").fill("06/02/2026")
    page.get_by_label("Hạn xử lý").fill("30/06/2026")
    page.get_by_label("Ngày xem xét lại").fill("31/12/2027")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("RR-2026-01")
    expect(page.get_by_test_id("risk")).to_contain_text("3 × 4 = 12 (Cao)")
    add = page.locator("form", has_text="Thêm hành động")
    add.get_by_label("Hành động").fill("Mua máy quét dự phòng")
    add.get_by_label("Người thực hiện").select_option(str(officer.pk))
    add.get_by_label("Thời hạn").fill("31/03/2026")
    add.get_by_role("button", name="Thêm hành động").click()
    expect(page.get_by_test_id("actions")).to_contain_text("Mua máy quét dự phòng")
    log_out(page)

    log_in(page, live_server, officer, PASSWORD)
    risk = Risk.objects.get()
    page.goto(f"{live_server.url}/he-thong-iso/rui-ro/{risk.pk}/")
    row = page.get_by_test_id("actions").get_by_role("row").nth(1)
    row.get_by_label("Ngày hoàn thành").fill("20/03/2026")
    row.get_by_label("Bằng chứng").fill("Biên bản bàn giao máy quét")
    row.get_by_role("button", name="Ghi nhận hoàn thành").click()
    expect(page.get_by_test_id("actions")).to_contain_text("20/03/2026")
    action = risk.actions.get()
    assert (action.done_by, action.evidence) == (officer, "Biên bản bàn giao máy quét")
