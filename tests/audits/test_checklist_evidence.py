"""Every checklist answer records its evidence ("not applicable" its reason), and a
finding is stated as requirement, evidence and what is not met, not as the question."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits import services
from audits.models import Audit, ChecklistItem, Finding, TimetableRow
from audits.pdf import audit_checklist_pdf, audit_report_pdf
from tests.audits.test_audit_plan import write


def test_a_conforming_answer_needs_its_evidence(started, lead):
    item = started.items.first()
    with pytest.raises(ValidationError) as error:
        services.checklist_answer(item=item, user=lead, result="conforming", evidence=" ")
    assert "kể cả khi phù hợp" in " ".join(error.value.message_dict["evidence"])
    assert ChecklistItem.objects.get(pk=item.pk).result == ""
    services.checklist_answer(item=item, user=lead, result="conforming", evidence="Sổ theo dõi")
    assert ChecklistItem.objects.get(pk=item.pk).evidence == "Sổ theo dõi"


def test_not_applicable_needs_a_reason_instead(started, lead, tmp_path):
    item = started.items.first()
    with pytest.raises(ValidationError) as error:
        services.checklist_answer(item=item, user=lead, result="na")
    assert "không áp dụng" in " ".join(error.value.message_dict["not_applicable_reason"])
    services.checklist_answer(
        item=item, user=lead, result="na", not_applicable_reason="Phường không thiết kế dịch vụ"
    )
    item.refresh_from_db()
    assert (item.result, item.evidence) == ("na", "")
    assert item.content()["not_applicable_reason"] == "Phường không thiết kế dịch vụ"
    assert "Phường không thiết kế dịch vụ" in write(tmp_path, audit_checklist_pdf(started))


def test_a_nonconformity_is_stated_not_asked(started, lead, tmp_path):
    item = started.items.first()
    with pytest.raises(ValidationError) as error:
        services.checklist_answer(item=item, user=lead, result="minor", evidence="Hồ sơ A")
    assert set(error.value.message_dict) == {"requirement", "statement"}
    services.checklist_answer(
        item=item,
        user=lead,
        result="major",
        evidence="Hồ sơ HS-001 chuyển bước 2 không có chữ ký",
        requirement="Mẫu 05 TT01",
        statement="Người nhận hồ sơ ở bước 2 không ký phiếu kiểm soát",
    )
    finding = Finding.objects.get(item=item)
    assert finding.description != item.question
    report = write(tmp_path, audit_report_pdf(started))
    findings = report.split("4. Các phát hiện")[1].split("5. Kết luận")[0]
    assert "Yêu cầu" in findings and "Nội dung phát hiện" in findings
    assert "Mẫu 05 TT01" in findings
    assert "Người nhận hồ sơ ở bước 2 không ký phiếu kiểm soát" in findings
    assert item.question[:40] not in findings


def test_a_finding_added_by_hand_names_its_requirement(started, lead):
    with pytest.raises(ValidationError) as error:
        services.finding_add(
            audit=started, user=lead, clause_number="8.5.1", description="x", severity="major"
        )
    assert "requirement" in error.value.message_dict
    assert not Finding.objects.exists()


def test_a_refused_row_keeps_what_was_typed(started, lead, client_for):
    """The save's answer redraws the errors beside the inputs, never the inputs: what
    was typed stays on the page as typed, and the lacking field is named."""
    item = started.items.first()
    prefix = f"item-{item.pk}"
    data = {
        f"{prefix}-result": "minor",
        f"{prefix}-evidence": "Hồ sơ HS-009 thiếu chữ ký",
        f"{prefix}-requirement": "QT-TP-05 bước 2",
        f"{prefix}-statement": "",
        "save": "1",
    }
    response = client_for(lead).post(
        reverse("audits:answer", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<textarea" not in page and "<input" not in page
    statement = page.split(f'id="id_{prefix}-statement_errors"')[1].split("</div>")[0]
    assert "Nêu điều không được đáp ứng" in statement
    assert ChecklistItem.objects.get(pk=item.pk).result == ""


def test_answers_recorded_before_the_rule_stay_as_they_were(started, lead):
    """The rule is for new answers: an old conforming answer without evidence is a
    record, neither refused at signing nor given an invented evidence."""
    # started, as audits then were, without an approved plan and its timetable
    Audit.objects.filter(pk=started.pk).update(plan_approved_at=None, plan_approved_by=None)
    TimetableRow.objects.filter(audit=started).delete()
    started.refresh_from_db()
    ChecklistItem.objects.filter(audit=started).update(result="conforming")
    services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    from tests.factories import PASSWORD, page_sha256

    services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    assert set(started.items.values_list("evidence", flat=True)) == {""}
    # nor do the new fields enter the content of audits signed before they existed
    content = started.signed_content()
    assert "timetable" not in content and "plan_approved_at" not in content
    assert all("not_applicable_reason" not in item for item in content["items"])
