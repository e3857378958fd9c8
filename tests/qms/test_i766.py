"""Rule R14: Decision 766's indicators on hand-built dossier sets, each checked against
a count written here. The period is March 2023 (no holiday: 23 working days)."""

import json
from datetime import date, datetime, time, timedelta
from io import StringIO
from itertools import count

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from nonconformities import services as complaint_services
from nonconformities.models import Complaint
from procedures.models import Dossier, DossierDocument, OnlineLevel, SupplementRequest
from qms.oversight import i766
from qms.oversight.kpi import Scope
from qms.roles import Role
from tests.factories import ProcedureFactory, issue_revision

MARCH = Scope(date(2023, 3, 1), date(2023, 3, 31))
_codes = count(1)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def dossier(revision, received: date, due: date | None, *, status="in_progress", **fields):
    """A dossier as the services leave it; the appointment set at receipt is `due`."""
    return Dossier.objects.create(
        code=f"I766-{next(_codes):06d}",
        procedure=revision.procedure,
        revision=revision,
        rule_set="2018",
        applicant_name="Nguyễn Văn A",
        channel=fields.pop("channel", "direct"),
        status=status,
        received_at=at(received),
        received_on=received,
        due_date=due,
        first_due_date=due,
        **fields,
    )


def completed(revision, received: date, due: date, done: datetime, **fields) -> Dossier:
    """A dossier whose result was ready at `done` (outcome and 766 flag as at completion)."""
    status = fields.pop("status", "completed")
    record = dossier(revision, received, due, **fields)
    record.finish(done)
    record.status = status
    record.save()
    return record


def ended(revision, received: date, due: date, when: datetime, status: str) -> Dossier:
    record = dossier(revision, received, due, status=status)
    record.ended_at = when
    record.end_processing(when)
    record.save()
    return record


def supplement(record: Dossier, asked: datetime, back: datetime | None, user) -> None:
    SupplementRequest.objects.create(
        dossier=record, requested_at=asked, answered_at=back, requested_by=user, reason="Bổ sung"
    )
    record.supplement_count += 1
    if back:
        record.waiting_total += back - asked
    record.save()


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def no_paper(units, secretary, chairman):
    """A procedure offered nowhere online whose result is not on paper."""
    procedure = ProcedureFactory(
        code="QT-VH-01", name="Thông báo tổ chức lễ hội", paper_result=False
    )
    return issue_revision(procedure, secretary=secretary, approver=chairman)


def test_2_1_counts_what_was_processed_in_the_period_each_by_its_end(effective, officer):
    d = date
    # ended in the period, by the flag measured at the end of processing
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 3), 15))  # on time
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 8), 15))  # late
    # refused during processing: the refusal is the dossier's result (§1.6), on time
    completed(effective, d(2023, 3, 2), d(2023, 3, 7), at(d(2023, 3, 6), 15))
    ended(effective, d(2023, 3, 14), d(2023, 3, 17), at(d(2023, 3, 20)), "withdrawn")  # late
    ended(effective, d(2023, 3, 14), d(2023, 3, 17), at(d(2023, 3, 15)), "stopped")  # on time
    # open at the period's end: ends on 31/3
    dossier(effective, d(2023, 3, 28), d(2023, 3, 31))  # within its appointment: on time
    dossier(effective, d(2023, 3, 20), d(2023, 3, 23))  # past it: late
    # waiting for its one supplement since 15/3: ends at the request, on time
    waiting = dossier(effective, d(2023, 3, 13), d(2023, 3, 16), status="waiting")
    supplement(waiting, at(d(2023, 3, 15), 10), None, officer)
    # one supplement answered: 6 days of waiting subtracted, 14/3 − 6 days = 8/3 ≤ 9/3
    once = dossier(effective, d(2023, 3, 6), d(2023, 3, 9))
    supplement(once, at(d(2023, 3, 7)), at(d(2023, 3, 13)), officer)
    once.finish(at(d(2023, 3, 14), 10))
    once.status = "completed"
    once.save()
    # two supplement requests: late, though ready before the first appointment
    twice = dossier(effective, d(2023, 3, 6), d(2023, 3, 9))
    supplement(twice, at(d(2023, 3, 7)), at(d(2023, 3, 7), 14), officer)
    supplement(twice, at(d(2023, 3, 8)), at(d(2023, 3, 8), 14), officer)
    twice.finish(at(d(2023, 3, 8), 16))
    twice.status = "completed"
    twice.save()
    assert twice.outcome == "early" and twice.on_time_766 is False
    # accepted in February: still processed in March (late), or ended before it (out)
    completed(effective, d(2023, 2, 20), d(2023, 2, 23), at(d(2023, 3, 1), 10))  # late
    completed(effective, d(2023, 2, 27), d(2023, 3, 2), at(d(2023, 4, 6), 10))  # open at 31/3
    completed(effective, d(2023, 2, 13), d(2023, 2, 16), at(d(2023, 2, 15), 10))  # out
    # refused at intake: never received (R13)
    dossier(effective, d(2023, 3, 10), None, status="refused")
    # open when the period was read, received after it: out
    dossier(effective, d(2023, 4, 3), d(2023, 4, 6))

    figures = i766.indicators(MARCH)["2.1"]
    # on time: 3/3, refused 6/3, stopped, open within, waiting, once = 6
    # late: 8/3, withdrawn, open past, twice, February's two = 6
    assert figures == {
        "rate": 50.0,
        "numerator": 6,
        "denominator": 12,
        "threshold": None,
        "reason": "",
    }


def test_2_1_reads_a_past_period_as_it_stood_at_its_end(effective, officer):
    """A dossier waiting at the end of March and answered in April is read as waiting."""
    d = date
    record = dossier(effective, d(2023, 3, 27), d(2023, 3, 30))
    supplement(record, at(d(2023, 3, 29)), at(d(2023, 4, 10)), officer)
    record.finish(at(d(2023, 4, 12)))
    record.status = "completed"
    record.save()
    assert record.on_time_766 is False  # 12/4 − 12 days = 31/3 > 30/3
    assert i766.indicators(MARCH)["2.1"]["numerator"] == 1  # ended at its request, 29/3


def test_2_2_averages_working_days_from_receipt_to_completion_per_procedure(effective, no_paper):
    d = date
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 3), 15))  # 2 days
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 8), 15))  # 5 days
    completed(effective, d(2023, 3, 31), d(2023, 4, 5), at(d(2023, 4, 3), 15))  # after: out
    completed(effective, d(2023, 2, 28), d(2023, 3, 3), at(d(2023, 3, 2), 15))  # Feb: out
    completed(no_paper, d(2023, 3, 10), d(2023, 3, 15), at(d(2023, 3, 10), 15))  # 0 days
    dossier(no_paper, d(2023, 3, 10), d(2023, 3, 15))  # not completed: out

    figures = i766.indicators(MARCH)["2.2"]
    assert (figures["rate"], figures["numerator"], figures["denominator"]) == (2.33, 7, 3)
    assert [
        (row["code"], row["rate"], row["numerator"], row["denominator"])
        for row in figures["procedures"]
    ] == [("QT-TP-05", 3.5, 7, 2), ("QT-VH-01", 0.0, 0, 1)]


def test_3_1_counts_procedures_offered_online_partly_or_fully(effective, no_paper):
    effective.procedure.online_level = OnlineLevel.PARTIAL
    effective.procedure.save()
    ProcedureFactory(code="QT-TP-06", online_level=OnlineLevel.FULL)
    ProcedureFactory(code="QT-TP-07", online_level=OnlineLevel.FULL, in_use=False)  # out
    # 2 of the 3 in use (QT-VH-01 is not offered online)
    assert i766.indicators(MARCH)["3.1"] == {
        "rate": 66.67,
        "numerator": 2,
        "denominator": 3,
        "threshold": 80,
        "reason": "",
    }


def test_3_3_4_1_and_4_2_ask_an_electronic_result_only_of_paper_results(effective, no_paper):
    d = date
    done = at(d(2023, 3, 3), 15)

    def documents(record, *scanned):
        for order, scan in enumerate(scanned, start=1):
            DossierDocument.objects.create(
                dossier=record,
                order=order,
                name="Tờ khai",
                copy_type="original",
                scan="received/scan.pdf" if scan else "",
            )

    # online, paper result with its electronic file: online (3.3), digitised (4.2)
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), done, channel="online", digitised=True)
    # online, paper result without one: neither
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), done, channel="online")
    # online, no paper result: both, though no result file
    dossier(no_paper, d(2023, 3, 2), d(2023, 3, 7), channel="online")
    # at the desk, every document scanned, electronic result: digitised
    documents(completed(effective, d(2023, 3, 1), d(2023, 3, 6), done, digitised=True), 1, 1)
    # at the desk, documents scanned, no electronic result: not digitised
    documents(completed(effective, d(2023, 3, 1), d(2023, 3, 6), done), 1)
    # by post, one document of two not scanned, still open
    documents(dossier(effective, d(2023, 3, 2), d(2023, 3, 7), channel="post"), 1, 0)
    # refused at intake, online: never received
    dossier(effective, d(2023, 3, 2), None, status="refused", channel="online")

    figures = i766.indicators(MARCH)
    assert figures["3.3"] == {
        "rate": 33.33,  # 2 of 6
        "numerator": 2,
        "denominator": 6,
        "threshold": 50,
        "reason": "",
        "direct": {
            "rate": 33.33,
            "numerator": 2,
            "denominator": 6,
            "threshold": None,
            "reason": "",
        },
        "post": {"rate": 16.67, "numerator": 1, "denominator": 6, "threshold": None, "reason": ""},
    }
    # results ready in March of paper-result procedures: 4, 2 with their file
    assert (figures["4.1"]["numerator"], figures["4.1"]["denominator"]) == (2, 4)
    assert figures["4.1"]["rate"] == 50.0
    # online with file, online without paper result, desk scanned with file: 3 of 6
    assert (figures["4.2"]["numerator"], figures["4.2"]["denominator"]) == (3, 6)
    assert figures["4.2"]["rate"] == 50.0


def test_5_2_and_5_3_count_pakn_answered_within_15_working_days(officer):
    def received(day: date, *, answered: date | None = None, **fields):
        with time_machine.travel(at(day), tick=False):
            complaint = complaint_services.complaint_record(
                user=officer, citizen="Lê Thị Ý", content="Chờ lâu", **fields
            )
        if answered:
            with time_machine.travel(at(answered, 16), tick=False):
                complaint_services.complaint_answer(
                    complaint=complaint, user=officer, answer="Đã xử lý"
                )
        return complaint

    d = date
    first = received(d(2023, 3, 1), answered=d(2023, 3, 22))  # on its 15th working day
    assert first.answer_due == d(2023, 3, 22)
    received(d(2023, 3, 1), answered=d(2023, 3, 23))  # late
    received(d(2023, 3, 2))  # due 23/3, no answer by 31/3: late
    received(d(2023, 3, 20))  # due 10/4, not answered yet: not late
    received(d(2023, 3, 3), answered=d(2023, 3, 10), repeated=True)  # on time, repeated
    disliked = received(d(2023, 3, 3), answered=d(2023, 3, 10))  # on time, disliked
    Complaint.objects.filter(pk=disliked.pk).update(disliked=True)
    received(d(2023, 2, 27), answered=d(2023, 3, 30))  # received in February: out

    figures = i766.indicators(MARCH)
    assert figures["5.2"] == {
        "rate": 66.67,  # 4 of 6
        "numerator": 4,
        "denominator": 6,
        "threshold": None,
        "reason": "",
    }
    # 6 minus the late two, the repeated one and the disliked one
    assert (figures["5.3"]["numerator"], figures["5.3"]["denominator"]) == (2, 6)
    assert figures["5.3"]["rate"] == 33.33


def test_5_4_takes_the_late_share_and_the_pakn_or_unsatisfied_share_off(effective, officer):
    d = date
    dossier(effective, d(2023, 3, 20), d(2023, 3, 23))  # open, late
    completed(
        effective,
        d(2023, 3, 1),
        d(2023, 3, 6),
        at(d(2023, 3, 3), 15),
        status="returned",
        returned_on=d(2023, 3, 3),
        rating="unsatisfied",
    )
    with_pakn = completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 3), 15))
    with time_machine.travel(at(d(2023, 3, 10)), tick=False):
        complaint_services.complaint_record(
            user=officer, citizen="Lê Thị Ý", content="Thái độ", dossier=with_pakn
        )
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 3), 15))  # clean
    # 100% − (1/4 late + 2/4 with a PAKN or unsatisfied) = 25%
    assert i766.indicators(MARCH)["5.4"] == {
        "rate": 25.0,
        "numerator": 1,
        "denominator": 4,
        "threshold": 90,
        "reason": "",
        "rated": 1,  # the unsatisfied rating, typed by the desk
        "rated_by_citizens": 0,
    }


def test_an_empty_period_says_why_each_indicator_has_no_rate(db):
    figures = i766.indicators(MARCH)
    assert list(figures) == list(i766.KEYS)
    for key, value in figures.items():
        assert value["rate"] is None and value["reason"], key


def test_group_estimates_are_the_mean_attainment_times_the_points():
    def value(rate, threshold=None):
        return {
            "rate": rate,
            "numerator": 1,
            "denominator": 1,
            "threshold": threshold,
            "reason": "",
        }

    figures = {
        "2.1": value(95.0),
        "2.2": value(3.6),
        "3.1": value(40.0, 80),  # half of T
        "3.3": value(60.0, 50),  # above T: full
        "4.1": {**value(None), "reason": "x"},
        "4.2": value(40.0, 80),
        "5.2": value(100.0),
        "5.3": value(50.0),
        "5.4": value(99.0, 90),
    }
    groups = {group["number"]: group for group in i766.groups(figures)}
    assert [(n, group["points"]) for n, group in groups.items()] == [
        (1, 18),
        (2, 20),
        (3, 12),
        (4, 10),
        (5, 18),
        (6, 22),
    ]
    assert groups[1]["estimate"] is None  # the national portal's alone
    assert all(row["rate"] is None and row["reason"] for row in groups[1]["indicators"])
    assert groups[2]["estimate"] == 19.0  # 95% × 20; 2.2 has no attainment
    assert groups[3]["estimate"] == 9.0  # (50% + 100%) / 2 × 12
    assert groups[4]["estimate"] is None
    assert groups[5]["estimate"] == 15.0  # (100% + 50% + 100%) / 3 × 18
    assert groups[6]["estimate"] == 11.0  # 4.1 unknown; 4.2 at 50% × 22
    assert [row["key"] for row in groups[6]["indicators"]] == ["4.1", "4.2", "4.3", "4.4", "4.5"]


def test_the_kpi_command_prints_the_indicators(effective):
    completed(effective, date(2023, 3, 1), date(2023, 3, 6), at(date(2023, 3, 3), 15))
    out = StringIO()
    call_command("kpi", "--from", "2023-03-01", "--to", "2023-03-31", "--json", stdout=out)
    figures = json.loads(out.getvalue())["i766"]
    assert list(figures) == ["2.1", "2.2", "3.1", "3.3", "4.1", "4.2", "5.2", "5.3", "5.4"]
    assert figures["2.1"] == {
        "rate": 100.0,
        "numerator": 1,
        "denominator": 1,
        "threshold": None,
        "reason": "",
    }
    assert all(
        set(value) >= {"rate", "numerator", "denominator", "threshold", "reason"}
        for value in figures.values()
    )


def test_a_stop_measures_the_766_flag(effective_dossier, personas):
    from procedures import dossier_services

    record = dossier_services.dossier_stop(
        dossier=effective_dossier, user=personas[Role.OFFICER], reason="Không cần nữa"
    )
    assert record.on_time_766 is True
    assert timedelta() == record.waiting_total


def test_the_complaints_page_records_a_repeat_and_a_disliked_answer(personas, client_for):
    from django.urls import reverse

    officer = client_for(personas[Role.OFFICER])
    url = reverse("nonconformities:complaints")
    officer.post(url, {"citizen": "Lê Thị Ý", "content": "Chờ lâu", "repeated": "on"})
    complaint = Complaint.objects.get()
    assert complaint.repeated and not complaint.disliked
    disliked = reverse("nonconformities:complaint_disliked", args=[complaint.pk])
    officer.post(disliked)  # not answered yet: refused
    complaint.refresh_from_db()
    assert not complaint.disliked
    officer.post(
        reverse("nonconformities:complaint_answer", args=[complaint.pk]), {"text": "Đã xử lý"}
    )
    officer.post(disliked)
    complaint.refresh_from_db()
    assert complaint.disliked
    assert "Người dân không hài lòng với câu trả lời" in officer.get(url).content.decode()


def test_dashboard_report_and_minutes_show_the_same_766_figures(
    effective, client_for, chairman, secretary
):
    import subprocess

    from django.urls import reverse

    from qms.models import PeriodicReport
    from qms.oversight import services
    from qms.oversight.pdf import report_pdf

    d = date
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 3), 15))  # on time
    completed(effective, d(2023, 3, 1), d(2023, 3, 6), at(d(2023, 3, 8), 15))  # late
    client = client_for(chairman)
    response = client.get(reverse("qms:dashboard"), {"year": 2023, "period": "h1"})
    rows = {row["key"]: row for row in response.context["rows_766"]}
    assert rows["2.1"]["shown"] == "50,00% (1/2)"
    assert rows["2.1"]["group"]["estimate"] == 10.0  # 50% × 20
    assert rows["1.1"]["rate"] is None and rows["1.1"]["reason"]
    listing = client.get(rows["2.2"]["procedures"][0]["url"])
    assert len(listing.context["dossiers"]) == 2  # 2.2's two dossiers of QT-TP-05

    report = services.report_save(report=PeriodicReport(year=2023, period="h1"), user=secretary)
    services.report_submit(report=report, user=secretary)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=report_pdf(report),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "50,00% (1/2)" in text
    assert "ước tính" in text.lower()
    assert report.figures["i766"]["2.1"] == response.context["data"]["i766"]["2.1"]
