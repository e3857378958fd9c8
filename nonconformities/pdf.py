"""The nonconformity report (PDF) and the register (XLSX)."""

from django.utils.timezone import localdate
from openpyxl import Workbook

from nonconformities.models import Nonconformity
from qms.dates import short_date
from qms.exports import capped
from qms.models import Organisation
from qms.pdf import build_pdf, columns, grid, official_heading, paragraph, place_and_date
from qms.xlsx import workbook_bytes, write_row


def _done(action) -> str:
    if not action.done_on:
        return "—"
    by = f" (ghi nhận: {action.done_by.get_full_name()})" if action.done_by else ""
    return f"{short_date(action.done_on)}{by} {action.evidence}".strip()


def nonconformity_pdf(nc: Nonconformity) -> bytes:
    # Dated by its opening, the day the nonconformity was found and recorded.
    identity = Organisation.current().identity_on(nc.found_on)
    if nc.is_output:  # an output is corrected: no root cause, actions nor verification
        by = f" ({nc.verified_by.get_full_name()})" if nc.verified_by else ""
        closing = [
            paragraph("4. Khắc phục xong", "heading"),
            paragraph(f"{short_date(nc.verified_on)}{by}" if nc.verified_on else "Chưa"),
            paragraph("5. Hành động khắc phục (10.2)", "heading"),
            paragraph(
                nc.corrective_action.code
                if nc.corrective_action
                else "Không mở: khắc phục từng trường hợp"
            ),
        ]
    else:
        actions = [
            ["Loại", "Hành động", "Người thực hiện", "Thời hạn", "Hoàn thành, bằng chứng"]
        ] + [
            [
                action.get_kind_display(),
                action.description,
                action.owner.get_full_name(),
                short_date(action.due_date),
                _done(action),
            ]
            for action in nc.actions.select_related("owner", "done_by")
        ]
        verification = (
            f"{'Có hiệu lực' if nc.verdict_effective else 'Không hiệu lực'} — "
            f"{nc.verification_evidence} "
            f"({nc.verified_by.get_full_name()}, {short_date(nc.verified_on)})"
            if nc.verified_on
            else "Chưa kiểm tra"
        )
        closing = [
            paragraph("4. Nguyên nhân gốc", "heading"),
            paragraph(nc.root_cause or "—"),
            paragraph("5. Hành động khắc phục", "heading"),
            grid(actions, columns(25, 55, 30, 20, 40), small=True),
            paragraph("6. Kiểm tra hiệu lực", "heading"),
            paragraph(verification),
        ]
    story = [
        official_heading(identity),
        place_and_date(identity, nc.found_on),
        paragraph(f"PHIẾU THEO DÕI SỰ KHÔNG PHÙ HỢP\n{nc.code}", "title"),
        grid(
            [
                ["Loại", nc.get_kind_display()],
                ["Nguồn", nc.get_source_display()],
                ["Mức độ", nc.get_severity_display()],
                ["Điều khoản ISO", nc.clause or "—"],
                ["Bộ phận", str(nc.unit or "—")],
                ["Quy trình", str(nc.procedure or "—")],
                ["Ngày phát hiện", short_date(nc.found_on)],
                ["Giai đoạn", nc.get_stage_display()],
            ],
            columns(45, 125),
            header_rows=0,
        ),
        paragraph("1. Mô tả", "heading"),
        paragraph(nc.description),
        paragraph("2. Bằng chứng", "heading"),
        paragraph(nc.evidence or "—"),
        paragraph("3. Khắc phục tức thời", "heading"),
        paragraph(nc.correction or "—"),
        *closing,
    ]
    return build_pdf(story, title=f"{nc.code}", footer=nc.code)


def register_xlsx(nonconformities) -> bytes:
    """The register of `nonconformities` (a QuerySet); refused past the XLSX row cap."""
    records = capped(
        nonconformities.select_related("unit", "procedure").prefetch_related("actions"), "xlsx"
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("So khong phu hop")
    write_row(sheet, [Organisation.current().identity_on(localdate()).name.upper()])
    write_row(sheet, ["SỔ THEO DÕI SỰ KHÔNG PHÙ HỢP"])
    write_row(
        sheet,
        [
            "Mã",
            "Loại",
            "Ngày phát hiện",
            "Nguồn",
            "Mức độ",
            "Điều khoản",
            "Bộ phận",
            "Quy trình",
            "Mô tả",
            "Nguyên nhân gốc",
            "Giai đoạn",
            "Số hành động",
            "Hành động chưa xong",
        ],
    )
    for nc in records:
        actions = list(nc.actions.all())
        write_row(
            sheet,
            [
                nc.code,
                nc.get_kind_display(),
                nc.found_on,
                nc.get_source_display(),
                nc.get_severity_display(),
                nc.clause,
                nc.unit.code if nc.unit else "",
                nc.procedure.code if nc.procedure else "",
                nc.description,
                nc.root_cause,
                nc.get_stage_display(),
                len(actions),
                sum(1 for a in actions if a.done_on is None),
            ],
        )
    return workbook_bytes(book)
