"""The tracking book (sổ theo dõi hồ sơ): form 06 of 2018, form 07 of 2025.

The columns are those of the form in force at the start of the period (rule R1).
Rows are read as plain values in one query, so 10,000 dossiers print in seconds. A
book covers at most one year, and at most the rows `qms.exports` allows its format.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Min, OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from procedures.models import Dossier, Handoff, RuleSet
from qms.dates import short_date
from qms.exports import capped
from qms.models import Organisation, Unit
from qms.pdf import build_pdf, grid, official_heading, paragraph
from qms.privacy import citizen_contact
from qms.xlsx import workbook_bytes, write_row

# (column, width in mm) of each form; the widths fill a landscape A4 page.
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
        ("Mã hồ sơ", 28),
        ("Tên TTHC", 40),
        ("Tên tổ chức, cá nhân", 28),
        ("Địa chỉ/Số điện thoại", 30),
        ("Cơ quan chủ trì giải quyết", 24),
        ("Nhận hồ sơ", 19),
        ("Hẹn trả kết quả", 19),
        ("Trả kết quả", 19),
        ("Phương thức nhận kết quả", 20),
        ("Ký nhận", 22),
    ],
}
FORM = {
    RuleSet.V2018: "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)",
    RuleSet.V2025: "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)",
}


def _moment(value: datetime | None) -> str:
    return date_format(localtime(value), "d/m/Y H:i") if value else ""


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


def tracking_book(date_from: date, date_to: date, unit: Unit | None, fmt: str, user=None):
    """(rule set, header, rows) for dossiers received in the period, oldest first,
    with the applicants' contact details as `user` may see them (None: in full);
    refused when the period or the rows exceed what a `fmt` book may hold."""
    check_period(date_from, date_to)
    rule_set = RuleSet.for_receipt(date_from)
    dossiers = Dossier.objects.filter(
        received_on__range=(date_from, date_to), status__in=Dossier.ACCEPTED_STATUSES
    )
    if unit is not None:
        dossiers = dossiers.filter(procedure__unit=unit)
    first_handoff = Handoff.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    values = (
        dossiers.order_by("received_at", "pk")
        .values_list(
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
            "channel",
            "note",
        )
        .annotate(sent=Subquery(first_handoff.annotate(first=Min("handed_at")).values("first")))
    )
    channels = dict(Dossier._meta.get_field("channel").choices)
    rows = []
    for number, (
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
        channel,
        note,
        sent,
    ) in enumerate(capped(values, fmt), start=1):
        shown = citizen_contact(user, id_number="", phone=phone, address=address)
        contact = " / ".join(part for part in (shown.address, shown.phone) if part)
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
                    note,
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
                    str(channels[channel]),
                    "",
                ]
            )
    return rule_set, [name for name, _width in COLUMNS[rule_set]], rows


def _title(date_from: date, date_to: date, unit: Unit | None) -> str:
    scope = f" – {unit.name}" if unit else ""
    return f"SỔ THEO DÕI HỒ SƠ{scope} (từ {short_date(date_from)} đến {short_date(date_to)})"


def tracking_book_xlsx(
    date_from: date, date_to: date, unit: Unit | None = None, user=None
) -> bytes:
    rule_set, header, rows = tracking_book(date_from, date_to, unit, "xlsx", user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("So theo doi")
    write_row(sheet, [Organisation.current().name.upper()])
    write_row(sheet, [FORM[rule_set]])
    write_row(sheet, [_title(date_from, date_to, unit)])
    write_row(sheet, header)
    for row in rows:
        write_row(sheet, row)
    return workbook_bytes(book)


def tracking_book_pdf(date_from: date, date_to: date, unit: Unit | None = None, user=None) -> bytes:
    rule_set, header, rows = tracking_book(date_from, date_to, unit, "pdf", user)
    story = [
        paragraph(FORM[rule_set], "small"),
        official_heading(Organisation.current()),
        paragraph(_title(date_from, date_to, unit), "title"),
        grid(
            [header, *[[str(cell) for cell in row] for row in rows]],
            [width * mm for _name, width in COLUMNS[rule_set]],
            small=True,
        ),
    ]
    return build_pdf(story, title=_title(date_from, date_to, unit), pagesize=landscape(A4))
