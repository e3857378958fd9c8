"""The controlled copy, read back with pdftotext."""

import re
import subprocess
import unicodedata
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from qms.roles import Role
from tests.factories import ProcedureFactory, issue_revision


def pdf_text(path) -> str:
    """The PDF's text, white space folded: the heading's names wrap onto two lines."""
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", result.stdout.decode("utf-8")))


def export(pk: int, path) -> str:
    call_command("export_pdf", "procedure", str(pk), "-o", str(path))
    return pdf_text(path)


def test_controlled_copy_holds_the_name_and_steps_exactly(effective, tmp_path):
    text = export(effective.pk, tmp_path / "qt.pdf")
    assert "Cấp Giấy xác nhận tình trạng hôn nhân".upper() in text
    for step in effective.steps.all():
        assert step.name in text
    for expected in (
        "ỦY BAN NHÂN DÂN PHƯỜNG AN DƯƠNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "An Dương, ngày 01 tháng 01 năm 2023",
        "QT-TP-05",
        "3 ngày làm việc",
        "1/QĐ-UBND",
    ):
        assert expected in text, expected
    assert "HẾT HIỆU LỰC" not in text


def test_the_fonts_are_embedded(effective, tmp_path):
    path = tmp_path / "qt.pdf"
    export(effective.pk, path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [row.split() for row in fonts.splitlines()[2:]]
    assert {row[0].split("+")[-1] for row in rows} >= {"LiberationSerif", "LiberationSerif-Bold"}
    assert all(row[-5] == "yes" for row in rows)


def test_a_superseded_revision_is_marked(effective, secretary, chairman, tmp_path):
    issue_revision(
        effective.procedure, secretary=secretary, approver=chairman, effective_from=date(2024, 1, 2)
    )
    text = export(effective.pk, tmp_path / "old.pdf")
    assert "HẾT HIỆU LỰC" in text
    assert "Hết hiệu lực" in text  # the status line


def test_unknown_kind_or_record(tmp_path, db):
    with pytest.raises(CommandError, match="procedure"):
        call_command("export_pdf", "nothing", "1", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("export_pdf", "procedure", "999", "-o", str(tmp_path / "x.pdf"))


def test_the_pdf_view(effective, personas, client_for):
    response = client_for(personas[Role.VIEWER]).get(
        reverse("procedures:revision_pdf", args=[effective.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_file_name_turns_d_with_stroke_into_d(units, secretary, chairman, personas, client_for):
    procedure = ProcedureFactory(code="QT-ĐC-01", name="Cấp giấy phép xây dựng")
    revision = issue_revision(procedure, secretary=secretary, approver=chairman)
    response = client_for(personas[Role.VIEWER]).get(
        reverse("procedures:revision_pdf", args=[revision.pk])
    )
    assert response["Content-Disposition"] == (
        "inline; filename=\"qt-dc-01-lan-1.pdf\"; filename*=UTF-8''qt-%C4%91c-01-lan-1.pdf"
    )


def test_the_date_line_writes_march_as_3_not_03(procedure, secretary, chairman, tmp_path):
    """R10: only a day below 10 and the months 1 and 2 take a leading zero."""
    revision = issue_revision(
        procedure, secretary=secretary, approver=chairman, effective_from=date(2023, 3, 6)
    )
    text = export(revision.pk, tmp_path / "qt.pdf")
    assert "An Dương, ngày 06 tháng 3 năm 2023" in text
    assert "tháng 03" not in text
