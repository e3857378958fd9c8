"""Shared PDF building blocks: fonts, the Vietnamese administrative layout, page numbers.

Every PDF embeds Liberation Serif 2 (shipped in `fonts/`): it has the metrics of
Times New Roman, the typeface Decree 30/2020/NĐ-CP asks for, which cannot be
shipped, and covers every Vietnamese letter. Text is drawn NFC-normalised, in the
sizes of the decree's Annex I (R10). Apps register what they print with
`register_exporter`, so `manage.py export_pdf KIND PK` serves them all without
this module importing them.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.text import slugify
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from qms.dates import date_line, short_moment

FONT, BOLD, ITALIC, BOLD_ITALIC = (
    "LiberationSerif-Regular",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
    "LiberationSerif-BoldItalic",
)
# Decree 30/2020, Annex I: 20-25 mm above (where the page number sits) and below,
# 30-35 mm on the binding side (left), 15-20 mm on the other. A landscape page (the
# tracking book, a register bound at its left edge like any book) keeps the same
# margins on the same sides, so its binding side has the 30 mm too.
LEFT_MARGIN = 30 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 20 * mm
CONTENT_WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN
LANDSCAPE_WIDTH = A4[1] - LEFT_MARGIN - RIGHT_MARGIN
# The heading's two columns: the national motto, the widest line, fits the right one.
HEADING_COLUMNS = (CONTENT_WIDTH - 89 * mm, 89 * mm)
# A table names its cells' font even where they hold flowables: else Helvetica, which
# the PDF would not embed.
TABLE_FONT = [("FONTNAME", (0, 0), (-1, -1), FONT)]


@cache
def register_fonts() -> None:
    for name in (FONT, BOLD, ITALIC, BOLD_ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(settings.BASE_DIR / "fonts" / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def text(value) -> str:
    """Text for a Paragraph: NFC-normalised and escaped, line breaks kept."""
    return escape(nfc(value)).replace("\n", "<br/>")


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The sizes of Decree 30/2020/NĐ-CP, Annex I: body 13 pt; the heading's superior
    authority and issuing body 12 pt, the national motto 12 pt and its slogan 13 pt;
    titles 14 pt; signers' titles and names 13 pt; "Nơi nhận" 12 pt over its list in
    11 pt. Tables are set smaller to fit their columns: 12 pt, and 8 pt for the wide
    registers and checklists (`grid(small=True)`)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=17)
    centred = ParagraphStyle("centred", parent=body, alignment=TA_CENTER)
    return {
        "body": body,
        "centred": centred,
        "small": ParagraphStyle("small", parent=body, fontSize=10, leading=12),
        "cell": ParagraphStyle("cell", parent=body, fontSize=12, leading=15),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=BOLD, fontSize=12, leading=15
        ),
        "tiny": ParagraphStyle("tiny", parent=body, fontSize=8, leading=10),
        "tiny_bold": ParagraphStyle(
            "tiny_bold", parent=body, fontName=BOLD, fontSize=8, leading=10
        ),
        "superior": ParagraphStyle("superior", parent=centred, fontSize=12, leading=15),
        "issuer": ParagraphStyle("issuer", parent=centred, fontName=BOLD, fontSize=12, leading=15),
        "motto": ParagraphStyle("motto", parent=centred, fontName=BOLD, fontSize=12, leading=15),
        "slogan": ParagraphStyle("slogan", parent=centred, fontName=BOLD, fontSize=13, leading=16),
        "title": ParagraphStyle(
            "title",
            parent=centred,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            leading=17,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,  # never alone at the foot of a page
        ),
        # Under the national motto, centred on it.
        "place_date": ParagraphStyle(
            "place_date",
            parent=centred,
            fontName=ITALIC,
            leftIndent=HEADING_COLUMNS[0],
            spaceBefore=4,
        ),
        "signer_title": ParagraphStyle("signer_title", parent=centred, fontName=BOLD),
        "signer_name": ParagraphStyle("signer_name", parent=centred, fontName=BOLD),
        "signed": ParagraphStyle(
            "signed", parent=centred, fontSize=10, leading=12, spaceBefore=6, spaceAfter=6
        ),
        "recipients_title": ParagraphStyle(
            "recipients_title", parent=body, fontName=BOLD_ITALIC, fontSize=12, leading=14
        ),
        "recipients": ParagraphStyle("recipients", parent=body, fontSize=11, leading=13),
    }


def paragraph(value, style: str = "body") -> Paragraph:
    return Paragraph(text(value), styles()[style])


def _balanced_lines(value: str, style: ParagraphStyle, width: float) -> list[str]:
    """`value` in as few lines as fit `width`, of widths as even as can be, so that a
    long name reads "ỦY BAN NHÂN DÂN / PHƯỜNG AN DƯƠNG" rather than leaving its last
    word alone on the second line."""
    words = value.split()
    if not words:
        return [""]

    def measure(line: list[str]) -> float:
        return pdfmetrics.stringWidth(" ".join(line), style.fontName, style.fontSize)

    def fill(limit: float) -> list[list[str]]:
        lines: list[list[str]] = [[]]
        for word in words:
            if lines[-1] and measure([*lines[-1], word]) > limit:
                lines.append([])
            lines[-1].append(word)
        return lines

    count = len(fill(width))
    # The narrowest limit that still needs no more lines is one line's width.
    limits = sorted(
        {measure(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    )
    limit = next(limit for limit in limits if len(fill(limit)) <= count)
    return [" ".join(line) for line in fill(limit)]


def _heading_lines(value: str, style: str, width: float, rule: float = 0) -> list[Flowable]:
    """`value` on balanced lines of `width`, over a rule `rule` times as long as its
    widest line when `rule` is given."""
    s = styles()[style]
    lines = _balanced_lines(nfc(value), s, width)
    story: list[Flowable] = [Paragraph("<br/>".join(escape(line) for line in lines), s)]
    if rule:
        widest = max(pdfmetrics.stringWidth(line, s.fontName, s.fontSize) for line in lines)
        story.append(
            HRFlowable(width=widest * rule, thickness=0.6, color=colors.black, spaceBefore=2)
        )
    return story


def heading_table(superior: str, issuer: str) -> Table:
    """The heading of Decree 30: at the left the superior authority in capitals, and
    the issuing body in bold capitals over a rule a third to a half as long; at the
    right the national motto and its slogan over a rule as long as the slogan."""
    left, right = HEADING_COLUMNS
    table = Table(
        [
            [
                [
                    *_heading_lines(superior.upper(), "superior", left),
                    *_heading_lines(issuer.upper(), "issuer", left, rule=0.4),
                ],
                [
                    *_heading_lines("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto", right),
                    *_heading_lines("Độc lập - Tự do - Hạnh phúc", "slogan", right, rule=1),
                ],
            ]
        ],
        colWidths=[left, right],
    )
    table.setStyle(
        TableStyle(
            [
                *TABLE_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # the rules under the names
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def official_heading(identity, *, desk: bool = False) -> Table:
    """The heading of `identity` (an `OrganisationIdentity`, the one of the document's
    date): the organisation under its superior authority, or, for the desk's own
    forms (`desk`), the desk under the organisation."""
    return heading_table(*identity.heading(desk=desk))


def number_line(number) -> Table:
    """ "Số: 12/2025/BC-UBND" in the heading's left column, under the issuing body,
    as Decree 30 places it, for a document that carries a number (`number`, a
    `DocumentNumber`); a draft not yet numbered prints the blank the number fills."""
    table = Table(
        [[Paragraph(text(f"Số: {number or '…/…'}"), styles()["centred"]), ""]],
        colWidths=list(HEADING_COLUMNS),
    )
    table.setStyle(
        TableStyle(
            [
                *TABLE_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def place_and_date(identity, day: date | None) -> Paragraph:
    """The date line: the place name of `identity`, the one in force on `day`."""
    return Paragraph(
        text(date_line(identity.place_name, day)),
        styles()["place_date"],
    )


def columns(*weights: float, width: float = CONTENT_WIDTH) -> list[float]:
    """Column widths in the proportions of `weights` that fill `width` (the text
    width of a portrait page unless told), so that a table is laid out once in
    relative terms and fits whatever the margins leave."""
    total = sum(weights)
    return [width * weight / total for weight in weights]


def grid(
    rows: list[list],
    col_widths: list,
    header_rows: int = 1,
    small: bool = False,
    compact: bool = False,
) -> Table:
    """A bordered table whose cells are Paragraphs (so long text wraps); `small` sets
    it in a smaller type for wide registers, `compact` closes up its rows (form 01,
    whose copy should hold on one page)."""
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
                *TABLE_FONT,
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
                *(
                    [("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
                    if small
                    else []
                ),
                *(
                    [("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
                    if compact
                    else []
                ),
            ]
        )
    )
    return table


QR_SIZE = 24 * mm
# "NGƯỜI TIẾP NHẬN HỒ SƠ" in bold 13 pt on one line, with the cell's padding
SIGNER_COLUMN = 63 * mm


def qr_code(url: str, caption: str, size: float = QR_SIZE) -> list[Flowable]:
    """A QR code of `url` (reportlab's own barcode module draws it) over `caption`, a
    column to stand beside a table or a signature."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return [drawing, Paragraph(text(caption), styles()["tiny"])]


@dataclass(frozen=True)
class Signer:
    """One signature of a signature block: the signer's title (printed in capitals),
    their name, and for a record signed in the system the electronic signature's
    lines, printed where the room to sign by hand would be."""

    title: str
    name: str = ""
    signed: str = ""
    # Signed in the system with a digital signature: its room is where `sign_pdf`
    # puts the visible signature (qms/pdfsign.py), named by `spot_name`.
    signature: object = None


def spot_name(signature) -> str:
    return f"signature-{signature.pk}"


class SignatureSpot(Flowable):
    """The room of a signature in a signature block: it records where it is drawn
    (page and box, in points) on the canvas, so that the PDF's digital signature can
    show there (`SignablePdf.spots`)."""

    def __init__(self, name: str, lines: str = "", height: float = 22 * mm) -> None:
        super().__init__()
        self.name, self.lines, self.height = name, lines, height

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.canv.spots[self.name] = (
            self.canv.getPageNumber() - 1,
            (x, y, x + self.width, y + self.height),
            self.lines,
        )


class SignablePdf(bytes):
    """A PDF's bytes with where its signature blocks' digital signatures go:
    `spots[name] = (page index, (x1, y1, x2, y2), the lines the signature shows)`."""

    spots: dict[str, tuple[int, tuple[float, float, float, float], str]]


def electronic_signature(signature) -> str:
    """What stands in a signer's room on a record signed in the system: the
    electronic signature (a `Signature`) with its own date and hash, or "Chưa ký"."""
    if signature is None:
        return "Chưa ký"
    return (
        f"Đã ký điện tử lúc {short_moment(signature.signed_at)}\n"
        f"SHA-256: {signature.content_sha256}"
    )


class SignatureBlock(Table):
    """The signatures at the foot of a document; `build_pdf` keeps each on the page of
    the flowable before it."""


def _recipient_lines(recipients: str) -> str:
    """One recipient a line, as Decree 30 lists them: "- Chủ tịch UBND;" and the last
    (usually "Lưu: VT") closed by a full stop."""
    parts = [part.strip().rstrip(".;") for part in re.split(r"[;\n]", nfc(recipients))]
    parts = [part for part in parts if part]
    return "\n".join(f"- {part}{';' if n < len(parts) else '.'}" for n, part in enumerate(parts, 1))


def signature_block(
    *signers: Signer, recipients: str = "", left: list | None = None
) -> SignatureBlock:
    """The signers side by side, titles on one line and names on another, with "Nơi
    nhận" (`recipients`) at the left when the document is sent to anyone, or `left`
    (a QR code, say); a single signature stands at the right, as Decree 30 places it."""
    s = styles()
    rows: list[list] = [
        [Paragraph(text(signer.title.upper()), s["signer_title"]) for signer in signers],
        # The room to sign by hand, or what the electronic signature says.
        [
            SignatureSpot(spot_name(signer.signature), signer.signed)
            if signer.signature is not None and signer.signature.is_digital
            else Paragraph(text(signer.signed), s["signed"])
            if signer.signed
            else Spacer(1, 22 * mm)
            for signer in signers
        ],
        [Paragraph(text(signer.name), s["signer_name"]) for signer in signers],
    ]
    beside_qr = bool(left)
    left = list(left or [])
    if recipients:
        left = [
            Paragraph("Nơi nhận:", s["recipients_title"]),
            Paragraph(text(_recipient_lines(recipients)), s["recipients"]),
        ]
    if left or len(signers) == 1:
        rows = [[left if index == 0 else "", *row] for index, row in enumerate(rows)]
    columns = len(rows[0])
    widths = [CONTENT_WIDTH / columns] * columns
    if beside_qr and len(signers) > 1:
        # two signers beside a QR code: each as wide as the longest title needs
        widths = [CONTENT_WIDTH - len(signers) * SIGNER_COLUMN, *[SIGNER_COLUMN] * len(signers)]
    block = SignatureBlock(rows, colWidths=widths)
    block.setStyle(
        TableStyle(
            [
                *TABLE_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("NOSPLIT", (0, 0), (-1, -1)),
                *([("SPAN", (0, 0), (0, -1))] if columns > len(signers) else []),
            ]
        )
    )
    block.spaceBefore = 6 * mm
    return block


class _KeptWithPrevious(Flowable):
    """A signature block with the flowable before it, `lead`: where the two do not fit
    in the room left on the page, the end of `lead` (its last lines or rows) goes over
    to the next page with the block, so that a signature never stands alone on a
    page (R10)."""

    def __init__(self, lead: Flowable, block: SignatureBlock) -> None:
        super().__init__()
        self.lead, self.block = lead, block

    def wrap(self, available_width, available_height):
        return available_width, 0xFFFFFF  # never drawn as one: split() lays out the two

    def split(self, available_width, available_height):
        lead, block = self.lead, self.block
        lead_height = lead.wrapOn(self.canv, available_width, available_height)[1]
        block_height = block.wrapOn(self.canv, available_width, available_height)[1]
        spaces = lead.getSpaceBefore() + lead.getSpaceAfter() + block.getSpaceBefore()
        if lead_height + block_height + spaces <= available_height:
            return [lead, block]
        # What of `lead` stays here: as much as fits, and never all of it.
        room = min(available_height - lead.getSpaceBefore(), lead_height - 1)
        parts = lead.splitOn(self.canv, available_width, room) if room > 0 else []
        if len(parts) > 1:
            return [*parts[:-1], _KeptWithPrevious(parts[-1], block)]
        at_top = getattr(getattr(self, "_frame", None), "_atTop", False)
        # Both go to the next page; at the top of one already they cannot be helped.
        return [lead, block] if at_top else []


def _keep_signatures_with_their_text(story: list) -> list:
    kept: list = []
    for flowable in story:
        if isinstance(flowable, SignatureBlock):
            # A spacer would be the block's only company: the block has its own room.
            while kept and isinstance(kept[-1], Spacer):
                kept.pop()
            if kept:
                flowable = _KeptWithPrevious(kept.pop(), flowable)
        kept.append(flowable)
    return kept


def _numbered_canvas(footer: str, watermark: str | None) -> type[canvas.Canvas]:
    class NumberedCanvas(canvas.Canvas):
        """Numbers every page but the first at the top centre (Decree 30), and draws
        the footer and the watermark."""

        spots: dict = {}

        def __init__(self, *args, **kwargs) -> None:
            # Else every page would also name Helvetica, a font the PDF does not embed.
            super().__init__(*args, **(kwargs | {"initialFontName": FONT}))

        def showPage(self) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFillColor(colors.black)
            number = self.getPageNumber()
            if number > 1:
                self.setFont(FONT, 13)
                # centred over the text, as a word processor's header centres it
                centre = (LEFT_MARGIN + width - RIGHT_MARGIN) / 2
                self.drawCentredString(centre, height - TOP_MARGIN + 7 * mm, str(number))
            self.setFont(FONT, 9)
            self.drawString(LEFT_MARGIN, 10 * mm, nfc(footer))
            if watermark:
                # Across the middle of the page, level, so that it also reads as text.
                self.setFont(BOLD, 48)
                self.setFillColor(colors.red, alpha=0.3)
                self.drawCentredString(width / 2, height / 2, nfc(watermark))
            self.restoreState()
            super().showPage()

    return NumberedCanvas


def build_pdf(
    story: list, *, title: str, footer: str = "", watermark: str | None = None, pagesize=A4
) -> SignablePdf:
    register_fonts()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=nfc(title),
    )
    maker = _numbered_canvas(footer, watermark)
    maker.spots = {}
    document.build(_keep_signatures_with_their_text(story), canvasmaker=maker)
    pdf = SignablePdf(buffer.getvalue())
    pdf.spots = maker.spots
    return pdf


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
