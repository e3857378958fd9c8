"""The chairman opens the dashboard, follows the late figure to its dossiers, and
signs the management review off."""

from datetime import date

from django.utils.timezone import localdate
from playwright.sync_api import Page, expect

from qms.models import ManagementReview
from qms.oversight import services
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, ProcedureFactory, issue_revision, page_sha256
from tests.qms.test_kpi import dossier


def test_dashboard_late_figure_and_review_sign_off(page: Page, live_server, make_persona):
    chairman = make_persona(Role.CHAIRMAN)
    secretary = make_persona(Role.ISO_SECRETARY)
    procedure = ProcedureFactory(code="QT-CT-02", name="Chứng thực chữ ký")
    revision = issue_revision(procedure, secretary=secretary, approver=chairman)
    year = localdate().year
    d = date
    dossier(revision, d(year, 1, 5), d(year, 1, 8), completed_on=d(year, 1, 8))
    late = dossier(revision, d(year, 1, 6), d(year, 1, 9), completed_on=d(year, 1, 14))
    review = services.review_save(
        review=ManagementReview(
            held_on=d(year, 7, 10),
            period_start=d(year, 1, 1),
            period_end=d(year, 6, 30),
            chair=chairman,
            secretary=secretary,
            participants="Lãnh đạo UBND, thư ký ISO",
        ),
        user=secretary,
    )
    services.review_sign(  # the secretary signs first; the chairman approves below
        review=review, user=secretary, password=PASSWORD, seen_sha256=page_sha256(review)
    )

    log_in(page, live_server, chairman, PASSWORD)
    expect(page.get_by_role("heading", name="Bảng điều khiển")).to_be_visible()
    expect(page.get_by_test_id("kpi-received").locator("span").first).to_have_text("2")
    expect(page.locator("#chart-counts")).to_be_visible()
    figure = page.get_by_test_id("kpi-late")
    expect(figure.locator("span").first).to_have_text("1")
    figure.click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.code)

    nav = page.get_by_test_id("main-nav")
    nav.get_by_role("button", name="Điều hành").click()
    nav.get_by_role("link", name="Xem xét của lãnh đạo").click()
    page.get_by_role("link", name=f"10/07/{year}").click()
    expect(page.get_by_test_id("review-inputs")).to_contain_text("Hồ sơ tiếp nhận")
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Ký", exact=True).click()
    expect(page.get_by_test_id("review-signed")).to_contain_text(chairman.get_full_name())
    expect(page.get_by_role("button", name="Ký", exact=True)).to_have_count(0)
    review.refresh_from_db()
    assert review.approval.signer == chairman
    assert review.inputs["kpi"]["late"] == 1
