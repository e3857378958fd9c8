"""What an adversarial review of the governance records found: each record's
retention counted from the day it really closed, list pages whose queries do not
grow with their rows, and refusals that name their field."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services as audit_services
from audits.models import Audit
from governance import services
from governance.models import (
    RecordKind,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    SteeringMember,
    TrainingRecord,
)
from nonconformities import services as nc_services
from nonconformities.models import Nonconformity
from procedures import dossier_services
from qms.roles import Role
from qms.signing import chairman_approve
from tests.factories import PASSWORD, UnitFactory, UserFactory, page_sha256


def rule(kind) -> RetentionRule:
    return RetentionRule.objects.get(kind=kind)


def test_a_stopped_dossier_is_kept_from_the_day_it_was_stopped(effective, personas, secretary):
    """A dossier received at the end of one year and stopped in the next closes on
    its stop: counting from its receipt would let it go a year early."""
    officer = personas[Role.OFFICER]
    with time_machine.travel("2023-12-28 09:00 +07:00", tick=False):
        dossier = dossier_services.dossier_receive(
            procedure=effective.procedure,
            user=officer,
            applicant_name="Trần Thị Riêng",
            applicant_phone="0912345678",
            applicant_address="12 Lạch Tray",
            channel="direct",
        )
    with time_machine.travel("2024-01-03 09:00 +07:00", tick=False):
        dossier_services.dossier_stop(dossier=dossier, user=officer, reason="Công dân xin dừng")
    years = rule(RecordKind.DOSSIER).years
    with pytest.raises(ValidationError, match="Chưa có hồ sơ"):
        services.disposal_propose(
            kind=RecordKind.DOSSIER, user=secretary, day=date(2024 + years, 12, 31)
        )
    disposal = services.disposal_propose(
        kind=RecordKind.DOSSIER, user=secretary, day=date(2024 + years + 1, 1, 1)
    )
    assert disposal.items.get().closed_on == date(2024, 1, 3)


def test_a_cancelled_nonconformity_is_kept_from_the_day_it_was_cancelled(personas, secretary):
    with time_machine.travel("2023-12-28 09:00 +07:00", tick=False):
        nc = nc_services.nc_raise(
            user=personas[Role.OFFICER],
            source=Nonconformity.Source.STAFF,
            severity=Nonconformity.Severity.MINOR,
            clause="8.5.1",
            description="Phiếu kiểm soát không ghi thời điểm giao nhận",
        )
    with time_machine.travel("2024-01-03 09:00 +07:00", tick=False):
        nc_services.nc_cancel(nc=nc, user=secretary, reason="Ghi trùng")
    years = rule(RecordKind.NONCONFORMITY).years
    with pytest.raises(ValidationError, match="Chưa có hồ sơ"):
        services.disposal_propose(
            kind=RecordKind.NONCONFORMITY, user=secretary, day=date(2024 + years, 12, 31)
        )
    disposal = services.disposal_propose(
        kind=RecordKind.NONCONFORMITY, user=secretary, day=date(2024 + years + 1, 1, 1)
    )
    assert disposal.items.get().closed_on == date(2024, 1, 3)


def test_an_audit_is_kept_from_the_day_it_was_closed(audit, secretary):
    """The audit's fieldwork ends before its findings are handled and it is closed:
    its records are kept from the closing."""
    Audit.objects.filter(pk=audit.pk).update(
        status=Audit.Status.REPORTED, actual_start=date(2023, 12, 26), actual_end=date(2023, 12, 27)
    )
    with time_machine.travel("2024-01-03 09:00 +07:00", tick=False):
        audit_services.audit_close(audit=audit, user=secretary)
    years = rule(RecordKind.AUDIT).years
    with pytest.raises(ValidationError, match="Chưa có hồ sơ"):
        services.disposal_propose(
            kind=RecordKind.AUDIT, user=secretary, day=date(2024 + years, 12, 31)
        )
    disposal = services.disposal_propose(
        kind=RecordKind.AUDIT, user=secretary, day=date(2024 + years + 1, 1, 1)
    )
    assert disposal.items.get().closed_on == date(2024, 1, 3)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_training_page_does_not_query_per_person(secretary, client_for):
    client, url = client_for(secretary), reverse("governance:training")
    UserFactory(full_name="Người Một", unit=UnitFactory(code="U-1"))
    before = queries(client, url)
    for number in range(2, 6):
        UserFactory(full_name=f"Người {number}", unit=UnitFactory(code=f"U-{number}"))
    assert queries(client, url) == before


def test_the_steering_page_does_not_query_per_member(secretary, chairman, client_for):
    people = [UserFactory(full_name=f"Thành viên {n}") for n in range(6)]

    def decide(number, members, effective_from):
        decision = services.steering_decision_save(
            decision=SteeringDecision(
                number=number,
                title="Ban chỉ đạo ISO",
                signed_on=effective_from,
                effective_from=effective_from,
            ),
            members=[
                {"person": chairman, "role": SteeringMember.GroupRole.HEAD},
                {"person": secretary, "role": SteeringMember.GroupRole.SECRETARY},
                *({"person": p, "role": SteeringMember.GroupRole.MEMBER} for p in members),
            ],
            user=secretary,
        )
        chairman_approve(
            record=decision, user=chairman, password=PASSWORD, seen_sha256=page_sha256(decision)
        )

    client, url = client_for(secretary), reverse("governance:steering")
    decide("01/QĐ-UBND", people[:1], date(2023, 1, 5))
    before = queries(client, url)
    decide("02/QĐ-UBND", people, date(2023, 2, 6))
    assert queries(client, url) == before


def test_the_decision_taking_effect_before_its_date_is_told_on_its_field(secretary, client_for):
    data = {
        "number": "05/QĐ-UBND",
        "title": "Ban chỉ đạo ISO",
        "signed_on": "10/02/2023",
        "effective_from": "01/02/2023",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    response = client_for(secretary).post(reverse("governance:steering_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "effective_from" in form.errors
    assert "hiệu lực" in " ".join(form.errors["effective_from"])
    assert not SteeringDecision.objects.exists()


def test_an_action_is_not_done_before_its_risk_was_identified(secretary):
    risk = services.risk_save(
        risk=Risk(
            process="desk",
            description="Trả kết quả trễ hẹn",
            likelihood=3,
            impact=4,
            treatment=Risk.Treatment.REDUCE,
            owner=secretary,
            identified_on=date(2024, 3, 1),
            due_date=date(2024, 6, 1),
            review_date=date(2024, 6, 1),
        ),
        user=secretary,
    )
    action = services.risk_action_add(
        risk=risk,
        user=secretary,
        description="Nhắc hẹn",
        owner=secretary,
        due_date=date(2024, 4, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.risk_action_done(
            action=action, user=secretary, done_on=date(2024, 2, 1), evidence="Sổ nhắc hẹn"
        )
    assert "done_on" in refused.value.error_dict
    assert "trước ngày nhận diện" in " ".join(refused.value.messages)
    assert RiskAction.objects.get(pk=action.pk).done_on is None


def test_the_chairman_does_not_sign_a_decision_dated_later(secretary, chairman, client_for):
    """The decision's date is the day it is signed: one dated later is refused, on
    the page as through the service, and stays unsigned."""
    decision = services.steering_decision_save(
        decision=SteeringDecision(
            number="07/QĐ-UBND",
            title="Ban chỉ đạo ISO",
            signed_on=date(2024, 3, 11),
            effective_from=date(2024, 3, 11),
        ),
        members=[
            {"person": chairman, "role": SteeringMember.GroupRole.HEAD},
            {"person": secretary, "role": SteeringMember.GroupRole.SECRETARY},
        ],
        user=secretary,
    )
    with time_machine.travel("2024-03-08 09:00 +07:00", tick=False):
        response = client_for(chairman).post(
            reverse("governance:steering_approve", args=[decision.pk]),
            {"password": PASSWORD, "seen_sha256": page_sha256(decision)},
        )
        assert response.status_code == 200
        refusal = " ".join(response.context["sign_form"].non_field_errors())
        assert "11/03/2024" in refusal and "không ký trước" in refusal
    decision.refresh_from_db()
    assert decision.approved_at is None and not decision.is_signed
    with time_machine.travel("2024-03-11 09:00 +07:00", tick=False):
        services.steering_approve(
            decision=decision,
            user=chairman,
            password=PASSWORD,
            seen_sha256=page_sha256(decision),
        )
    assert decision.is_signed


def test_a_disposal_is_dated_the_day_it_is_carried_out(effective, personas, secretary, chairman):
    """No back-dated disposal: not before the chairman's approval, nor on any day
    but the one on which it is done."""
    officer = personas[Role.OFFICER]
    with time_machine.travel("2023-03-06 09:00 +07:00", tick=False):
        dossier = dossier_services.dossier_receive(
            procedure=effective.procedure,
            user=officer,
            applicant_name="Trần Thị Riêng",
            applicant_phone="0912345678",
            applicant_address="12 Lạch Tray",
            channel="direct",
        )
        dossier_services.dossier_stop(dossier=dossier, user=officer, reason="Công dân xin dừng")
    day = date(2023 + rule(RecordKind.DOSSIER).years + 1, 1, 2)
    with time_machine.travel(f"{day:%Y-%m-%d} 09:00 +07:00", tick=False):
        disposal = services.disposal_propose(kind=RecordKind.DOSSIER, user=secretary)
    with time_machine.travel(f"{day.replace(day=4):%Y-%m-%d} 09:00 +07:00", tick=False):
        chairman_approve(
            record=disposal, user=chairman, password=PASSWORD, seen_sha256=page_sha256(disposal)
        )
    with time_machine.travel(f"{day.replace(day=5):%Y-%m-%d} 09:00 +07:00", tick=False):
        with pytest.raises((TypeError, ValidationError)):
            services.disposal_execute(disposal=disposal, user=secretary, day=day)
        assert services.disposal_execute(disposal=disposal, user=secretary) == 1
    assert disposal.items.get().disposed_on == day.replace(day=5)


@pytest.mark.parametrize(
    ("url", "data", "field", "said"),
    [
        (
            "governance:training_create",
            {
                "kind": "internal_auditor",
                "title": "Chuyên gia đánh giá nội bộ",
                "provider": "Chi cục TĐC",
                "completed_on": "20/03/2024",
                "certificate_number": "CG-2024-07",
                "valid_until": "20/03/2027",
            },
            "completed_on",
            "khóa học",
        ),
        (
            "governance:risk_create",
            {
                "kind": "risk",
                "process": "desk",
                "description": "Trả kết quả trễ hẹn",
                "likelihood": "3",
                "impact": "4",
                "treatment": "reduce",
                "identified_on": "20/03/2024",
                "due_date": "20/06/2024",
                "review_date": "20/06/2024",
                "status": "open",
            },
            "identified_on",
            "rủi ro",
        ),
    ],
)
def test_nothing_is_recorded_as_done_on_a_day_still_to_come(
    secretary, client_for, url, data, field, said
):
    """A course completed, a risk identified: recorded once it happened, dated the
    day it did. A later day is refused on its field, every value kept."""
    data = {**data, "person": secretary.pk, "owner": secretary.pk}
    counts = (TrainingRecord.objects.count(), Risk.objects.count())
    with time_machine.travel("2024-03-08 09:00 +07:00", tick=False):
        response = client_for(secretary).post(reverse(url), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert said in " ".join(form.errors.get(field, []))
    for name, value in data.items():
        if name in form.fields:
            assert str(form[name].value()) == str(value)
    assert (TrainingRecord.objects.count(), Risk.objects.count()) == counts


def test_a_date_corrected_after_the_proposal_holds_the_record_back(
    effective, personas, secretary, chairman
):
    """The ISO secretary corrects a returned dossier's dates after it was put on a
    list: the disposal counts from the corrected day, not from the one listed."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from procedures.models import Dossier

    def at(text):
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    with time_machine.travel("2023-12-20 09:00 +07:00", tick=False):
        dossier = dossier_services.dossier_receive(
            procedure=effective.procedure,
            user=personas[Role.OFFICER],
            applicant_name="Trần Thị Riêng",
            applicant_phone="0912345678",
            applicant_address="12 Lạch Tray",
            channel="direct",
        )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.RETURNED,
        completed_at=at("2023-12-27 10:00"),
        completed_on=date(2023, 12, 27),
        returned_at=at("2023-12-28 10:00"),
        returned_on=date(2023, 12, 28),
        outcome="on_time",
    )
    years = rule(RecordKind.DOSSIER).years
    day = date(2023 + years + 1, 1, 2)
    with time_machine.travel(f"{day:%Y-%m-%d} 09:00 +07:00", tick=False):
        disposal = services.disposal_propose(kind=RecordKind.DOSSIER, user=secretary)
        dossier_services.dossier_correct_dates(
            dossier=Dossier.objects.get(pk=dossier.pk),
            user=secretary,
            reason="Ngày trả ghi nhầm",
            completed_at=at("2024-01-02 10:00"),
            returned_at=at("2024-01-03 10:00"),
        )
        chairman_approve(
            record=disposal, user=chairman, password=PASSWORD, seen_sha256=page_sha256(disposal)
        )
        with pytest.raises(ValidationError, match=f"01/01/{2024 + years + 1}"):
            services.disposal_execute(disposal=disposal, user=secretary)
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == "Trần Thị Riêng"
