"""The audit plan's timetable and the ISO secretary's approval, and the dates the
plan, checklist and report print."""

import subprocess
import unicodedata
from datetime import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audits import services
from audits.models import Audit, TimetableRow
from audits.pdf import audit_checklist_pdf, audit_plan_pdf, audit_report_pdf
from procedures import services as procedure_services
from qms.roles import Role
from qms.signatures import SignedRecordError
from tests.audits.test_audit_pages import pdf_words
from tests.html import parse
from tests.procedures.test_dossiers import at


def replan(audit, secretary, timetable):
    return services.audit_save(
        audit=audit,
        units=list(audit.units.all()),
        procedures=[],
        clauses=list(audit.clauses.all()),
        team=list(audit.team.all()),
        user=secretary,
        reason="Lịch đánh giá",
        timetable=timetable,
    )


@pytest.fixture
def timetabled(audit, secretary, lead, colleague):
    unit = audit.units.get()
    return replan(
        audit,
        secretary,
        [
            {"day": audit.planned_start, "start": time(8), "end": time(8, 30), "auditor": lead},
            {
                "day": audit.planned_start,
                "start": time(8, 30),
                "end": time(11, 30),
                "unit": unit,
                "auditor": colleague,
                "clauses": "7.5.3, 8.5.1",
            },
        ],
    )


def word_heights(data: bytes, text: str) -> list[float]:
    """The heights, in points, of the boxes of the words `text` in the PDF (pdftotext's
    bounding boxes): they follow the size of the type."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [
        round(float(word.attrs["ymax"]) - float(word.attrs["ymin"]), 1)
        for word in parse(html).find_all("word")
        if unicodedata.normalize("NFC", word.text) == text
    ]


def write(tmp_path, data: bytes):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return pdf_words(path)


def test_the_plan_prints_its_timetable_and_then_its_approval(timetabled, secretary, tmp_path):
    draft = write(tmp_path, audit_plan_pdf(timetabled))
    assert "Lịch đánh giá" in draft and "Chưa phê duyệt" in draft and "DỰ THẢO" in draft
    assert "05/06/2023 08:30 – 11:30 TP-HT" in draft or "08:30 – 11:30" in draft
    assert "Đỗ Thị Kiểm" in draft and "7.5.3, 8.5.1" in draft
    assert "An Dương, ngày … tháng … năm …" in draft  # a draft has no date yet
    with time_machine.travel(at("2023-05-22 10:00"), tick=False):
        services.audit_plan_approve(audit=timetabled, user=secretary)
    audit = Audit.objects.get(pk=timetabled.pk)
    approved = write(tmp_path, audit_plan_pdf(audit))
    assert "Chưa phê duyệt" not in approved and "DỰ THẢO" not in approved
    assert f"{secretary.get_full_name()}, thư ký ISO Đã phê duyệt lúc" in approved
    # dated by its approval, its own event, not by the audit's start (05/6)
    assert "An Dương, ngày 22 tháng 5 năm 2023" in approved


def test_the_plan_prints_its_timetable_in_the_body_size_or_one_step_below(timetabled):
    heights = word_heights(audit_plan_pdf(timetabled), "Đỗ")
    # a word's box is 0.91 of its type's size: 10.9 pt for the 12 pt cells (the body is
    # 13 pt), 7.3 pt for the 8 pt type of the wide registers
    assert heights and min(heights) >= 10.5, heights


def test_planning_an_audit_writes_one_history_row(audit, secretary):
    row = audit.history.get()  # created with its scope and team: one row, not two
    assert row.history_type == "+" and row.history_change_reason == "Chương trình 2023"
    assert [link.unit.code for link in row.units.all()] == ["TP-HT"]  # with its links
    replan(audit, secretary, [])
    assert list(audit.history.values_list("history_type", flat=True)) == ["~", "+"]


def test_an_approved_plan_never_changes(timetabled, secretary, client_for):
    services.audit_plan_approve(audit=timetabled, user=secretary)
    audit = Audit.objects.get(pk=timetabled.pk)
    assert audit.plan_approved_by == secretary and audit.plan_approved_at is not None
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        replan(audit, secretary, [])
    audit.planned_end = audit.planned_start
    with pytest.raises(SignedRecordError):
        audit.save()
    row = TimetableRow.objects.filter(audit=audit).first()
    row.clauses = "10.2"
    with pytest.raises(SignedRecordError):
        row.save()
    with pytest.raises(SignedRecordError), transaction.atomic():
        Audit.objects.get(pk=audit.pk).units.clear()
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        services.audit_plan_approve(audit=audit, user=secretary)
    page = client_for(secretary).get(reverse("audits:update", args=[audit.pk]), follow=True)
    assert "không thể thay đổi" in page.content.decode()
    assert TimetableRow.objects.filter(audit=audit).count() == 2


def test_an_audit_starts_only_from_its_approved_plan(timetabled, lead, secretary, client_for):
    refused = "chưa phê duyệt kế hoạch của cuộc đánh giá này"
    with pytest.raises(ValidationError, match=refused):
        services.audit_start(audit=timetabled, user=lead)
    assert not timetabled.items.exists()
    client = client_for(lead)
    detail = reverse("audits:detail", args=[timetabled.pk])
    page = client.get(detail).content.decode()
    assert refused in page and reverse("audits:start", args=[timetabled.pk]) not in page
    response = client.post(reverse("audits:start", args=[timetabled.pk]), follow=True)
    assert any(refused in str(message) for message in response.context["messages"])
    assert Audit.objects.get(pk=timetabled.pk).status == Audit.Status.PLANNED

    services.audit_plan_approve(audit=timetabled, user=secretary)
    assert refused not in client.get(detail).content.decode()
    client.post(reverse("audits:start", args=[timetabled.pk]))
    assert Audit.objects.get(pk=timetabled.pk).status == Audit.Status.IN_PROGRESS


def test_only_the_secretary_approves_a_plan_with_a_timetable(audit, lead, secretary):
    with pytest.raises(ValidationError, match="thư ký ISO"):
        services.audit_plan_approve(audit=audit, user=lead)
    with pytest.raises(ValidationError, match="lịch đánh giá"):
        services.audit_plan_approve(audit=audit, user=secretary)
    assert Audit.objects.get(pk=audit.pk).plan_approved_at is None


def test_a_timetable_row_stays_within_the_audit(audit, secretary, personas):
    outsider = personas[Role.AUDITOR]  # the lead: in the team, so take a stranger below
    from tests.factories import UnitFactory, UserFactory

    stranger = UserFactory(full_name="Người Ngoài", role="auditor", unit=UnitFactory(code="X"))
    rows = [
        {"day": audit.planned_end.replace(day=20), "start": time(8), "auditor": outsider},
        {"day": audit.planned_start, "start": time(9), "end": time(8), "auditor": stranger},
    ]
    with pytest.raises(ValidationError) as error:
        replan(audit, secretary, rows)
    messages = " ".join(error.value.message_dict["timetable"])
    assert "Dòng 1 của lịch" in messages and "ngoài thời gian" in messages
    assert "phải kết thúc sau khi bắt đầu" in messages and "Người Ngoài" in messages
    assert not TimetableRow.objects.exists()


def test_the_plan_is_edited_with_its_timetable_through_the_page(audit, secretary, client_for):
    url = reverse("audits:update", args=[audit.pk])
    data = {
        "code": audit.code,
        "title": audit.title,
        "kind": audit.kind,
        "year": audit.year,
        "units": [unit.pk for unit in audit.units.all()],
        "clauses": [clause.pk for clause in audit.clauses.all()],
        "planned_start": "05/06/2023",
        "planned_end": "06/06/2023",
        "lead_auditor": audit.lead_auditor_id,
        "team": [user.pk for user in audit.team.all()],
        "reason": "Lịch",
        "timetable-TOTAL_FORMS": "1",
        "timetable-INITIAL_FORMS": "0",
        "timetable-0-day": "09/06/2023",
        "timetable-0-start": "08:00",
        "timetable-0-auditor": audit.lead_auditor_id,
    }
    refused = client_for(secretary).post(url, data).content.decode()
    assert "ngoài thời gian" in refused and 'value="09/06/2023"' in refused
    response = client_for(secretary).post(url, data | {"timetable-0-day": "06/06/2023"})
    assert response.status_code == 302
    assert TimetableRow.objects.get(audit=audit).start == time(8)


def test_checklist_and_report_are_dated_by_the_audit_not_the_print_day(started, tmp_path):
    audit = Audit.objects.get(pk=started.pk)
    Audit.objects.filter(pk=audit.pk).update(actual_start=audit.planned_start)
    audit.refresh_from_db()
    assert "ngày 05 tháng 6 năm 2023" in write(tmp_path, audit_checklist_pdf(audit))
    # the report unsigned: the audit's planned end, never today
    assert "ngày 06 tháng 6 năm 2023" in write(tmp_path, audit_report_pdf(audit))


def test_the_report_states_what_iso_19011_asks_of_it(timetabled, lead, secretary, tmp_path):
    """6.5.1: objective, the days the audit was carried out and where (the approved
    plan's timetable), the degree to which the criteria were met, and that an audit
    samples; each date the date of its own event."""
    from datetime import datetime

    import time_machine

    from qms.working_days import LOCAL_TZ
    from tests.factories import PASSWORD, page_sha256

    with time_machine.travel(datetime(2023, 5, 29, 9, tzinfo=LOCAL_TZ), tick=False):
        services.audit_plan_approve(audit=timetabled, user=secretary)
    with time_machine.travel(datetime(2023, 6, 5, 8, tzinfo=LOCAL_TZ), tick=False):
        started = services.audit_start(audit=timetabled, user=lead)
    first, *others = started.items.order_by("pk")
    services.checklist_answer(
        item=first,
        user=lead,
        result="minor",
        evidence="HS-01 thiếu chữ ký",
        requirement="QT-TP-05 bước 2",
        statement="Hồ sơ chuyển không có chữ ký người nhận",
    )
    for item in others:
        services.checklist_answer(item=item, user=lead, result="conforming", evidence="Sổ")
    services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    with time_machine.travel(datetime(2023, 6, 6, 16, tzinfo=LOCAL_TZ), tick=False):
        services.report_sign(
            audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
        )
    text = write(tmp_path, audit_report_pdf(Audit.objects.get(pk=started.pk)))
    assert "Mục tiêu Xác định hệ thống quản lý chất lượng" in text
    assert "Thời gian đánh giá 05/06/2023 – 06/06/2023" in text
    assert f"Phê duyệt ngày 29/05/2023 ({secretary.get_full_name()}, thư ký ISO)" in text
    assert "Lịch đánh giá đã thực hiện" in text and "08:30 – 11:30" in text
    total = started.items.count()
    assert f"{total - 1}/{total} nội dung kiểm tra phù hợp" in text
    assert "1 điểm không phù hợp nhẹ" in text and "lấy mẫu" in text
    assert "ngày 06 tháng 6 năm 2023" in text


def timetable_post(audit, rows: list[dict]) -> dict:
    data = {
        "code": audit.code,
        "title": audit.title,
        "kind": audit.kind,
        "year": audit.year,
        "units": [unit.pk for unit in audit.units.all()],
        "clauses": [clause.pk for clause in audit.clauses.all()],
        "planned_start": "05/06/2023",
        "planned_end": "06/06/2023",
        "lead_auditor": audit.lead_auditor_id,
        "team": [user.pk for user in audit.team.all()],
        "reason": "Lịch",
        "timetable-TOTAL_FORMS": str(len(rows)),
        "timetable-INITIAL_FORMS": "0",
    }
    for number, row in enumerate(rows):
        data |= {f"timetable-{number}-{name}": value for name, value in row.items()}
    return data


def timetable_rows(page: str) -> list:
    table = parse(page).find("table", **{"data-testid": "timetable-formset"})
    return table.find("tbody").find_all("tr")


def test_a_refused_row_shows_its_messages_in_the_row_with_its_values(audit, secretary, client_for):
    lead = audit.lead_auditor_id
    rows = [
        {"day": "05/06/2023", "start": "08:00", "auditor": lead, "DELETE": "on"},
        {"day": "05/06/2023", "start": "08:00", "end": "08:30", "auditor": lead},
        {"day": "09/06/2023", "start": "09:00", "end": "08:00", "auditor": lead},
    ]
    url = reverse("audits:update", args=[audit.pk])
    response = client_for(secretary).post(url, timetable_post(audit, rows))
    assert response.status_code == 200 and not TimetableRow.objects.exists()
    page = response.content.decode()
    assert not parse(page).find_all(class_="alert-danger")  # nothing at the top
    _deleted, fine, refused = timetable_rows(page)
    assert "table-danger" not in fine.classes and "table-danger" in refused.classes
    day, start, end = refused.find_all("td")[:3]
    # numbered as the page shows it, beside its field, the values kept
    assert "Dòng 3 của lịch đánh giá: ngày 09/06/2023 nằm ngoài thời gian" in day.text
    assert day.find("input").attrs["value"] == "09/06/2023"
    assert "is-invalid" in day.find("input").classes
    assert "Dòng 3 của lịch đánh giá: buổi đánh giá phải kết thúc sau khi bắt đầu" in end.text
    assert end.find("input").attrs["value"] == "08:00" and "Dòng" not in start.text


def assert_every_input_named_by_column_and_row(table) -> None:
    """The shared formset table (templates/procedures/_formset_table.html): each input
    of each row has a label, '<column header>, dòng <n>', or 'Xóa dòng <n>'."""
    headers = [th.text for th in table.find("thead").find_all("th")]
    labels = {label.attrs["for"]: label.text for label in table.find_all("label")}
    rows = table.find("tbody").find_all("tr")
    assert rows and headers[0] == "#" and headers[-1] == "Xóa"
    for number, row in enumerate(rows, start=1):
        fields = [
            field
            for field in row.find_all("input") + row.find_all("select") + row.find_all("textarea")
            if field.attrs.get("type") != "hidden"
        ]
        named = sorted(labels[field.attrs["id"]] for field in fields)
        expected = [f"{header}, dòng {number}" for header in headers[1:-1]]
        assert named == sorted([*expected, f"Xóa dòng {number}"])
        assert all("formset-label" in label.classes for label in row.find_all("label"))


def test_every_row_input_is_named_by_its_column_and_row(audit, secretary, client_for):
    page = client_for(secretary).get(reverse("audits:update", args=[audit.pk])).content
    table = parse(page).find("table", **{"data-testid": "timetable-formset"})
    assert len(table.find("thead").find_all("th")) == 8  # #, six fields, remove
    assert_every_input_named_by_column_and_row(table)


def test_the_revision_page_names_the_inputs_of_its_three_tables(effective, secretary, client_for):
    draft = procedure_services.revision_draft(procedure=effective.procedure, user=secretary)
    url = reverse("procedures:revision_edit", args=[draft.pk])
    page = parse(client_for(secretary).get(url).content)
    for testid in ("steps-formset", "records-formset", "components-formset"):
        assert_every_input_named_by_column_and_row(page.find("table", **{"data-testid": testid}))


def test_the_rows_stay_usable_on_a_narrow_screen_and_show_the_date_on_a_wide_one():
    """Checked in Chromium at 400 and 1280 px; here the rules that do it."""
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    narrow = css.split("@media (max-width: 767.98px)", 1)[1]
    assert ".formset-table thead { display: none; }" in narrow  # a card per row
    assert ".formset-table .formset-label {" in narrow  # its labels shown
    assert '.formset-table input[placeholder="dd/mm/yyyy"] { min-width: 8.5rem; }' in css


def test_the_edit_page_says_it_edits_the_plan(audit, secretary, client_for):
    client = client_for(secretary)
    edit = parse(client.get(reverse("audits:update", args=[audit.pk])).content)
    assert edit.find("h1").text == "Sửa kế hoạch đánh giá"
    assert edit.find("title").text.startswith("Sửa kế hoạch đánh giá")
    assert parse(client.get(reverse("audits:create")).content).find("h1").text == (
        "Lập kế hoạch đánh giá"
    )
