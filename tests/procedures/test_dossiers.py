"""Receiving, handing on, pausing, apologising, completing and returning dossiers."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from nonconformities.models import Nonconformity
from procedures import dossier_services
from procedures.models import Dossier, Outcome
from qms.roles import Role
from qms.working_days import LOCAL_TZ
from tests.factories import pdf_bytes

Status = Dossier.Status


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def specialist(personas):
    return personas[Role.SPECIALIST]


def receive(procedure, officer, when: str, **kwargs) -> Dossier:
    with time_machine.travel(at(when), tick=False):
        return dossier_services.dossier_receive(
            procedure=procedure,
            user=officer,
            applicant_name=kwargs.pop("applicant_name", "Trần Thị Bình"),
            channel=kwargs.pop("channel", "direct"),
            **kwargs,
        )


def test_receipt_gives_code_revision_rule_set_and_appointment(effective, officer):
    dossier = receive(effective.procedure, officer, "2023-01-19 09:30")
    assert dossier.code == "PAD-230119-0001"
    assert dossier.revision == effective
    assert dossier.rule_set == "2018"
    assert dossier.due_date == date(2023, 1, 31)  # R3's own example, across Tết
    assert dossier.first_due_date == dossier.due_date
    assert dossier.due_at.astimezone(LOCAL_TZ).strftime("%H:%M") == "17:00"
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.current_step.order == 1 and dossier.current_unit.code == "BP-MC"
    second = receive(effective.procedure, officer, "2023-01-19 10:00")
    assert second.code == "PAD-230119-0002"


def test_the_2025_rule_set_starts_on_1_july_2025(effective, officer):
    assert receive(effective.procedure, officer, "2025-06-30 16:00").rule_set == "2018"
    assert receive(effective.procedure, officer, "2025-07-01 08:00").rule_set == "2025"


def test_a_weekend_receipt_counts_from_monday_morning(effective, officer):
    saturday = receive(effective.procedure, officer, "2023-03-04 10:00", channel="online")
    started = saturday.clock_started_at.astimezone(LOCAL_TZ)
    assert started == at("2023-03-06 07:30")
    assert saturday.due_date == date(2023, 3, 9)


def test_not_accepted_dossiers_are_logged_with_their_reason(effective, officer):
    incomplete = receive(
        effective.procedure,
        officer,
        "2023-03-02 09:00",
        decision="incomplete",
        reason="Thiếu bản sao CCCD",
    )
    assert incomplete.status == Status.INCOMPLETE and incomplete.due_date is None
    with pytest.raises(ValidationError) as error:
        receive(effective.procedure, officer, "2023-03-02 09:00", decision="refuse", reason=" ")
    assert "reason" in error.value.message_dict
    assert Dossier.objects.count() == 1


def test_a_procedure_without_an_effective_revision_cannot_receive(procedure, officer):
    with pytest.raises(ValidationError) as error:
        receive(procedure, officer, "2023-03-02 09:00")
    assert "procedure" in error.value.message_dict


def walk(dossier, officer, specialist, chairman, completed: str) -> Dossier:
    """Hand the dossier through its three steps and complete it at `completed`."""
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
    with time_machine.travel(at(completed), tick=False):
        return dossier_services.dossier_complete(dossier=dossier, user=chairman)


@pytest.mark.parametrize(
    ("completed", "outcome"),
    [("2023-03-06 10:00", "early"), ("2023-03-07 16:00", "on_time"), ("2023-03-08 08:00", "late")],
)
def test_outcome_by_date(effective, officer, specialist, chairman, completed, outcome):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    assert dossier.due_date == date(2023, 3, 7)
    with time_machine.travel(at("2023-03-02 10:00"), tick=False):
        dossier = walk(dossier, officer, specialist, chairman, completed)
    assert dossier.status == Status.COMPLETED
    assert dossier.outcome == outcome
    assert dossier.on_time_766 == (outcome != "late")


def test_only_the_unit_at_the_current_step_hands_it_on(effective, officer, specialist):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with pytest.raises(ValidationError, match="không phải của bạn"):
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    assert list(Dossier.objects.in_queue_of(specialist)) == [dossier]
    assert list(Dossier.objects.in_queue_of(officer)) == []


def test_the_control_slip_records_each_step_deadline(effective, officer, specialist, chairman):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with time_machine.travel(at("2023-03-02 10:00"), tick=False):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)  # 0.5 day allotted
    with time_machine.travel(at("2023-03-07 08:00"), tick=False):
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)  # 2 more days: late
    first, second = dossier.handoffs.all()
    # Half a working day (3 h 45) from 09:00, across the lunch break.
    assert first.deadline.astimezone(LOCAL_TZ) == at("2023-03-02 14:45")
    assert first.result == Outcome.ON_TIME  # compared by date, like R5
    assert second.deadline.astimezone(LOCAL_TZ) == at("2023-03-06 14:45")
    assert second.result == Outcome.LATE
    assert second.to_role == "chairman" and second.to_unit is None


def test_a_supplement_stops_the_clock_and_restarts_it(effective, officer, specialist, chairman):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=specialist, reason="Bổ sung giấy xác nhận cư trú"
        )
    with time_machine.travel(at("2023-03-13 15:00"), tick=False):
        dossier = dossier_services.dossier_resume(dossier=dossier, user=officer)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_date == date(2023, 3, 16)  # 3 working days from 13/03 again
    assert dossier.first_due_date == date(2023, 3, 7)
    assert dossier.waiting_total == timedelta(days=10, hours=6)
    request = dossier.supplements.get()
    assert request.new_due_date == date(2023, 3, 16) and request.answered_at
    with time_machine.travel(at("2023-03-15 10:00"), tick=False):
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
        dossier = dossier_services.dossier_complete(dossier=dossier, user=chairman)
    assert dossier.outcome == Outcome.EARLY
    # 766: 15/03 minus 10 days 6 hours of waiting is 05/03, before 07/03.
    assert dossier.on_time_766 is True


def test_more_than_one_supplement_is_late_for_766(effective, officer, specialist, chairman):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    for day in ("2023-03-03", "2023-03-06"):
        with time_machine.travel(at(f"{day} 09:00"), tick=False):
            dossier_services.dossier_request_supplement(
                dossier=dossier, user=specialist, reason="Thiếu"
            )
        with time_machine.travel(at(f"{day} 10:00"), tick=False):
            dossier_services.dossier_resume(dossier=dossier, user=officer)
    with time_machine.travel(at("2023-03-06 11:00"), tick=False):
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
        dossier = dossier_services.dossier_complete(dossier=dossier, user=chairman)
    assert dossier.outcome == Outcome.EARLY and dossier.on_time_766 is False


def test_apology_rules(effective, officer, specialist, chairman):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")  # due Tue 07/03
    with (
        time_machine.travel(at("2023-03-07 08:00"), tick=False),
        pytest.raises(ValidationError, match="07/03/2023"),
    ):
        dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=date(2023, 3, 9)
        )
    with time_machine.travel(at("2023-03-06 16:00"), tick=False):
        with pytest.raises(ValidationError) as error:
            dossier_services.dossier_apologise(
                dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=date(2023, 3, 7)
            )
        assert "new_due_date" in error.value.message_dict
        apology = dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=date(2023, 3, 9)
        )
        with pytest.raises(ValidationError, match="chỉ được hẹn lại một lần"):
            dossier_services.dossier_apologise(
                dossier=dossier, user=officer, reason="Lần nữa", new_due_date=date(2023, 3, 10)
            )
    assert apology.dossier.due_date == date(2023, 3, 7)  # the appointment itself stands
    with time_machine.travel(at("2023-03-08 09:00"), tick=False):
        dossier = walk(dossier, officer, specialist, chairman, "2023-03-09 09:00")
    assert dossier.outcome == Outcome.LATE  # an apology does not make it on time


def test_the_new_appointment_is_a_working_day_within_a_year(effective, officer):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")  # due Tue 07/03

    def apologise(day):
        return dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ xác minh", new_due_date=day
        )

    with time_machine.travel(at("2023-03-06 16:00"), tick=False):
        for day, words in (
            (date(2023, 3, 11), "không phải ngày làm việc"),  # a Saturday
            (date(2023, 5, 1), "không phải ngày làm việc"),  # Labour Day
            (date(2024, 3, 7), "06/03/2024"),  # a year and a day after the apology
            (date(2099, 3, 9), "06/03/2024"),
        ):
            with pytest.raises(ValidationError) as error:
                apologise(day)
            assert words in " ".join(error.value.message_dict["new_due_date"]), day
        assert not hasattr(Dossier.objects.get(pk=dossier.pk), "apology")
        assert apologise(date(2024, 3, 6)).new_due_date == date(2024, 3, 6)


def test_the_new_appointment_beyond_the_calendar_is_refused_with_a_message(effective, officer):
    dossier = receive(effective.procedure, officer, "2030-12-02 09:00")
    with (
        time_machine.travel(at("2030-12-02 10:00"), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chờ", new_due_date=date(2031, 1, 6)
        )
    assert "Lịch làm việc chưa có" in " ".join(error.value.message_dict["new_due_date"])


def test_return_with_digitised_result_and_rating(effective, officer, specialist, chairman):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier = walk(dossier, officer, specialist, chairman, "2023-03-06 09:00")
    with pytest.raises(ValidationError) as error:
        dossier_services.dossier_return(dossier=dossier, user=officer, digitised=True)
    assert "result_scan" in error.value.message_dict
    scan = SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")
    dossier = dossier_services.dossier_return(
        dossier=dossier,
        user=officer,
        digitised=True,
        result_scan=scan,
        rating="very_satisfied",
        criteria=[2] * 9,
    )
    assert dossier.status == Status.RETURNED and dossier.digitised
    assert dossier.rating == "very_satisfied" and dossier.result_scan.name.startswith("results/")


def test_stop_and_withdrawal(effective, officer):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with pytest.raises(ValidationError):
        dossier_services.dossier_stop(dossier=dossier, user=officer, reason="")
    dossier = dossier_services.dossier_stop(
        dossier=dossier, user=officer, reason="Công dân đề nghị dừng"
    )
    assert dossier.status == Status.STOPPED and dossier.current_step is None
    with pytest.raises(ValidationError):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)


def test_only_the_iso_secretary_corrects_a_returned_dossier(
    effective, officer, specialist, chairman, secretary
):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier = walk(dossier, officer, specialist, chairman, "2023-03-06 09:00")
        dossier = dossier_services.dossier_return(dossier=dossier, user=officer)
    kwargs = {"completed_at": at("2023-03-08 09:00"), "returned_at": at("2023-03-08 10:00")}
    with pytest.raises(ValidationError):
        dossier_services.dossier_correct_dates(dossier=dossier, user=officer, reason="x", **kwargs)
    dossier = dossier_services.dossier_correct_dates(
        dossier=dossier, user=secretary, reason="Nhập sai ngày trả", **kwargs
    )
    assert dossier.outcome == Outcome.LATE
    latest = dossier.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (secretary, "Nhập sai ngày trả")
    # late now, as if completed late at the desk: its nonconformity is raised
    raised = Nonconformity.objects.get(dossier=dossier)
    assert (raised.source, raised.found_by, raised.found_on) == (
        Nonconformity.Source.LATE_DOSSIER,
        secretary,
        date(2023, 3, 8),
    )


def test_corrected_dates_cannot_be_in_the_future(
    effective, officer, specialist, chairman, secretary
):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier = walk(dossier, officer, specialist, chairman, "2023-03-06 09:00")
        dossier = dossier_services.dossier_return(dossier=dossier, user=officer)
    with time_machine.travel(at("2023-03-10 09:00"), tick=False):
        for completed, returned, field in (
            ("2023-03-10 09:30", "2023-03-10 10:00", "completed_at"),
            ("2023-03-08 09:00", "2023-03-10 09:01", "returned_at"),
        ):
            with pytest.raises(ValidationError) as error:
                dossier_services.dossier_correct_dates(
                    dossier=dossier,
                    user=secretary,
                    reason="Nhập sai",
                    completed_at=at(completed),
                    returned_at=at(returned),
                )
            assert "sau thời điểm hiện tại" in " ".join(error.value.message_dict[field])
        assert Dossier.objects.get(pk=dossier.pk).completed_at == at("2023-03-06 09:00")
        dossier = dossier_services.dossier_correct_dates(
            dossier=dossier,
            user=secretary,
            reason="Nhập sai",
            completed_at=at("2023-03-08 09:00"),
            returned_at=at("2023-03-10 09:00"),  # now is not in the future
        )
    assert dossier.returned_on == date(2023, 3, 10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_receipts_never_share_a_code(make_persona, monkeypatch):
    from django.db import connection

    from tests.factories import ProcedureFactory, issue_revision
    from tests.threads import run_together

    if connection.vendor == "sqlite":
        # SQLite's busy handler polls, so on a starved machine one thread can miss
        # the lock for longer than the desk's 20 s while the others take it in turn
        # (seen under load, with or without xdist). What this test proves is the
        # codes, not the wait: the threads' connections wait as long as they need.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 300)
    officer = make_persona(Role.OFFICER)
    procedure = ProcedureFactory(code="QT-CONC")
    issue_revision(
        procedure,
        secretary=make_persona(Role.ISO_SECRETARY),
        approver=make_persona(Role.CHAIRMAN),
    )

    def worker():
        for _ in range(50):
            dossier_services.dossier_receive(
                procedure=procedure, user=officer, applicant_name="Lê Văn C", channel="direct"
            )

    errors = run_together(*[worker] * 8)  # 8 officers × 50 receipts
    assert errors == []
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 400
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 401))
    # and the tracking book's rows of the year likewise (R12)
    rows = sorted(Dossier.objects.values_list("book_row", flat=True))
    assert rows == list(range(1, 401))
    assert set(Dossier.objects.values_list("book_year", flat=True)) == {timezone.localdate().year}
    # none lost: each has its receipt in the history
    created = Dossier.history.filter(history_type="+").values_list("code", flat=True)
    assert sorted(created) == sorted(codes)


def test_desk_actions_are_for_one_stop_officers(effective, officer, specialist, chairman):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    for action, refusal in (
        (
            lambda: dossier_services.dossier_stop(dossier=dossier, user=specialist, reason="x"),
            "Chỉ công chức một cửa",
        ),
        (  # the unit at fault drafts form 04: here the desk, whose step it is (R11)
            lambda: dossier_services.dossier_apologise(
                dossier=dossier, user=chairman, reason="x", new_due_date=date(2023, 3, 9)
            ),
            "chỉ công chức, viên chức của Bộ phận BP-MC",
        ),
    ):
        with pytest.raises(ValidationError, match=refusal):
            action()
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS and not hasattr(dossier, "apology")


def test_the_result_is_ready_only_after_the_last_step(effective, officer, specialist):
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with pytest.raises(ValidationError, match="sau bước cuối"):
        dossier_services.dossier_complete(dossier=dossier, user=specialist)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS and dossier.current_step.order == 2


def test_no_apology_on_a_weekend_for_monday_nor_while_waiting(effective, officer, specialist):
    dossier = receive(effective.procedure, officer, "2023-03-01 09:00")  # due Mon 06/03
    assert dossier.due_date == date(2023, 3, 6)
    with time_machine.travel(at("2023-03-04 10:00"), tick=False), pytest.raises(ValidationError):
        dossier_services.dossier_apologise(
            dossier=dossier, user=officer, reason="Chậm", new_due_date=date(2023, 3, 8)
        )
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    with time_machine.travel(at("2023-03-02 09:00"), tick=False):
        dossier_services.dossier_request_supplement(
            dossier=dossier, user=specialist, reason="Thiếu"
        )
        with pytest.raises(ValidationError):
            dossier_services.dossier_apologise(
                dossier=dossier, user=officer, reason="Chậm", new_due_date=date(2023, 3, 8)
            )
    assert not Dossier.objects.filter(apologies__isnull=False).exists()
