"""The governance section of the page "Hệ thống tài liệu ISO"."""

from datetime import date

from django.urls import reverse
from django.utils.timezone import localdate

from governance.models import Risk
from governance.overview import section


def test_the_section_says_what_is_missing_and_what_is_due(secretary, lead):
    rows = {row["label"]: row for row in section(localdate())["rows"]}
    assert rows["Quyết định thành lập Ban chỉ đạo ISO"]["state"] == "missing"
    assert rows["Rủi ro và cơ hội đang theo dõi"]["state"] == "missing"
    assert rows["Chuyên gia đánh giá nội bộ đủ điều kiện"]["count"] == 1
    assert rows["Lịch lưu trữ hồ sơ"]["state"] == "ok"
    Risk.objects.create(
        code="RR-2023-01", process="desk", description="Máy quét", likelihood=2, impact=2,
        treatment="accept", owner=secretary, identified_on=date(2023, 1, 2),
        due_date=date(2023, 1, 2), review_date=date(2023, 6, 30),
    )  # fmt: skip
    rows = {row["label"]: row for row in section(localdate())["rows"]}
    assert rows["Rủi ro cần xem xét lại"] == {
        "label": "Rủi ro cần xem xét lại",
        "count": 1,
        "url": reverse("governance:risks") + "?review=due",
        "state": "due",
    }
    assert all(set(row) == {"label", "count", "url", "state"} for row in rows.values())
