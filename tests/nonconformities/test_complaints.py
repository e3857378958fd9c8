"""The complaints register's references (PAKN-YYYY-NNNN) and the migration that gave
the complaints kept before them theirs, with their contacts split."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from nonconformities import services
from nonconformities.models import Complaint, ComplaintSequence
from qms.roles import Role
from qms.working_days import LOCAL_TZ
from tests.nonconformities.test_outputs_migration import migrate
from tests.procedures.test_dossiers import at
from tests.threads import run_together

BEFORE = [("nonconformities", "0006_complaint_repeated_disliked")]
AFTER = [("nonconformities", "0007_complaint_reference_source_contact")]


def record(officer, when: str, **fields) -> Complaint:
    with time_machine.travel(at(when), tick=False):
        return services.complaint_record(
            user=officer, citizen="Hà Văn Tư", content="Chờ lâu", **fields
        )


def test_references_are_numbered_per_year_and_a_refused_one_gives_its_number_back(personas):
    officer = personas[Role.OFFICER]
    first = record(officer, "2023-03-02 09:00")
    with pytest.raises(ValidationError) as refused:
        record(officer, "2023-03-02 10:00", phone="12")
    assert "phone" in refused.value.error_dict
    second = record(officer, "2023-12-29 16:00", email="hatu@example.vn")
    next_year = record(officer, "2024-01-02 08:00")
    assert [first.reference, second.reference, next_year.reference] == [
        "PAKN-2023-0001",
        "PAKN-2023-0002",
        "PAKN-2024-0001",
    ]
    assert second.source == Complaint.Source.DESK and second.received_by == officer


def test_a_desk_complaint_needs_its_officer_and_a_public_one_its_contact(personas):
    with pytest.raises(ValidationError, match="số điện thoại hoặc địa chỉ thư điện tử"):
        services.complaint_send(source="public_form", citizen="Hà Văn Tư", content="Chờ lâu")
    with pytest.raises(ValueError):
        services.complaint_send(
            source="desk", citizen="Hà Văn Tư", content="Chờ lâu", phone="0912345678"
        )
    assert not Complaint.objects.exists() and not ComplaintSequence.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_complaints_sent_at_once_get_two_references(make_persona):
    make_persona(Role.OFFICER)

    def send(citizen):
        return lambda: services.complaint_send(
            source="public_form", citizen=citizen, content="Chờ lâu", phone="0912345678"
        )

    assert run_together(send("Lý Thị Ba"), send("Lý Văn Bốn")) == []
    year = Complaint.objects.first().received_at.astimezone(LOCAL_TZ).year
    assert sorted(Complaint.objects.values_list("reference", flat=True)) == [
        f"PAKN-{year}-0001",
        f"PAKN-{year}-0002",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_numbers_complaints_in_order_of_receipt_and_splits_contacts(personas):
    officer = personas[Role.OFFICER]
    old = migrate(BEFORE)
    complaints = old.get_model("nonconformities", "Complaint").objects

    def complaint(when: datetime, contact: str):
        return complaints.create(
            received_at=when,
            citizen="Hà Văn Tư",
            contact=contact,
            content="Chờ lâu",
            received_by_id=officer.pk,
            answer_due=when.date(),
        ).pk

    may = complaint(datetime(2023, 5, 2, 9, tzinfo=LOCAL_TZ), " 0912 000 111 ")
    february = complaint(datetime(2023, 2, 1, 9, tzinfo=LOCAL_TZ), "hatu@example.vn")
    address = complaint(datetime(2024, 1, 3, 9, tzinfo=LOCAL_TZ), "Tổ 5, khu phố 2")
    # past midnight in Vietnam, still 2023 in UTC: the local year counts
    new_year = complaint(datetime(2024, 1, 1, 0, 30, tzinfo=LOCAL_TZ), "0912 000 111, 0913 000 222")
    try:
        new = migrate(AFTER)
        rows = new.get_model("nonconformities", "Complaint").objects
        found = {
            row.pk: (row.reference, row.phone, row.email, row.contact, row.source)
            for row in rows.all()
        }
        assert found == {
            february: ("PAKN-2023-0001", "", "hatu@example.vn", "", "desk"),
            may: ("PAKN-2023-0002", "0912 000 111", "", "", "desk"),
            new_year: ("PAKN-2024-0001", "", "", "0912 000 111, 0913 000 222", "desk"),
            address: ("PAKN-2024-0002", "", "", "Tổ 5, khu phố 2", "desk"),
        }
    finally:
        migrate()
    assert record(officer, "2024-02-01 09:00").reference == "PAKN-2024-0003"
    assert record(officer, "2023-06-01 09:00").reference == "PAKN-2023-0003"
