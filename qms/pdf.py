"""Shared PDF building blocks: fonts, the Vietnamese administrative layout, page numbers.

Every PDF embeds the DejaVu Serif fonts shipped in `fonts/` (they cover
Vietnamese) and draws NFC-normalised text. Apps register what they print with
`register_exporter`, so `manage.py export_pdf KIND PK` serves them all without
this module importing them.
"""

import unicodedata
from collections.abc import Callable
from datetime import date
from functools import cache
from io import BytesIO
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.text import slugify
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from qms.dates import date_line

FONT, BOLD, ITALIC = "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"
MARGIN = 20 * mm


@cache
def _register_fonts() -> None:
    for name in (FONT, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(settings.BASE_DIR / "fonts" / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def text(value) -> str:
    """Text for a Paragraph: NFC-normalised and escaped, line breaks kept."""
    return escape(nfc(value)).replace("\n", "<br/>")


@cache
def styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10, leading=13),
        "tiny": ParagraphStyle("tiny", parent=body, fontSize=7, leading=9),
        "tiny_bold": ParagraphStyle("tiny_bold", parent=body, fontName=BOLD, fontSize=7, leading=9),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=BOLD, fontSize=10, leading=13
        ),
        # The two headings are set small enough that each line fits its column.
        "heading_left": ParagraphStyle(
            "heading_left", parent=body, fontSize=9, leading=12, alignment=TA_CENTER
        ),
        "heading_bold": ParagraphStyle(
            "heading_bold", parent=body, fontName=BOLD, fontSize=9, leading=12, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=19,
            alignment=TA_CENTER,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "place_date": ParagraphStyle(
            "place_date", parent=body, fontName=ITALIC, alignment=TA_RIGHT, spaceBefore=4
        ),
    }


def paragraph(value, style: str = "body") -> Paragraph:
    return Paragraph(text(value), styles()[style])


def official_heading(identity, *, desk: bool = False) -> Table:
    """The issuing body at the top left as `identity` (an `OrganisationIdentity`, the
    one of the document's date) names it, under its superior (`desk`: the one-stop
    desk under the organisation); the national heading at the top right."""
    s = styles()
    superior, issuer = identity.heading(desk=desk)
    left = [
        Paragraph(text(superior.upper()), s["heading_left"]),
        Paragraph(f"<u>{text(issuer.upper())}</u>", s["heading_bold"]),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["heading_bold"]),
        Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", s["heading_bold"]),
    ]
    table = Table([[left, right]], colWidths=[82 * mm, 88 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def place_and_date(identity, day: date) -> Paragraph:
    """The date line: the place name of `identity`, the one in force on `day`."""
    return Paragraph(
        text(date_line(identity.place_name, day)),
        styles()["place_date"],
    )


def grid(rows: list[list], col_widths: list, header_rows: int = 1, small: bool = False) -> Table:
    """A bordered table whose cells are Paragraphs (so long text wraps); `small` sets
    it in a smaller type for wide registers."""
    s = styles()
    body, bold = ("tiny", "tiny_bold") if small else ("cell", "cell_bold")
    cells = [
        [
            cell
            if not isinstance(cell, str | int | float)
            else Paragraph(text(cell), s[bold if index < header_rows else body])
            for cell in row
        ]
        for index, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=col_widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
                *(
                    [("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
                    if small
                    else []
                ),
            ]
        )
    )
    return table


def _numbered_canvas(footer: str, watermark: str | None) -> type[canvas.Canvas]:
    class NumberedCanvas(canvas.Canvas):
        """Draws "Trang x/y" once the page count is known, and the watermark."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.setFont(FONT, 9)
            self.drawString(MARGIN, 10 * mm, nfc(footer))
            self.drawRightString(width - MARGIN, 10 * mm, f"Trang {number}/{total}")
            if watermark:
                # Across the middle of the page, level, so that it also reads as text.
                self.saveState()
                self.setFont(BOLD, 48)
                self.setFillColor(colors.red, alpha=0.3)
                self.drawCentredString(width / 2, height / 2, nfc(watermark))
                self.restoreState()

    return NumberedCanvas


def build_pdf(
    story: list, *, title: str, footer: str = "", watermark: str | None = None, pagesize=A4
) -> bytes:
    _register_fonts()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=nfc(title),
    )
    document.build(story, canvasmaker=_numbered_canvas(footer, watermark))
    return buffer.getvalue()


def pdf_response(data: bytes, name: str) -> HttpResponse:
    """The PDF `data` shown in the browser, saved as `name`: in ASCII for the clients
    that read only `filename` (the letters lose their marks, and "Đ", which no Unicode
    decomposition turns into a plain letter, becomes "D"), in Vietnamese for those
    that read `filename*` (RFC 6266)."""
    response = HttpResponse(data, content_type="application/pdf")
    ascii_name = slugify(name.replace("Đ", "D").replace("đ", "d")) or "tai-lieu"
    utf8_name = quote(slugify(name, allow_unicode=True) or "tai-lieu")
    response["Content-Disposition"] = (
        f"inline; filename=\"{ascii_name}.pdf\"; filename*=UTF-8''{utf8_name}.pdf"
    )
    return response


EXPORTERS: dict[str, Callable[[int], bytes]] = {}


def register_exporter(kind: str, exporter: Callable[[int], bytes]) -> None:
    """`exporter(pk)` returns the PDF of record `pk`, or raises ObjectDoesNotExist."""
    EXPORTERS[kind] = exporter
