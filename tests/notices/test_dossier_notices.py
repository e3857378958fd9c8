"""The dossier's events that concern the applicant queue a notice in Vietnamese when the
dossier gives an e-mail address: a supplement requested, an apology issued, the result
ready; none without an address."""

import pytest

from notices.models import Event, Notice
from procedures import applicant_notices, dossier_services
from procedures.models import Delivery
from public.tokens import status_url
from qms.roles import Role
from tests.procedures.test_apology_drafts import approve, draft
from tests.procedures.test_dossiers import receive, walk
from tests.procedures.test_form_identity import ERAS, in_era

ERA = ERAS[2026]  # the desk is the public administration service centre from 1/7/2025
DESK = "Trung tâm Phục vụ hành chính công, Phường An Dương, thành phố Hải Phòng"
SIGNATURE = (
    "Trung tâm Phục vụ hành chính công\nỦy ban nhân dân phường An Dương\n"
    "Phường An Dương, thành phố Hải Phòng\nĐiện thoại: 0225 3857 211\n"
)


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def specialist(personas):
    return personas[Role.SPECIALIST]


def received(effective, officer, email="binh@example.vn", **kwargs):
    return receive(effective.procedure, officer, ERA["received"], applicant_email=email, **kwargs)


def test_a_supplement_request_tells_what_to_bring(effective, officer, specialist):
    dossier = received(effective, officer)
    with in_era(ERA["day1"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=specialist, reason="Giấy xác nhận cư trú bản chính"
        )
    notice = Notice.objects.get()
    request = dossier.supplements.get()
    assert (notice.event, notice.recipient, notice.dossier) == (
        Event.SUPPLEMENT_REQUESTED,
        "binh@example.vn",
        dossier,
    )
    assert notice.subject == f"Hồ sơ {dossier.code}: đề nghị bổ sung, hoàn thiện hồ sơ"
    assert notice.body == (
        "Kính gửi ông/bà Trần Thị Bình,\n\n"
        f"Hồ sơ {dossier.code} (Cấp Giấy xác nhận tình trạng hôn nhân) của ông/bà cần được "
        "bổ sung, hoàn thiện trước khi tiếp tục giải quyết (phiếu yêu cầu bổ sung, hoàn "
        f"thiện hồ sơ số {request.number} ngày 06/10/2026).\n\n"
        "Nội dung cần bổ sung: Giấy xác nhận cư trú bản chính\n\n"
        f"Đề nghị ông/bà mang hồ sơ đã bổ sung đầy đủ đến {DESK}. Thời hạn giải quyết tạm "
        "dừng đến khi đó và được tính lại từ ngày nhận đủ hồ sơ, với ngày hẹn trả kết quả "
        "mới.\n\n"
        f"Theo dõi hồ sơ: {status_url(dossier.code)}\n\n" + SIGNATURE
    )


def test_an_issued_apology_gives_the_new_date(effective, officer, chairman):
    dossier = received(effective, officer)
    apology = draft(dossier, officer, reason="Chờ xác minh của Công an phường")
    assert not Notice.objects.exists()  # a draft is not sent: only the issued letter
    apology = approve(apology, chairman)
    notice = Notice.objects.get()
    assert notice.event == Event.APOLOGY_ISSUED
    assert notice.subject == f"Hồ sơ {dossier.code}: thư xin lỗi và hẹn lại ngày trả kết quả"
    assert (
        "chưa giải quyết xong đúng ngày hẹn trả kết quả 08/10/2026. Ủy ban nhân dân phường An "
        f"Dương xin lỗi ông/bà vì sự chậm trễ này (phiếu xin lỗi số {apology.number})."
    ) in notice.body
    assert "Lý do chậm trễ: Chờ xác minh của Công an phường" in notice.body
    assert "Ngày hẹn trả kết quả mới là 14/10/2026." in notice.body
    assert status_url(dossier.code) in notice.body


def test_a_ready_result_says_where_to_collect_it(effective, officer, specialist, chairman):
    dossier = received(effective, officer)
    walk(dossier, officer, specialist, chairman, ERA["day2"])
    notice = Notice.objects.get()
    assert notice.event == Event.RESULT_READY
    assert notice.subject == f"Hồ sơ {dossier.code}: đã có kết quả giải quyết"
    assert (
        f"Mời ông/bà đến nhận kết quả tại {DESK} trong giờ làm việc (07:30–11:30, "
        "13:30–17:00), mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả và giấy tờ tùy thân."
    ) in notice.body


@pytest.mark.parametrize(
    ("delivery", "how"),
    [
        (Delivery.POST, "qua dịch vụ bưu chính công ích"),
        (Delivery.ONLINE, "trả trực tuyến dưới dạng điện tử"),
    ],
)
def test_a_result_sent_by_post_or_online_is_not_to_be_collected(effective, officer, delivery, how):
    dossier = received(effective, officer, delivery=delivery)
    _subject, body = applicant_notices.result_ready(dossier)
    assert how in body and "Mời ông/bà đến nhận" not in body


def test_the_authorised_persons_address_serves_when_the_applicant_gave_none(
    effective, officer, specialist, chairman
):
    dossier = received(
        effective,
        officer,
        email="",
        representative_name="Trần Văn An",
        representative_email="an@example.vn",
        representative_authorisation="Giấy ủy quyền số 12/2026",
    )
    walk(dossier, officer, specialist, chairman, ERA["day2"])
    assert Notice.objects.get().recipient == "an@example.vn"


def test_no_address_no_notice(effective, officer, specialist, chairman):
    with_supplement = received(effective, officer, email="")
    with in_era(ERA["day1"]):
        dossier_services.dossier_hand_on(dossier=with_supplement, user=officer)
        dossier_services.dossier_request_supplement(
            dossier=with_supplement, user=specialist, reason="Thiếu giấy tờ"
        )
    late = received(effective, officer, email="")
    approve(draft(late, officer), chairman)
    late = walk(late, officer, specialist, chairman, ERA["day3"])
    with_supplement.refresh_from_db()
    assert with_supplement.status == with_supplement.Status.WAITING
    assert late.status == late.Status.COMPLETED and late.apology.approved_at
    assert not Notice.objects.exists()
