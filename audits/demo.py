"""The 2023 audit programme for `seed_demo`: a full-system internal audit whose
checklist covers every clause 4.1-10.3, answered, with findings and a signed report,
and a second audit still in progress."""

from datetime import date, time

from audits import services
from audits.models import Audit, Clause, Programme, Result
from procedures.demo import at
from procedures.models import Dossier, Outcome, Procedure
from qms.models import Unit, User
from qms.signing import chairman_approve, shown_sha256

# clause: (result, evidence, requirement, statement) for the answers that are not
# simply "conforming"
FULL_AUDIT_ANSWERS = {
    "7.1.6": (
        Result.OBSERVATION,
        "Hỏi công chức Bộ phận Một cửa: các trường hợp khó chỉ được trao đổi miệng.",
        "",
        "Chưa có danh mục tri thức của Bộ phận Một cửa.",
    ),
    "7.2": (
        Result.OBSERVATION,
        "Danh sách tập huấn năm 2023 không có tên hai công chức mới nhận việc tháng 8.",
        "",
        "Hai công chức mới chưa được tập huấn quy trình ISO.",
    ),
    "8.5.1": (
        Result.MINOR,
        "Hai hồ sơ trễ hạn lấy mẫu: phiếu kiểm soát quá trình không có chữ ký người nhận "
        "ở bước chuyển công chức chuyên môn.",
        "Quy trình nội bộ, bước chuyển hồ sơ: người giao và người nhận ký trên phiếu kiểm "
        "soát quá trình (mẫu 05, Thông tư 01/2018/TT-VPCP).",
        "Hồ sơ được chuyển giữa các bước mà không có chữ ký người nhận trên phiếu kiểm soát.",
    ),
    "8.7": (
        Result.MINOR,
        "Hai hồ sơ trễ hạn lấy mẫu không có trong sổ theo dõi sự không phù hợp.",
        "TCVN ISO 9001:2015, 8.7.2: lưu thông tin về đầu ra không phù hợp và hành động "
        "đã thực hiện.",
        "Hồ sơ trễ hạn chưa được ghi nhận là sự không phù hợp.",
    ),
    "9.1.2": (
        Result.OBSERVATION,
        "Phiếu khảo sát tháng 7 – 10 để trong hộp, chưa có bảng tổng hợp.",
        "",
        "Phiếu khảo sát chưa được tổng hợp theo quý.",
    ),
}
NOT_APPLICABLE = {"8.3", "8.3.1", "8.3.2", "8.3.3", "8.3.4", "8.3.5", "8.3.6"}
# Each step is dated by its own event, not by the day the demo is seeded: the
# programme approved after the ward's reform plan (07/KH-UBND, 14/01/2023, task VII.1
# asks for the audit), each audit planned and its plan approved the week before it
# starts, started at its opening meeting, answered by its closing meeting and signed
# on its last day.
PROGRAMME_APPROVED_ON = date(2023, 1, 16)


def seed_audits(
    *, lead: User, colleague: User, secretary: User, chairman: User, password: str
) -> int:
    if Audit.objects.filter(year=2023).exists():
        return 0
    services.questions_from_procedures()
    with at(PROGRAMME_APPROVED_ON, 9):
        programme = Programme.objects.create(
            year=2023,
            scope="Tháng 11: đánh giá toàn hệ thống (Bộ phận Một cửa, Tư pháp - Hộ tịch), "
            "điều khoản 4.1 – 10.3.\nTháng 12: đánh giá quy trình chứng thực QT-CT-01, QT-CT-02.",
        )
        chairman_approve(
            record=programme, user=chairman, password=password, seen_sha256=shown_sha256(programme)
        )
    desk, hotich = Unit.objects.get(code="BP-MC"), Unit.objects.get(code="TP-HT")
    with at(date(2023, 10, 25), 9):
        full = services.audit_save(
            audit=Audit(
                code="ĐGNB-2023-01",
                title="Đánh giá nội bộ toàn hệ thống năm 2023",
                year=2023,
                planned_start=date(2023, 11, 6),
                planned_end=date(2023, 11, 8),
                lead_auditor=lead,
                auditees="Bộ phận Một cửa; công chức Tư pháp - Hộ tịch",
                criteria="TCVN ISO 9001:2015; các quy trình đang áp dụng",
            ),
            units=[desk, hotich],
            procedures=[],
            clauses=[],
            team=[colleague],
            user=secretary,
            reason="Chương trình đánh giá 2023",
            timetable=[
                {
                    "day": date(2023, 11, 6),
                    "start": time(8),
                    "end": time(8, 30),
                    "unit": None,
                    "auditor": lead,
                    "clauses": "",
                },
                {
                    "day": date(2023, 11, 6),
                    "start": time(8, 30),
                    "end": time(11, 30),
                    "unit": desk,
                    "auditor": lead,
                    "clauses": "4.1 – 7.5.3",
                },
                {
                    "day": date(2023, 11, 7),
                    "start": time(8),
                    "end": time(11, 30),
                    "unit": desk,
                    "auditor": colleague,
                    "clauses": "8.1 – 8.7",
                },
                {
                    "day": date(2023, 11, 7),
                    "start": time(14),
                    "end": time(17),
                    "unit": hotich,
                    "auditor": lead,
                    "clauses": "8.5.1, 8.7, 9.1.2",
                },
                {
                    "day": date(2023, 11, 8),
                    "start": time(8),
                    "end": time(10),
                    "unit": desk,
                    "auditor": colleague,
                    "clauses": "9.1 – 10.3",
                },
                {
                    "day": date(2023, 11, 8),
                    "start": time(15),
                    "end": time(16),
                    "unit": None,
                    "auditor": lead,
                    "clauses": "",
                },
            ],
        )
    with at(date(2023, 10, 30), 9):
        services.audit_plan_approve(audit=full, user=secretary)
    with at(date(2023, 11, 6), 8):  # the opening meeting
        services.audit_start(audit=full, user=lead)
    sample = list(Dossier.objects.filter(received_on__year=2023, outcome=Outcome.LATE)[:2])
    with at(date(2023, 11, 8), 14):  # the checklist complete before the closing meeting
        found = set()  # one finding per clause: its first question carries it
        for item in full.items.all():
            result, requirement, statement, reason = Result.CONFORMING, "", "", ""
            evidence = (
                f"Đã xem tài liệu, hồ sơ về {item.clause_title.lower()} và phỏng vấn công chức."
            )
            if item.clause_number in FULL_AUDIT_ANSWERS and item.clause_number not in found:
                result, evidence, requirement, statement = FULL_AUDIT_ANSWERS[item.clause_number]
                found.add(item.clause_number)
            if item.clause_number in NOT_APPLICABLE:
                result, evidence, reason = (
                    Result.NOT_APPLICABLE,
                    "",
                    "UBND phường không thiết kế dịch vụ.",
                )
            services.checklist_answer(
                item=item,
                user=lead,
                result=result,
                evidence=evidence,
                not_applicable_reason=reason,
                requirement=requirement,
                statement=statement,
                dossiers=sample if item.clause_number in ("8.5.1", "8.7") else [],
            )
        services.report_save(
            audit=full,
            user=lead,
            summary="Đánh giá toàn bộ các điều khoản 4.1 – 10.3 tại Bộ phận Một cửa và "
            "công chức Tư pháp - Hộ tịch trong 3 ngày.",
            strengths="Hồ sơ được tiếp nhận, trả kết quả đúng hạn ở mức cao; quy trình được "
            "kiểm soát và công khai đầy đủ.",
            improvements="Tổng hợp khảo sát hài lòng theo quý; tập huấn ISO cho công chức mới.",
            conclusion="HTQLCL phù hợp với TCVN ISO 9001:2015 và được duy trì có hiệu lực; "
            "cần khắc phục 2 điểm không phù hợp nhẹ.",
            distribution="Chủ tịch UBND phường; Các bộ phận; Lưu: VT, ISO.",
        )
    # Signed on the audit's last day, as it was, not on the day the demo is seeded:
    # the report is dated by its signing (R11).
    with at(date(2023, 11, 8), 16, 30):
        services.report_sign(
            audit=full,
            user=lead,
            password=password,
            seen_sha256=shown_sha256(Audit.objects.get(pk=full.pk)),  # as answered and written
        )
    with at(date(2023, 11, 27), 9):
        in_progress = services.audit_save(
            audit=Audit(
                code="ĐGNB-2023-02",
                title="Đánh giá quy trình chứng thực",
                year=2023,
                planned_start=date(2023, 12, 4),
                planned_end=date(2023, 12, 4),
                lead_auditor=lead,
                criteria="TCVN ISO 9001:2015; QT-CT-01, QT-CT-02",
            ),
            units=[hotich],
            procedures=list(Procedure.objects.filter(code__in=["QT-CT-01", "QT-CT-02"])),
            clauses=list(Clause.objects.filter(number__in=["7.5.3", "8.5.1", "8.7"])),
            team=[],
            user=secretary,
            reason="Chương trình đánh giá 2023",
            timetable=[
                {"day": date(2023, 12, 4), "start": time(8), "end": time(8, 30), "auditor": lead},
                {
                    "day": date(2023, 12, 4),
                    "start": time(8, 30),
                    "end": time(16),
                    "unit": hotich,
                    "auditor": lead,
                    "clauses": "7.5.3, 8.5.1, 8.7",
                },
            ],
        )
    with at(date(2023, 11, 27), 15):  # the week before the audit
        services.audit_plan_approve(audit=in_progress, user=secretary)
    with at(date(2023, 12, 4), 8):
        services.audit_start(audit=in_progress, user=lead)
    return 2
