"""The yearly report to the Department of Science and Technology is filled from the
records of its year, stored when submitted, and printed in Decree 30's layout."""

import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.timezone import localdate
from openpyxl import load_workbook

from governance.models import TrainingRecord
from isodocs import services, yearly
from isodocs.models import YearlyReport
from nonconformities import services as nc_services
from nonconformities.models import Nonconformity
from procedures.models import Acknowledgement, ProcedureRevision
from qms.models import ManagementReview
from qms.oversight import services as oversight_services
from qms.roles import Role
from tests.factories import sign_review
from tests.isodocs.conftest import document

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def year_2023(approved_scope, approved_policy, audit, secretary, chairman, personas):
    """Records of 2023, and some of 2022 and 2024 that the report must not count."""
    officer = personas[Role.OFFICER]
    for found_on in (date(2022, 12, 30), date(2023, 3, 1), date(2023, 9, 9), date(2024, 1, 2)):
        nc = nc_services.nc_raise(
            user=officer, source="staff", severity="minor", description="Thiếu chữ ký"
        )
        Nonconformity.objects.filter(pk=nc.pk).update(found_on=found_on)
    for held_on, sign in ((date(2023, 7, 10), True), (date(2023, 12, 20), False),
                          (date(2024, 1, 15), False)):  # fmt: skip
        review = oversight_services.review_save(
            review=ManagementReview(
                held_on=held_on, period_start=date(held_on.year, 1, 1), period_end=held_on,
                chair=chairman, secretary=secretary, participants="Lãnh đạo",
            ),
            user=secretary,
        )  # fmt: skip
        if sign:
            sign_review(review, chairman=chairman)
    revision = ProcedureRevision.objects.effective().first()
    for user, at in ((officer, datetime(2023, 2, 3, 9, tzinfo=TZ)),
                     (secretary, datetime(2023, 5, 3, 9, tzinfo=TZ)),
                     (personas[Role.SPECIALIST], datetime(2024, 1, 3, 9, tzinfo=TZ))):  # fmt: skip
        Acknowledgement.objects.create(revision=revision, user=user, acknowledged_at=at)
    for kind, on in (("awareness", date(2023, 3, 1)), ("awareness", date(2024, 3, 1))):
        TrainingRecord.objects.create(
            person=personas[Role.SPECIALIST], kind=kind, title="Nhận thức ISO 9001", completed_on=on
        )
    decree = document("61/2018/NĐ-CP")
    services.external_document_add(document=decree, procedures=[revision.procedure], user=secretary)


def test_the_figures_equal_the_records_of_the_year(year_2023):
    data = yearly.figures(date(2023, 1, 1), date(2023, 12, 31))
    assert data["counts"] == {
        "procedures_in_use": 4,  # the three in scope and the one still drafted
        "procedures_in_scope": 3,
        "scope_versions": 1,
        "procedures_added": 0,
        "procedures_removed": 0,
        "announcements": 0,
        "audits_planned": 1,
        "audits_done": 0,
        "findings": 0,
        "reviews_held": 2,
        "reviews_signed": 1,
        "nonconformities": 2,
        "corrective": 2,
        "nonconformities_closed": 0,
        "legal_updates": 0,
        "legal_updates_open": 0,
        "people_trained": 3,  # two who acknowledged a revision, one at the awareness course
        "awareness_trained": 1,
        "procedure_trained": 2,
        "auditor_certificates": 0,
        "qualified_auditors": 2,  # the two auditors' certificates (tests.factories)
    }
    assert [code for code, _name in data["procedures"]] == ["QT-CT-01", "QT-TP-01", "QT-TP-05"]
    assert data["exclusions"] == [["8.3", "Phường không thiết kế, phát triển dịch vụ"]]
    assert yearly.training_figures(2024) == {
        "people_trained": 1,  # the specialist, at a course and acknowledging a revision
        "awareness_trained": 1,
        "procedure_trained": 1,
        "auditor_certificates": 0,
        "qualified_auditors": 2,
    }


def test_a_submitted_report_keeps_its_figures_and_number(year_2023, secretary, chairman):
    report = services.yearly_report_save(
        report=YearlyReport(year=2023, signer=chairman, summary="Duy trì tốt"), user=secretary
    )
    services.yearly_report_submit(report=report, user=secretary)
    report.refresh_from_db()
    assert report.figures == yearly.figures(date(2023, 1, 1), date(2023, 12, 31))
    assert str(report.number) == f"1/{localdate().year}/BC-UBND"
    report.summary = "Sửa"
    with pytest.raises(ValidationError, match="đã được gửi"):
        report.save()


def test_a_report_without_a_signer_is_refused_on_the_page(year_2023, personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    response = client.post(
        reverse("isodocs:yearly_report", args=[2023]),
        {"addressee": "Sở Khoa học và Công nghệ", "summary": "Nhận xét", "recipients": "Lưu: VT",
         "submit": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["signer"] == ["Chọn người ký báo cáo."]
    assert not YearlyReport.objects.exists()  # the save went back with the refusal
    assert "Nhận xét" in response.content.decode()


def test_the_pdf_and_xlsx_carry_every_figure_and_procedure(year_2023, secretary, chairman,
                                                          client_for, personas):  # fmt: skip
    report = services.yearly_report_save(
        report=YearlyReport(year=2023, signer=chairman, addressee="Sở KH&CN Hải Phòng"),
        user=secretary,
    )
    services.yearly_report_submit(report=report, user=secretary)
    report.refresh_from_db()
    client = client_for(personas[Role.VIEWER])
    pdf = client.get(reverse("isodocs:yearly_export", args=[2023, "pdf"]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert f"Số: {report.number}" in flat
    day = report.submitted_on
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    assert f"An Dương, ngày {day.day:02d} tháng {month} năm {day.year}" in flat
    assert "TM. ỦY BAN NHÂN DÂN" in flat and chairman.get_full_name() in flat
    assert "Kính gửi: Sở KH&CN Hải Phòng" in flat
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for key, value in report.figures["counts"].items():
        label = str(yearly.LABELS[key])
        assert any(line.endswith(f"{value}") and label[:25] in line for line in lines), label
    for code, name in report.figures["procedures"]:
        assert any(code in line and name in line for line in lines), code
    book = load_workbook(io.BytesIO(client.get(
        reverse("isodocs:yearly_export", args=[2023, "xlsx"])).content))  # fmt: skip
    rows = {row[0]: row[1] for row in book["Số liệu"].iter_rows(min_row=4, values_only=True)}
    assert rows == {str(yearly.LABELS[k]): v for k, v in report.figures["counts"].items()}
    codes = [row[1] for row in book["Quy trình"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["QT-CT-01", "QT-TP-01", "QT-TP-05"]


def test_the_command_prints_the_report_and_the_announcement(year_2023, secretary, chairman,
                                                           tmp_path):  # fmt: skip
    report = services.yearly_report_save(
        report=YearlyReport(year=2023, signer=chairman), user=secretary
    )
    draft = services.announcement_draft(user=secretary)
    texts = {}
    for kind, pk in (("iso-yearly-report", report.pk), ("announcement", draft.pk)):
        path = tmp_path / f"{kind}.pdf"
        call_command("export_pdf", kind, str(pk), "-o", str(path))
        text = " ".join(
            subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
            .stdout.decode()
            .split()
        )
        assert "DỰ THẢO" in text  # neither is signed or sent
        assert "QT-TP-05" in text
        texts[kind] = text
    assert "Quy trình thuộc phạm vi áp dụng ISO" in texts["iso-yearly-report"]
    assert "Số: …/…" in texts["announcement"]
