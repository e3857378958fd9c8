"""Rule R13: a request refused at intake (form 03) or handed back incomplete at intake
(form 02 before acceptance) was never received. It has no appointment, no row of
the tracking book and no place in a worklist, is not in `received` nor in any
rate's denominator, and is counted apart and listed in the register of requests
turned away. A dossier accepted and later sent for a supplement or refused during
processing is received."""

from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from procedures import dossier_services
from procedures.models import Dossier
from procedures.models.dossiers import DossierQuerySet
from qms.models import CalendarDay, ManagementReview, PeriodicReport
from qms.oversight import kpi, services, snapshot
from qms.oversight.kpi import KEYS, Scope, compute
from qms.oversight.pdf import report_pdf, review_minutes_pdf
from qms.roles import Role
from qms.working_days import LOCAL_TZ
from tests.factories import sign_review
from tests.qms.test_kpi import MARCH, dossier
from tests.qms.test_reviews_reports import assert_figures_printed, dashboard_tiles, pdf_text

Status = Dossier.Status
TURNED_AWAY_KEYS_ORDER = ["refused_at_intake", "returned_incomplete_at_intake"]
TURNED_AWAY_KEYS = set(TURNED_AWAY_KEYS_ORDER)


def receive(effective, officer, when: str, **kwargs) -> Dossier:
    moment = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)
    with time_machine.travel(moment, tick=False):
        return dossier_services.dossier_receive(
            procedure=effective.procedure,
            user=officer,
            applicant_name=kwargs.pop("applicant_name", "Trần Thị Bình"),
            channel=kwargs.pop("channel", "online"),
            **kwargs,
        )


@pytest.fixture
def desk(effective, personas):
    """March 2023 at the desk: two dossiers accepted (one online), one online request
    refused (form 03), one handed back incomplete (form 02)."""
    officer = personas[Role.OFFICER]
    return {
        "accepted": [
            receive(effective, officer, "2023-03-01 09:00"),
            receive(effective, officer, "2023-03-02 09:00", channel="direct"),
        ],
        "refused": receive(
            effective,
            officer,
            "2023-03-03 09:00",
            applicant_name="Lê Văn Cường",
            decision="refuse",
            reason="Thủ tục không thuộc thẩm quyền của phường",
        ),
        "incomplete": receive(
            effective,
            officer,
            "2023-03-06 10:00",
            applicant_name="Phạm Thị Dung",
            decision="incomplete",
            reason="Thiếu bản sao giấy khai sinh",
        ),
    }


def test_a_request_turned_away_at_intake_has_no_appointment_book_row_or_worklist(desk):
    accepted = desk["accepted"][0]
    assert accepted.due_date and accepted.book_row and accepted.reception_number is None
    for turned_away in (desk["refused"], desk["incomplete"]):
        turned_away.refresh_from_db()
        assert (turned_away.due_date, turned_away.first_due_date, turned_away.due_at) == (
            None,
            None,
            None,
        )
        assert (turned_away.book_year, turned_away.book_row) == (None, None)
        assert turned_away.reception_number is not None  # the form 02 or 03 given
        assert not turned_away.is_accepted
    later = date(2023, 12, 29)
    next_day = CalendarDay.objects.calendar().add_working_days(later, 1)
    for name in DossierQuerySet.WORKLISTS:
        listed = set(Dossier.objects.worklist(name, later, next_day).values_list("pk", flat=True))
        assert not listed & {desk["refused"].pk, desk["incomplete"].pk}, name
    assert not Dossier.objects.filter(Dossier.overdue_open_on(later)).turned_away().exists()
    assert set(Dossier.objects.turned_away()) == {desk["refused"], desk["incomplete"]}
    assert set(Dossier.objects.received()) == set(desk["accepted"])


def test_received_counts_accepted_dossiers_and_turned_away_ones_apart(desk):
    figures = compute(MARCH)
    assert figures["received"] == 2
    assert figures["refused_at_intake"] == 1
    assert figures["returned_incomplete_at_intake"] == 1
    # one of the two received came online; the refused online request is not counted
    assert figures["online_rate"] == 50.0
    assert [row["received"] for row in kpi.monthly(MARCH)] == [2]
    assert kpi.monthly(MARCH)[0]["refused_at_intake"] == 1


def test_no_rate_counts_a_request_turned_away(effective):
    """Every figure but the two counts apart is what it would be without them."""
    d = date
    dossier(effective, d(2023, 3, 1), d(2023, 3, 6), completed_on=d(2023, 3, 3), digitised=True)
    dossier(effective, d(2023, 3, 2), d(2023, 3, 7), completed_on=d(2023, 3, 9), channel="online")
    dossier(effective, d(2023, 3, 20), d(2023, 3, 23), status="waiting", supplement_count=1)
    dossier(
        effective,
        d(2023, 3, 1),
        d(2023, 3, 6),
        completed_on=d(2023, 3, 6),
        status="returned",
        returned_on=d(2023, 3, 8),
        rating="satisfied",
    )
    without = compute(MARCH)
    assert without["received"] == 4 and not TURNED_AWAY_KEYS & {
        key for key, value in without.items() if value
    }
    for day, status, channel in [
        (d(2023, 3, 3), Status.REFUSED, "online"),
        (d(2023, 3, 13), Status.REFUSED, "direct"),
        (d(2023, 3, 14), Status.INCOMPLETE, "online"),
    ]:
        dossier(effective, day, None, status=status, channel=channel)
    figures = compute(MARCH)
    assert (figures["refused_at_intake"], figures["returned_incomplete_at_intake"]) == (2, 1)
    assert {key: figures[key] for key in KEYS if key not in TURNED_AWAY_KEYS} == {
        key: without[key] for key in KEYS if key not in TURNED_AWAY_KEYS
    }


def test_a_dossier_accepted_is_received_whatever_befell_it_later(effective):
    """Sent for a supplement (waiting, or back and completed after two requests),
    refused after appraisal (R13, §1.6: returned with a written refusal as its
    result), stopped or withdrawn: every status but the two decisions at intake."""
    d = date
    received = [status for status in Status if status not in Dossier.TURNED_AWAY_STATUSES]
    assert set(received) == set(Dossier.ACCEPTED_STATUSES)
    for status in received:
        done = {"completed_on": d(2023, 3, 10)} if status in Dossier.RESULT_STATUSES else {}
        dossier(effective, d(2023, 3, 2), d(2023, 3, 9), status=status, supplement_count=1, **done)
    dossier(
        effective,
        d(2023, 3, 2),
        d(2023, 3, 9),
        completed_on=d(2023, 3, 9),
        status="returned",
        returned_on=d(2023, 3, 9),
        supplement_count=2,
        note="Từ chối giải quyết sau thẩm định: kết quả là văn bản từ chối",
    )
    figures = compute(MARCH)
    assert figures["received"] == len(received) + 1
    assert (figures["refused_at_intake"], figures["returned_incomplete_at_intake"]) == (0, 0)


def test_the_dashboard_report_and_minutes_show_the_same_counts(
    desk, client_for, chairman, secretary
):
    tiles = dashboard_tiles(client_for(chairman), 2023, PeriodicReport.Period.H1)
    assert [key for key in tiles][:3] == ["received", *TURNED_AWAY_KEYS_ORDER]
    assert {key: tiles[key]["value"] for key in ("received", *TURNED_AWAY_KEYS_ORDER)} == {
        "received": "2",
        "refused_at_intake": "1",
        "returned_incomplete_at_intake": "1",
    }
    data = snapshot.snapshot(Scope(date(2023, 1, 1), date(2023, 6, 30)))
    assert (data["kpi"]["refused_at_intake"], data["kpi"]["returned_incomplete_at_intake"]) == (
        1,
        1,
    )
    report = services.report_save(
        report=PeriodicReport(year=2023, period=PeriodicReport.Period.H1), user=secretary
    )
    services.report_submit(report=report, user=secretary)
    report.refresh_from_db()
    assert report.figures["kpi"]["refused_at_intake"] == 1
    assert_figures_printed(pdf_text(report_pdf(report)), tiles)

    review = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 7, 10),
            period_start=date(2023, 1, 1),
            period_end=date(2023, 6, 30),
            chair=chairman,
            secretary=secretary,
            participants="Lãnh đạo, thư ký ISO",
            resources="Thiếu máy quét",
        ),
        user=secretary,
    )
    review = sign_review(review, chairman=chairman)
    assert review.inputs["kpi"]["returned_incomplete_at_intake"] == 1
    assert_figures_printed(pdf_text(review_minutes_pdf(review)), tiles)


def test_the_dashboard_counts_link_to_what_they_count(desk, client_for, chairman):
    client = client_for(chairman)
    tiles = dashboard_tiles(client, 2023, PeriodicReport.Period.H1)
    received = client.get(tiles["received"]["url"]).context["page"].rows
    assert {row.code for row in received} == {row.code for row in desk["accepted"]}
    for key, turned_away in [
        ("refused_at_intake", desk["refused"]),
        ("returned_incomplete_at_intake", desk["incomplete"]),
    ]:
        page = client.get(tiles[key]["url"])
        assert [row.code for row in page.context["page"].rows] == [turned_away.code]
        assert turned_away.reception_reason in page.content.decode()


def test_the_register_shows_who_was_turned_away_when_and_why(desk, client_for, personas):
    client = client_for(personas[Role.OFFICER])
    url = reverse("procedures:turned_away")
    page = client.get(url, {"received_from": "01/03/2023", "received_to": "31/03/2023"})
    assert page.status_code == 200
    summary = page.context["summary"]
    assert (summary["refused"], summary["incomplete"], summary["total"]) == (1, 1, 2)
    assert [(row["procedure__code"], row["total"]) for row in summary["procedures"]] == [
        (desk["refused"].procedure.code, 2)
    ]
    html = page.content.decode()
    for turned_away in (desk["refused"], desk["incomplete"]):
        for shown in (
            turned_away.code,
            turned_away.applicant_name,
            turned_away.reception_reason,
            str(turned_away.reception_number),
            "03/03/2023 09:00" if turned_away is desk["refused"] else "06/03/2023 10:00",
        ):
            assert shown in html
    assert desk["accepted"][0].code not in html
    assert personas[Role.OFFICER].get_full_name() in html

    later = client.get(url, {"received_from": "04/03/2023"}).context["summary"]
    assert (later["refused"], later["incomplete"]) == (0, 1)

    export = client.get(
        reverse("procedures:turned_away_export"),
        {"received_from": "01/03/2023", "received_to": "31/03/2023", "status": "refused"},
    )
    assert export.status_code == 200
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "(từ 01/03/2023 đến 31/03/2023)" in rows[1][0]
    assert rows[2][:2] == ("Từ chối tiếp nhận (mẫu 03)", 1)
    assert rows[4][:2] == ("Tổng số", 1)
    assert rows[5][0] == "STT"
    (row,) = rows[6:]
    assert row[:2] == (1, desk["refused"].code)
    assert row[3] == "Lê Văn Cường"
    assert row[6:9] == (
        "Từ chối tiếp nhận (mẫu 03)",
        str(desk["refused"].reception_number),
        "Thủ tục không thuộc thẩm quyền của phường",
    )
    assert row[9] == personas[Role.OFFICER].get_full_name()


def test_a_wrong_filter_of_the_register_is_told_never_a_500(desk, client_for, personas):
    client = client_for(personas[Role.VIEWER])
    url = reverse("procedures:turned_away")
    page = client.get(url, {"received_from": "31/02/2023", "status": "accepted"})
    assert page.status_code == 200
    assert set(page.context["filter"].form.errors) == {"received_from", "status"}
    export = client.get(
        reverse("procedures:turned_away_export"), {"received_from": "ngày mai"}, follow=True
    )
    assert export.status_code == 200
    told = [str(m) for m in export.context["messages"]]
    assert told == ["Đến nộp từ ngày: Nhập một ngày hợp lệ."]
    bad_cursor = client.get(url, {"after": "garbage"})
    assert len(bad_cursor.context["page"].rows) == 2
    assert list(bad_cursor.context["messages"])
