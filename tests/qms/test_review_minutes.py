"""The management review minutes as printed: when and where the meeting was held, the
secretary's signature beside the chairman's, and inputs b), c) and e) cut to what a
meeting discusses."""

from datetime import date, time

import pytest

from nonconformities import services as nc_services
from qms.models import ManagementReview
from qms.oversight import review_inputs, services
from qms.oversight.pdf import review_minutes_pdf
from tests.factories import PASSWORD, issue_revision, page_sha256
from tests.qms.test_reviews_reports import pdf_text


@pytest.fixture
def meeting(effective, secretary, chairman):
    return services.review_save(
        review=ManagementReview(
            held_on=date(2023, 7, 10),
            starts_at=time(8, 30),
            place="Hội trường UBND phường",
            period_start=date(2023, 1, 1),
            period_end=date(2023, 6, 30),
            chair=chairman,
            secretary=secretary,
            participants="Lãnh đạo, thư ký ISO",
            risks="Đã bố trí người thay khi công chức một cửa vắng.",
        ),
        user=secretary,
    )


def test_the_minutes_say_when_and_where_and_are_signed_by_the_secretary_too(
    meeting, secretary, chairman
):
    text = pdf_text(review_minutes_pdf(meeting))
    assert "Thời gian: 08 giờ 30 phút, ngày 10 tháng 7 năm 2023" in text
    assert "Địa điểm: Hội trường UBND phường" in text
    signatures = next(line for line in text.splitlines() if "THƯ KÝ" in line)
    assert "CHỦ TỊCH UBND" in signatures  # side by side
    services.review_sign(
        review=meeting, user=chairman, password=PASSWORD, seen_sha256=page_sha256(meeting)
    )
    signed = pdf_text(review_minutes_pdf(ManagementReview.objects.get(pk=meeting.pk)))
    names = [line for line in signed.splitlines() if secretary.get_full_name() in line][-1]
    assert chairman.get_full_name() in names  # the two names on one row, side by side


def test_input_b_lists_the_changes_of_the_period_not_first_issues(meeting, effective, secretary):
    data = review_inputs.compile_inputs(meeting)
    assert data["revisions"] == [] and data["first_issues"] == 1
    from tests.factories import ProcedureFactory

    revised = issue_revision(
        effective.procedure,
        secretary=secretary,
        approver=meeting.chair,
        effective_from=date(2023, 5, 2),
        change_summary="Rút ngắn bước 2",
    )
    ProcedureFactory(code="QT-KHAC")  # no revision at all
    data = review_inputs.compile_inputs(meeting)
    assert [row["number"] for row in data["revisions"]] == [revised.number]
    text = pdf_text(review_minutes_pdf(meeting))
    assert "Rút ngắn bước 2" in text


def test_input_c_shows_trends_and_names_the_worst_three(meeting, secretary):
    for number in range(6):
        nc_services.nc_raise(
            user=secretary,
            source="staff",
            severity="minor",
            description=f"Sự việc số {number}",
            found_on=date(2023, 3, 1 + number),
        )
    data = review_inputs.compile_inputs(meeting)
    assert [row["month"] for row in data["monthly"]] == [1, 2, 3, 4, 5, 6]
    text = pdf_text(review_minutes_pdf(meeting))
    c4 = text.split("c4)")[1].split("c5)")[0]
    assert sum(f"Sự việc số {n}" in c4 for n in range(6)) == 3
    assert "06/2023" in text.split("c3)")[1].split("c4)")[0]


def test_input_e_says_no_risk_is_recorded_yet(meeting):
    text = pdf_text(review_minutes_pdf(meeting))
    e = " ".join(text.split("e) ")[1].split("f) ")[0].split())
    assert "Chưa ghi nhận" in e
    assert "Đã bố trí người thay khi công chức một cửa vắng." in e
