"""The audit plan, the filled checklist and the signed audit report."""

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from audits.models import Audit
from qms.dates import local_day, short_date, short_moment
from qms.models import Organisation
from qms.pdf import (
    Signer,
    build_pdf,
    grid,
    official_heading,
    paragraph,
    place_and_date,
    signature_block,
)


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
    for row in audit.timetable.select_related("unit", "auditor"):
        time = f"{row.start:%H:%M}" + (f" – {row.end:%H:%M}" if row.end else "")
        unit = str(row.unit) if row.unit else "Họp khai mạc, kết thúc"
        rows.append([short_date(row.day), time, unit, row.auditor.get_full_name(), row.clauses])
    if len(rows) == 1:
        return [paragraph("Chưa lập lịch đánh giá.")]
    return [grid(rows, [25 * mm, 33 * mm, 45 * mm, 37 * mm, 30 * mm])]


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
            grid(_scope(audit), [50 * mm, 120 * mm], header_rows=0),
            paragraph("Lịch đánh giá", "heading"),
            *_timetable(audit),
            Spacer(1, 6 * mm),
            grid([["NGƯỜI PHÊ DUYỆT KẾ HOẠCH"], [_plan_approval(audit)]], [170 * mm]),
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
    table = grid(rows, [90 * mm, 28 * mm, 52 * mm], small=True)
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
        grid(_scope(audit), [50 * mm, 120 * mm], header_rows=0),
        paragraph("1. Tóm tắt", "heading"),
        paragraph(audit.summary or "—"),
        paragraph("2. Điểm mạnh", "heading"),
        paragraph(audit.strengths or "—"),
        paragraph("3. Cơ hội cải tiến", "heading"),
        paragraph(audit.improvements or "—"),
        paragraph("4. Các phát hiện", "heading"),
        grid(findings, [17 * mm, 17 * mm, 24 * mm, 38 * mm, 37 * mm, 37 * mm], small=True),
        paragraph("5. Kết luận về sự phù hợp và hiệu lực của HTQLCL", "heading"),
        paragraph(audit.conclusion or "—"),
        paragraph("6. Kết quả danh mục kiểm tra", "heading"),
        _checklist_table(audit),
        signature_block(
            Signer("Trưởng đoàn đánh giá", signer.get_full_name(), signed),
            recipients=audit.distribution or "—",
        ),
    ]
    # Dated by the audit's end: the day the lead auditor signs it, or, unsigned, the
    # day it is due; never the day it is printed.
    return _document(audit, "BÁO CÁO ĐÁNH GIÁ NỘI BỘ", body, audit.actual_end or audit.planned_end)


# kind: (title, builder)
AUDIT_PDFS = {
    "audit-plan": ("Kế hoạch đánh giá", audit_plan_pdf),
    "audit-checklist": ("Danh mục kiểm tra", audit_checklist_pdf),
    "audit-report": ("Báo cáo đánh giá", audit_report_pdf),
}
