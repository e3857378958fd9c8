"""Signed PDFs: PAdES signatures made with the token's keys (pyHanko), each with a
visible block in the document's own signature area (name, title, time) and, where
the body issues the form, the organisation's seal. An RFC 3161 timestamp is added
when QMS_TSA_URL names a timestamp server; by default there is none and the
signature carries the signing time only.

One function signs: `sign_pdf(pdf, holder=..., box=..., page=...)`. A PDF built by
`qms.pdf.build_pdf` knows where its signature blocks stand (`SignablePdf.spots`):
`sign_record_pdf` signs each of them with its signer's key.
"""

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.utils import timezone

from qms import keys
from qms.dates import short_moment
from qms.pdf import FONT, SignablePdf, nfc, register_fonts, spot_name
from qms.signing import holder_name, signing_key

SEAL_FIELD = "Dau-co-quan"


@dataclass(frozen=True)
class Stamp:
    """What a visible signature says besides the signer's name."""

    title: str = ""
    signed_at: datetime | None = None
    # what the document prints for the signature (its time, its hash), else the time
    lines: str = ""


def sign_pdf(
    pdf: bytes,
    *,
    holder,
    box: tuple[float, float, float, float] | None,
    page: int = 0,
    stamp: Stamp | None = None,
    field_name: str = "",
) -> bytes:
    """`pdf` signed (PAdES B-B, or B-T with a timestamp server) by `holder` — a User,
    or None for the organisation's seal — whose key is in the token. `box` is the
    visible signature's rectangle (x1, y1, x2, y2, in points from the page's lower
    left corner) on page `page` (0 the first, -1 the last); without one the
    signature is invisible. Refused (ValidationError) when the holder's certificate
    cannot sign now. Earlier signatures stay valid: each one is an incremental
    update."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer

    stamp = stamp or Stamp()
    key = signing_key(holder)
    certificate = asn1_x509.Certificate.load(key.cert.public_bytes(Encoding.DER))
    chain = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in key.chain_certs]
    name = holder_name(holder)
    field_name = field_name or (f"Chu-ky-{holder.pk}" if holder else SEAL_FIELD)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    if page < 0:
        page += int(writer.root["/Pages"]["/Count"])
    lines = [f"Ký số bởi: {name}", *([stamp.title] if stamp.title else [])]
    lines += stamp.lines.splitlines() or [
        f"Thời gian: {short_moment(stamp.signed_at or timezone.now())}"
    ]
    box = tuple(round(v) for v in box) if box else None
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        name=name,
        reason=stamp.title or None,
        location=None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    timestamper = None
    if settings.SIGNING_TSA_URL:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.SIGNING_TSA_URL)
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    out = BytesIO()
    with appearance(lines, box) as style, keys.token_session() as session:
        signer = PKCS11Signer(
            session,
            signing_cert=certificate,
            ca_chain=chain,
            key_id=bytes.fromhex(key.key_id),
            cert_id=bytes.fromhex(key.key_id),
            use_raw_mechanism=key.key_type == "ec",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=spec,
        )
        _run(pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


def _run(coroutine):
    """Run one of pyHanko's coroutines to its end. Its own synchronous wrappers call
    `asyncio.run`, which fails in a thread where an event loop already runs (an ASGI
    server; Playwright's in the browser tests): there it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def appearance(lines: list[str], box):
    """The visible signature's look: `lines` in the documents' own font, drawn by
    reportlab on a page the size of `box` (pyHanko imports it as the stamp; its own
    text stamps space the letters of a TrueType font wrongly), framed."""
    from pyhanko.stamp import StaticStampStyle
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    if box is None:
        yield None
        return
    width, height = box[2] - box[0], box[3] - box[1]
    buffer = BytesIO()
    register_fonts()
    # in the documents' font from the start: a canvas otherwise names Helvetica, which
    # pdffonts reports as a font not embedded
    drawing = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=FONT)
    size, margin = 7.5, 4
    room = width - 2 * margin
    wrapped = []
    for part in (p for line in lines for p in simpleSplit(nfc(line), FONT, size, room)):
        while stringWidth(part, FONT, size) > room:  # a word longer than the line: a hash
            cut = next(
                n for n in range(len(part), 0, -1) if stringWidth(part[:n], FONT, size) <= room
            )
            wrapped.append(part[:cut])
            part = part[cut:]
        wrapped.append(part)
    drawing.setFont(FONT, size)
    top = height - margin - size
    for index, line in enumerate(wrapped):
        drawing.drawString(margin, top - index * (size + 1.5), line)
    drawing.showPage()
    drawing.save()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(buffer.getvalue())
        file.flush()
        yield StaticStampStyle.from_pdf_file(file.name, border_width=1)


def sign_record_pdf(
    pdf: SignablePdf, signatures: list[tuple[object, str]], *, seal: bool = False
) -> bytes:
    """`pdf` with each of `signatures` ((Signature, title as the block prints it))
    signed in its signature block by its signer's key, showing the time it was
    signed in the system; then, where the body issues the form (`seal`), the
    organisation's seal, an invisible signature over the whole. A signature made
    before digital signatures has no key to sign with and keeps its printed lines."""
    signed = bytes(pdf)
    for signature, title in signatures:
        if signature is None or not signature.is_digital:
            continue
        page, box, lines = pdf.spots[spot_name(signature)]
        signed = sign_pdf(
            signed,
            holder=signature.signer,
            box=box,
            page=page,
            stamp=Stamp(title=title, signed_at=signature.signed_at, lines=lines),
            field_name=f"Chu-ky-{signature.pk}",
        )
    if seal:
        signed = sign_pdf(signed, holder=None, box=None, field_name=SEAL_FIELD)
    return signed


@dataclass(frozen=True)
class PdfSignatureReport:
    field: str
    signer: str
    signed_at: str
    intact: bool
    trusted: bool
    covers_whole: bool

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted


def verify_pdf(data: bytes) -> list[PdfSignatureReport]:
    """Each signature of a PDF checked by pyHanko against the trusted roots
    (`keys.trusted_roots`): its signer, time, integrity and chain. The last one
    must cover the whole file; an earlier one is followed by the later signatures."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [
        asn1_x509.Certificate.load(root.public_bytes(Encoding.DER)) for root in keys.trusted_roots()
    ]
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return [PdfSignatureReport("?", "?", "?", False, False, False)]
    reports = []
    for signature in embedded:
        try:
            status = _run(async_validate_pdf_signature(signature, context))
            intact, trusted = status.intact and status.valid, status.trusted
            coverage = status.coverage.name == "ENTIRE_FILE"
            when = status.signer_reported_dt
        except Exception:
            intact = trusted = coverage = False
            when = None
        certificate = signature.signer_cert
        reports.append(
            PdfSignatureReport(
                field=signature.field_name,
                signer=certificate.subject.native.get("common_name", "?"),
                signed_at=short_moment(when) if when else "?",
                intact=intact,
                trusted=trusted,
                covers_whole=coverage,
            )
        )
    return reports
