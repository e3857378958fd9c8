"""The register's pages, the reminders, and who may do what."""

from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.timezone import localdate

from nonconformities import services
from nonconformities.models import Action, Complaint, Nonconformity
from qms.roles import Role
from tests.factories import pdf_bytes


def test_the_register_page_shows_the_kinds_and_overdue_actions(effective, personas, client_for):
    from tests.procedures.test_dossiers import receive

    officer = personas[Role.OFFICER]
    case = Nonconformity.objects.create(
        code="NC-T-CA",
        source="late_pattern",
        severity="minor",
        description="Trễ lặp lại",
        found_on=date(2023, 3, 9),
        procedure=effective.procedure,
        stage="in_progress",
    )
    for hour in ("09:00", "10:00"):
        dossier = receive(effective.procedure, officer, f"2023-03-02 {hour}")
        Nonconformity.objects.create(
            code=f"NC-T-{hour[:2]}",
            kind="output",
            source="late_dossier",
            severity="minor",
            description="Trễ",
            found_on=date(2023, 3, 9),
            procedure=effective.procedure,
            dossier=dossier,
            corrective_action=case,
        )
    Action.objects.create(
        nonconformity=case,
        kind="corrective",
        description="Sửa quy trình",
        owner=officer,
        due_date=date(2024, 1, 1),
    )
    page = client_for(personas[Role.VIEWER]).get(reverse("nonconformities:register"))
    html = page.content.decode()
    assert html.count("Đầu ra không phù hợp (8.7) → ") == 2  # both rows, linked
    # its own row, the two outputs linked to it, its overdue action
    assert html.count(f'href="/khong-phu-hop/{case.pk}/">NC-T-CA</a>') == 4
    assert "Sửa quy trình" in page.context["overdue_actions"][0].description
    outputs = client_for(personas[Role.VIEWER]).get(
        reverse("nonconformities:register"), {"kind": "output"}
    )
    assert [nc.code for nc in outputs.context["filter"].qs] == ["NC-T-10", "NC-T-09"]
    detail = client_for(personas[Role.VIEWER]).get(
        reverse("nonconformities:detail", args=[case.pk])
    )
    assert "NC-T-09" in detail.content.decode() and "NC-T-10" in detail.content.decode()
    home = client_for(officer).get(reverse("qms:home")).content.decode()
    assert "Sửa quy trình" in home and "quá hạn" in home


def test_steps_through_the_pages(personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    client = client_for(secretary)
    response = client.post(
        reverse("nonconformities:raise"),
        {"source": "staff", "severity": "minor", "description": "Thiếu sổ theo dõi"},
    )
    nc = Nonconformity.objects.get()
    assert response["Location"] == reverse("nonconformities:detail", args=[nc.pk])
    step = lambda name: reverse("nonconformities:step", args=[nc.pk, name])  # noqa: E731
    client.post(step("analyse"), {"analyse-text": "Chưa phân công người giữ sổ"})
    client.post(
        step("action"),
        {
            "action-kind": "corrective",
            "action-description": "Phân công",
            "action-owner": personas[Role.OFFICER].pk,
            "action-due_date": "31/12/2030",
        },
    )
    client.post(step("start"))
    nc.refresh_from_db()
    assert nc.stage == "in_progress" and nc.actions.count() == 1
    viewer = client_for(personas[Role.VIEWER])
    assert viewer.post(step("cancel"), {"cancel-text": "x"}).status_code == 403
    response = client.post(step("verification"), follow=True)
    assert "còn hành động chưa xong" in response.content.decode()


def test_complaints_page(personas, client_for):
    officer = client_for(personas[Role.OFFICER])
    url = reverse("nonconformities:complaints")
    response = officer.post(url, {"citizen": "Lê Thị Ý", "content": "Chờ lâu", "dossier_code": "X"})
    assert "Không có hồ sơ mã X." in response.content.decode()
    officer.post(url, {"citizen": "Lê Thị Ý", "content": "Chờ lâu"})
    complaint = Complaint.objects.get()
    response = client_for(personas[Role.ISO_SECRETARY]).post(
        reverse("nonconformities:complaint_answer", args=[complaint.pk]),
        {"text": "Đã bố trí thêm người", "raise": "1"},
    )
    nc = Nonconformity.objects.get(complaint=complaint)
    assert response["Location"] == reverse("nonconformities:detail", args=[nc.pk])


def test_only_the_officers_record_complaints(personas, client_for):
    url = reverse("nonconformities:complaints")
    for role in Role:
        response = client_for(personas[role]).post(url, {"citizen": "Lê Thị Ý", "content": "y"})
        assert response.status_code == (302 if role == Role.OFFICER else 403), role
    assert Complaint.objects.count() == 1


def test_an_officer_cannot_raise_a_nonconformity_with_a_forged_field(personas, client_for):
    complaint = services.complaint_record(
        user=personas[Role.OFFICER], citizen="Lê Thị Ý", content="Chờ lâu"
    )
    page = client_for(personas[Role.OFFICER]).get(reverse("nonconformities:complaints"))
    assert 'name="raise"' not in page.content.decode()  # not offered, but it can be sent
    response = client_for(personas[Role.OFFICER]).post(
        reverse("nonconformities:complaint_answer", args=[complaint.pk]),
        {"text": "Đã xin lỗi", "raise": "1"},
        follow=True,
    )
    assert "Chỉ thư ký ISO hoặc chuyên gia đánh giá" in response.content.decode()
    assert not Nonconformity.objects.exists()
    assert Complaint.objects.get(pk=complaint.pk).answered_at is None  # nothing half-written


def test_a_replayed_answer_is_refused_with_a_message(personas, client_for):
    complaint = services.complaint_record(
        user=personas[Role.OFFICER], citizen="Lê Thị Ý", content="Chờ lâu"
    )
    officer = client_for(personas[Role.OFFICER])
    url = reverse("nonconformities:complaint_answer", args=[complaint.pk])
    officer.post(url, {"text": "Lần đầu"})
    response = officer.post(url, {"text": "Lần gửi lại"}, follow=True)
    assert response.status_code == 200
    assert "Phản ánh này đã được trả lời." in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).answer == "Lần đầu"


def test_send_reminders(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = personas[Role.OFFICER]
    owner.email = "motcua@anduong.example"
    owner.save()
    nc = services.nc_raise(user=owner, source="staff", severity="minor", description="x")
    Nonconformity.objects.filter(pk=nc.pk).update(stage="in_progress")
    Action.objects.create(
        nonconformity=nc,
        kind="corrective",
        description="Việc quá hạn",
        owner=owner,
        due_date=date(2020, 1, 1),
    )
    Action.objects.create(
        nonconformity=nc,
        kind="corrective",
        description="Việc còn xa",
        owner=owner,
        due_date=date(2030, 12, 31),
    )
    call_command("send_reminders", "--days", "3")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Việc quá hạn" in body and "QUÁ HẠN" in body and "Việc còn xa" not in body


def test_an_action_is_done_with_an_evidence_file(personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner = personas[Role.OFFICER]
    nc = services.nc_raise(user=owner, source="staff", severity="minor", description="x")
    Nonconformity.objects.filter(pk=nc.pk).update(stage="in_progress")
    action = Action.objects.create(
        nonconformity=nc,
        kind="corrective",
        description="Sửa",
        owner=owner,
        due_date=date(2030, 1, 1),
    )
    client = client_for(owner)
    url = reverse("nonconformities:action_done", args=[action.pk])
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    client.post(url, {"done_on": "01/12/2025", "evidence": "QĐ", "evidence_file": bad})
    action.refresh_from_db()
    assert action.done_on is None
    tomorrow = (localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, {"done_on": tomorrow, "evidence": "QĐ"}, follow=True)
    assert "Ngày hoàn thành không được sau ngày hôm nay." in response.content.decode()
    action.refresh_from_db()
    assert action.done_on is None
    scan = SimpleUploadedFile("qd.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(url, {"done_on": "01/12/2025", "evidence": "QĐ", "evidence_file": scan})
    action.refresh_from_db()
    assert action.done_on == date(2025, 12, 1) and action.evidence_file.name.startswith("evidence/")
    download = client_for(personas[Role.VIEWER]).get(
        reverse("nonconformities:action_evidence", args=[action.pk])
    )
    assert b"".join(download.streaming_content) == pdf_bytes()
