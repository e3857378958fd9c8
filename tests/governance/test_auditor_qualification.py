"""Only qualified auditors (an internal-auditor course with its certificate, valid on
the audit's start) can be put on an audit, as lead or in the team (ISO 9001:2015 7.2)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits import services
from audits.models import Audit
from governance.models import TrainingRecord, qualified_auditors
from qms.roles import Role
from tests.factories import UnitFactory, UserFactory, qualify_auditor

MESSAGE = "chưa có chứng chỉ chuyên gia đánh giá nội bộ"


@pytest.fixture
def newcomer(db):
    """An account given the auditor role without the course."""
    user = UserFactory(full_name="Lương Văn Mới", unit=UnitFactory(code="ĐC-XD"))
    user.groups.add(*UserFactory(username="role-holder", role="auditor").groups.all())
    return user


def plan(lead, team, secretary, start=date(2024, 3, 4), end=None):
    return services.audit_save(
        audit=Audit(
            code="ĐGNB-2024-05",
            title="Đánh giá Bộ phận Một cửa",
            year=2024,
            planned_start=start,
            planned_end=end or start,
            lead_auditor=lead,
        ),
        units=[UnitFactory(code="BP-MC")],
        procedures=[],
        clauses=[],
        team=team,
        user=secretary,
        reason="Kế hoạch",
    )


def test_the_service_refuses_an_unqualified_team_member_by_name(lead, newcomer, secretary):
    assert newcomer.has_role(Role.AUDITOR)
    with pytest.raises(ValidationError) as refused:
        plan(lead, [newcomer], secretary)
    assert MESSAGE in str(refused.value.message_dict["team"])
    assert "Lương Văn Mới" in str(refused.value.message_dict["team"])
    assert not Audit.objects.filter(code="ĐGNB-2024-05").exists()


def test_the_service_refuses_an_unqualified_lead(newcomer, lead, secretary):
    with pytest.raises(ValidationError, match="Lương Văn Mới"):
        plan(newcomer, [lead], secretary)


def test_a_certificate_expired_before_the_audit_does_not_qualify(lead, newcomer, secretary):
    qualify_auditor(newcomer, completed_on=date(2020, 1, 1), valid_until=date(2023, 12, 31))
    with pytest.raises(ValidationError, match="Lương Văn Mới"):
        plan(lead, [newcomer], secretary, start=date(2024, 3, 4))
    assert plan(lead, [newcomer], secretary, start=date(2023, 12, 1)).pk


def test_a_certificate_expiring_during_the_audit_does_not_qualify(lead, newcomer, secretary):
    qualify_auditor(newcomer, completed_on=date(2020, 1, 1), valid_until=date(2024, 3, 5))
    with pytest.raises(ValidationError) as refused:
        plan(lead, [newcomer], secretary, start=date(2024, 3, 4), end=date(2024, 3, 6))
    assert "còn hiệu lực từ 04/03/2024 đến 06/03/2024" in str(refused.value)
    assert plan(lead, [newcomer], secretary, start=date(2024, 3, 4), end=date(2024, 3, 5)).pk


def test_a_course_without_certificate_does_not_qualify(newcomer, lead, secretary):
    record = TrainingRecord(
        person=newcomer,
        kind=TrainingRecord.Kind.INTERNAL_AUDITOR,
        title="Khóa đánh giá viên",
        completed_on=date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "certificate_number" in refused.value.message_dict
    TrainingRecord.objects.create(
        person=newcomer,
        kind=TrainingRecord.Kind.INTERNAL_AUDITOR,
        title="Khóa đánh giá viên",
        completed_on=date(2020, 1, 1),
    )
    assert newcomer not in qualified_auditors(date(2024, 1, 1))


def test_the_plan_form_refuses_him_by_name_and_keeps_the_values(
    lead, newcomer, personas, client_for
):
    desk = UnitFactory(code="BP-MC")
    response = client_for(personas[Role.ISO_SECRETARY]).post(
        reverse("audits:create"),
        {
            "code": "ĐGNB-2024-06",
            "title": "Đánh giá Bộ phận Một cửa",
            "kind": "internal",
            "year": "2024",
            "units": [desk.pk],
            "planned_start": "04/03/2024",
            "planned_end": "04/03/2024",
            "lead_auditor": lead.pk,
            "team": [newcomer.pk],
            "reason": "Kế hoạch",
            "timetable-TOTAL_FORMS": "0",
            "timetable-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page and "Lương Văn Mới" in page
    assert 'value="ĐGNB-2024-06"' in page
    assert not Audit.objects.filter(code="ĐGNB-2024-06").exists()


def test_once_certified_he_can_be_planned(lead, newcomer, secretary):
    qualify_auditor(newcomer, certificate="0999/2023/CN-ĐGNB")
    audit = plan(lead, [newcomer], secretary)
    assert set(audit.team.all()) == {newcomer}
