"""Form 01 and form 04 print the QR code of the dossier's status page, its caption and
its address below the heading (R10 keeps the heading as Decree 30 lays it out)."""

import os
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from procedures import dossier_services
from procedures.pdf import QR_CAPTION, dossier_pdf
from public.tokens import status_path, status_url
from qms.models import CalendarDay
from qms.roles import Role
from qms.signing import shown_sha256
from tests.factories import PASSWORD
from tests.procedures.test_form_identity import pdf_words

pytestmark = pytest.mark.django_db


def issued_apology(dossier, personas):
    apology = dossier_services.dossier_apologise(
        dossier=dossier,
        user=personas[Role.OFFICER],
        reason="Chờ xác minh",
        new_due_date=CalendarDay.objects.calendar().add_working_days(dossier.due_date, 2),
    )
    return dossier_services.apology_approve(
        apology=apology,
        user=personas[Role.CHAIRMAN],
        password=PASSWORD,
        seen_sha256=shown_sha256(apology),
    )


@pytest.mark.parametrize("kind", ["receipt", "apology"])
def test_the_form_prints_the_status_address_under_its_caption(
    kind, citizen_dossier, personas, settings, tmp_path
):
    settings.PUBLIC_BASE_URL = "https://motcua.example.vn"
    if kind == "apology":
        issued_apology(citizen_dossier, personas)
    data = dossier_pdf(kind, citizen_dossier)
    words = pdf_words(data)
    url = status_url(citizen_dossier.code)
    assert QR_CAPTION in words and f"Tra cứu hồ sơ: {url}" in words
    # below the heading and the title, above the signatures
    assert words.index("Độc lập - Tự do - Hạnh phúc") < words.index(QR_CAPTION)
    signer = "NGƯỜI TIẾP NHẬN HỒ SƠ" if kind == "receipt" else "CHỦ TỊCH"
    assert words.index(QR_CAPTION) < words.rindex(signer)
    if kind == "receipt":  # both copies, the citizen's and the one kept with the dossier
        assert words.count(url) == 2
    # the printed address opens the page
    assert url.endswith(status_path(citizen_dossier.code))
    assert Client().get(status_path(citizen_dossier.code)).status_code == 200
    # a page to look at: H20S_PDF_DIR keeps the PNG of the first page
    keep = Path(os.environ.get("H20S_PDF_DIR", tmp_path))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-", str(keep / kind)],
        input=data,
        check=True,
    )
    assert list(keep.glob(f"{kind}*.png"))
