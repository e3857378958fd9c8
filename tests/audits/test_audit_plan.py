"""The audit plan's timetable and the ISO secretary's approval, and the dates the
plan, checklist and report print."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audits import services
from audits.models import Audit, TimetableRow
from audits.pdf import audit_checklist_pdf, audit_plan_pdf, audit_report_pdf
from qms.roles import Role
from qms.signatures import SignedRecordError
from tests.audits.test_audit_pages import pdf_words


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


def write(tmp_path, data: bytes):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return pdf_words(path)


def test_the_plan_prints_its_timetable_and_then_its_approval(timetabled, secretary, tmp_path):
    draft = write(tmp_path, audit_plan_pdf(timetabled))
    assert "Lịch đánh giá" in draft and "Chưa phê duyệt" in draft and "DỰ THẢO" in draft
    assert "05/06/2023 08:30 – 11:30 TP-HT" in draft or "08:30 – 11:30" in draft
    assert "Đỗ Thị Kiểm" in draft and "7.5.3, 8.5.1" in draft
    services.audit_plan_approve(audit=timetabled, user=secretary)
    audit = Audit.objects.get(pk=timetabled.pk)
    approved = write(tmp_path, audit_plan_pdf(audit))
    assert "Chưa phê duyệt" not in approved and "DỰ THẢO" not in approved
    assert f"{secretary.get_full_name()}, thư ký ISO Đã phê duyệt lúc" in approved
    assert "ngày 05 tháng 6 năm 2023" in approved  # the plan is dated by the audit's start


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
