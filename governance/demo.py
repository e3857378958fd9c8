"""The ward's governance records for `seed_demo`: the steering decision of January
2023, the staff's training (the two auditors with their certificates, before the
year's audits are planned), the risk register of 2023 with its actions and reviews
to 2026, and the retention schedule's basis. Each step is dated by its own event
(`procedures.demo.at`), and nothing is created twice."""

from datetime import date

from governance import services
from governance.models import (
    Process,
    RetentionRule,
    Risk,
    SteeringDecision,
    SteeringMember,
    TrainingRecord,
)
from procedures.demo import at
from procedures.models import Field
from qms.models import User
from qms.signing import chairman_approve, shown_sha256

# username, kind, course, provider, completed on, certificate, valid until
TRAINING = [
    (
        "danhgia",
        TrainingRecord.Kind.INTERNAL_AUDITOR,
        "Chuyên gia đánh giá nội bộ HTQLCL theo TCVN ISO 9001:2015",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng Hải Phòng",
        date(2023, 4, 14),
        "0412/2023/CN-ĐGNB",
        date(2026, 4, 14),
    ),
    (
        "danhgia2",
        TrainingRecord.Kind.INTERNAL_AUDITOR,
        "Chuyên gia đánh giá nội bộ HTQLCL theo TCVN ISO 9001:2015",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng Hải Phòng",
        date(2023, 4, 14),
        "0413/2023/CN-ĐGNB",
        date(2026, 4, 14),
    ),
    *(
        (
            username,
            TrainingRecord.Kind.INTERNAL_AUDITOR,
            "Cập nhật kiến thức chuyên gia đánh giá nội bộ TCVN ISO 9001:2015 (cấp lại chứng chỉ)",
            "Sở Khoa học và Công nghệ Hải Phòng",
            date(2026, 3, 20),
            certificate,
            date(2029, 3, 20),
        )
        for username, certificate in (
            ("danhgia", "0187/2026/CN-ĐGNB"),
            ("danhgia2", "0188/2026/CN-ĐGNB"),
        )
    ),
    *(
        (
            username,
            TrainingRecord.Kind.AWARENESS,
            "Nhận thức chung về TCVN ISO 9001:2015 và hệ thống tài liệu của phường",
            "UBND phường An Dương (tư vấn ISO hướng dẫn)",
            date(2023, 3, 10),
            "",
            None,
        )
        for username in (
            "motcua",
            "chuyenvien",
            "thuky",
            "danhgia",
            "danhgia2",
            "phochutich",
            "chutich",
        )
    ),
    (
        "motcua",
        TrainingRecord.Kind.PROCEDURE,
        "Tiếp nhận, trả kết quả qua Bộ phận Một cửa theo Nghị định 61/2018 và 107/2021",
        "Văn phòng HĐND và UBND quận Lê Chân",
        date(2023, 5, 19),
        "",
        None,
    ),
    (
        "thuky",
        TrainingRecord.Kind.OTHER,
        "Nghiệp vụ thư ký ISO: kiểm soát tài liệu và hồ sơ",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng Hải Phòng",
        date(2023, 3, 24),
        "",
        None,
    ),
]

# code, kind, process, field, description, cause, L, I, treatment, plan, owner,
# identified, due, review, status, actions [(description, owner, due, done, evidence)]
RISKS = [
    (
        "RR-2023-01",
        Risk.Kind.RISK,
        Process.FIELD,
        Field.CERTIFICATION,
        "Hồ sơ chứng thực trễ hạn vào cuối tháng do lượng hồ sơ tăng đột biến.",
        "Một công chức tiếp nhận; người dân dồn hồ sơ cuối tháng. Hậu quả: trễ hẹn, "
        "phải xin lỗi, giảm tỷ lệ hài lòng.",
        4,
        3,
        Risk.Treatment.REDUCE,
        "Bố trí thêm một công chức tiếp nhận chứng thực từ ngày 25 hằng tháng.",
        "chuyenvien",
        date(2023, 2, 6),
        date(2023, 6, 30),
        date(2026, 12, 31),
        Risk.Status.OPEN,
        [
            (
                "Phân công công chức VH-XH hỗ trợ tiếp nhận chứng thực ngày 25 – cuối tháng.",
                "chutich",
                date(2023, 3, 31),
                date(2023, 3, 20),
                "Quyết định phân công số 21/QĐ-UBND ngày 20/3/2023.",
            ),
        ],
    ),
    (
        "RR-2023-02",
        Risk.Kind.RISK,
        Process.DESK,
        "",
        "Hệ thống một cửa điện tử hoặc máy quét hỏng làm gián đoạn tiếp nhận và số hóa.",
        "Một máy quét duy nhất, đường truyền không ổn định.",
        3,
        4,
        Risk.Treatment.REDUCE,
        "Dự phòng máy quét; tiếp nhận giấy và nhập bù khi hệ thống khôi phục.",
        "thuky",
        date(2023, 2, 6),
        date(2024, 2, 29),
        date(2026, 6, 30),
        Risk.Status.OPEN,
        [
            (
                "Đề xuất mua bổ sung một máy quét cho Bộ phận Một cửa.",
                "thuky",
                date(2024, 2, 29),
                date(2024, 2, 20),
                "Biên bản bàn giao máy quét ngày 20/02/2024.",
            ),
        ],
    ),
    (
        "RR-2023-03",
        Risk.Kind.RISK,
        Process.FIELD,
        Field.CIVIL_STATUS,
        "Văn bản pháp luật hộ tịch thay đổi mà quy trình nội bộ chưa cập nhật kịp 3 tháng.",
        "Theo dõi văn bản mới chưa phân công rõ.",
        2,
        4,
        Risk.Treatment.REDUCE,
        "Thư ký ISO rà soát văn bản mới hằng tháng, báo cáo tại giao ban.",
        "thuky",
        date(2023, 2, 6),
        date(2023, 12, 31),
        date(2025, 12, 31),
        Risk.Status.OPEN,
        [],
    ),
    (
        "RR-2023-04",
        Risk.Kind.RISK,
        Process.AUDITS,
        "",
        "Chuyên gia đánh giá nội bộ đánh giá chính bộ phận mình, mất tính độc lập.",
        "Phường chỉ có hai chuyên gia đánh giá có chứng chỉ.",
        2,
        3,
        Risk.Treatment.AVOID,
        "Phân công chéo: chuyên gia không đánh giá đơn vị mình (hệ thống kiểm tra khi lập "
        "kế hoạch).",
        "thuky",
        date(2023, 2, 6),
        date(2023, 10, 31),
        date(2026, 10, 31),
        Risk.Status.OPEN,
        [],
    ),
    (
        "RR-2023-05",
        Risk.Kind.OPPORTUNITY,
        Process.FIELD,
        Field.CIVIL_STATUS,
        "Mở rộng tiếp nhận trực tuyến các thủ tục hộ tịch để giảm thời gian chờ tại Bộ phận "
        "Một cửa.",
        "",
        3,
        3,
        Risk.Treatment.PURSUE,
        "Hướng dẫn người dân nộp trực tuyến qua Cổng dịch vụ công.",
        "chuyenvien",
        date(2023, 2, 6),
        date(2024, 6, 30),
        date(2026, 6, 30),
        Risk.Status.OPEN,
        [
            (
                "Đặt bảng hướng dẫn nộp hồ sơ trực tuyến tại Bộ phận Một cửa.",
                "motcua",
                date(2026, 12, 31),
                None,
                "",
            ),
        ],
    ),
]

RETENTION_BASIS = "Quyết định 01/QĐ-UBND ngày 04/01/2023 của UBND phường (danh mục hồ sơ ISO)"

STEERING_MEMBERS = [
    ("chutich", SteeringMember.GroupRole.HEAD, "Chỉ đạo chung, phê duyệt tài liệu"),
    ("phochutich", SteeringMember.GroupRole.DEPUTY, "Phụ trách khối văn hóa - xã hội"),
    ("thuky", SteeringMember.GroupRole.SECRETARY, "Thư ký ISO, kiểm soát tài liệu và hồ sơ"),
    ("chuyenvien", SteeringMember.GroupRole.MEMBER, "Tư pháp - Hộ tịch"),
    ("danhgia", SteeringMember.GroupRole.MEMBER, "Văn hóa - Xã hội"),
    ("danhgia2", SteeringMember.GroupRole.MEMBER, "Tài chính - Kế toán"),
    ("motcua", SteeringMember.GroupRole.MEMBER, "Bộ phận Một cửa"),
]


def seed_steering(*, secretary: User, chairman: User, password: str) -> int:
    if SteeringDecision.objects.exists():
        return 0
    users = User.objects.in_bulk(field_name="username")
    with at(date(2023, 1, 5), 9):
        decision = services.steering_decision_save(
            decision=SteeringDecision(
                number="02/QĐ-UBND",
                signed_on=date(2023, 1, 5),
                effective_from=date(2023, 1, 5),
                title="Quyết định về việc kiện toàn Ban chỉ đạo ISO và thư ký ISO "
                "của UBND phường An Dương",
            ),
            members=[
                {"person": users[username], "role": role, "duty": duty}
                for username, role, duty in STEERING_MEMBERS
            ],
            user=secretary,
        )
    with at(date(2023, 1, 5), 15):
        chairman_approve(
            record=decision,
            user=chairman,
            password=password,
            seen_sha256=shown_sha256(SteeringDecision.objects.get(pk=decision.pk)),
        )
    return 1


def seed_training(*, secretary: User) -> int:
    """Before the audits: only certified auditors can be planned on them."""
    if TrainingRecord.objects.exists():
        return 0
    users = User.objects.in_bulk(field_name="username")
    for username, kind, title, provider, completed, certificate, valid in TRAINING:
        with at(completed, 16):
            services.training_record(
                record=TrainingRecord(
                    person=users[username],
                    kind=kind,
                    title=title,
                    provider=provider,
                    completed_on=completed,
                    certificate_number=certificate,
                    valid_until=valid,
                ),
                user=secretary,
            )
    return len(TRAINING)


def seed_risks(*, secretary: User) -> int:
    if Risk.objects.exists():
        return 0
    users = User.objects.in_bulk(field_name="username")
    for (
        code,
        kind,
        process,
        field,
        description,
        cause,
        likelihood,
        impact,
        treatment,
        plan,
        owner,
        identified,
        due,
        review,
        status,
        actions,
    ) in RISKS:
        with at(identified, 10):
            risk = services.risk_save(
                risk=Risk(
                    code=code,
                    kind=kind,
                    process=process,
                    field=field,
                    description=description,
                    cause=cause,
                    likelihood=likelihood,
                    impact=impact,
                    treatment=treatment,
                    treatment_plan=plan,
                    owner=users[owner],
                    identified_on=identified,
                    due_date=due,
                    review_date=review,
                    status=status,
                ),
                user=secretary,
            )
            added = [
                (
                    services.risk_action_add(
                        risk=risk,
                        user=secretary,
                        description=text,
                        owner=users[who],
                        due_date=action_due,
                    ),
                    done,
                    evidence,
                )
                for text, who, action_due, done, evidence in actions
            ]
        for action, done, evidence in added:
            if done:
                with at(done, 16):
                    services.risk_action_done(
                        action=action, user=secretary, done_on=done, evidence=evidence
                    )
    return len(RISKS)


def seed_retention(*, secretary: User) -> int:
    """The schedule's rules come with the migration; the demo names their basis."""
    rules = list(RetentionRule.objects.filter(basis=""))
    for rule in rules:
        rule.basis = RETENTION_BASIS
        with at(date(2023, 1, 4), 10):
            services.retention_rule_save(rule=rule, user=secretary)
    return len(rules)
