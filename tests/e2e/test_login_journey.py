"""Each role logs in, sees its own navigation, and logs out."""

import re

import pytest
from playwright.sync_api import Page, expect

from qms.oversight.views import DASHBOARD_ROLES
from qms.roles import Role
from tests.e2e.conftest import log_in, log_out
from tests.factories import PASSWORD

ONLY = {
    "Tiếp nhận": {Role.OFFICER},
    "Hồ sơ chờ xử lý": {
        Role.OFFICER,
        Role.SPECIALIST,
        Role.ISO_SECRETARY,
        Role.CHAIRMAN,
        Role.VICE_CHAIRMAN,
    },
    "Quản trị": {Role.ISO_SECRETARY},
}
NAVIGATION = [  # no "Trang chủ": the brand is the link home
    "Tiếp nhận",
    "Hồ sơ",
    "Hồ sơ chờ xử lý",
    "Quy trình",
    "Đánh giá",
    "Sự không phù hợp",
    "Quản trị",
]
# drop-down menus: every role reads them, but for the items of ONLY
MENUS = {
    "Điều hành": [
        "Bảng điều khiển",
        "Xem xét của lãnh đạo",
        "Báo cáo",
        "Kế hoạch CCHC",
        "Rủi ro và cơ hội",
        "Đào tạo và năng lực",
        "Lưu trữ và hủy hồ sơ",
        "Ban chỉ đạo ISO",
        "Hệ thống tài liệu ISO",
    ],
    "Lịch": ["Lịch làm việc", "Tính ngày hẹn trả"],
    "Cơ quan": ["Cơ quan ban hành", "Thông báo chưa gửi được"],
}
ONLY["Thông báo chưa gửi được"] = {Role.ISO_SECRETARY}  # the applicants' addresses


@pytest.mark.parametrize("role", list(Role))
def test_role_logs_in_sees_its_navigation_and_logs_out(page: Page, live_server, make_persona, role):
    user = make_persona(role)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    log_in(page, live_server, user, PASSWORD)

    # the leaders and the ISO secretary start from the dashboard
    heading = "Bảng điều khiển" if role in DASHBOARD_ROLES else f"Xin chào, {user.full_name}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_test_id("current-user")).to_contain_text(str(role.label))
    nav = page.get_by_test_id("main-nav").get_by_role("link")
    expected = [label for label in NAVIGATION if role in ONLY.get(label, {role})]
    expect(nav).to_have_text(expected)
    for menu, links in MENUS.items():
        page.get_by_test_id("main-nav").get_by_role("button", name=menu).click()
        shown = [label for label in links if role in ONLY.get(label, {role})]
        expect(page.get_by_test_id("main-nav").locator(".dropdown-menu.show a")).to_have_text(shown)

    log_out(page)
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/"))
