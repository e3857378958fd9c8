"""A citizen on a phone: the receipt's QR address, the status, the rating after the
return and a complaint; then the ward sees both where it works."""

import re
import subprocess
import unicodedata

from django.urls import reverse
from playwright.sync_api import Page, expect

from nonconformities.models import Complaint
from procedures import dossier_services
from procedures.pdf import dossier_pdf
from qms.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}


def printed_status_address(dossier, officer, tmp_path) -> str:
    """The address under the QR code of form 01, read back from the PDF as printed."""
    path = tmp_path / "receipt.pdf"
    path.write_bytes(dossier_pdf("receipt", dossier, user=officer))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    text = unicodedata.normalize("NFC", text.stdout.decode())
    return re.search(r"Tra cứu hồ sơ: (\S+)", text).group(1)


def test_a_citizen_follows_rates_and_writes_from_a_phone(
    page: Page, live_server, settings, effective, personas, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url
    officer = personas[Role.OFFICER]
    dossier = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=officer,
        channel="direct",
        applicant_name="Nguyễn Văn Anh",
        applicant_id_number="001088012345",
        applicant_phone="0912345678",
    )
    address = printed_status_address(dossier, officer, tmp_path)
    assert address.startswith(f"{live_server.url}/tra-cuu/{dossier.code}/")

    page.set_viewport_size(PHONE)
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nguyễn V. A.")
    for personal in ("Nguyễn Văn Anh", "001088012345", "0912345678"):
        assert personal not in page.content()
    expect(page.get_by_test_id("rating-form")).to_have_count(0)  # not before the return

    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.SPECIALIST])
    dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    dossier_services.dossier_return(dossier=dossier, user=officer)

    page.reload()
    form = page.get_by_test_id("rating-form")
    form.get_by_label("Hài lòng", exact=True).check()
    form.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_test_id("rated")).to_contain_text("Hài lòng")

    page.get_by_test_id("feedback-link").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Anh")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Nên có chỗ đỗ xe máy cho người dân.")
    page.get_by_role("button", name="Gửi", exact=True).click()
    complaint = Complaint.objects.get(dossier=dossier)
    expect(page.locator("main")).to_contain_text(complaint.reference)
    assert complaint.source == Complaint.Source.STATUS_PAGE
    assert page.viewport_size == PHONE
    # no sideways scrolling on the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, personas[Role.ISO_SECRETARY], PASSWORD)
    page.goto(live_server.url + reverse("procedures:dossier_detail", args=[dossier.code]))
    expect(page.get_by_test_id("rating-source")).to_have_text("do công dân tự đánh giá")
    page.goto(live_server.url + reverse("nonconformities:complaints"))
    expect(page.locator("main")).to_contain_text(complaint.reference)
    expect(page.locator("main")).to_contain_text("Nên có chỗ đỗ xe máy cho người dân.")
