"""The ISO steering group decision: a signed record naming the members; the accounts'
roles are compared with it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from governance import services
from governance.models import SteeringDecision, SteeringMember
from qms.signatures import SignedRecordError
from qms.signing import chairman_approve
from tests.factories import PASSWORD, UserFactory, page_sha256


def decide(secretary, members):
    return services.steering_decision_save(
        decision=SteeringDecision(
            number="02/QĐ-UBND",
            title="Ban chỉ đạo ISO",
            signed_on=date(2023, 1, 5),
            effective_from=date(2023, 1, 5),
        ),
        members=members,
        user=secretary,
    )


def test_the_decision_names_one_head_and_one_secretary(secretary, chairman):
    with pytest.raises(ValidationError, match="thư ký ISO"):
        decide(secretary, [{"person": chairman, "role": "head"}])
    assert not SteeringDecision.objects.exists()


def test_the_group_shown_is_the_signed_decisions_and_roles_are_compared(
    secretary, chairman, personas
):
    stranger = UserFactory(full_name="Người Được Giao")
    decision = decide(
        secretary,
        [
            {"person": chairman, "role": "head"},
            {"person": stranger, "role": SteeringMember.GroupRole.SECRETARY},
        ],
    )
    assert SteeringDecision.in_force() is None  # not signed yet
    assert services.steering_mismatches() == []
    chairman_approve(
        record=decision, user=chairman, password=PASSWORD, seen_sha256=page_sha256(decision)
    )
    assert SteeringDecision.in_force() == decision
    problems = {(row.person, row.problem) for row in services.steering_mismatches()}
    # the decision's secretary has no role; the account with the role is not named
    assert {person for person, _problem in problems} == {stranger, secretary}
    with pytest.raises(SignedRecordError):
        decision.members.first().delete()
    assert decision.approval.matches()
