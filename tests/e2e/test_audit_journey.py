"""An auditor answers the checklist (one minor nonconformity with a sampled dossier),
signs the report and downloads it."""

import re
import subprocess
import unicodedata
from datetime import date

from playwright.sync_api import Page, expect

from audits import services
from audits.models import Audit, Clause
from procedures import dossier_services
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    ProcedureFactory,
    UnitFactory,
    approve_plan,
    issue_revision,
)


def started_audit(make_persona, code: str):
    """An audit of the TP-HT unit on two clauses, started by its lead auditor, and a
    dossier of the unit's procedure to sample: (lead, dossier, audit)."""
    lead = make_persona(Role.AUDITOR)
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(
        procedure,
        secretary=make_persona(Role.ISO_SECRETARY),
        approver=make_persona(Role.CHAIRMAN),
    )
    dossier = dossier_services.dossier_receive(
        procedure=procedure,
        user=make_persona(Role.OFFICER),
        applicant_name="Mẫu Thị Kiểm",
        channel="direct",
    )
    audit = services.audit_save(
        audit=Audit(
            code=code,
            title="Đánh giá Tư pháp - Hộ tịch",
            year=2026,
            planned_start=date(2026, 11, 2),
            planned_end=date(2026, 11, 3),
            lead_auditor=lead,
        ),
        units=[UnitFactory(code="TP-HT")],
        procedures=[],
        clauses=list(Clause.objects.filter(number__in=["7.4", "8.5.1"])),
        team=[],
        user=make_persona(Role.ISO_SECRETARY),
        reason="Kế hoạch",
    )
    approve_plan(audit, make_persona(Role.ISO_SECRETARY))
    services.audit_start(audit=audit, user=lead)
    return lead, dossier, audit


def test_answer_sign_and_download(page: Page, live_server, make_persona, tmp_path):
    lead, dossier, _audit = started_audit(make_persona, "ĐGNB-2026-01")
    log_in(page, live_server, lead, PASSWORD)
    page.get_by_test_id("main-nav").get_by_role("link", name="Đánh giá").click()
    page.get_by_role("link", name="ĐGNB-2026-01").click()
    page.get_by_role("link", name="Mở danh mục kiểm tra").click()

    items = page.locator("section[id^=item-]")
    first = items.nth(0)
    first.get_by_label("Bằng chứng").fill("Phiếu kiểm soát thiếu chữ ký người nhận")
    first.get_by_label("Hồ sơ lấy mẫu").fill(dossier.code)
    first.get_by_label("Yêu cầu không được đáp ứng").fill("QT-TP-05 bước 2: người nhận ký phiếu")
    first.get_by_label("Nội dung phát hiện").fill("Hồ sơ được chuyển mà người nhận không ký")
    first.get_by_label("Không phù hợp nhẹ").check()
    expect(page.locator("section[id^=item-]").nth(0).get_by_role("status")).to_have_text("Đã lưu")
    expect(page.locator("section[id^=item-]").nth(0)).to_contain_text(dossier.code)
    for index in range(1, items.count()):
        items.nth(index).get_by_label("Bằng chứng").fill("Đã xem sổ theo dõi hồ sơ")
        items.nth(index).get_by_label("Phù hợp", exact=True).check()
        expect(items.nth(index).get_by_role("status")).to_have_text("Đã lưu")

    page.get_by_role("link", name="ĐGNB-2026-01").click()
    expect(page.get_by_test_id("findings")).to_contain_text("Phiếu kiểm soát thiếu chữ ký")
    page.get_by_label("Tóm tắt").fill("Đánh giá hai điều khoản tại TP-HT.")
    page.get_by_label("Kết luận về sự phù hợp và hiệu lực của HTQLCL").fill(
        "HTQLCL phù hợp, cần khắc phục một điểm không phù hợp nhẹ."
    )
    page.get_by_role("button", name="Lưu báo cáo").click()
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Ký", exact=True).click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Đã báo cáo (đã ký)")
    expect(page.get_by_test_id("report-signature")).to_contain_text(lead.full_name)

    link = page.get_by_role("link", name="Báo cáo đánh giá (PDF)")
    report = page.request.get(
        live_server.url + link.get_attribute("href"), fail_on_status_code=True
    )
    assert report.headers["content-type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(report.body())
    text = re.sub(
        r"\s+",
        " ",
        unicodedata.normalize(
            "NFC",
            subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode(),
        ),
    )
    assert "Phiếu kiểm soát thiếu chữ ký người nhận" in text and dossier.code in text
