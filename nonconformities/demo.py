"""Demo register for `seed_demo`: the late dossiers of 2023 as nonconforming outputs
(closed when their result was delivered) and the corrective actions their patterns
opened, taken to every stage (one to a verified closure, one with an overdue action,
one cancelled), one output escalated by the ISO secretary, the audit's findings
(raised when its report was signed), and a complaint."""

from datetime import date

from nonconformities import services
from nonconformities.models import Action, Complaint, Nonconformity
from procedures.models import Dossier, Outcome
from qms.models import User


def seed_nonconformities(*, secretary: User, officer: User, auditor: User) -> int:
    if Nonconformity.objects.filter(source=Nonconformity.Source.LATE_DOSSIER).exists():
        return 0
    for dossier in (
        Dossier.objects.filter(received_on__year=2023, outcome=Outcome.LATE)
        .select_related("procedure__unit")
        .order_by("completed_on", "pk")
    ):
        services.nc_from_late_dossier(dossier=dossier, user=None)
    cases = Nonconformity.objects.filter(source=Nonconformity.Source.LATE_PATTERN)
    closed, open_one = cases.order_by("found_on", "pk")[:2]
    for nc, finish in ((closed, True), (open_one, False)):
        services.nc_record_correction(
            nc=nc, user=secretary, correction="Đã xin lỗi và hẹn lại từng hồ sơ."
        )
        services.nc_analyse(
            nc=nc,
            user=secretary,
            root_cause="Vì sao trễ? Chờ xác minh nơi cư trú. Vì sao chờ? Chưa có mẫu văn bản "
            "đề nghị xác minh. Vì sao? Quy trình chưa quy định bước xác minh.",
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
            services.action_done(
                action=action, user=officer, done_on=date(2023, 6, 20), evidence="QĐ 48/QĐ-UBND"
            )
            services.nc_request_verification(nc=nc, user=secretary)
            services.nc_verify(
                nc=nc, user=auditor, effective=True, evidence="Quý 3 không còn hồ sơ trễ hạn."
            )
    analysis, plan, verification, cancelled = cases.filter(
        stage=Nonconformity.Stage.DRAFT
    ).order_by("found_on", "pk")[:4]
    services.nc_analyse(nc=analysis, user=secretary, root_cause="")
    services.nc_analyse(nc=plan, user=secretary, root_cause="Công chức thụ lý nghỉ ốm.")
    services.nc_analyse(nc=verification, user=secretary, root_cause="Thiếu người dự phòng.")
    action = services.action_add(
        nc=verification,
        user=secretary,
        kind=Action.Kind.CORRECTIVE,
        description="Phân công người dự phòng cho từng thủ tục.",
        owner=officer,
        due_date=date(2023, 9, 30),
    )
    services.nc_start_actions(nc=verification, user=secretary)
    services.action_done(
        action=action, user=officer, done_on=date(2023, 9, 15), evidence="Thông báo 12/TB-UBND"
    )
    services.nc_request_verification(nc=verification, user=secretary)
    services.nc_cancel(
        nc=cancelled, user=secretary, reason="Trễ do lỗi của hệ thống cấp tỉnh, đã báo cáo."
    )
    lone = Nonconformity.objects.outputs().filter(corrective_action__isnull=True).first()
    if lone is not None:
        services.nc_escalate(
            nc=lone,
            user=secretary,
            reason="Công dân phải đi lại nhiều lần: cần rà soát cách hẹn lại.",
        )
    if not Complaint.objects.exists():
        complaint = services.complaint_record(
            user=officer,
            citizen="Trịnh Văn Khiếu",
            contact="0912 000 111",
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
