"""The audit plan, the filled checklist and the signed audit report."""

from django.db.models import Count
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer, Table, TableStyle

from audits.models import Audit, Result
from qms.dates import local_day, short_date, short_moment
from qms.models import Organisation
from qms.pdf import (
    Signer,
    build_pdf,
    columns,
    grid,
    official_heading,
    paragraph,
    place_and_date,
    signature_block,
)
from qms.pdfsign import sign_record_pdf


def _people(audit: Audit) -> str:
    team = ", ".join(user.get_full_name() for user in audit.team.all())
    return f"{audit.lead_auditor.get_full_name()} (trưởng đoàn)" + (f"; {team}" if team else "")


def _scope(audit: Audit) -> list:
    clauses = ", ".join(audit.clauses.values_list("number", flat=True)) or "4.1 – 10.3"
    return [
        ["Bộ phận được đánh giá", ", ".join(str(u) for u in audit.units.all()) or "Toàn hệ thống"],
        ["Quy trình", ", ".join(p.code for p in audit.procedures.all()) or "—"],
        ["Điều khoản", clauses],
        ["Thời gian", f"{short_date(audit.planned_start)} – {short_date(audit.planned_end)}"],
        ["Đoàn đánh giá", _people(audit)],
        ["Người được đánh giá", audit.auditees or "—"],
        ["Chuẩn mực đánh giá", audit.criteria or "TCVN ISO 9001:2015"],
    ]


def _report_scope(audit: Audit) -> list:
    """The scope as the report states it (ISO 19011 6.5.1): its objective, the days
    the audit was actually carried out, and the approved plan it followed."""
    rows = _scope(audit)
    if audit.actual_start:
        end = short_date(audit.actual_end) if audit.actual_end else "…"
        rows[3] = ["Thời gian đánh giá", f"{short_date(audit.actual_start)} – {end}"]
    plan = (
        f"Phê duyệt ngày {short_date(audit.plan_approved_at)} "
        f"({audit.plan_approved_by.get_full_name()}, thư ký ISO)"
        if audit.plan_approved_at
        else "Chưa phê duyệt"
    )
    return [["Mục tiêu", OBJECTIVE], *rows, ["Kế hoạch đánh giá", plan]]


# The objective ISO 9001:2015 9.2.1 sets every internal audit.
OBJECTIVE = (
    "Xác định hệ thống quản lý chất lượng có phù hợp với các yêu cầu của UBND phường và "
    "của TCVN ISO 9001:2015, có được áp dụng và duy trì một cách hiệu lực không (9.2.1)."
)
# ISO 19011 6.5.1 k): an audit samples.
SAMPLING = (
    "Đánh giá được thực hiện trên cơ sở lấy mẫu hồ sơ, tài liệu và phỏng vấn; bằng chứng "
    "xem xét có thể chưa đại diện cho toàn bộ hoạt động."
)


def _fulfilment(audit: Audit) -> str:
    """How far the criteria were met (ISO 19011 6.5.1 i), from the checklist."""
    counts = dict(
        audit.items.order_by().values("result").annotate(n=Count("pk")).values_list("result", "n")
    )
    asked = sum(counts.values()) - counts.get(Result.NOT_APPLICABLE, 0)
    return (
        f"Mức độ đáp ứng chuẩn mực: {counts.get(Result.CONFORMING, 0)}/{asked} nội dung kiểm "
        f"tra phù hợp; {counts.get(Result.MAJOR, 0)} điểm không phù hợp nặng, "
        f"{counts.get(Result.MINOR, 0)} điểm không phù hợp nhẹ, "
        f"{counts.get(Result.OBSERVATION, 0)} điểm cần lưu ý; "
        f"{counts.get(Result.NOT_APPLICABLE, 0)} nội dung không áp dụng."
    )


def _document(
    audit: Audit, title: str, body: list, day, watermark: str | None = None, identity_day=None
) -> bytes:
    """`day` dates the document; None leaves the date line blank (an unapproved draft),
    the identity then that of `identity_day`."""
    identity = Organisation.current().identity_on(day or identity_day)
    story = [
        official_heading(identity),
        place_and_date(identity, day),
        paragraph(f"{title}\n{audit.title.upper()}", "title"),
        paragraph(f"Mã cuộc đánh giá: {audit.code} · {audit.get_kind_display()}"),
        Spacer(1, 3 * mm),
        *body,
    ]
    return build_pdf(
        story,
        title=f"{title} {audit.code}",
        footer=f"{audit.code} · {title.lower()}",
        watermark=watermark,
    )


def _timetable(audit: Audit) -> list:
    rows = [["Ngày", "Thời gian", "Bộ phận được đánh giá", "Chuyên gia đánh giá", "Điều khoản"]]
    timetable = list(audit.timetable.select_related("unit", "auditor"))
    for number, row in enumerate(timetable):
        time = f"{row.start:%H:%M}" + (f" – {row.end:%H:%M}" if row.end else "")
        # a row without a unit is the opening meeting, or at the end the closing one
        meeting = "Họp kết thúc" if number and number == len(timetable) - 1 else "Họp khai mạc"
        unit = str(row.unit) if row.unit else meeting
        rows.append([short_date(row.day), time, unit, row.auditor.get_full_name(), row.clauses])
    if len(rows) == 1:
        return [paragraph("Chưa lập lịch đánh giá.")]
    return [grid(rows, columns(25, 33, 45, 37, 30))]


def _plan_approval(audit: Audit) -> str:
    if not audit.plan_approved_at:
        return "Chưa phê duyệt"
    return (
        f"{audit.plan_approved_by.get_full_name()}, thư ký ISO\n"
        f"Đã phê duyệt lúc {short_moment(audit.plan_approved_at)}"
    )


def audit_plan_pdf(audit: Audit) -> bytes:
    return _document(
        audit,
        "KẾ HOẠCH ĐÁNH GIÁ NỘI BỘ",
        [
            grid(_scope(audit), columns(50, 120), header_rows=0),
            paragraph("Lịch đánh giá", "heading"),
            *_timetable(audit),
            Spacer(1, 6 * mm),
            grid([["NGƯỜI PHÊ DUYỆT KẾ HOẠCH"], [_plan_approval(audit)]], columns(1)),
        ],
        # dated by its approval, its own event; a draft has no date yet, and the
        # heading of the audit it is drafted for
        local_day(audit.plan_approved_at) if audit.plan_approved_at else None,
        watermark=None if audit.plan_approved_at else "DỰ THẢO",
        identity_day=audit.planned_start,
    )


def _checklist_table(audit: Audit) -> Table:
    """The checklist, each clause on a full-width row of its own above its questions."""
    rows, clause_rows, clause = [["Câu hỏi", "Kết quả", "Bằng chứng, hồ sơ lấy mẫu"]], [], None
    for item in audit.items.prefetch_related("dossiers"):
        if item.clause_number != clause:
            clause = item.clause_number
            clause_rows.append(len(rows))
            rows.append([f"{item.clause_number} {item.clause_title}", "", ""])
        sampled = ", ".join(
            f"{d.code} ({d.get_outcome_display() or d.get_status_display()})"
            for d in item.dossiers.all()
        )
        rows.append(
            [
                item.question,
                item.get_result_display() or "—",
                "\n".join(
                    part for part in (item.evidence, item.not_applicable_reason, sampled) if part
                ),
            ]
        )
    table = grid(rows, columns(90, 28, 52), small=True)
    table.setStyle(
        TableStyle(
            [("SPAN", (0, row), (-1, row)) for row in clause_rows]
            + [
                ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f4f4f4"))
                for row in clause_rows
            ]
        )
    )
    return table


def audit_checklist_pdf(audit: Audit) -> bytes:
    return _document(
        audit,
        "DANH MỤC KIỂM TRA",
        [_checklist_table(audit)],
        audit.actual_start or audit.planned_start,
    )


def _heading(title: str) -> list:
    """A section heading that never stands alone at the foot of a page."""
    return [CondPageBreak(25 * mm), paragraph(title, "heading")]


def audit_report_pdf(audit: Audit) -> bytes:
    findings = [
        ["Điều khoản", "Bộ phận", "Mức độ", "Yêu cầu", "Bằng chứng", "Nội dung phát hiện"]
    ] + [
        [
            f.clause_number,
            f.unit.code if f.unit else "—",
            f.get_severity_display(),
            f.requirement or "—",
            f.evidence,
            f.description,
        ]
        for f in audit.findings.select_related("unit")
    ]
    signature = audit.report_signature
    signed = (
        f"Đã ký điện tử lúc {short_moment(signature.signed_at)}\n"
        f"SHA-256: {signature.content_sha256[:16]}…"
        if signature
        else "Chưa ký"
    )
    signer = signature.signer if signature else audit.lead_auditor
    body = [
        grid(_report_scope(audit), columns(50, 120), header_rows=0),
        *_heading("Lịch đánh giá đã thực hiện"),
        *_timetable(audit),
        *_heading("1. Tóm tắt"),
        paragraph(audit.summary or "—"),
        *_heading("2. Điểm mạnh"),
        paragraph(audit.strengths or "—"),
        *_heading("3. Cơ hội cải tiến"),
        paragraph(audit.improvements or "—"),
        *_heading("4. Các phát hiện"),
        grid(findings, columns(17, 17, 24, 38, 37, 37), small=True),
        *_heading("5. Kết luận về sự phù hợp và hiệu lực của HTQLCL"),
        paragraph(audit.conclusion or "—"),
        paragraph(_fulfilment(audit)),
        paragraph(SAMPLING),
        *_heading("6. Kết quả danh mục kiểm tra"),
        _checklist_table(audit),
        signature_block(
            Signer("Trưởng đoàn đánh giá", signer.get_full_name(), signed, signature),
            recipients=audit.distribution or "—",
        ),
    ]
    # Dated by the audit's end: the day the lead auditor signs it, or, unsigned, the
    # day it is due; never the day it is printed.
    pdf = _document(audit, "BÁO CÁO ĐÁNH GIÁ NỘI BỘ", body, audit.actual_end or audit.planned_end)
    return sign_record_pdf(pdf, [(signature, "Trưởng đoàn đánh giá")])


# kind: (title, builder)
AUDIT_PDFS = {
    "audit-plan": ("Kế hoạch đánh giá", audit_plan_pdf),
    "audit-checklist": ("Danh mục kiểm tra", audit_checklist_pdf),
    "audit-report": ("Báo cáo đánh giá", audit_report_pdf),
}
