"""The controlled copy of a procedure revision."""

from django.utils.formats import date_format
from django.utils.timezone import localdate, localtime
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procedures.models import ProcedureRevision, decimal_text
from qms.models import Organisation
from qms.pdf import build_pdf, grid, official_heading, paragraph, place_and_date

Status = ProcedureRevision.Status
WATERMARKS = {
    Status.DRAFT: "DỰ THẢO",
    Status.SUBMITTED: "DỰ THẢO",
    Status.APPROVED: "CHƯA CÓ HIỆU LỰC",
    Status.SUPERSEDED: "HẾT HIỆU LỰC",
    Status.WITHDRAWN: "HẾT HIỆU LỰC",
}


def _day(value) -> str:
    return date_format(value, "d/m/Y") if value else "—"


def revision_pdf(revision: ProcedureRevision) -> bytes:
    procedure = revision.procedure
    organisation = Organisation.current()
    steps = list(revision.steps.select_related("unit"))
    approval = revision.approval
    width = 170 * mm

    story = [
        official_heading(organisation),
        place_and_date(organisation, revision.effective_from or localdate()),
        paragraph(f"QUY TRÌNH\n{procedure.name.upper()}", "title"),
        grid(
            [
                ["Mã hiệu", "Lần ban hành", "Ngày hiệu lực", "Thời hạn giải quyết"],
                [
                    procedure.code,
                    f"{revision.number:02d}",
                    _day(revision.effective_from),
                    revision.limit_display(),
                ],
            ],
            [width / 4] * 4,
        ),
        Spacer(1, 4 * mm),
        paragraph(
            f"Lĩnh vực: {procedure.get_field_display()}. Đơn vị chủ trì: {procedure.unit.name}. "
            f"Tình trạng: {revision.status_display()}"
            + (f" từ {_day(revision.ended_on)}." if revision.ended_on else ".")
        ),
        paragraph("1. Mục đích", "heading"),
        paragraph(revision.purpose),
        paragraph("2. Phạm vi áp dụng", "heading"),
        paragraph(revision.scope),
        paragraph("3. Tài liệu viện dẫn", "heading"),
        paragraph(revision.references),
        paragraph("4. Trình tự thực hiện", "heading"),
        grid(
            [["TT", "Bước thực hiện", "Trách nhiệm", f"Thời gian ({revision.step_unit_label()})"]]
            + [
                [
                    str(step.order),
                    step.name,
                    step.responsible_display(),
                    decimal_text(step.allotment),
                ]
                for step in steps
            ]
            + [["", "Tổng cộng", "", decimal_text(sum(step.allotment for step in steps))]],
            [12 * mm, 78 * mm, 50 * mm, 30 * mm],
        ),
        paragraph("5. Biểu mẫu sử dụng", "heading"),
        paragraph(revision.forms_used or "Không có."),
        paragraph("6. Hồ sơ lưu", "heading"),
        grid(
            [["TT", "Hồ sơ", "Nơi lưu", "Thời gian lưu"]]
            + [
                [str(record.order), record.name, record.keeper, record.retention]
                for record in revision.records.all()
            ],
            [12 * mm, 88 * mm, 40 * mm, 30 * mm],
        ),
        paragraph("7. Theo dõi sửa đổi", "heading"),
        grid(
            [["Lần", "Ngày hiệu lực", "Quyết định ban hành", "Nội dung sửa đổi"]]
            + [
                [
                    f"{earlier.number:02d}",
                    _day(earlier.effective_from),
                    f"{earlier.decision_number} ngày {_day(earlier.decision_date)}",
                    earlier.change_summary or "Ban hành lần đầu",
                ]
                for earlier in procedure.revisions.locked()
                .filter(number__lte=revision.number)
                .order_by("number")
            ],
            [14 * mm, 28 * mm, 48 * mm, 80 * mm],
        ),
        Spacer(1, 8 * mm),
        grid(
            [
                ["Người soạn thảo", "Người phê duyệt"],
                [
                    revision.created_by.get_full_name(),
                    _approval_text(approval) if approval else "Chưa phê duyệt",
                ],
            ],
            [width / 2] * 2,
        ),
    ]
    return build_pdf(
        story,
        title=f"{procedure.code} – {procedure.name}",
        footer=f"{procedure.code} · Lần ban hành {revision.number:02d} · "
        f"Hiệu lực từ {_day(revision.effective_from)}",
        watermark=WATERMARKS.get(revision.status),
    )


def _approval_text(signature) -> str:
    signed_at = date_format(localtime(signature.signed_at), "H:i d/m/Y")
    return (
        f"{signature.get_role_display()}\n{signature.signer.get_full_name()}\n"
        f"Đã ký điện tử lúc {signed_at}\nSHA-256: {signature.content_sha256[:16]}…"
    )
