"""`import_dossiers` of a register as the province exports it: Vietnamese headers and
values in any case or marks, procedures by national code or name, saved column
profiles, the years before the QMS, and `export_dossiers` back out."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from nonconformities.models import Nonconformity
from procedures.importer import ImportRejected, import_dossiers
from procedures.models import Dossier, ImportProfile
from procedures.tracking_book import tracking_book
from qms.oversight.kpi import Scope, measure
from qms.roles import Role
from qms.text import words_key
from tests.factories import ProcedureFactory

REGISTER = [
    # the book's names and their variants, in another case, some without marks
    'STT,MÃ HỒ SƠ,Mã TTHC,"Tên tổ chức, cá nhân",hinh thuc nop,Nhận hồ sơ,Hẹn trả kết quả,'
    "Ngày có kết quả,Trả kết quả,Số hoá,Mức độ hài lòng",
    "1,PAD-230302-0001,QT-TP-05,Trần Văn An,Trực tiếp,02/03/2023 09:00:15,,"
    "06/03/2023 10:00,07/03/2023 08:00:00,Có,Rất hài lòng",
    "2,PAD-230302-0002,QT-TP-05,Lê Thị Bích,TRUC TUYEN,02/03/2023 10:00,,,,,",
    "3,PAD-230303-0001,QT-TP-05,Hoàng Minh,Qua bưu chính,03/03/2023 16:00,07/03/2023,"
    "09/03/2023 09:00,09/03/2023 10:00,không,Không hài lòng",
]


def csv_bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def test_fold_drops_case_marks_and_punctuation():
    assert (
        words_key("Tên tổ chức, cá nhân")
        == words_key("TEN TO CHUC  ca-nhan")
        == "ten to chuc ca nhan"
    )
    assert (
        words_key("Đánh giá") == "danh gia"
        and words_key("Số hoá") == words_key("Số hóa") == "so hoa"
    )
    assert words_key("very_satisfied") == "very satisfied"


def test_a_register_with_vietnamese_headers_and_values_imports_unedited(effective):
    result = import_dossiers("so.csv", csv_bytes(REGISTER))
    assert (result.created, result.ignored) == (3, ["STT"])
    first, second, third = Dossier.objects.order_by("code")
    assert (first.channel, first.digitised, first.rating) == ("direct", True, "very_satisfied")
    assert first.received_at.second == 15 and first.status == "returned"
    assert (second.channel, second.status) == ("online", "in_progress")
    assert (third.channel, third.digitised, third.rating) == ("post", False, "unsatisfied")
    assert (third.due_date, third.outcome) == (date(2023, 3, 7), "late")


def test_a_bad_value_is_named_by_row_and_the_files_own_header(effective):
    lines = [*REGISTER[:2], REGISTER[2].replace("TRUC TUYEN", "Fax")]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("so.csv", csv_bytes(lines))
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (3, "hinh thuc nop")
    assert "Trực tiếp" in error.reason and "Qua bưu chính" in error.reason
    assert not Dossier.objects.exists()


def test_an_unknown_header_is_named_with_the_names_known(effective):
    lines = [REGISTER[0].replace("MÃ HỒ SƠ", "Số biên nhận"), REGISTER[1]]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("so.csv", csv_bytes(lines))
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (1, "Mã hồ sơ")
    assert "'Số biên nhận'" in error.reason and "Mã TTHC" in error.reason


def test_a_saved_profile_maps_an_export_named_otherwise(effective, tmp_path, capsys):
    lines = [REGISTER[0].replace("MÃ HỒ SƠ", "Số biên nhận"), REGISTER[1]]
    profile = ImportProfile.objects.create(name="Cổng tỉnh", mapping={"so bien nhan": "code"})
    assert import_dossiers("so.csv", csv_bytes(lines), profile=profile).codes == ["PAD-230302-0001"]
    path = tmp_path / "so.csv"
    path.write_bytes(csv_bytes([lines[0], REGISTER[2]]))
    with pytest.raises(CommandError, match="Cổng tỉnh"):
        call_command("import_dossiers", str(path), "--profile", "Khác")
    call_command("import_dossiers", str(path), "--profile", "Cổng tỉnh")
    assert "Đã tạo 1 hồ sơ" in capsys.readouterr().out


def test_the_upload_page_offers_the_profiles(effective, personas, client):
    ImportProfile.objects.create(name="Cổng tỉnh", mapping={"Số biên nhận": "code"})
    client.force_login(personas[Role.OFFICER])
    lines = [REGISTER[0].replace("MÃ HỒ SƠ", "Số biên nhận"), REGISTER[1]]
    upload = io.BytesIO(csv_bytes(lines))
    upload.name = "so.csv"
    profile = ImportProfile.objects.get()
    response = client.post(
        reverse("procedures:dossier_import"), {"file": upload, "profile": profile.pk}
    )
    assert response.context["result"].created == 1
    assert "Cổng tỉnh" in response.content.decode()


def test_a_profile_naming_no_field_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:procedures_importprofile_add"),
        {"name": "Sai", "mapping": '{"Số biên nhận": "so_bien_nhan"}'},
    )
    assert response.status_code == 200 and not ImportProfile.objects.exists()
    assert "so_bien_nhan" in response.content.decode()


def test_procedures_are_found_by_national_code_or_by_name(effective):
    procedure = effective.procedure
    procedure.national_code = "1.001193"
    procedure.save()
    lines = [
        "Mã hồ sơ,Mã thủ tục,Tên thủ tục,Người nộp,Hình thức nộp,Ngày tiếp nhận",
        "PAD-230302-0001,1.001193,,An,Trực tiếp,02/03/2023 09:00",
        f"PAD-230302-0002,,{procedure.name.upper()},Bình,Trực tiếp,02/03/2023 09:30",
        "PAD-230302-0003,,cap giay xac nhan tinh trang hon nhan,Chi,Trực tiếp,02/03/2023 10:00",
    ]
    assert import_dossiers("so.csv", "\n".join(lines).encode()).created == 3
    assert set(Dossier.objects.values_list("procedure", flat=True)) == {procedure.pk}
    lines = [lines[0], "PAD-230302-0004,2.000001,,Dũng,Trực tiếp,02/03/2023 11:00"]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("so.csv", "\n".join(lines).encode())
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "Mã thủ tục")]


HISTORY = [
    "Mã hồ sơ,Mã thủ tục,Người nộp,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,"
    "Ngày có kết quả,Ngày trả kết quả,Số hóa,Đánh giá",
    # 2019: years before the procedure's first revision (in force from 01/01/2023)
    "PAD-190304-0001,QT-TP-05,An,Trực tiếp,04/03/2019 09:00,07/03/2019,"
    "06/03/2019 10:00,06/03/2019 15:00,Có,Hài lòng",
    "PAD-190304-0002,QT-TP-05,Bình,Trực tuyến,04/03/2019 10:00,07/03/2019 16:00,"
    "07/03/2019 11:00,08/03/2019 08:00,Không,Không hài lòng",
    "PAD-190305-0001,QT-TP-05,Chi,Trực tiếp,05/03/2019 09:00,08/03/2019,12/03/2019 10:00,,,",
    "PAD-190305-0002,QT-TP-05,Dũng,Trực tuyến,05/03/2019 14:00,08/03/2019,,,,",
]


def test_dossiers_from_before_any_revision_import_with_the_files_appointment(effective):
    result = import_dossiers("2019.csv", "\n".join(HISTORY).encode())
    assert result.created == 4
    dossiers = Dossier.objects.order_by("code")
    assert {d.revision for d in dossiers} == {None} and all(d.before_qms for d in dossiers)
    assert {d.rule_set for d in dossiers} == {"2018"}  # R1 by the receipt date
    assert [d.outcome for d in dossiers] == ["early", "on_time", "late", ""]
    assert dossiers[3].current_step is None and dossiers[3].status == "in_progress"
    assert not Nonconformity.objects.exists()  # no QMS then, no nonconformity now
    # counted by hand: 4 received, 2 online; 3 resolved, 1 early, 1 on time, 1 late;
    # 1 open past its appointment; 1 of 3 digitised; 1 of 2 rated satisfied
    figures = measure(Scope(date(2019, 3, 1), date(2019, 3, 31)))
    assert {
        key: figures[key]
        for key in (
            "received",
            "resolved",
            "early",
            "on_time",
            "late",
            "open_overdue",
            "on_time_rate",
            "online_rate",
            "digitised_rate",
            "satisfaction_rate",
        )
    } == {
        "received": 4,
        "resolved": 3,
        "early": 1,
        "on_time": 1,
        "late": 1,
        "open_overdue": 1,
        "on_time_rate": 66.7,
        "online_rate": 50.0,
        "digitised_rate": 33.3,
        "satisfaction_rate": 50.0,
    }


def test_history_without_its_appointment_is_refused_by_row_and_column(effective):
    lines = [*HISTORY[:2], HISTORY[2].replace("07/03/2019 16:00", "")]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers("2019.csv", "\n".join(lines).encode())
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (3, "Ngày hẹn trả")
    assert "trước khi áp dụng ISO" in error.reason
    assert not Dossier.objects.exists()


def test_history_is_marked_before_the_qms_in_the_list_and_the_book(effective, personas, client):
    import_dossiers("2019.csv", "\n".join(HISTORY[:2]).encode())
    client.force_login(personas[Role.OFFICER])
    page = client.get(reverse("procedures:dossier_list")).content.decode()
    assert 'data-testid="before-qms"' in page and "Trước khi áp dụng ISO" in page
    (section,) = tracking_book(date(2019, 3, 1), date(2019, 3, 31), None, "xlsx")
    assert section.rows[0][-1].startswith("Trước khi áp dụng ISO")
    dossier = Dossier.objects.get()
    detail = client.get(reverse("procedures:dossier_detail", args=[dossier.code]))
    assert "Trước khi áp dụng ISO" in detail.content.decode()


KPI_KEYS = ("received", "resolved", "early", "on_time", "late", "open_overdue")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_to_the_same_kpis(effective, tmp_path, fmt):
    import_dossiers("so.csv", csv_bytes(REGISTER))
    import_dossiers("2019.csv", "\n".join(HISTORY).encode())
    scopes = [
        Scope(date(2019, 1, 1), date(2019, 12, 31)),
        Scope(date(2023, 1, 1), date(2023, 12, 31)),
    ]
    before = [measure(scope) for scope in scopes]
    path = tmp_path / f"ra.{fmt}"
    call_command(
        "export_dossiers",
        "--from",
        "2019-01-01",
        "--to",
        "2023-12-31",
        "--format",
        fmt,
        "-o",
        str(path),
    )
    if fmt == "xlsx":
        header = next(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    else:
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert list(header[:4]) == ["Mã hồ sơ", "Mã thủ tục", "Tên tổ chức, cá nhân", "Hình thức nộp"]
    exported = {d.code: d for d in Dossier.objects.all()}
    Nonconformity.objects.all().delete()
    Dossier.objects.all().delete()
    assert import_dossiers(path.name, path.read_bytes()).created == 7
    assert [measure(scope) for scope in scopes] == before
    for dossier in Dossier.objects.all():
        original = exported[dossier.code]
        assert (dossier.due_at, dossier.revision_id, dossier.rating) == (
            original.due_at,
            original.revision_id,
            original.rating,
        )


def test_a_national_code_is_unique_when_given_and_of_its_form(effective):
    first = ProcedureFactory(code="QT-TP-06", national_code="1.001193")
    ProcedureFactory(code="QT-TP-07")  # many procedures without one
    ProcedureFactory(code="QT-TP-08")
    for national_code, message in (
        ("1.001193", "mã thủ tục quốc gia này"),
        ("1-001193", "1.001193"),
    ):
        duplicate = ProcedureFactory.build(
            code="QT-TP-09", national_code=national_code, unit=first.unit
        )
        with pytest.raises(ValidationError, match=message):
            duplicate.full_clean()


def test_an_open_dossier_from_before_the_qms_can_still_be_completed(effective, personas, client):
    from procedures import dossier_services

    import_dossiers("2019.csv", "\n".join([HISTORY[0], HISTORY[4]]).encode())
    dossier = Dossier.objects.get()
    chairman = personas[Role.CHAIRMAN]  # no step: it waits with the leadership
    client.force_login(chairman)
    page = client.get(reverse("procedures:dossier_detail", args=[dossier.code]))
    assert page.status_code == 200 and "Trước khi áp dụng ISO" in page.content.decode()
    # no revision to restart the time limit from (R4): no supplement request
    with pytest.raises(ValidationError, match="trước khi áp dụng"):
        dossier_services.dossier_request_supplement(dossier=dossier, user=chairman, reason="Thiếu")
    dossier = dossier_services.dossier_complete(dossier=dossier, user=chairman)
    assert (dossier.status, dossier.outcome) == ("completed", "late")
    assert not dossier.handoffs.exists()
    assert not Nonconformity.objects.filter(dossier=dossier).exists()  # before the QMS
