"""Competence (7.2, 7.3): each person's training, procedures read and understood
counted as procedure training, renewals due and the year's figures."""

from datetime import date

import time_machine
from django.urls import reverse

from governance import services
from governance.models import TrainingRecord
from procedures import services as procedure_services
from qms.roles import Role
from tests.factories import UserFactory, qualify_auditor


def course(person, kind, completed_on, **fields):
    return TrainingRecord.objects.create(
        person=person, kind=kind, title="Khóa học", completed_on=completed_on, **fields
    )


def test_the_person_page_shows_courses_and_procedures_read(
    effective, personas, secretary, client_for
):
    officer = personas[Role.OFFICER]
    course(officer, TrainingRecord.Kind.AWARENESS, date(2023, 3, 10))
    procedure_services.acknowledgement_record(revision=effective, user=officer)
    page = (
        client_for(secretary)
        .get(reverse("governance:training_person", args=[officer.pk]))
        .content.decode()
    )
    assert "Nhận thức về ISO 9001" in page
    assert effective.procedure.code in page  # shown, not copied
    assert not TrainingRecord.objects.filter(kind=TrainingRecord.Kind.PROCEDURE).exists()


def test_training_figures_count_the_year(effective, personas, lead, colleague):
    officer, specialist = personas[Role.OFFICER], personas[Role.SPECIALIST]
    course(officer, TrainingRecord.Kind.AWARENESS, date(2023, 3, 10))
    course(specialist, TrainingRecord.Kind.AWARENESS, date(2023, 3, 10))
    course(specialist, TrainingRecord.Kind.AWARENESS, date(2023, 9, 1))  # same person again
    course(officer, TrainingRecord.Kind.AWARENESS, date(2022, 3, 10))  # another year
    auditor = UserFactory(full_name="Mới Chứng Chỉ")
    qualify_auditor(auditor, completed_on=date(2023, 4, 14), certificate="0412/2023")
    with time_machine.travel("2023-05-02 09:00 +07:00", tick=False):
        procedure_services.acknowledgement_record(revision=effective, user=officer)
    figures = services.training_figures(2023)
    assert figures["people_trained"] == {
        "awareness": 2,
        "internal_auditor": 1,
        "procedure": 1,
        "other": 0,
    }
    assert figures["auditor_certificates_issued"] == 1
    # the factories' two auditors (certified in 2000) and the new one
    assert figures["qualified_auditors"] == 3
    assert figures["people_trained_total"] == 3


def test_renewals_due_list_courses_ending_and_not_renewed(personas, secretary, client_for):
    officer = personas[Role.OFFICER]
    today = date(2026, 12, 2)
    ending = course(
        officer, TrainingRecord.Kind.OTHER, date(2024, 1, 5), valid_until=date(2027, 1, 15)
    )
    course(secretary, TrainingRecord.Kind.OTHER, date(2024, 1, 5), valid_until=date(2027, 1, 15))
    course(secretary, TrainingRecord.Kind.OTHER, date(2026, 11, 5), valid_until=date(2029, 11, 5))
    course(officer, TrainingRecord.Kind.AWARENESS, date(2024, 1, 5), valid_until=date(2028, 1, 1))
    assert list(TrainingRecord.objects.renewals_due(today)) == [ending]
    with time_machine.travel("2026-12-02 09:00 +07:00", tick=False):
        page = client_for(secretary).get(reverse("governance:training")).content.decode()
    assert 'data-testid="renewals"' in page and "15/01/2027" in page
