"""The ISO secretary takes a nonconformity raised by a late dossier from recorded to
closed; an auditor verifies it."""

from datetime import date

from playwright.sync_api import Page, expect

from nonconformities.models import Nonconformity
from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD, ProcedureFactory, issue_revision


def test_late_dossier_to_closure(page: Page, live_server, make_persona):
    from nonconformities import services
    from procedures import dossier_services

    secretary = make_persona(Role.ISO_SECRETARY)
    officer = make_persona(Role.OFFICER)
    auditor = make_persona(Role.AUDITOR)
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(procedure, secretary=secretary, approver=make_persona(Role.CHAIRMAN))
    dossier = dossier_services.dossier_receive(
        procedure=procedure, user=officer, applicant_name="Hồ Văn Trễ", channel="direct"
    )
    dossier.outcome, dossier.completed_on = "late", date(2026, 11, 20)
    output = services.nc_from_late_dossier(dossier=dossier, user=None)  # R15: an output
    nc = services.nc_escalate(
        nc=output, user=secretary, reason="Hồ sơ trễ hạn do chờ xác minh ngoài quy trình"
    )

    log_in(page, live_server, secretary, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Sự không phù hợp").click()
    page.get_by_role("link", name=nc.code).first.click()  # the output's row names it too
    expect(page.get_by_test_id("nc-stage")).to_have_text("Đã ghi nhận")
    page.locator("form", has_text="Nguyên nhân gốc (5 câu hỏi tại sao)").get_by_label(
        "Nội dung"
    ).fill("Hồ sơ phải chờ xác minh ngoài quy trình")
    page.locator("form", has_text="Nguyên nhân gốc (5 câu hỏi tại sao)").get_by_role(
        "button", name="Lưu"
    ).click()
    expect(page.get_by_test_id("nc-stage")).to_have_text("Kế hoạch hành động")
    plan = page.locator("form", has_text="Lập hành động")
    plan.get_by_label("Hành động").fill("Đưa bước xác minh vào quy trình")
    plan.get_by_label("Người thực hiện").select_option(str(officer.pk))
    plan.get_by_label("Thời hạn").fill("31/12/2030")
    plan.get_by_role("button", name="Thêm").click()
    page.get_by_role("button", name="Bắt đầu thực hiện").click()
    expect(page.get_by_test_id("nc-stage")).to_have_text("Đang thực hiện hành động")
    row = page.get_by_test_id("actions").get_by_role("row").nth(1)
    row.get_by_label("Ngày hoàn thành").fill("25/11/2026")
    row.get_by_label("Bằng chứng", exact=True).fill("Quyết định sửa đổi quy trình")
    row.get_by_role("button", name="Hoàn thành").click()
    page.get_by_role("button", name="Chuyển kiểm tra hiệu lực").click()
    expect(page.get_by_test_id("nc-stage")).to_have_text("Kiểm tra hiệu lực")
    log_out(page)

    log_in(page, live_server, auditor, PASSWORD)
    page.goto(f"{live_server.url}/khong-phu-hop/{nc.pk}/")
    verify = page.locator("form", has_text="Ghi kết luận")
    verify.get_by_label("Kết luận").select_option("1")
    verify.get_by_label("Bằng chứng").fill("Một quý không còn hồ sơ trễ hạn")
    verify.get_by_role("button", name="Ghi kết luận").click()
    expect(page.get_by_test_id("nc-stage")).to_have_text("Đã kết thúc")
    assert Nonconformity.objects.get(pk=nc.pk).verified_by == auditor
