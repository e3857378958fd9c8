"""The page "Hệ thống tài liệu ISO": its sections, what is missing before anything is
recorded, what is due, the count on the ISO secretary's home page."""

from datetime import date

from django.urls import reverse
from django.utils.timezone import localdate

from isodocs import overview
from isodocs.models import YearlyReport
from qms.oversight.waiting import waiting_for
from qms.roles import Role


def states(today) -> dict[str, str]:
    return {row["label"]: row["state"] for s in overview.sections(today) for row in s["rows"]}


def test_an_empty_system_shows_what_an_inspection_would_find_missing(effective, personas):
    found = states(localdate())
    assert found["Chính sách chất lượng do Chủ tịch ký"] == "missing"
    assert found["Phạm vi áp dụng HTQLCL và các ngoại lệ"] == "missing"
    assert found["Tài liệu bên ngoài"] == "missing"
    assert found["Quyết định công bố phù hợp (Quyết định 19/2014)"] == "missing"


def test_sections_have_the_shape_another_app_can_add_to(effective, monkeypatch):
    extra = {
        "title": "Rủi ro",
        "rows": [{"label": "Sổ rủi ro", "count": 0, "url": "/", "state": "missing"}],
    }
    monkeypatch.setattr(overview, "SECTIONS", [*overview.SECTIONS, lambda today: extra])
    sections = overview.sections(localdate())
    assert sections[-1] == extra
    for section in sections:
        assert set(section) == {"title", "rows"}
        for row in section["rows"]:
            assert set(row) == {"label", "count", "url", "state"}
            assert row["state"] in {"ok", "due", "missing"}


def test_the_yearly_report_is_due_before_its_day_and_ok_once_sent(effective):
    report = YearlyReport(year=2023)
    assert report.state(date(2023, 10, 1)) == "later"
    assert report.state(date(2023, 11, 15)) == "due"
    assert report.state(date(2023, 12, 1)) == "overdue"
    found = states(date(2023, 11, 15))
    assert found["Báo cáo ISO năm 2023"] == "due"


def test_the_secretary_home_counts_the_open_items(approved_policy, personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    item = {item.key: item for item in waiting_for(secretary)}["iso_documents"]
    assert item.count == overview.open_items(localdate()) > 0
    assert item.url == reverse("isodocs:overview") + "?open=1"
    client = client_for(secretary)
    page = client.get(reverse("isodocs:overview")).content.decode()
    assert page.count('data-state="missing"') + page.count('data-state="due"') == item.count
    assert 'data-state="ok"' in page
    shown = client.get(item.url).content.decode()
    assert shown.count("data-state=") == item.count and 'data-state="ok"' not in shown
    assert "iso_documents" not in {item.key for item in waiting_for(personas[Role.OFFICER])}
