"""The periodic report (PDF and XLSX) and the management review minutes (PDF), both
printed from the sections of `qms.oversight.snapshot` and
`qms.oversight.review_inputs`."""

from django.utils.timezone import localdate
from openpyxl import Workbook
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from qms.dates import date_words, short_date
from qms.exports import check_row_count
from qms.models import ManagementReview, Organisation, PeriodicReport
from qms.oversight import kpi, review_inputs, snapshot
from qms.oversight.snapshot import Section
from qms.pdf import (
    CONTENT_WIDTH,
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

WIDTH = CONTENT_WIDTH


def _section_story(section: Section) -> list:
    story = [paragraph(section.title, "heading")]
    if section.facts:
        story.append(grid([list(fact) for fact in section.facts], columns(120, 50), 0))
        story.append(Spacer(1, 2 * mm))
    if section.header:
        if section.rows:
            story.append(grid([section.header, *section.rows], _widths(section), small=True))
        else:
            story.append(paragraph("Không có.", "small"))
    if section.note:
        story.append(paragraph(section.note))
    return story


def _widths(section: Section) -> list[float]:
    """The section's own proportions, else the first column 1.8 times the others."""
    if section.widths:
        return columns(*section.widths)
    width = WIDTH / len(section.header)
    return [width * 1.8] + [(WIDTH - width * 1.8) / (len(section.header) - 1)] * (
        len(section.header) - 1
    )


def _period_line(data: dict) -> str:
    as_of = ""
    if data["as_of"] != data["end"]:
        as_of = f" (số liệu đến ngày {snapshot.day(data['as_of'])})"
    start, end = snapshot.day(data["start"]), snapshot.day(data["end"])
    return f"Kỳ báo cáo: từ ngày {start} đến ngày {end}{as_of}"


def _report_sections(report, data: dict, fmt: str) -> list[Section]:
    """The sections of `report`'s figures `data`, refused when their tables hold more
    rows than a `fmt` export may."""
    sections = snapshot.sections_of(report, data)
    check_row_count(sum(len(section.rows) for section in sections), fmt)
    return sections


# Each kind's title, after "Báo cáo".
TITLES = {
    PeriodicReport.Kind.REFORM: "kết quả thực hiện ISO 9001:2015 và cơ chế một cửa",
    PeriodicReport.Kind.COMMUNICATION: "kết quả công tác tuyên truyền cải cách hành chính",
}


def _title(report: PeriodicReport) -> str:
    """ "kết quả … quý I năm 2023"; the year report: "… năm 2023"."""
    if report.period == PeriodicReport.Period.YEAR:
        return f"{TITLES[report.kind]} năm {report.year}"
    period = report.get_period_display()
    return f"{TITLES[report.kind]} {period[0].lower()}{period[1:]} năm {report.year}"


def _report_signer(report) -> Signer:
    """The chairman signs for the committee (TM.); a vice-chairman signs for the
    chairman (KT.)."""
    user = report.signer
    name = user.get_full_name() if user else ""
    if user and user.has_role(Role.VICE_CHAIRMAN) and not user.has_role(Role.CHAIRMAN):
        return Signer("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", name)
    return Signer("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", name)


def report_pdf(report: PeriodicReport) -> bytes:
    """A scheduled report to the superior authority (rule R17): its number,
    addressee, the figures of its window, the assessment and the chairman's
    signature block, dated the day it is sent."""
    data = snapshot.report_figures(report)
    sections = _report_sections(report, data, "pdf")
    day = report.submitted_on or localdate()  # a draft is dated the day it is read
    identity = Organisation.current().identity_on(day)
    title = _title(report)
    story = [
        official_heading(identity),
        number_line(report.number),
        place_and_date(identity, day),
        paragraph(f"BÁO CÁO\n{title.upper()}", "title"),
        paragraph(f"Kính gửi: {report.addressee_on(identity)}", "title"),
        paragraph(_period_line(data)),
        paragraph(f"Hạn gửi báo cáo: {short_date(snapshot.due_on(report))}"),
    ]
    for section in sections:
        story += _section_story(section)
    story += [paragraph("Đánh giá chung, khó khăn, kiến nghị", "heading")]
    story.append(paragraph(report.summary or "Chưa có."))
    story.append(signature_block(_report_signer(report), recipients=report.recipients))
    return build_pdf(
        story,
        title=f"Báo cáo {title}",
        footer=f"{identity.name} · {report}",
        watermark=None if report.submitted_on else "DỰ THẢO",
    )


def report_xlsx(report: PeriodicReport) -> bytes:
    """Sheet 1 holds the organisation, then every KPI as a number; sheet 2 the
    report's tables."""
    data = snapshot.report_figures(report)
    sections = _report_sections(report, data, "xlsx")
    workbook = Workbook(write_only=True)
    figures = workbook.create_sheet("Chỉ số")
    day = report.submitted_on or localdate()
    write_row(figures, [Organisation.current().identity_on(day).name.upper()])
    write_row(figures, [f"Báo cáo {report}", _period_line(data)])
    write_row(figures, ["Chỉ số", "Giá trị"])
    # a report stored before a measure existed is exported without it, as it was signed
    for key in (key for key in kpi.KEYS if key in data["kpi"]):
        write_row(figures, [str(kpi.LABELS[key]), data["kpi"][key]])
    tables = workbook.create_sheet("Chi tiết")
    for section in sections:
        write_row(tables, [section.title])
        for fact in section.facts:
            write_row(tables, fact)
        if section.header:
            write_row(tables, section.header)
            for row in section.rows:
                write_row(tables, row)
        write_row(tables, [])
    write_row(tables, ["Đánh giá chung, khó khăn, kiến nghị", report.summary])
    return workbook_bytes(workbook)


def _meeting_line(review: ManagementReview) -> str:
    """'Thời gian: 08 giờ 00 phút, ngày 22 tháng 12 năm 2023', as minutes open."""
    at = f"{review.starts_at:%H} giờ {review.starts_at:%M} phút, " if review.starts_at else ""
    return f"Thời gian: {at}{date_words(review.held_on)}"


def _secretary(review: ManagementReview, data: dict) -> str | None:
    """The name as signed, or as it is today while unsigned."""
    if "secretary" in data:
        return data["secretary"]
    return review.secretary.get_full_name() if review.secretary else None


def review_minutes_pdf(review: ManagementReview) -> bytes:
    """The minutes in Decree 30's layout, signed by the secretary (left) and the chair
    (right), each with the date of their own signature."""
    identity = Organisation.current().identity_on(review.held_on)
    data = review_inputs.inputs_of(review)
    approval = review.approval
    story = [
        official_heading(identity),
        place_and_date(identity, review.held_on),
        paragraph("BIÊN BẢN\nHỌP XEM XÉT CỦA LÃNH ĐẠO", "title"),
        paragraph(
            f"{_meeting_line(review)}\nĐịa điểm: {review.place or '—'}\n"
            f"Chủ trì: {data['chair']}\nThư ký: {_secretary(review, data) or '—'}\n"
            f"Thành phần: {review.participants}\n" + _period_line(data)
        ),
        paragraph("I. ĐẦU VÀO XEM XÉT (TCVN ISO 9001:2015, 9.3.2)", "heading"),
    ]
    for section in review_inputs.sections(review, data):
        story += _section_story(section)
    story += [
        paragraph("II. ĐẦU RA XEM XÉT (9.3.3)", "heading"),
        grid(
            [review_inputs.outputs_header(), *review_inputs.output_rows(data)],
            columns(40, 70, 35, 25),
            small=True,
        ),
        paragraph("III. KẾT LUẬN", "heading"),
        paragraph(review.conclusion or "Chưa có."),
    ]
    attested = review.secretary_signature
    story.append(
        signature_block(
            Signer(
                "Thư ký", _secretary(review, data) or "", electronic_signature(attested), attested
            ),
            Signer(
                "Chủ trì",
                approval.signer.get_full_name() if approval else data["chair"],
                electronic_signature(approval),
                approval,
            ),
        )
    )
    pdf = build_pdf(
        story,
        title=f"Biên bản xem xét của lãnh đạo {short_date(review.held_on)}",
        footer=f"{identity.name} · xem xét của lãnh đạo {short_date(review.held_on)}",
        watermark=None if approval else "DỰ THẢO",
    )
    return sign_record_pdf(pdf, [(attested, "Thư ký"), (approval, "Chủ trì")])
