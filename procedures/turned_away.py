"""The register of requests turned away at the desk (rule R13): who came, when, for
which procedure, why, which officer received them and the number of the form they
were given (02: incomplete, guidance to complete it; 03: refused). None of them was
received, so the ward shows here how many people it turned away and why."""

from datetime import date

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.timezone import localdate, localtime
from openpyxl import Workbook

from procedures.models import Dossier
from qms.dates import short_date
from qms.exports import capped
from qms.models import Organisation
from qms.privacy import citizen_contact
from qms.xlsx import workbook_bytes, write_row

HEADER = [
    "STT",
    "Mã hồ sơ",
    "Thời điểm đến",
    "Người nộp",
    "Địa chỉ/Số điện thoại",
    "Thủ tục hành chính",
    "Quyết định",
    "Số phiếu",
    "Lý do",
    "Cán bộ tiếp nhận",
]

REFUSED, INCOMPLETE = Dossier.Status.REFUSED, Dossier.Status.INCOMPLETE
DECISIONS = {
    REFUSED: "Từ chối tiếp nhận (mẫu 03)",
    INCOMPLETE: "Chưa đủ, hướng dẫn hoàn thiện (mẫu 02)",
}


def register(dossiers):
    """`dossiers` (a QuerySet) narrowed to the requests turned away, with what a row
    of the register reads."""
    return dossiers.turned_away().select_related("procedure", "received_by", "reception_number")


def summary(dossiers) -> dict:
    """How many requests were turned away, by decision and by procedure (most first)."""
    counts = {
        "refused": Count("pk", filter=Q(status=REFUSED)),
        "incomplete": Count("pk", filter=Q(status=INCOMPLETE)),
    }
    turned_away = dossiers.turned_away()
    total = turned_away.aggregate(**counts)
    by_procedure = (
        turned_away.values("procedure__code", "procedure__name")
        .annotate(total=Count("pk"), **counts)
        .order_by("-total", "procedure__code")
    )
    return {**total, "total": total["refused"] + total["incomplete"], "procedures": by_procedure}


def _row(order: int, dossier: Dossier, user) -> list:
    shown = citizen_contact(
        user, id_number="", phone=dossier.applicant_phone, address=dossier.applicant_address
    )
    officer = dossier.received_by
    return [
        order,
        dossier.code,
        date_format(localtime(dossier.received_at), "DATETIME_FORMAT"),
        dossier.applicant_name,
        " / ".join(part for part in (shown.address, shown.phone) if part),
        f"{dossier.procedure.code} – {dossier.procedure.name}",
        DECISIONS[dossier.status],
        str(dossier.reception_number or ""),
        dossier.reception_reason,
        officer.get_full_name() if officer else "",
    ]


def _period(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"(từ {short_date(date_from)} đến {short_date(date_to)})"
    if date_from:
        return f"(từ {short_date(date_from)})"
    return f"(đến {short_date(date_to)})" if date_to else ""


def turned_away_xlsx(dossiers, date_from: date | None, date_to: date | None, user=None) -> bytes:
    """The register of `dossiers` (a QuerySet) oldest first, with the applicants'
    contact details as `user` may see them (None: in full), its totals by decision
    above it; refused past the XLSX row cap."""
    rows = capped(register(dossiers).order_by("received_at", "pk"), "xlsx")
    totals = summary(dossiers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tu choi tiep nhan")
    write_row(sheet, [Organisation.current().identity_on(date_to or localdate()).name.upper()])
    title = "SỔ THEO DÕI HỒ SƠ KHÔNG TIẾP NHẬN (TỪ CHỐI, TRẢ LẠI DO CHƯA ĐỦ)"
    write_row(sheet, [" ".join(part for part in (title, _period(date_from, date_to)) if part)])
    write_row(sheet, [DECISIONS[REFUSED], totals["refused"]])
    write_row(sheet, [DECISIONS[INCOMPLETE], totals["incomplete"]])
    write_row(sheet, ["Tổng số", totals["total"]])
    write_row(sheet, HEADER)
    for order, dossier in enumerate(rows, start=1):
        write_row(sheet, _row(order, dossier, user))
    return workbook_bytes(book)
