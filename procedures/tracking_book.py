"""The tracking book (sổ theo dõi hồ sơ): form 06 of 2018, form 07 of 2025.

Rule R12: the volume is the year and each row's number (STT) the one given at
receipt; each row prints in the form of its dossier's rule set (R1), so a period
across 1/7/2025 (or a new year) prints one section per form and volume, each with
its own header. Rows are read as plain values in one query, so 10,000 dossiers print
in seconds. A book covers at most one year, and at most the rows `qms.exports`
allows its format.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db.models import Min, OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import PageBreak

from procedures.models import Apology, Delivery, Dossier, Handoff, RuleSet
from procedures.models.dossiers import RULES_2025_FROM
from qms.dates import short_date
from qms.exports import capped
from qms.models import Organisation, Unit
from qms.pdf import LANDSCAPE_WIDTH, build_pdf, columns, grid, official_heading, paragraph
from qms.privacy import citizen_contact
from qms.xlsx import workbook_bytes, write_row

# (column, relative width) of each form; the widths fill a landscape A4 page's text
# width.
COLUMNS = {
    RuleSet.V2018: [
        ("STT", 8),
        ("Mã hồ sơ", 27),
        ("Tên TTHC", 33),
        ("Số lượng hồ sơ (bộ)", 11),
        ("Tên cá nhân, tổ chức", 24),
        ("Địa chỉ, số điện thoại", 26),
        ("Cơ quan chủ trì giải quyết", 22),
        ("Nhận hồ sơ", 17),
        ("Hẹn trả kết quả", 17),
        ("Chuyển hồ sơ đến cơ quan giải quyết", 17),
        ("Nhận kết quả từ cơ quan giải quyết", 17),
        ("Trả kết quả", 17),
        ("Ghi chú", 21),
    ],
    RuleSet.V2025: [
        ("STT", 8),
        ("Mã hồ sơ", 26),
        ("Tên TTHC", 32),
        ("Tên tổ chức, cá nhân", 26),
        ("Địa chỉ/Số điện thoại", 26),
        ("Cơ quan chủ trì giải quyết", 22),
        ("Nhận hồ sơ", 18),
        ("Hẹn trả kết quả", 18),
        ("Trả kết quả", 18),
        ("Phương thức nhận kết quả", 20),
        ("Ký nhận", 18),
        ("Ghi chú", 25),
    ],
}
FORM = {
    RuleSet.V2018: "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)",
    RuleSet.V2025: "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)",
}


def _moment(value: datetime | None) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT") if value else ""


def check_period(date_from: date, date_to: date) -> None:
    """The period runs forwards and is at most one year long: it ends before the
    anniversary of its first day (compared as numbers, so no date past 9999 is built)."""
    if date_to < date_from:
        raise ValidationError(
            {"date_to": _("The end date must not be before the start date.")}, code="reversed"
        )
    if (date_to.year, date_to.month, date_to.day) >= (
        date_from.year + 1,
        date_from.month,
        date_from.day,
    ):
        raise ValidationError(
            {"date_to": _("A tracking book covers at most one year: choose an earlier end date.")},
            code="too_long",
        )


BEFORE_QMS = "Trước khi áp dụng ISO"


def _notes(
    note: str,
    status: str,
    ended: datetime | None,
    apology: datetime | None,
    promised: date | None,
    before_qms: bool = False,
) -> str:
    """The notes column (R12): history from before the QMS, a stop, a withdrawal or
    an apology, each with its date, then the desk's own note."""
    marks = [BEFORE_QMS] if before_qms else []
    if apology:
        marks.append(f"Xin lỗi ngày {short_date(apology)}, hẹn lại ngày {short_date(promised)}")
    if status == Dossier.Status.STOPPED:
        marks.append(f"Dừng giải quyết ngày {short_date(ended)}")
    elif status == Dossier.Status.WITHDRAWN:
        marks.append(f"Rút hồ sơ ngày {short_date(ended)}")
    return "; ".join([*marks, *([note] if note else [])])


@dataclass
class Section:
    """The part of a book in one form and volume: the days of the period it covers,
    whose identity heads it, and its rows."""

    rule_set: str
    volume: int
    start: date
    end: date
    rows: list = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [name for name, _width in COLUMNS[self.rule_set]]


def _sections(date_from: date, date_to: date) -> list[Section]:
    """The period cut where the form (1/7/2025, R1) or the volume (1 January) changes:
    each part prints its own form and the identity of its own days, with or without
    dossiers."""
    sections, start = [], date_from
    while start <= date_to:
        rule_set = RuleSet.for_receipt(start)
        cuts = [date_to, date(start.year, 12, 31)]
        if rule_set == RuleSet.V2018:
            cuts.append(RULES_2025_FROM - timedelta(days=1))
        end = min(cuts)
        sections.append(Section(rule_set, start.year, start, end))
        start = end + timedelta(days=1)
    return sections


def tracking_book(date_from: date, date_to: date, unit: Unit | None, fmt: str, user=None):
    """The `Section`s of dossiers received in the period, oldest first, one per form
    and volume (those without dossiers too), with the applicants' contact details as
    `user` may see them (None: in full); refused when the period or the rows exceed
    what a `fmt` book may hold. A dossier never received (R13) has no row number and
    is not in the book."""
    check_period(date_from, date_to)
    dossiers = Dossier.objects.filter(
        received_on__range=(date_from, date_to),
        status__in=Dossier.ACCEPTED_STATUSES,
        book_row__isnull=False,
    )
    if unit is not None:
        dossiers = dossiers.filter(procedure__unit=unit)
    first_handoff = Handoff.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    # only an issued apology is a fact of the book (R12); a draft waits for the head
    apology = Apology.objects.filter(dossier=OuterRef("pk"), approved_at__isnull=False)
    values = (
        dossiers.order_by("received_at", "pk")
        .values_list(
            "rule_set",
            "book_year",
            "book_row",
            "code",
            "procedure__name",
            "documents_count",
            "applicant_name",
            "applicant_address",
            "applicant_phone",
            "procedure__unit__name",
            "received_at",
            "due_at",
            "completed_at",
            "returned_at",
            "delivery",
            "note",
            "status",
            "ended_at",
            "revision",
        )
        .annotate(
            sent=Subquery(first_handoff.annotate(first=Min("handed_at")).values("first")),
            apologised=Subquery(apology.values("approved_at")),
            promised=Subquery(apology.values("new_due_date")),
        )
    )
    deliveries = dict(Delivery.choices)
    sections = {(part.rule_set, part.volume): part for part in _sections(date_from, date_to)}
    for key, group in groupby(capped(values, fmt), key=lambda row: row[:2]):
        rows = sections[key].rows
        for (
            rule_set,
            _volume,
            number,
            code,
            name,
            sets,
            applicant,
            address,
            phone,
            unit_name,
            received,
            due,
            completed,
            returned,
            delivery,
            note,
            status,
            ended,
            revision,
            sent,
            apologised,
            promised,
        ) in group:
            shown = citizen_contact(user, id_number="", phone=phone, address=address)
            contact = " / ".join(part for part in (shown.address, shown.phone) if part)
            notes = _notes(note, status, ended, apologised, promised, revision is None)
            if rule_set == RuleSet.V2018:
                rows.append(
                    [
                        number,
                        code,
                        name,
                        sets,
                        applicant,
                        contact,
                        unit_name,
                        _moment(received),
                        _moment(due),
                        _moment(sent),
                        _moment(completed),
                        _moment(returned),
                        notes,
                    ]
                )
            else:
                rows.append(
                    [
                        number,
                        code,
                        name,
                        applicant,
                        contact,
                        unit_name,
                        _moment(received),
                        _moment(due),
                        _moment(returned),
                        str(deliveries[delivery]),
                        "",
                        notes,
                    ]
                )
    return list(sections.values())


def _title(date_from: date, date_to: date, unit: Unit | None, volume: int) -> str:
    scope = f" – {unit.name}" if unit else ""
    return (
        f"SỔ THEO DÕI HỒ SƠ{scope} – Quyển số: {volume} "
        f"(từ {short_date(date_from)} đến {short_date(date_to)})"
    )


def _empty(section: Section) -> str:
    return (
        f"Không có hồ sơ nào được tiếp nhận từ ngày {short_date(section.start)} "
        f"đến ngày {short_date(section.end)}."
    )


def tracking_book_xlsx(
    date_from: date, date_to: date, unit: Unit | None = None, user=None
) -> bytes:
    sections = tracking_book(date_from, date_to, unit, "xlsx", user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("So theo doi")
    organisation = Organisation.current()
    for section in sections:
        write_row(sheet, [organisation.identity_on(section.end).name.upper()])
        write_row(sheet, [FORM[section.rule_set]])
        write_row(sheet, [_title(section.start, section.end, unit, section.volume)])
        write_row(sheet, section.header)
        for row in section.rows:
            write_row(sheet, row)
        if not section.rows:
            write_row(sheet, [_empty(section)])
    return workbook_bytes(book)


def tracking_book_pdf(date_from: date, date_to: date, unit: Unit | None = None, user=None) -> bytes:
    sections = tracking_book(date_from, date_to, unit, "pdf", user)
    organisation = Organisation.current()
    story = []
    for index, section in enumerate(sections):
        if index:
            story.append(PageBreak())
        story += [
            paragraph(FORM[section.rule_set], "small"),
            # the identity in force when this section closes: the district's before
            # 1/7/2025, the ward centre's after
            official_heading(organisation.identity_on(section.end), desk=True),
            paragraph(_title(section.start, section.end, unit, section.volume), "title"),
            grid(
                [section.header, *[[str(cell) for cell in row] for row in section.rows]],
                columns(
                    *[width for _name, width in COLUMNS[section.rule_set]], width=LANDSCAPE_WIDTH
                ),
                small=True,
            ),
        ]
        if not section.rows:
            story.append(paragraph(_empty(section)))
    titles = ", ".join(sorted({str(section.volume) for section in sections}))
    return build_pdf(story, title=_title(date_from, date_to, unit, titles), pagesize=landscape(A4))
