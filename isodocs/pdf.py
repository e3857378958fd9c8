"""The announcement of conformity (Decision 19/2014, Annex I: the decision and its
annex of procedures) and the yearly report to the Department of Science and
Technology (Circular 26/2014), in Decree 30/2020's layout (R10) through the shared
building blocks of `qms.pdf`."""

from datetime import date

from django.utils.timezone import localdate
from openpyxl import Workbook
from reportlab.platypus import PageBreak

from isodocs import yearly
from isodocs.models import Announcement, YearlyReport
from qms.dates import date_words, short_date
from qms.models import Organisation, User
from qms.pdf import (
    Signer,
    build_pdf,
    columns,
    electronic_signature,
    grid,
    number_line,
    official_heading,
    paragraph,
    place_and_date,
    signature_block,
)
from qms.pdfsign import sign_record_pdf
from qms.roles import Role
from qms.xlsx import workbook_bytes, write_row

STANDARD = "TCVN ISO 9001:2015"
BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp "
    "dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001 vào hoạt động "
    "của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước;",
    "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014 của Bộ trưởng Bộ Khoa học và Công "
    "nghệ quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg;",
)


def committee_signer(user: User | None, signature=None) -> Signer:
    """The chairman signs for the committee (TM.); a vice-chairman for the chairman
    (KT.). With the record's `Signature`, its lines and the room its digital
    signature takes (qms/pdfsign.py)."""
    name = user.get_full_name() if user else ""
    signed = electronic_signature(signature) if signature else ""
    if user and user.has_role(Role.VICE_CHAIRMAN) and not user.has_role(Role.CHAIRMAN):
        return Signer("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", name, signed, signature)
    return Signer("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", name, signed, signature)


def _procedure_table(procedures: list) -> object:
    return grid(
        [["STT", "Mã quy trình", "Tên quy trình"]]
        + [[str(n), code, name] for n, (code, name) in enumerate(procedures, 1)],
        columns(14, 32, 114),
    )


def announcement_pdf(announcement: Announcement) -> bytes:
    """The decision announcing conformity and, on its own page, its annex listing the
    procedures of the scope it announces; a draft is dated and numbered blank."""
    day = announcement.issued_on
    identity = Organisation.current().identity_on(day or localdate())
    scope = announcement.scope
    approval = announcement.approval
    signer = committee_signer(approval.signer if approval else None, approval)
    previous = (
        Announcement.objects.filter(approved_at__isnull=False, issued_on__lte=day or date.max)
        .exclude(pk=announcement.pk)
        .order_by("-issued_on", "-pk")
        .first()
    )
    title = f"Về việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia {STANDARD}"
    exclusions = "; ".join(
        f"điều khoản {row.clause} ({row.justification.rstrip('.')})"
        for row in scope.exclusions.all()
    )
    articles = [
        f"Điều 1. Công bố Hệ thống quản lý chất lượng của {identity.name} phù hợp Tiêu chuẩn "
        f"quốc gia {STANDARD} đối với các hoạt động: {scope.activities.rstrip('.')}; gồm "
        f"{len(scope.procedures)} quy trình giải quyết thủ tục hành chính tại Phụ lục kèm "
        "theo Quyết định này (phạm vi áp dụng phiên bản "
        f"{scope.version}, hiệu lực từ ngày {short_date(scope.effective_from)}).",
        f"Các yêu cầu của tiêu chuẩn không áp dụng: {exclusions}." if exclusions else "",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký"
        + (
            f" và thay thế Quyết định số {previous.number} ngày {short_date(previous.issued_on)}."
            if previous
            else "."
        ),
        "Điều 3. Thư ký ISO, công chức các bộ phận chuyên môn và Bộ phận Một cửa chịu trách "
        "nhiệm thi hành Quyết định này.",
    ]
    story = [
        official_heading(identity),
        number_line(announcement.number),
        place_and_date(identity, day),
        paragraph(f"QUYẾT ĐỊNH\n{title}", "title"),
        paragraph(f"CHỦ TỊCH {identity.name.upper()}", "title"),
        *(paragraph(line) for line in BASES),
        paragraph("Theo đề nghị của Thư ký ISO.", "body"),
        paragraph("QUYẾT ĐỊNH:", "title"),
        *(paragraph(line) for line in articles if line),
        signature_block(
            signer,
            recipients="Như Điều 3;\nSở Khoa học và Công nghệ;\nNiêm yết tại trụ sở, "
            "Cổng thông tin điện tử phường;\nLưu: VT",
        ),
        PageBreak(),
        paragraph(
            "PHỤ LỤC\nDANH MỤC QUY TRÌNH ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG "
            f"THEO TIÊU CHUẨN QUỐC GIA {STANDARD}",
            "title",
        ),
        paragraph(
            f"(Kèm theo Quyết định số {announcement.number or '…/…'} "
            f"{date_words(day) if day else 'ngày … tháng … năm …'} của Chủ tịch {identity.name})",
            "centred",
        ),
        _procedure_table(scope.procedures),
    ]
    pdf = build_pdf(
        story,
        title=f"Quyết định công bố {STANDARD}",
        footer=f"{identity.name} · {announcement}",
        watermark=None if approval else "DỰ THẢO",
    )
    # issued by the body: the chairman's signature, then the organisation's seal
    return sign_record_pdf(pdf, [(approval, signer.title)], seal=True) if approval else bytes(pdf)


def report_data(report: YearlyReport) -> dict:
    """The figures as submitted, or as the records stand today for a draft."""
    return report.figures or yearly.figures(*report.window(localdate()))


def count_rows(data: dict) -> list[list[str]]:
    return [[str(yearly.LABELS[key]), str(value)] for key, value in data["counts"].items()]


def yearly_report_pdf(report: YearlyReport) -> bytes:
    """The report of Circular 26/2014: the QMS as built and announced, how it was
    maintained in the year (audits, reviews, nonconformities, legal updates, scope
    changes, training), the procedures in scope, the assessment; signed for the
    committee and dated the day it is sent."""
    data = report_data(report)
    day = report.submitted_on
    identity = Organisation.current().identity_on(day or localdate())
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    policy = data["policy"]
    announcements = ", ".join(
        f"số {row['number']} ngày {short_date(date.fromisoformat(row['issued_on']))}"
        for row in data["announcements"]
    )
    exclusions = "; ".join(f"{clause}: {why.rstrip('.')}" for clause, why in data["exclusions"])
    story = [
        official_heading(identity),
        number_line(report.number),
        place_and_date(identity, day),
        paragraph(
            "BÁO CÁO\nTÌNH HÌNH XÂY DỰNG, ÁP DỤNG, DUY TRÌ VÀ CẢI TIẾN HỆ THỐNG QUẢN LÝ "
            f"CHẤT LƯỢNG THEO TIÊU CHUẨN QUỐC GIA {STANDARD} NĂM {report.year}",
            "title",
        ),
        paragraph(f"Kính gửi: {report.addressee}", "title"),
        paragraph(
            f"Kỳ báo cáo: từ ngày {short_date(start)} đến ngày {short_date(end)}. "
            f"Hạn gửi báo cáo: {short_date(report.due_on)}."
        ),
        paragraph("I. XÂY DỰNG VÀ CÔNG BỐ HỆ THỐNG", "heading"),
        paragraph(
            f"Chính sách chất lượng: phiên bản {policy['version']}."
            if policy
            else "Chính sách chất lượng: chưa ban hành."
        ),
        paragraph(
            f"Phạm vi áp dụng: phiên bản {data['scope_version']}, "
            f"{data['counts']['procedures_in_scope']} quy trình (danh mục tại mục III)."
            if data["scope_version"]
            else "Phạm vi áp dụng: chưa phê duyệt."
        ),
        paragraph(f"Các yêu cầu không áp dụng: {exclusions or 'không có'}."),
        paragraph(
            f"Công bố phù hợp trong năm: {announcements}."
            if announcements
            else "Công bố phù hợp trong năm: không có."
        ),
        paragraph("II. ÁP DỤNG, DUY TRÌ VÀ CẢI TIẾN TRONG NĂM", "heading"),
        grid([["Nội dung", "Số lượng"], *count_rows(data)], columns(130, 30)),
        paragraph("III. DANH MỤC QUY TRÌNH THUỘC PHẠM VI ÁP DỤNG", "heading"),
        _procedure_table(data["procedures"]),
        paragraph("IV. ĐÁNH GIÁ CHUNG, KHÓ KHĂN, KIẾN NGHỊ", "heading"),
        paragraph(report.summary or "Chưa có."),
        signature_block(committee_signer(report.signer), recipients=report.recipients),
    ]
    return build_pdf(
        story,
        title=f"Báo cáo ISO năm {report.year}",
        footer=f"{identity.name} · {report}",
        watermark=None if day else "DỰ THẢO",
    )


def yearly_report_xlsx(report: YearlyReport) -> bytes:
    """Sheet 1: every figure as a number; sheet 2: the procedures in scope."""
    data = report_data(report)
    workbook = Workbook(write_only=True)
    figures = workbook.create_sheet("Số liệu")
    day = report.submitted_on or localdate()
    write_row(figures, [Organisation.current().identity_on(day).name.upper()])
    write_row(figures, [f"Báo cáo ISO năm {report.year}", f"{data['start']} – {data['end']}"])
    write_row(figures, ["Nội dung", "Số lượng"])
    for key, value in data["counts"].items():
        write_row(figures, [str(yearly.LABELS[key]), value])
    procedures = workbook.create_sheet("Quy trình")
    write_row(procedures, ["STT", "Mã quy trình", "Tên quy trình"])
    for n, (code, name) in enumerate(data["procedures"], 1):
        write_row(procedures, [n, code, name])
    return workbook_bytes(workbook)
