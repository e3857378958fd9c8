"""Demo register for `seed_demo`: the late dossiers of 2023 as nonconforming outputs
(closed when their result was delivered) and the corrective actions their patterns
opened, taken to every stage (one to a verified closure, one with an overdue action,
one cancelled), one output escalated by the ISO secretary, the audit's findings
(raised when its report was signed), and a complaint.

Each step happens on a day of its own (`at`): an output is recorded when its dossier
is completed late, a case handled in the working days after, its actions done and
verified on the dates the register shows, not on the day the demo is seeded."""

from datetime import date

from nonconformities import services
from nonconformities.models import Action, Complaint, Nonconformity
from procedures.demo import at
from procedures.models import Dossier, Outcome
from qms.models import CalendarDay, User

HANDLED_AFTER = 2  # working days from the finding to its analysis and plan


def seed_nonconformities(*, secretary: User, officer: User, auditor: User) -> int:
    if Nonconformity.objects.filter(source=Nonconformity.Source.LATE_DOSSIER).exists():
        return 0
    calendar = CalendarDay.objects.calendar()
    for dossier in (
        Dossier.objects.filter(received_on__year=2023, outcome=Outcome.LATE)
        .select_related("procedure__unit")
        .order_by("completed_at", "pk")  # numbered in the order they were found
    ):
        with at(dossier.completed_on, 17):  # the day it was completed late
            services.nc_from_late_dossier(dossier=dossier, user=None)
    cases = Nonconformity.objects.filter(source=Nonconformity.Source.LATE_PATTERN)
    closed, open_one = cases.order_by("found_on", "pk")[:2]
    for nc, finish in ((closed, True), (open_one, False)):
        with at(calendar.add_working_days(nc.found_on, HANDLED_AFTER), 9):
            services.nc_record_correction(
                nc=nc, user=secretary, correction="Đã xin lỗi và hẹn lại từng hồ sơ."
            )
            services.nc_analyse(
                nc=nc,
                user=secretary,
                root_cause="Vì sao trễ? Chờ xác minh nơi cư trú. Vì sao chờ? Chưa có mẫu văn "
                "bản đề nghị xác minh. Vì sao? Quy trình chưa quy định bước xác minh.",
            )
            action = services.action_add(
                nc=nc,
                user=secretary,
                kind=Action.Kind.CORRECTIVE,
                description="Bổ sung bước xác minh và mẫu văn bản vào quy trình.",
                owner=officer,
                due_date=date(2023, 6, 30) if finish else date(2024, 1, 15),
            )
            services.nc_start_actions(nc=nc, user=secretary)
        if finish:
            with at(date(2023, 6, 20), 16):
                services.action_done(
                    action=action,
                    user=officer,
                    done_on=date(2023, 6, 20),
                    evidence="QĐ 48/QĐ-UBND",
                )
                services.nc_request_verification(nc=nc, user=secretary)
            with at(date(2023, 10, 4), 9):  # the third quarter's dossiers looked at
                services.nc_verify(
                    nc=nc, user=auditor, effective=True, evidence="Quý 3 không còn hồ sơ trễ hạn."
                )
    analysis, plan, verification, cancelled = cases.filter(
        stage=Nonconformity.Stage.DRAFT
    ).order_by("found_on", "pk")[:4]
    for nc, root_cause in (
        (analysis, ""),
        (plan, "Công chức thụ lý nghỉ ốm."),
        (verification, "Thiếu người dự phòng."),
    ):
        with at(calendar.add_working_days(nc.found_on, HANDLED_AFTER), 9):
            services.nc_analyse(nc=nc, user=secretary, root_cause=root_cause)
    with at(calendar.add_working_days(verification.found_on, HANDLED_AFTER), 10):
        action = services.action_add(
            nc=verification,
            user=secretary,
            kind=Action.Kind.CORRECTIVE,
            description="Phân công người dự phòng cho từng thủ tục.",
            owner=officer,
            due_date=date(2023, 9, 30),
        )
        services.nc_start_actions(nc=verification, user=secretary)
    with at(date(2023, 9, 15), 16):
        services.action_done(
            action=action, user=officer, done_on=date(2023, 9, 15), evidence="Thông báo 12/TB-UBND"
        )
        services.nc_request_verification(nc=verification, user=secretary)
    with at(calendar.add_working_days(cancelled.found_on, HANDLED_AFTER), 9):
        services.nc_cancel(
            nc=cancelled, user=secretary, reason="Trễ do lỗi của hệ thống cấp tỉnh, đã báo cáo."
        )
    lone = (
        Nonconformity.objects.outputs()
        .filter(corrective_action__isnull=True)
        .order_by("found_on", "pk")
        .first()
    )
    if lone is not None:
        with at(calendar.add_working_days(lone.found_on, HANDLED_AFTER), 14):
            services.nc_escalate(
                nc=lone,
                user=secretary,
                reason="Công dân phải đi lại nhiều lần: cần rà soát cách hẹn lại.",
            )
    if not Complaint.objects.exists():
        complaint = services.complaint_record(
            user=officer,
            citizen="Trịnh Văn Khiếu",
            phone="0912 000 111",
            content="Phải đến Bộ phận Một cửa hai lần vì chưa được hướng dẫn đủ giấy tờ.",
        )
        services.complaint_answer(
            complaint=complaint, user=officer, answer="Đã xin lỗi và hướng dẫn lại đầy đủ."
        )
        services.nc_from_complaint(
            complaint=complaint, user=secretary, severity=Nonconformity.Severity.MINOR
        )
        services.complaint_record(
            user=officer, citizen="Lương Thị Mận", content="Đề nghị bố trí thêm ghế chờ."
        )
    return Nonconformity.objects.count()
