"""Audit pages, the PDFs read back with pdftotext, and the demo audit."""

import re
import subprocess
import unicodedata

from django.urls import reverse

from audits.models import Audit, Finding
from qms.roles import Role
from tests.factories import approve_plan


def pdf_words(path) -> str:
    """The PDF's text with line breaks and runs of spaces folded to one space."""
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw.decode()))


def test_pages_and_permissions(started, lead, personas, client_for, effective_dossier):
    item = started.items.first()
    answer = reverse("audits:answer", args=[item.pk])
    data = {
        f"item-{item.pk}-result": "minor",
        f"item-{item.pk}-evidence": "Thiếu chữ ký",
        f"item-{item.pk}-requirement": "QT-TP-05 bước 2",
        f"item-{item.pk}-statement": "Người nhận không ký phiếu kiểm soát",
        f"item-{item.pk}-dossiers": effective_dossier.code,
    }
    assert client_for(personas[Role.OFFICER]).post(answer, data).status_code == 403
    typing = {f"item-{item.pk}-evidence": "Đang gõ"}  # no result chosen yet
    response = client_for(lead).post(answer, typing, headers={"HX-Request": "true"})
    assert "Chưa lưu" in response.content.decode()
    assert "errorlist" not in response.content.decode() and item.answered_at is None
    response = client_for(lead).post(answer, data, headers={"HX-Request": "true"})
    assert "Đã lưu" in response.content.decode()
    assert Finding.objects.get(item=item).severity == "minor"
    bad = client_for(lead).post(
        answer, data | {f"item-{item.pk}-dossiers": "KHONG-CO"}, headers={"HX-Request": "true"}
    )
    assert "Không có hồ sơ mã KHONG-CO." in bad.content.decode()
    assert list(item.dossiers.all()) == [effective_dossier]
    page = client_for(personas[Role.VIEWER]).get(reverse("audits:checklist", args=[started.pk]))
    assert page.status_code == 200 and "Thiếu chữ ký" in page.content.decode()
    for kind in ("audit-plan", "audit-checklist", "audit-report"):
        pdf = client_for(personas[Role.VIEWER]).get(reverse("audits:pdf", args=[started.pk, kind]))
        assert pdf["Content-Type"] == "application/pdf"
    mine = client_for(lead).get(reverse("audits:mine")).content.decode()
    assert started.code in mine


def test_planning_through_the_form_names_the_conflict(personas, lead, client_for):
    from tests.factories import UnitFactory

    other = UnitFactory(code="TP-HT")
    response = client_for(personas[Role.ISO_SECRETARY]).post(
        reverse("audits:create"),
        {
            "code": "ĐGNB-2024-01",
            "title": "Đánh giá",
            "kind": "internal",
            "year": "2024",
            "units": [lead.unit_id, other.pk],
            "planned_start": "01/03/2024",
            "planned_end": "02/03/2024",
            "lead_auditor": lead.pk,
            "reason": "Kế hoạch",
            "timetable-TOTAL_FORMS": "0",
            "timetable-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "không thể đánh giá bộ phận của mình" in response.content.decode()
    assert not Audit.objects.filter(code="ĐGNB-2024-01").exists()
    assert client_for(personas[Role.AUDITOR]).get(reverse("audits:create")).status_code == 403


def test_a_signed_report_cannot_be_changed_through_the_pages(started, lead, client_for):
    from audits import services
    from tests.factories import PASSWORD, page_sha256

    for item in started.items.all():
        services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    client = client_for(lead)
    response = client.post(
        reverse("audits:report_save", args=[started.pk]), {"conclusion": "Sửa"}, follow=True
    )
    assert "không thể sửa" in response.content.decode()
    item = started.items.first()
    client.post(reverse("audits:answer", args=[item.pk]), {f"item-{item.pk}-result": "major"})
    started.refresh_from_db()
    assert started.conclusion == "Phù hợp" and started.items.first().result == "conforming"
    assert started.report_signature.matches()


def test_starting_from_an_unknown_template_is_refused_with_a_message(
    audit, lead, secretary, client_for
):
    approve_plan(audit, secretary)
    url = reverse("audits:start", args=[audit.pk])
    for unknown in ("abc", "999999", "99999999999999999999", "1.5"):
        response = client_for(lead).post(url, {"template": unknown})
        assert response.status_code == 200  # the audit's page, the reason beside the field
        shown = response.context["start_form"].errors["template"]
        assert any(m.startswith("Hãy chọn") for m in shown), shown
        assert shown[0] in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.PLANNED
    client_for(lead).post(url, {"template": ""})
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.IN_PROGRESS


def test_the_signed_report_keeps_its_signature_with_its_last_lines(started, lead, tmp_path):
    """The issue's report printed "Nơi nhận" at the foot of page 7 and the signature
    alone on page 8. Whatever the report's length (a summary of 0 to 50 lines moves
    the end across a page break), the lead auditor's title and name are printed on
    the page of "Nơi nhận" and of the checklist's last row, which come before them."""
    from audits import services
    from audits.pdf import audit_report_pdf
    from tests.factories import PASSWORD, page_sha256

    *items, last = started.items.order_by("pk")
    for item in items:
        services.checklist_answer(item=item, user=lead, result="conforming", evidence="Sổ")
    services.checklist_answer(item=last, user=lead, result="conforming", evidence="Mẫu cuối")
    services.report_save(
        audit=started,
        user=lead,
        conclusion="Phù hợp",
        distribution="Chủ tịch UBND phường; các bộ phận; lưu: VT, ISO.",
    )
    services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    report = Audit.objects.get(pk=started.pk)
    page_counts = set()
    for lines in range(50):
        report.summary = "\n".join(f"Dòng tóm tắt {n}" for n in range(lines))
        path = tmp_path / "report.pdf"
        path.write_bytes(audit_report_pdf(report))
        pages = int(
            subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
            .stdout.split("Pages:")[1]
            .split()[0]
        )
        page_counts.add(pages)
        texts = {page: pdf_words_of_page(path, page) for page in range(1, pages + 1)}
        (signed,) = [page for page, text in texts.items() if "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in text]
        for expected in (
            "Nơi nhận: - Chủ tịch UBND phường; - các bộ phận; - lưu: VT, ISO.",
            "Mẫu cuối",
            lead.full_name,
            "SHA-256",
        ):
            assert expected in texts[signed], (lines, expected, signed)
    assert len(page_counts) > 1  # the end did cross a page break


def pdf_words_of_page(path, page: int) -> str:
    raw = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw.decode()))
