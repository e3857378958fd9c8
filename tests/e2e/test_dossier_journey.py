"""The desk's day: receive, print the receipt, hand on, return with a rating."""

import re
import subprocess
import unicodedata

from playwright.sync_api import Page, expect

from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD, ProcedureFactory, UnitFactory, issue_revision


def test_receive_hand_on_and_return(page: Page, live_server, make_persona, tmp_path):
    officer = make_persona(Role.OFFICER)
    specialist = make_persona(Role.SPECIALIST)
    desk, unit = UnitFactory(code="BP-MC"), UnitFactory(code="TP-HT")
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(
        procedure,
        secretary=make_persona(Role.ISO_SECRETARY),
        approver=make_persona(Role.CHAIRMAN),
        steps=[
            {"name": "Tiếp nhận hồ sơ", "unit": desk, "role": "officer", "allotment": "0.5"},
            {"name": "Thẩm định, trình ký", "unit": unit, "role": "specialist", "allotment": "2"},
            {"name": "Trả kết quả", "unit": desk, "role": "officer", "allotment": "0.5"},
        ],
    )

    log_in(page, live_server, officer, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Tiếp nhận").click()
    page.get_by_label("Thủ tục").fill("QT-TP-05 – Cấp Giấy xác nhận tình trạng hôn nhân")
    page.get_by_label("Người nộp").fill("Phan Thị Hạnh")
    page.get_by_label("Số định danh").fill("031095001234")
    page.get_by_role("button", name="Lưu và cấp mã hồ sơ").click()
    code = page.get_by_test_id("dossier-code").inner_text()
    assert re.fullmatch(r"PAD-\d{6}-0001", code)

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)").click()
    receipt = page.request.get(popup.value.url)
    assert receipt.headers["content-type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(receipt.body())
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode()
    )
    assert "Phan Thị Hạnh" in text and code in text
    popup.value.close()

    page.get_by_role("button", name="Chuyển: Thẩm định, trình ký").click()
    expect(page.get_by_test_id("current-step")).to_contain_text("Thẩm định, trình ký")
    log_out(page)

    log_in(page, live_server, specialist, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Hồ sơ chờ xử lý").click()
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Chuyển: Trả kết quả").click()
    expect(page.get_by_test_id("current-step")).to_contain_text("Trả kết quả")
    log_out(page)

    log_in(page, live_server, officer, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{code}/")
    page.get_by_role("button", name="Đã có kết quả").click()
    form = page.get_by_test_id("return-form")
    form.get_by_label("Đánh giá của người dân").select_option("very_satisfied")
    form.get_by_role("button", name="Trả kết quả cho công dân").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã trả kết quả")
    expect(page.get_by_test_id("dossier-outcome")).to_have_text("Trước hạn")

    page.get_by_test_id("main-nav").get_by_role("link", name="Hồ sơ", exact=True).click()
    row = page.get_by_test_id("dossiers").get_by_role("row").filter(has_text=code)
    expect(row.get_by_test_id("outcome")).to_have_text("Trước hạn")
