"""The culture officer's quarterly report on reform communication (issue 17, item 5):
a second schedule beside the reform reports, each quarter on its own, due on a day
the ward sets, sent through the superior authority's culture office, written by the
unit the ward names."""

import subprocess
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from qms.models import Organisation, PeriodicReport, Plan, PlanTask, PlanTaskProgress, Unit
from qms.oversight import services, snapshot
from qms.oversight.pdf import report_pdf
from qms.oversight.waiting import waiting_for
from qms.roles import Role
from qms.working_days import LOCAL_TZ
from tests.factories import UserFactory
from tests.qms.test_kpi import dossier

Kind = PeriodicReport.Kind
Period = PeriodicReport.Period


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def culture_officer(personas):
    """The auditor persona works in VH-XH, the unit the ward names for the report."""
    officer = personas[Role.AUDITOR]
    Organisation.objects.filter(pk=1).update(communication_unit=officer.unit)
    return officer


def communication(period: str, year: int = 2023, **fields) -> PeriodicReport:
    return PeriodicReport(kind=Kind.COMMUNICATION, year=year, period=period, **fields)


def test_both_schedules_run_side_by_side_by_due_day(organisation):
    Organisation.objects.filter(pk=1).update(communication_report_days=10)
    entries = [
        (entry.report.kind, entry.report.period, entry.due) for entry in snapshot.schedule(2023)
    ]
    assert entries == [
        (Kind.REFORM, Period.Q1, date(2023, 3, 1)),
        (Kind.COMMUNICATION, Period.Q1, date(2023, 4, 10)),
        (Kind.REFORM, Period.H1, date(2023, 6, 1)),
        (Kind.COMMUNICATION, Period.Q2, date(2023, 7, 10)),
        (Kind.REFORM, Period.NINE_MONTHS, date(2023, 9, 1)),
        (Kind.COMMUNICATION, Period.Q3, date(2023, 10, 10)),
        (Kind.REFORM, Period.YEAR, date(2023, 11, 19)),
        (Kind.COMMUNICATION, Period.Q4, date(2024, 1, 10)),
    ]
    # The fourth quarter's report falls due in the next year, and is still next.
    upcoming = snapshot.next_report(date(2024, 1, 3))
    assert (upcoming.report.year, upcoming.report.period) == (2023, Period.Q4)
    # A ward that wants it before the quarter ends says so with a negative number.
    Organisation.objects.filter(pk=1).update(communication_report_days=-16)
    assert snapshot.due_on(communication(Period.Q2)) == date(2023, 6, 14)


def test_a_quarter_covers_its_own_days(organisation):
    report = communication(Period.Q2)
    assert report.window(date(2023, 7, 3)) == (date(2023, 4, 1), date(2023, 6, 30))
    assert report.window(date(2023, 6, 20)) == (date(2023, 4, 1), date(2023, 6, 19))
    # The reform report of the same quarter still cumulates from 1 January.
    reform = PeriodicReport(kind=Kind.REFORM, year=2023, period=Period.Q1)
    assert reform.window(date(2023, 3, 1)) == (date(2023, 1, 1), date(2023, 2, 28))


def test_a_kind_has_only_its_own_periods(organisation):
    with pytest.raises(ValidationError) as refused:
        communication(Period.H1).full_clean()
    assert "period" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        communication(Period.H1).save()
    # Both kinds have a first quarter, each its own report.
    PeriodicReport.objects.create(kind=Kind.REFORM, year=2023, period=Period.Q1)
    PeriodicReport.objects.create(kind=Kind.COMMUNICATION, year=2023, period=Period.Q1)
    with pytest.raises(IntegrityError), transaction.atomic():
        communication(Period.Q1).save()


def test_the_culture_officer_writes_it_and_only_it(
    culture_officer, secretary, personas, client_for
):
    communication_url = reverse("qms:report_detail", args=[Kind.COMMUNICATION, 2023, "q2"])
    reform_url = reverse("qms:report_detail", args=[Kind.REFORM, 2023, "h1"])
    officer = client_for(culture_officer)
    page = officer.get(communication_url)
    assert 'name="submit"' in page.content.decode()
    response = officer.post(communication_url, {"summary": "Đăng 9 tin, bài", "save": ""})
    assert response.status_code == 302
    assert PeriodicReport.objects.get(kind=Kind.COMMUNICATION).summary == "Đăng 9 tin, bài"
    assert officer.post(reform_url, {"summary": "x", "save": ""}).status_code == 403
    assert 'name="submit"' not in officer.get(reform_url).content.decode()
    specialist = client_for(personas[Role.SPECIALIST])
    assert specialist.post(communication_url, {"summary": "x", "save": ""}).status_code == 403
    assert client_for(secretary).post(communication_url, {"summary": "y"}).status_code == 302


def test_no_such_report_is_not_found(secretary, client_for):
    client = client_for(secretary)
    assert (
        client.get(reverse("qms:report_detail", args=["communication", 2023, "h1"])).status_code
        == 404
    )
    assert client.get(reverse("qms:report_detail", args=["reform", 2023, "q2"])).status_code == 404
    assert client.get(reverse("qms:report_detail", args=["other", 2023, "q1"])).status_code == 404


@pytest.fixture
def quarter_two(effective, culture_officer):
    """April to June 2023: two dossiers, one online; the unit's all-year task with
    progress in May (inside) and July (outside); a task of another unit."""
    dossier(effective, date(2023, 4, 3), date(2023, 4, 6), completed_on=date(2023, 4, 6))
    dossier(
        effective,
        date(2023, 5, 3),
        date(2023, 5, 8),
        completed_on=date(2023, 5, 8),
        channel="online",
    )
    plan = Plan.objects.create(
        number="07/KH-UBND", issued_on=date(2023, 1, 5), year=2023, title="CCHC"
    )
    task = PlanTask.objects.create(
        plan=plan,
        order=2,
        content="Tuyên truyền cải cách hành chính trên Cổng thông tin điện tử",
        leader_role=Role.VICE_CHAIRMAN,
        deadline=date(2023, 12, 31),
        all_year=True,
    )
    task.units.set([culture_officer.unit])
    PlanTaskProgress.objects.create(
        task=task, month=date(2023, 5, 1), note="Đăng 4 tin bài tháng năm"
    )
    PlanTaskProgress.objects.create(
        task=task, month=date(2023, 7, 1), note="Đăng 3 tin bài tháng bảy"
    )
    other = PlanTask.objects.create(
        plan=plan,
        order=3,
        content="Rà soát văn bản quy phạm",
        leader_role=Role.CHAIRMAN,
        deadline=date(2023, 6, 30),
    )
    other.units.set([Unit.objects.create(code="TP-X", name="Tư pháp")])
    return task


def test_the_sent_report_prints_the_quarter_through_the_culture_office(
    quarter_two, culture_officer, secretary, chairman
):
    reform = services.report_submit(
        report=PeriodicReport(kind=Kind.REFORM, year=2023, period=Period.H1),
        user=secretary,
        submitted_on=date(2023, 5, 31),
    )
    report = services.report_submit(
        report=communication(Period.Q2, summary="Đăng 11 tin, bài; 26 buổi phát thanh"),
        user=culture_officer,
        submitted_on=date(2023, 7, 4),
    )
    assert report.figures["start"] == "2023-04-01" and report.figures["end"] == "2023-06-30"
    assert report.figures["kpi"]["received"] == 2
    assert [row["order"] for row in report.figures["unit_tasks"]] == [2]
    identity = Organisation.current().identity_on(date(2023, 7, 4))
    text = pdf_text(report_pdf(report))
    # One register of the committee's reports: the reform report took number 1.
    assert str(reform.number).startswith("1/") and "Số: 2/2023/BC-UBND" in text
    assert "KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH QUÝ II NĂM 2023" in text
    assert f"Kính gửi: {identity.superior} (qua Phòng Văn hóa - Thông tin)" in text
    assert "từ ngày 01/04/2023 đến ngày 30/06/2023" in text
    assert "Hạn gửi báo cáo: 05/07/2023" in text
    assert "Tuyên truyền cải cách hành chính trên Cổng" in text  # the cell wraps
    assert "05/2023: Đăng 4 tin bài tháng năm" in text
    assert "tháng bảy" not in text  # July's progress belongs to the next quarter
    assert "Rà soát văn bản quy phạm" not in text  # another unit's task
    assert "Đăng 11 tin, bài; 26 buổi phát thanh" in text
    assert chairman.get_full_name() in text
    # The reform report of the same period keeps its own title and office.
    reform_text = pdf_text(report_pdf(reform))
    assert "ISO 9001:2015 VÀ CƠ CHẾ MỘT CỬA 6 THÁNG NĂM 2023" in reform_text
    assert "(qua Phòng Nội vụ)" in reform_text


def test_the_dashboard_and_the_list_show_both_kinds(
    quarter_two, culture_officer, chairman, client_for, tmp_path
):
    services.report_submit(
        report=communication(Period.Q1), user=culture_officer, submitted_on=date(2023, 4, 4)
    )
    client = client_for(chairman)
    listing = client.get(reverse("qms:reports"), {"year": 2023}).content.decode()
    q1 = reverse("qms:report_detail", args=[Kind.COMMUNICATION, 2023, "q1"])
    q3 = reverse("qms:report_detail", args=[Kind.COMMUNICATION, 2023, "q3"])
    assert f'href="{q1}"' in listing and f'href="{q3}"' in listing
    assert "Tuyên truyền cải cách hành chính" in listing
    assert "đã gửi 04/04/2023" in listing
    board = client.get(reverse("qms:dashboard"), {"year": 2023}).content.decode()
    assert f'href="{q3}"' in board
    # The dashboard's periods are the reform reports' (cumulated from 1 January): a
    # quarter of the other schedule is refused beside its field, not a server error.
    refused = client.get(reverse("qms:dashboard"), {"year": 2023, "period": "q4"})
    assert refused.status_code == 200 and refused.context["form"].errors["period"]
    target = tmp_path / "q2.pdf"
    call_command(
        "export_report",
        "--kind",
        "communication",
        "--year",
        "2023",
        "--period",
        "q2",
        "--format",
        "pdf",
        "-o",
        str(target),
    )
    assert "QUÝ II NĂM 2023" in pdf_text(target.read_bytes())


def test_the_culture_officer_is_told_which_reports_are_due(
    organisation, culture_officer, secretary, personas, client_for
):
    """In January the fourth quarter's report of last year is the one due; a report
    still owed from last year does not drop out on 1 January; the count on the
    officer's home page lists exactly those reports."""
    for period, sent in ((Period.Q1, date(2023, 4, 4)), (Period.Q2, date(2023, 7, 4))):
        services.report_submit(
            report=communication(period), user=culture_officer, submitted_on=sent
        )
    with time_machine.travel(datetime(2024, 1, 3, 9, tzinfo=LOCAL_TZ), tick=False):
        due = {item.key: item for item in waiting_for(culture_officer)}["reports_due"]
        assert due.count == 2 and due.urgent  # Q3 overdue since 05/10/2023
        page = client_for(culture_officer).get(due.url)
        assert [(entry.report.year, entry.report.period) for entry in page.context["schedule"]] == [
            (2023, Period.Q3),
            (2023, Period.Q4),
        ]
        assert all(item.key != "reports_due" for item in waiting_for(personas[Role.SPECIALIST]))
        # The ISO secretary sees both kinds: the four reform reports of 2023 too.
        assert {item.key: item for item in waiting_for(secretary)}["reports_due"].count == 6
        for period in (Period.Q3, Period.Q4):
            services.report_submit(report=communication(period), user=culture_officer)
        assert {item.key: item for item in waiting_for(culture_officer)}["reports_due"].count == 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ISO_SECRETARY, Role.CHAIRMAN])
def test_the_pages_read_the_default_settings_before_the_organisation_is_entered(
    db, client_for, role
):
    """A fresh installation: the home page and the report list work without the
    organisation record (the defaults: no communication unit, due 5 days after)."""
    user = UserFactory(role=role.value)
    client = client_for(user)
    assert client.get(reverse("qms:home")).status_code in (200, 302)
    listing = client.get(reverse("qms:reports"), {"year": 2023})
    assert listing.status_code == 200
    assert date(2023, 4, 5) in [entry.due for entry in listing.context["schedule"]]
