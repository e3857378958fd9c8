"""The management review minutes as printed: when and where the meeting was held, the
secretary's signature beside the chairman's (hers first, then his approval), and
inputs b), c) and e) cut to what a meeting discusses."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from nonconformities import services as nc_services
from qms.models import ManagementReview, ReviewOutput
from qms.oversight import review_inputs, services
from qms.oversight.pdf import review_minutes_pdf
from qms.roles import Role
from qms.signatures import SignedRecordError
from qms.working_days import LOCAL_TZ
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


def sign(review, user, password=PASSWORD):
    return services.review_sign(
        review=review, user=user, password=password, seen_sha256=page_sha256(review)
    )


def test_the_minutes_say_when_and_where_and_are_signed_by_the_secretary_too(
    meeting, secretary, chairman
):
    text = pdf_text(review_minutes_pdf(meeting))
    assert "Thời gian: 08 giờ 30 phút, ngày 10 tháng 7 năm 2023" in text
    assert "Địa điểm: Hội trường UBND phường" in text
    signatures = next(line for line in text.splitlines() if "THƯ KÝ" in line)
    assert "CHỦ TRÌ" in signatures  # side by side
    with time_machine.travel(datetime(2023, 7, 10, 11, 5, tzinfo=LOCAL_TZ), tick=False):
        sign(meeting, secretary)
    with time_machine.travel(datetime(2023, 7, 12, 9, 40, tzinfo=LOCAL_TZ), tick=False):
        sign(meeting, chairman)
    signed = pdf_text(review_minutes_pdf(ManagementReview.objects.get(pk=meeting.pk)))
    lines = signed.splitlines()
    names = [line for line in lines if secretary.get_full_name() in line][-1]
    assert chairman.get_full_name() in names  # the two names on one row, side by side
    # each signature with its own date, the secretary's at the left
    dated = next(line for line in lines if "Đã ký điện tử lúc" in line)
    assert dated.index("10/07/2023 11:05") < dated.index("12/07/2023 09:40")
    assert "DỰ THẢO" not in signed


def test_the_secretary_signs_first_and_only_the_named_secretary(
    meeting, secretary, chairman, personas, client_for
):
    for someone in (chairman, personas[Role.VICE_CHAIRMAN]):
        with pytest.raises(ValidationError, match=f"Chỉ {secretary.get_full_name()}, thư ký"):
            sign(meeting, someone)
    page = client_for(chairman).post(
        reverse("qms:review_sign", args=[meeting.pk]),
        {"password": PASSWORD, "seen_sha256": page_sha256(meeting)},
        follow=True,
    )
    assert f"Chỉ {secretary.get_full_name()}, thư ký" in page.content.decode()
    assert not meeting.signatures.exists()
    with pytest.raises(ValidationError, match="Mật khẩu"):
        sign(meeting, secretary, password="sai")
    assert ManagementReview.objects.get(pk=meeting.pk).inputs is None

    detail = reverse("qms:review_detail", args=[meeting.pk])
    assert client_for(secretary).get(detail).context["can_sign"]
    assert not client_for(chairman).get(detail).context["can_sign"]
    sign(meeting, secretary)
    attested = ManagementReview.objects.get(pk=meeting.pk).secretary_signature
    assert attested.signer == secretary and attested.meaning == "signed"
    assert client_for(chairman).get(detail).context["can_sign"]
    assert "DỰ THẢO" in pdf_text(review_minutes_pdf(meeting))  # final only with both
    with pytest.raises(ValidationError, match="Chủ tịch"):  # hers is given; his is due
        sign(meeting, secretary)
    sign(meeting, chairman)
    review = ManagementReview.objects.get(pk=meeting.pk)
    assert review.approval.signer == chairman
    assert review.approval.content_sha256 == attested.content_sha256  # the same content


def test_minutes_without_a_secretary_are_not_signed(meeting, chairman):
    ManagementReview.objects.filter(pk=meeting.pk).update(secretary=None)
    with pytest.raises(ValidationError, match="thư ký"):
        sign(ManagementReview.objects.get(pk=meeting.pk), chairman)
    assert not meeting.signatures.exists()


def test_minutes_signed_by_the_secretary_no_longer_change(meeting, secretary, client_for):
    sign(meeting, secretary)
    review = ManagementReview.objects.get(pk=meeting.pk)
    review.conclusion = "Sửa sau khi thư ký ký"
    with pytest.raises(SignedRecordError):
        services.review_save(review=review, user=secretary)
    with pytest.raises(SignedRecordError):
        ManagementReview.objects.filter(pk=meeting.pk).update(place="Nơi khác")
    with pytest.raises(SignedRecordError):
        review.delete()
    with pytest.raises(SignedRecordError):
        services.review_output_add(
            output=ReviewOutput(review=review, kind="change", decision="Thêm sau khi ký"),
            user=secretary,
        )
    edit = client_for(secretary).get(reverse("qms:review_update", args=[meeting.pk]), follow=True)
    assert "không thể thay đổi" in edit.content.decode()
    assert ManagementReview.objects.get(pk=meeting.pk).secretary_signature.matches()


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
