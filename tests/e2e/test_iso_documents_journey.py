"""The ISO secretary records a decree that amends one the procedures cite, and sees on
"Hệ thống tài liệu ISO" the procedures flagged for a legal update with their deadline."""

from datetime import date

from playwright.sync_api import Page, expect

from isodocs import services
from isodocs.models import ExternalDocument
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, ProcedureFactory, issue_revision


def test_the_secretary_adds_an_amending_decree_and_sees_the_flagged_procedures(
    page: Page, live_server, make_persona
):
    secretary = make_persona(Role.ISO_SECRETARY)
    chairman = make_persona(Role.CHAIRMAN)
    citing = []
    for code, name in (("QT-TP-01", "Đăng ký khai sinh"), ("QT-TP-02", "Đăng ký kết hôn")):
        procedure = ProcedureFactory(code=code, name=name)
        issue_revision(procedure, secretary=secretary, approver=chairman)
        citing.append(procedure)
    other = ProcedureFactory(code="QT-CT-01", name="Chứng thực chữ ký")
    issue_revision(other, secretary=secretary, approver=chairman)
    services.external_document_add(
        document=ExternalDocument(
            kind="decree", number="61/2018/NĐ-CP", title="Cơ chế một cửa", issuer="Chính phủ",
            issued_on=date(2018, 4, 23), effective_from=date(2018, 6, 21),
        ),
        procedures=citing,
        user=secretary,
    )  # fmt: skip

    log_in(page, live_server, secretary, PASSWORD)
    nav = page.get_by_test_id("main-nav")
    nav.get_by_role("button", name="Điều hành").click()
    nav.get_by_role("link", name="Hệ thống tài liệu ISO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hệ thống tài liệu ISO")
    page.get_by_role("link", name="Tài liệu bên ngoài", exact=True).first.click()
    page.get_by_role("link", name="Thêm văn bản pháp luật").click()

    page.get_by_label("Loại").select_option(label="Nghị định")
    page.locator("#id_number").fill("107/2021/NĐ-CP")
    page.get_by_label("Tiêu đề").fill("Sửa đổi, bổ sung Nghị định 61/2018/NĐ-CP")
    page.get_by_label("Cơ quan ban hành").fill("Chính phủ")
    page.get_by_label("Ngày ban hành").fill("06/12/2021")
    page.get_by_label("Ngày hiệu lực").fill("01/12/2021")  # before its issue: refused
    page.get_by_label("Sửa đổi hoặc thay thế văn bản").select_option(
        label="Nghị định 61/2018/NĐ-CP"
    )
    page.get_by_label("Quan hệ").select_option(label="Sửa đổi")
    page.get_by_role("button", name="Lưu").click()
    expect(
        page.get_by_text("Ngày có hiệu lực không thể trước ngày ban hành.").first
    ).to_be_visible()
    expect(page.locator("#id_number")).to_have_value("107/2021/NĐ-CP")
    page.get_by_label("Ngày hiệu lực").fill("22/01/2022")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text("2 quy trình phải cập nhật theo văn bản mới trước ngày 22/04/2022"))\
        .to_be_visible()  # fmt: skip
    updates = page.get_by_test_id("legal-updates")
    expect(updates).to_contain_text("QT-TP-01")
    expect(updates).to_contain_text("QT-TP-02")
    expect(updates).not_to_contain_text("QT-CT-01")
    expect(updates.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Hệ thống tài liệu ISO").first.click()
    row = page.locator("tr", has_text="Quy trình phải cập nhật theo văn bản pháp luật mới")
    expect(row).to_contain_text("2")
    expect(row).to_have_attribute("data-state", "due")
