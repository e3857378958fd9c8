"""The demo's ISO documents for 2023: the quality policy and the scope (8.3 excluded),
the external documents its procedures cite, the announcement of conformity and the
yearly report to the Department of Science and Technology; then, in 2025, the decree
and circular that replaced the one-stop rules, whose legal updates are still open.

Dates of issue and effect come from domain-vn.md §0 and §4 where it gives them; the
field laws' dates, Decree 107/2021's and Circular 01/2018's effective dates and
Circular 03/2025's effective date are from memory [M] and should be checked.
"""

from datetime import date

from isodocs import services
from isodocs.models import ExternalDocument, QualityPolicy, QualityScope, YearlyReport
from procedures.demo import at
from procedures.models import Procedure
from qms.models import User
from qms.signing import shown_sha256

BUILT_ON = date(2023, 2, 1)  # the system's documents take effect
ANNOUNCED_ON = date(2023, 2, 15)
REPORTED_ON = date(2023, 11, 28)  # two days before the province's day

POLICY = (
    "Ủy ban nhân dân phường An Dương cam kết giải quyết thủ tục hành chính cho tổ chức, "
    "công dân công khai, minh bạch, đúng pháp luật và đúng hẹn; không ngừng cải tiến hệ "
    "thống quản lý chất lượng theo TCVN ISO 9001:2015 để người dân hài lòng."
)
ACTIVITIES = (
    "Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính thuộc thẩm quyền của Ủy ban "
    "nhân dân phường tại Bộ phận Một cửa"
)
EXCLUSIONS = [
    (
        "8.3",
        "Phường giải quyết thủ tục hành chính theo quy định của pháp luật, không thiết kế "
        "và phát triển sản phẩm, dịch vụ.",
    )
]

# number: kind, title, issuer, issued on, effective from, what the procedures' legal
# basis says when they cite it ("*": every procedure of the one-stop desk)
DOCUMENTS = {
    "19/2014/QĐ-TTg": (
        "decision",
        "Áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001 vào hoạt động của các cơ "
        "quan, tổ chức thuộc hệ thống hành chính nhà nước",
        "Thủ tướng Chính phủ",
        date(2014, 3, 5),
        date(2014, 5, 18),
        None,
    ),
    "26/2014/TT-BKHCN": (
        "circular",
        "Quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg",
        "Bộ Khoa học và Công nghệ",
        date(2014, 10, 10),
        date(2014, 12, 1),
        None,
    ),
    "61/2018/NĐ-CP": (
        "decree",
        "Thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
        "Chính phủ",
        date(2018, 4, 23),
        date(2018, 6, 21),
        "*",
    ),
    "01/2018/TT-VPCP": (
        "circular",
        "Hướng dẫn thi hành Nghị định số 61/2018/NĐ-CP",
        "Văn phòng Chính phủ",
        date(2018, 11, 23),
        date(2019, 1, 8),
        "*",
    ),
    "60/2014/QH13": (
        "law",
        "Luật Hộ tịch",
        "Quốc hội",
        date(2014, 11, 20),
        date(2016, 1, 1),
        "Luật Hộ tịch 2014",
    ),
    "123/2015/NĐ-CP": (
        "decree",
        "Quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
        "Chính phủ",
        date(2015, 11, 15),
        date(2016, 1, 1),
        "Nghị định 123/2015/NĐ-CP",
    ),
    "23/2015/NĐ-CP": (
        "decree",
        "Cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký và "
        "chứng thực hợp đồng, giao dịch",
        "Chính phủ",
        date(2015, 2, 16),
        date(2015, 4, 10),
        "Nghị định 23/2015/NĐ-CP",
    ),
    "50/2014/QH13": (
        "law",
        "Luật Xây dựng",
        "Quốc hội",
        date(2014, 6, 18),
        date(2015, 1, 1),
        "Luật Xây dựng 2014",
    ),
    "01/2021/NĐ-CP": (
        "decree",
        "Đăng ký doanh nghiệp",
        "Chính phủ",
        date(2021, 1, 4),
        date(2021, 1, 4),
        "Nghị định 01/2021/NĐ-CP",
    ),
    "20/2021/NĐ-CP": (
        "decree",
        "Chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
        "Chính phủ",
        date(2021, 3, 15),
        date(2021, 7, 1),
        "Nghị định 20/2021/NĐ-CP",
    ),
    "110/2018/NĐ-CP": (
        "decree",
        "Quản lý và tổ chức lễ hội",
        "Chính phủ",
        date(2018, 8, 29),
        date(2018, 10, 15),
        "Nghị định 110/2018/NĐ-CP",
    ),
}
# Documents that change one above: number: (kind, title, issuer, issued, effective,
# the one it changes, the relation, the day the ISO secretary recorded it).
CHANGES = {
    "107/2021/NĐ-CP": (
        "decree",
        "Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP",
        "Chính phủ",
        date(2021, 12, 6),
        date(2022, 1, 22),
        "61/2018/NĐ-CP",
        ExternalDocument.Relation.AMENDS,
        BUILT_ON,
    ),
    "118/2025/NĐ-CP": (
        "decree",
        "Thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận "
        "Một cửa và Cổng Dịch vụ công quốc gia",
        "Chính phủ",
        date(2025, 6, 9),
        date(2025, 7, 1),
        "61/2018/NĐ-CP",
        ExternalDocument.Relation.REPLACES,
        date(2025, 6, 20),
    ),
    "03/2025/TT-VPCP": (
        "circular",
        "Hướng dẫn thi hành Nghị định số 118/2025/NĐ-CP",
        "Văn phòng Chính phủ",
        date(2025, 9, 15),
        date(2025, 11, 1),
        "01/2018/TT-VPCP",
        ExternalDocument.Relation.REPLACES,
        date(2025, 9, 25),
    ),
}


def _citing(basis: str | None) -> list[Procedure]:
    procedures = Procedure.objects.order_by("code")
    if basis is None:
        return []
    if basis == "*":
        return list(procedures)
    return [procedure for procedure in procedures if basis in procedure.legal_basis]


def _sign(record, chairman: User, password: str) -> None:
    services.version_approve(
        record=record, user=chairman, password=password, seen_sha256=shown_sha256(record)
    )


def _documents(secretary: User) -> None:
    with at(BUILT_ON, 10):
        for number, (kind, title, issuer, issued, effective, basis) in DOCUMENTS.items():
            services.external_document_add(
                document=ExternalDocument(
                    kind=kind, number=number, title=title, issuer=issuer,
                    issued_on=issued, effective_from=effective,
                ),
                procedures=[] if number == "61/2018/NĐ-CP" else _citing(basis),
                user=secretary,
            )  # fmt: skip
    for number, (kind, title, issuer, issued, effective, changed, relation, day) in CHANGES.items():
        with at(day, 10):
            services.external_document_add(
                document=ExternalDocument(
                    kind=kind, number=number, title=title, issuer=issuer, issued_on=issued,
                    effective_from=effective, relation=relation,
                    changes=ExternalDocument.objects.get(number=changed),
                ),
                procedures=[],
                user=secretary,
            )  # fmt: skip
        if number == "107/2021/NĐ-CP":
            # the 2023 procedures were written on Decree 61 as amended: they cite both,
            # and the amendment (recorded first) flagged none of them
            with at(day, 10, 5):
                for cited in ("61/2018/NĐ-CP", number):
                    services.external_document_save(
                        document=ExternalDocument.objects.get(number=cited),
                        procedures=_citing("*"),
                        user=secretary,
                        reason="Quy trình ban hành năm 2023 viện dẫn",
                    )


def seed_iso(*, secretary: User, chairman: User, password: str) -> int:
    """The ISO documents, once: the policy and scope approved on the day they take
    effect, the announcement signed two weeks later, the external documents recorded
    when the system was built and the 2025 ones when they were issued, the yearly
    report of 2023 sent before its day. Returns how many records it made."""
    if QualityPolicy.objects.exists():
        return 0
    _documents(secretary)
    with at(BUILT_ON, 9):
        policy = services.policy_save(
            policy=QualityPolicy(text=POLICY, effective_from=BUILT_ON), user=secretary
        )
        scope = services.scope_save(
            scope=QualityScope(activities=ACTIVITIES, effective_from=BUILT_ON),
            exclusions=EXCLUSIONS,
            user=secretary,
        )
    with at(BUILT_ON, 14):
        _sign(policy, chairman, password)
        _sign(scope, chairman, password)
    with at(ANNOUNCED_ON, 9):
        draft = services.announcement_draft(user=secretary)
    with at(ANNOUNCED_ON, 15):
        services.announcement_sign(
            announcement=draft, user=chairman, password=password, seen_sha256=shown_sha256(draft)
        )
    with at(REPORTED_ON, 10):
        report = services.yearly_report_save(
            report=YearlyReport(
                year=REPORTED_ON.year,
                addressee="Sở Khoa học và Công nghệ thành phố Hải Phòng",
                signer=chairman,
                summary=(
                    "Hệ thống quản lý chất lượng được duy trì, áp dụng cho toàn bộ thủ tục "
                    "hành chính tại Bộ phận Một cửa; các quy trình được cập nhật kịp thời."
                ),
                recipients="Như trên;\nUBND quận Lê Chân;\nLưu: VT",
            ),
            user=secretary,
        )
        services.yearly_report_submit(report=report, user=secretary)
    return 4 + len(DOCUMENTS) + len(CHANGES)
