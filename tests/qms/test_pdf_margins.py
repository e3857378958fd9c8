"""The margins of Decree 30/2020/NĐ-CP, Annex I (R10) on every document the system
prints: no word of any page, read back with `pdftotext -bbox`, lies in the 30 mm of
the binding side (left) nor in the 20 mm of the other side, nor in the 20 mm above
and below (the page number and the footer sit in those by design)."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from audits.pdf import AUDIT_PDFS
from nonconformities import services as nc_services
from nonconformities.pdf import nonconformity_pdf
from procedures import dossier_services
from procedures import services as procedure_services
from procedures.pdf import dossier_pdf, revision_pdf
from procedures.tracking_book import tracking_book_pdf
from qms.models import ManagementReview
from qms.oversight import services, snapshot
from qms.oversight.pdf import report_pdf, review_minutes_pdf
from qms.roles import Role
from tests.procedures.test_dossiers import receive
from tests.procedures.test_form_identity import in_era
from tests.procedures.test_forms_02_04 import approve, draft
from tests.qms.test_pdf_format import page_count, save, words

RECEIVED = "2026-10-05 09:00"
# A long unbroken entry, the kind a table cell must wrap rather than push past the margin.
LONG = "Trần Thị Bình Nguyễn Hoàng Phương Anh " * 3


def _dossier(effective, personas, **kwargs):
    return receive(
        effective.procedure,
        personas[Role.OFFICER],
        RECEIVED,
        applicant_name=LONG.strip(),
        applicant_address="Số 12 ngõ 34 đường Lê Chân, phường An Dương, thành phố Hải Phòng",
        applicant_email="tran.thi.binh.nguyen.hoang@example.com",
        **kwargs,
    )


def _supplement(effective, personas):
    dossier = _dossier(effective, personas)
    with in_era("2026-10-06 10:00"):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=personas[Role.OFFICER], reason="Thiếu bản sao giấy khai sinh"
        )
    return dossier_pdf("supplement-request", dossier)


def _apology(effective, personas):
    dossier = _dossier(effective, personas)
    apology = draft(dossier, personas[Role.OFFICER], "2026-10-06 10:00", date(2026, 10, 14))
    approve(apology, personas[Role.CHAIRMAN], "2026-10-06 11:00")
    return dossier_pdf("apology", dossier)


def _stop(effective, personas):
    dossier = _dossier(effective, personas)
    with in_era("2026-10-06 10:00"):
        dossier_services.dossier_stop(
            dossier=dossier, user=personas[Role.OFFICER], reason="Công dân xin dừng"
        )
    dossier.refresh_from_db()
    return dossier_pdf("stop-notice", dossier)


def _control_slip(effective, personas):
    dossier = _dossier(effective, personas)
    with in_era("2026-10-06 10:00"):
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.OFFICER])
    return dossier_pdf("control-slip", dossier)


def _tracking_book(effective, personas):
    _dossier(effective, personas)
    return tracking_book_pdf(date(2026, 1, 1), date(2026, 12, 31))


def _draft_revision(effective, personas):
    secretary = personas[Role.ISO_SECRETARY]
    revision = procedure_services.revision_draft(procedure=effective.procedure, user=secretary)
    revision.attachment.save("qt.pdf", ContentFile(b"%PDF-1.4 ban du thao"), save=True)
    return revision_pdf(revision)


def _nonconformity(personas):
    nc = nc_services.nc_raise(
        user=personas[Role.OFFICER], source="staff", severity="minor", description=LONG
    )
    return nonconformity_pdf(nc)


def _review(personas):
    review = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 7, 10),
            period_start=date(2023, 1, 1),
            period_end=date(2023, 6, 30),
            chair=personas[Role.CHAIRMAN],
            participants="Lãnh đạo",
        ),
        user=personas[Role.ISO_SECRETARY],
    )
    return review_minutes_pdf(review)


# kind: (build(request) -> PDF bytes, landscape)
DOCUMENTS = {
    "receipt": lambda r: dossier_pdf("receipt", _dossier(r["effective"], r["personas"])),
    "supplement-request": lambda r: _supplement(r["effective"], r["personas"]),
    "refusal": lambda r: dossier_pdf(
        "refusal",
        _dossier(r["effective"], r["personas"], decision="refuse", reason="Sai thẩm quyền " * 8),
    ),
    "apology": lambda r: _apology(r["effective"], r["personas"]),
    "stop-notice": lambda r: _stop(r["effective"], r["personas"]),
    "control-slip": lambda r: _control_slip(r["effective"], r["personas"]),
    "tracking-book": lambda r: _tracking_book(r["effective"], r["personas"]),
    "procedure": lambda r: revision_pdf(r["effective"]),
    "procedure-draft": lambda r: _draft_revision(r["effective"], r["personas"]),
    **{
        kind: lambda r, build=build: build(r["started"])
        for kind, (_title, build) in AUDIT_PDFS.items()
    },
    "nonconformity": lambda r: _nonconformity(r["personas"]),
    "review-minutes": lambda r: _review(r["personas"]),
    "report": lambda r: report_pdf(snapshot.report_for("reform", 2023, "q1")),
}
LANDSCAPE = {"tracking-book"}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_every_document_keeps_the_margins_of_decree_30(kind, request, tmp_path, db):
    fixtures = ("effective", "personas") + (("started",) if kind.startswith("audit") else ())
    built = {name: request.getfixturevalue(name) for name in fixtures}
    path = save(DOCUMENTS[kind](built), tmp_path)
    width, height = (A4[1], A4[0]) if kind in LANDSCAPE else A4
    left, right = 30 * mm, width - 20 * mm
    seen = 0
    for page in range(1, page_count(path) + 1):
        for word, x0, y0, x1, y1 in words(path, page):
            seen += 1
            where = (kind, page, word, round(x0 / mm, 1), round(x1 / mm, 1))
            # the page number and the footer too keep off the binding side
            assert x0 >= left - 0.5, where
            if 20 * mm < y0 and y1 < height - 20 * mm:
                assert x1 <= right + 0.5, where
    assert seen > 50, kind


def test_the_tracking_book_is_landscape_with_the_binding_margin_on_its_left(
    effective, personas, tmp_path, db
):
    path = save(_tracking_book(effective, personas), tmp_path)
    page = words(path, 1)
    assert max(x1 for _w, _x0, _y0, x1, _y1 in page) > 250 * mm  # wider than portrait
    assert min(x0 for _w, x0, *_ in page) < 32 * mm  # its text starts at the margin
