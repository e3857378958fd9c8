"""Demo oversight records for `seed_demo`, from the ward's 2023 plan (Kế hoạch
07/KH-UBND, transcribed in `qms/oversight/plan_2023.py`): its targets as quality objectives approved
by the
chairman, its appendix of tasks, its periodic reports of both kinds and the year's management
review."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine

from procedures.demo import at
from qms import signing
from qms.dates import short_date
from qms.models import (
    LegalDocument,
    ManagementReview,
    Objective,
    PeriodicReport,
    Plan,
    PlanTask,
    PlanTaskProgress,
    ReviewOutput,
    Unit,
    User,
)
from qms.oversight import plan_2023, services, snapshot
from qms.working_days import LOCAL_TZ

PLAN_YEAR = 2023
TARGETS = [
    ("100% hồ sơ TTHC giải quyết đúng hạn", Objective.Measure.ON_TIME, "gte", "100"),
    ("Mức độ hài lòng của người dân đạt trên 95%", Objective.Measure.SATISFACTION, "gt", "95"),
    (
        "Tỷ lệ hài lòng của người dân, tổ chức đạt trên 97%",
        Objective.Measure.SATISFACTION,
        "gt",
        "97",
    ),
    (
        "Số hóa kết quả giải quyết TTHC đang còn hiệu lực đạt tỷ lệ tối thiểu 55%",
        Objective.Measure.DIGITISED_IN_FORCE,
        "gte",
        "55",
    ),
    (
        "Hoàn thành 100% thực hiện quản lý chất lượng theo TCVN ISO 9001:2015",
        Objective.Measure.ISO_COVERAGE,
        "gte",
        "100",
    ),
    (
        "Hoàn thành đúng tiến độ 100% nhiệm vụ của Kế hoạch CCHC năm 2023",
        Objective.Measure.PLAN_TASKS,
        "gte",
        "100",
    ),
    (
        "100% văn bản quy phạm pháp luật do HĐND, UBND phường ban hành trong năm 2023 đúng "
        "tiến độ, trình tự, thủ tục; đăng công khai trên Cổng thông tin điện tử của phường",
        Objective.Measure.LEGAL_DOCUMENTS,
        "gte",
        "100",
    ),
]

# The ward's legal documents of 2023 that the plan's target follows (demo records).
LEGAL_DOCUMENTS = [
    {
        "issuer": LegalDocument.Issuer.COUNCIL,
        "title": "Nghị quyết về biện pháp bảo đảm thi hành pháp luật trên địa bàn phường "
        "(dữ liệu mẫu)",
        "number": "05/2023/NQ-HĐND",
        "planned_on": date(2023, 7, 14),
        "issued_on": date(2023, 7, 12),
        "posted_on": date(2023, 7, 13),
    },
    {
        "issuer": LegalDocument.Issuer.COMMITTEE,
        "title": "Quyết định ban hành quy chế phối hợp tiếp nhận, giải quyết TTHC tại Bộ phận "
        "Một cửa phường (dữ liệu mẫu)",
        "number": "12/2023/QĐ-UBND",
        "planned_on": date(2023, 3, 31),
        "issued_on": date(2023, 3, 29),
        "posted_on": date(2023, 3, 31),
    },
]


def seed_objectives(*, chairman: User, password: str) -> int:
    """The plan's targets, approved by the chairman on the day the plan was issued."""
    if Objective.objects.filter(year=PLAN_YEAR).exists():
        return 0
    with at(plan_2023.PLAN["issued_on"], 9):
        for title, measure, comparison, target in TARGETS:
            objective = Objective.objects.create(
                year=PLAN_YEAR,
                title=title,
                measure=measure,
                comparison=comparison,
                target=Decimal(target),
            )
            signing.chairman_approve(
                record=objective,
                user=chairman,
                password=password,
                seen_sha256=signing.shown_sha256(objective),
            )
    return len(TARGETS)


def seed_plan() -> int:
    """The 2023 plan and every task of its appendix; by the end of 2023 all were done,
    two of them after their deadline; the tasks carried out all year with their
    progress month by month; the ward's legal documents its target follows."""
    if Plan.objects.filter(number=plan_2023.PLAN["number"], year=PLAN_YEAR).exists():
        return 0
    plan = Plan.objects.create(**plan_2023.PLAN)
    units = Unit.objects.in_bulk(field_name="code")
    late = {5, 14}  # done a few weeks after the deadline
    for order, (section, content, leader, codes, product, timeframe, deadline) in enumerate(
        plan_2023.TASKS, start=1
    ):
        all_year = "cả năm" in timeframe.lower()
        on_time = deadline if all_year else deadline - timedelta(days=3)
        completed = deadline + timedelta(days=20) if order in late else on_time
        task = PlanTask.objects.create(
            plan=plan,
            order=order,
            section=section,
            content=content,
            leader_role=leader,
            other_implementers=plan_2023.OTHER_IMPLEMENTERS.get(order, ""),
            product=product,
            timeframe=timeframe,
            deadline=deadline,
            all_year=all_year,
            status=PlanTask.Status.DONE,
            completed_on=completed,
            evidence=f"Báo cáo kết quả ngày {short_date(completed)}",
        )
        task.units.set([units[code] for code in codes])
        if all_year:
            PlanTaskProgress.objects.bulk_create(
                PlanTaskProgress(
                    task=task,
                    month=date(PLAN_YEAR, month, 1),
                    note=f"Báo cáo tiến độ tháng {month:02d}/{PLAN_YEAR}",
                )
                for month in range(1, 13)
            )
    for document in LEGAL_DOCUMENTS:
        LegalDocument.objects.create(**document)
    return len(plan_2023.TASKS)


# What the culture officer's quarterly reports of 2023 say.
COMMUNICATION_SUMMARIES = (
    "Đăng 9 tin, bài về cải cách hành chính và dịch vụ công trực tuyến trên Cổng "
    "thông tin điện tử phường; 24 buổi phát thanh trên hệ thống loa của phường.",
    "Đăng 11 tin, bài; 26 buổi phát thanh; treo 6 băng rôn hướng dẫn nộp hồ sơ trực "
    "tuyến tại các tổ dân phố.",
    "Đăng 10 tin, bài; 24 buổi phát thanh; hướng dẫn trực tiếp tại Bộ phận Một cửa "
    "cách nộp hồ sơ trực tuyến và thanh toán không dùng tiền mặt.",
    "Đăng 12 tin, bài; 25 buổi phát thanh; tổng kết công tác tuyên truyền năm 2023, "
    "đề xuất tăng thời lượng phát thanh về chuyển đổi số.",
)


def seed_reports(*, secretary: User, culture_officer: User) -> int:
    """The reports of 2023, each sent the day before its deadline and numbered in
    the order they were sent: the four reform reports by the ISO secretary, the four
    communication reports by the culture officer."""
    if PeriodicReport.objects.filter(year=PLAN_YEAR).exists():
        return 0
    summaries = {
        PeriodicReport.Kind.REFORM: iter(
            [
                "Các bộ phận thực hiện đúng quy trình ISO 9001:2015; một số hồ sơ chứng thực "
                "còn trễ hạn do thiếu nhân lực vào cuối tháng."
            ]
            * 4
        ),
        PeriodicReport.Kind.COMMUNICATION: iter(COMMUNICATION_SUMMARIES),
    }
    writers = {
        PeriodicReport.Kind.REFORM: secretary,
        PeriodicReport.Kind.COMMUNICATION: culture_officer,
    }
    entries = snapshot.schedule(PLAN_YEAR)
    for entry in entries:
        report = entry.report
        report.summary = next(summaries[report.kind])
        services.report_submit(
            report=report, user=writers[report.kind], submitted_on=entry.due - timedelta(days=1)
        )
    return len(entries)


def seed_review(*, secretary: User, chairman: User, owner: User, password: str) -> int:
    """The management review of 2023, signed, with its decisions; one already done."""
    if ManagementReview.objects.exists():
        return 0
    review = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 12, 22),
            starts_at=time(8),
            place="Hội trường UBND phường",
            period_start=date(PLAN_YEAR, 1, 1),
            period_end=date(PLAN_YEAR, 11, 30),
            chair=chairman,
            secretary=secretary,
            participants="Chủ tịch, Phó Chủ tịch UBND phường; thư ký ISO; "
            "công chức các bộ phận VP-TK, TP-HT, ĐC-XD, VH-XH, TC-KT.",
            issues_changes="Nghị định 107/2021/NĐ-CP sửa đổi cơ chế một cửa; "
            "chuẩn bị áp dụng Bộ chỉ số 766.",
            feedback="Người dân phản ánh thời gian chờ chứng thực vào cuối tháng.",
            providers="Bưu điện phường chuyển phát kết quả đúng hẹn.",
            resources="Thiếu một máy quét cho bộ phận Một cửa.",
            risks="Rủi ro trễ hạn hồ sơ chứng thực đã có biện pháp tăng người tiếp nhận.",
            improvements="Mở rộng tiếp nhận trực tuyến các thủ tục hộ tịch.",
            conclusion="Hệ thống quản lý chất lượng phù hợp, đầy đủ và có hiệu lực.",
        ),
        user=secretary,
    )
    decisions = [
        (
            ReviewOutput.Kind.RESOURCES,
            "Mua bổ sung một máy quét cho bộ phận Một cửa",
            date(2024, 2, 29),
        ),
        (ReviewOutput.Kind.IMPROVEMENT, "Tăng tỷ lệ hồ sơ trực tuyến lên 50%", date(2024, 6, 30)),
        (ReviewOutput.Kind.CHANGE, "Rà soát lại quy trình chứng thực theo Bộ chỉ số 766", None),
    ]
    for kind, decision, due in decisions:
        services.review_output_add(
            output=ReviewOutput(
                review=review,
                kind=kind,
                decision=decision,
                owner=owner if due else None,
                due_date=due,
            ),
            user=secretary,
        )
    # Signed at the end of the meeting, as it was, not on the day the demo is seeded:
    # the secretary first, then the chairman.
    for signer, moment in ((secretary, time(11)), (chairman, time(11, 15))):
        with time_machine.travel(datetime.combine(review.held_on, moment, LOCAL_TZ), tick=False):
            services.review_sign(
                review=review,
                user=signer,
                password=password,
                seen_sha256=signing.shown_sha256(ManagementReview.objects.get(pk=review.pk)),
            )
    services.review_output_done(
        output=review.outputs.first(),
        user=owner,
        done_on=date(2024, 2, 20),
        result="Đã mua và đưa vào sử dụng máy quét.",
    )
    return 1
