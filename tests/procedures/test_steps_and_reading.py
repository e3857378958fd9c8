"""Step allotments add up to the statutory time; officers acknowledge what concerns them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from procedures import services
from procedures.models import ProcedureRevision
from qms.roles import Role
from tests.factories import ProcedureFactory, UnitFactory, UserFactory, issue_revision


def test_steps_must_add_up_to_the_statutory_time(procedure, secretary):
    steps = [{"name": "Thẩm định", "unit": None, "role": "", "allotment": Decimal("2.5")}]
    with pytest.raises(ValidationError) as error:
        issue_revision(procedure, secretary=secretary, steps=steps)
    assert error.value.messages == [
        "Tổng thời gian các bước là 2,5 ngày làm việc nhưng thời hạn giải quyết là "
        "3 ngày làm việc: cần điều chỉnh thời gian các bước cho khớp."
    ]
    revision = procedure.revisions.get()
    assert revision.status == ProcedureRevision.Status.DRAFT


def test_same_day_steps_must_fit_in_a_working_day(procedure, secretary, organisation):
    steps = [{"name": "Thẩm định", "unit": None, "role": "", "allotment": Decimal("8")}]
    with pytest.raises(ValidationError, match="vượt quá một ngày làm việc \\(7,5 giờ\\)"):
        issue_revision(
            procedure, secretary=secretary, steps=steps, limit_unit="same_day", limit_amount=None
        )


def test_a_revision_needs_steps_before_submission(procedure, secretary):
    revision = services.revision_draft(procedure=procedure, user=secretary)
    with pytest.raises(ValidationError, match="Cần nhập các bước"):
        services.revision_submit(revision=revision, user=secretary)


def test_the_time_limit_must_match_its_unit(procedure, secretary):
    revision = services.revision_draft(procedure=procedure, user=secretary)
    revision.purpose = revision.scope = revision.references = "x"
    revision.limit_unit, revision.limit_amount = "days", None
    with pytest.raises(ValidationError) as error:
        revision.full_clean()
    assert error.value.message_dict["limit_amount"] == ["Nhập số ngày làm việc."]


@pytest.fixture
def other_procedure(units, secretary, chairman):
    procedure = ProcedureFactory(code="QT-VX-01", unit=units["VH-XH"], field="culture_society")
    steps = [{"name": "Xét duyệt", "unit": units["VH-XH"], "role": "", "allotment": "3"}]
    return issue_revision(procedure, secretary=secretary, approver=chairman, steps=steps)


def test_each_officer_reads_what_concerns_their_unit(effective, other_procedure, personas):
    to_read = ProcedureRevision.objects.to_acknowledge_by
    assert set(to_read(personas[Role.OFFICER])) == {effective, other_procedure}  # the desk
    assert set(to_read(personas[Role.SPECIALIST])) == {effective}  # TP-HT runs a step
    assert set(to_read(personas[Role.AUDITOR])) == {other_procedure}  # VH-XH owns it
    assert set(to_read(personas[Role.CHAIRMAN])) == set()  # no unit


def test_acknowledging(effective, other_procedure, personas, client_for):
    specialist = personas[Role.SPECIALIST]
    client = client_for(specialist)
    page = client.get(reverse("procedures:to_acknowledge")).content.decode()
    assert effective.procedure.name in page and other_procedure.procedure.name not in page
    client.post(reverse("procedures:revision_acknowledge", args=[effective.pk]))
    assert effective.acknowledgements.get().user == specialist
    assert not ProcedureRevision.objects.to_acknowledge_by(specialist).exists()
    client.post(reverse("procedures:revision_acknowledge", args=[effective.pk]))
    assert effective.acknowledgements.count() == 1
    response = client.post(
        reverse("procedures:revision_acknowledge", args=[other_procedure.pk]), follow=True
    )
    assert "không thuộc danh sách tài liệu bạn cần đọc" in response.content.decode()
    assert not other_procedure.acknowledgements.exists()


def test_the_iso_secretary_sees_who_has_not_read_it(effective, personas, client_for):
    late = UserFactory(full_name="Ngô Thị Chưa Đọc", unit=UnitFactory(code="TP-HT"))
    services.acknowledgement_record(revision=effective, user=personas[Role.SPECIALIST])
    page = client_for(personas[Role.ISO_SECRETARY]).get(
        reverse("procedures:revision_detail", args=[effective.pk])
    )
    waiting = {str(user) for user in page.context["not_acknowledged"]}
    assert late.full_name in waiting
    assert personas[Role.OFFICER].full_name in waiting
    assert personas[Role.SPECIALIST].full_name not in waiting
    assert personas[Role.AUDITOR].full_name not in waiting  # VH-XH is not concerned
