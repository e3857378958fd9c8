"""The pages added for documents that hold up, as their users meet them: the ISO
secretary dates a new identity of the organisation and plans an audit with its
timetable, then approves the plan; the desk drafts an apology (form 04) by keyboard,
the vice-chairman signs it and it prints as issued."""

import re
import subprocess
import unicodedata

from django.utils.formats import date_format
from django.utils.timezone import localdate
from playwright.sync_api import Page, expect

from procedures import dossier_services
from qms.dates import date_words
from qms.models import CalendarDay
from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD, ProcedureFactory, UnitFactory, issue_revision


def pdf_text(page: Page, url: str, path) -> str:
    response = page.request.get(url, fail_on_status_code=True)
    assert response.headers["content-type"] == "application/pdf"
    path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def test_identity_audit_plan_and_apology(page: Page, live_server, make_persona, tmp_path):
    secretary = make_persona(Role.ISO_SECRETARY)
    lead = make_persona(Role.AUDITOR)
    officer = make_persona(Role.OFFICER)
    vice_chairman = make_persona(Role.VICE_CHAIRMAN)
    UnitFactory(code="TP-HT", name="Tư pháp - Hộ tịch")
    procedure = ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    issue_revision(procedure, secretary=secretary, approver=make_persona(Role.CHAIRMAN))
    dossier = dossier_services.dossier_receive(
        procedure=procedure, user=officer, applicant_name="Phan Thị Hạnh", channel="direct"
    )
    new_date = CalendarDay.objects.calendar().add_working_days(dossier.due_date, 1)

    # The organisation's identity from a future day; a refused form keeps what was typed.
    log_in(page, live_server, secretary, PASSWORD)
    page.goto(f"{live_server.url}/co-quan-ban-hanh/")
    page.get_by_role("link", name="Thêm thể thức cơ quan").click()
    page.get_by_label("Hiệu lực từ ngày").fill("31/02/2030")
    page.get_by_label("Cơ quan cấp trên").fill("Ủy ban nhân dân thành phố Hải Phòng")
    page.get_by_label("Tên Bộ phận Một cửa").fill("Trung tâm Phục vụ hành chính công")
    page.get_by_label("Địa danh").fill("An Dương")
    page.get_by_label("Địa chỉ").fill("Số 1 đường Trần Phú")
    page.get_by_label("Lý do thay đổi").fill("Sắp xếp đơn vị hành chính")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Nhập một ngày hợp lệ.")).to_be_visible()
    expect(page.get_by_text("Trường này là bắt buộc.")).to_be_visible()
    expect(page.get_by_label("Địa chỉ")).to_have_value("Số 1 đường Trần Phú")
    page.get_by_label("Hiệu lực từ ngày").fill("01/01/2030")
    page.get_by_label(re.compile(r"^Tên \*$")).fill("Ủy ban nhân dân phường Mới")
    page.get_by_role("button", name="Lưu").click()
    row = page.get_by_role("row").filter(has_text="01/01/2030")
    expect(row).to_contain_text("Ủy ban nhân dân phường Mới")
    row.get_by_role("link", name="Sửa").click()
    expect(page.get_by_role("row").filter(has_text="Tạo mới")).to_contain_text(
        "Sắp xếp đơn vị hành chính"
    )

    # The audit plan with its timetable; a row outside the audit's dates is refused.
    page.goto(f"{live_server.url}/danh-gia/them/")
    page.get_by_label(re.compile(r"^Mã \*$")).fill("ĐGNB-2030-01")
    page.get_by_label("Tiêu đề").fill("Đánh giá Tư pháp - Hộ tịch")
    page.get_by_label("Năm chương trình").fill("2030")
    page.get_by_label("Bộ phận được đánh giá", exact=True).select_option(
        label="TP-HT – Tư pháp - Hộ tịch"
    )
    page.get_by_label("Ngày bắt đầu dự kiến").fill("14/01/2030")
    page.get_by_label("Ngày kết thúc dự kiến").fill("15/01/2030")
    page.get_by_label("Trưởng đoàn đánh giá").select_option(label=lead.full_name)
    page.get_by_label("Lý do thay đổi").fill("Kế hoạch năm 2030")
    timetable = page.get_by_test_id("timetable-formset")
    timetable.locator("[name=timetable-0-day]").fill("16/01/2030")
    timetable.locator("[name=timetable-0-start]").fill("08:00")
    timetable.locator("[name=timetable-0-end]").fill("10:00")
    timetable.locator("[name=timetable-0-unit]").select_option(label="TP-HT – Tư pháp - Hộ tịch")
    timetable.locator("[name=timetable-0-auditor]").select_option(label=lead.full_name)
    timetable.locator("[name=timetable-0-clauses]").fill("7.4, 8.5.1")
    page.get_by_role("button", name="Lưu").click()
    expect(timetable).to_contain_text("16/01/2030 nằm ngoài thời gian của cuộc đánh giá")
    expect(timetable.locator("[name=timetable-0-clauses]")).to_have_value("7.4, 8.5.1")
    timetable.locator("[name=timetable-0-day]").fill("14/01/2030")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("timetable").get_by_role("cell")).to_have_text(
        ["14/01/2030", "08:00 – 10:00", "TP-HT – Tư pháp - Hộ tịch", lead.full_name, "7.4, 8.5.1"]
    )
    expect(page.get_by_test_id("plan-approval")).to_have_text("Kế hoạch chưa được phê duyệt.")
    page.get_by_role("button", name="Phê duyệt kế hoạch").click()
    expect(page.get_by_test_id("plan-approval")).to_contain_text(
        f"Kế hoạch được {secretary.full_name} phê duyệt lúc"
    )
    expect(page.get_by_role("link", name="Sửa kế hoạch")).to_have_count(0)
    log_out(page)

    # Form 04 drafted at the desk by keyboard, signed by the vice-chairman, printed.
    log_in(page, live_server, officer, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{dossier.code}/")
    apology = page.locator("form").filter(
        has=page.get_by_role("button", name="Soạn dự thảo phiếu xin lỗi")
    )
    apology.get_by_label("Lý do").focus()
    page.keyboard.type("Cần xác minh thêm tại Sở Tư pháp")
    page.keyboard.press("Tab")
    page.keyboard.type(date_format(new_date, "d/m/Y"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("apology")).to_contain_text(
        "dự thảo của " + officer.full_name + ", chờ Chủ tịch hoặc Phó Chủ tịch phê duyệt"
    )
    link = page.get_by_role("link", name="Phiếu xin lỗi và hẹn lại ngày trả kết quả (PDF)")
    apology_url = live_server.url + link.get_attribute("href")
    assert "DỰ THẢO" in pdf_text(page, apology_url, tmp_path / "draft.pdf")
    log_out(page)

    log_in(page, live_server, vice_chairman, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/{dossier.code}/")
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Ký và phát hành").click()
    issued = f"Đã phát hành phiếu xin lỗi của hồ sơ {dossier.code}."
    expect(page.get_by_text(issued)).to_be_visible()
    today = date_format(localdate(), "d/m/Y")
    expect(page.get_by_test_id("apology")).to_contain_text(f"phát hành ngày {today}")
    expect(page.get_by_test_id("promised-date")).to_have_text(date_format(new_date, "d/m/Y"))
    text = pdf_text(page, apology_url, tmp_path / "issued.pdf")
    assert "DỰ THẢO" not in text
    assert re.search(rf"Số: \d+/{localdate().year}/PXL", text)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and vice_chairman.full_name in text
    assert f"vào {date_words(new_date)}" in " ".join(text.split())
