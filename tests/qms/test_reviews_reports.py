"""Trends, the report schedule, periodic reports and management reviews."""

import re
import subprocess
from calendar import monthrange
from datetime import date
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from qms import exports, signing
from qms.models import (
    ManagementReview,
    Objective,
    Organisation,
    OrganisationIdentity,
    PeriodicReport,
    ReviewOutput,
)
from qms.oversight import kpi, review_inputs, services, snapshot
from qms.oversight.kpi import Scope
from qms.oversight.pdf import report_pdf, report_xlsx, review_minutes_pdf
from qms.roles import Role
from qms.signatures import SignedRecordError, content_hash
from tests.factories import PASSWORD, page_sha256, sign_review
from tests.qms.test_kpi import dossier

Period = PeriodicReport.Period


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def half_year(effective):
    """Dossiers of the first half of 2023: January 2 on time, 1 late; March 1 early."""
    d = date
    dossier(effective, d(2023, 1, 3), d(2023, 1, 6), completed_on=d(2023, 1, 6), channel="online")
    dossier(effective, d(2023, 1, 4), d(2023, 1, 9), completed_on=d(2023, 1, 9), digitised=True)
    dossier(effective, d(2023, 1, 5), d(2023, 1, 10), completed_on=d(2023, 1, 12))
    dossier(
        effective,
        d(2023, 3, 1),
        d(2023, 3, 6),
        completed_on=d(2023, 3, 2),
        status="returned",
        returned_on=d(2023, 3, 3),
        rating="unsatisfied",
    )
    return effective


def test_monthly_trends_are_the_kpis_of_each_month(half_year):
    scope = snapshot.period_scope(2023, Period.H1)
    months = kpi.monthly(scope)
    assert [row["month"] for row in months] == [1, 2, 3, 4, 5, 6]
    for row in months:
        last = monthrange(2023, row["month"])[1]
        figures = kpi.measure(Scope(date(2023, row["month"], 1), date(2023, row["month"], last)))
        assert {key: row[key] for key in row if key != "month"} == {
            key: figures[key] for key in row if key != "month"
        }
    assert (months[0]["received"], months[0]["on_time"], months[0]["late"]) == (3, 2, 1)
    assert months[1]["on_time_rate"] is None  # nothing resolved in February
    assert months[2]["satisfaction_rate"] == 0.0


def test_the_report_schedule_follows_the_plan(organisation):
    reform = [
        (entry.report.period, entry.due)
        for entry in snapshot.schedule(2023)
        if entry.report.kind == PeriodicReport.Kind.REFORM
    ]
    assert reform == [
        (Period.Q1, date(2023, 3, 1)),
        (Period.H1, date(2023, 6, 1)),
        (Period.NINE_MONTHS, date(2023, 9, 1)),
        (Period.YEAR, date(2023, 11, 19)),
    ]
    assert snapshot.period_scope(2023, Period.NINE_MONTHS) == Scope(
        date(2023, 1, 1), date(2023, 9, 30)
    )
    q1 = snapshot.schedule(2023)[0]
    assert (q1.report.kind, q1.report.period) == (PeriodicReport.Kind.REFORM, Period.Q1)
    assert q1.state(date(2023, 3, 1)) == "pending"
    assert q1.state(date(2023, 3, 2)) == "overdue"
    assert snapshot.next_report(date(2023, 8, 3)).report.period == Period.NINE_MONTHS


def test_a_submitted_report_keeps_its_figures_and_no_longer_changes(half_year, secretary):
    report = services.report_save(
        report=PeriodicReport(year=2023, period=Period.Q1, summary="Tốt"), user=secretary
    )
    with time_machine.travel(date(2023, 3, 1)):
        services.report_submit(report=report, user=secretary)
    report.refresh_from_db()
    assert report.submitted_on == date(2023, 3, 1)
    # From 1 January to the day before it is sent (rule R17): not the dossier of 1 March.
    assert report.figures["kpi"]["received"] == 3
    assert report.figures["as_of"] == "2023-02-28"
    assert snapshot.schedule(2023)[0].state(date(2023, 12, 1)) == "submitted"

    dossier(half_year, date(2023, 1, 20), date(2023, 1, 25), completed_on=date(2023, 1, 25))
    assert snapshot.report_figures(report)["kpi"]["received"] == 3
    assert "Hồ sơ tiếp nhận" in pdf_text(report_pdf(report))

    report.summary = "Sửa sau khi gửi"
    with pytest.raises(ValidationError, match="đã gửi"):
        services.report_save(report=report, user=secretary)
    with pytest.raises(ValidationError, match="đã gửi"):
        services.report_submit(report=report, user=secretary)
    assert PeriodicReport.objects.get(pk=report.pk).summary == "Tốt"


def dashboard_tiles(client, year: int, period: str) -> dict:
    response = client.get(reverse("qms:dashboard"), {"year": year, "period": period})
    assert response.status_code == 200
    return {tile["key"]: tile for tile in response.context["tiles"]}


def assert_figures_printed(text: str, tiles: dict) -> None:
    """Every figure of the dashboard is printed beside its label."""
    assert set(tiles) == set(kpi.KEYS)
    for key, tile in tiles.items():
        pattern = rf"{re.escape(str(tile['label']))}\s+{re.escape(tile['value'])}(\s|$)"
        assert re.search(pattern, text), (key, tile["value"])


def test_the_report_pdf_and_xlsx_hold_the_dashboard_figures(
    half_year, client_for, chairman, secretary
):
    tiles = dashboard_tiles(client_for(chairman), 2023, Period.H1)
    assert (tiles["received"]["value"], tiles["on_time_rate"]["value"]) == ("4", "75,0%")
    report = services.report_save(report=PeriodicReport(year=2023, period="h1"), user=secretary)
    services.report_submit(report=report, user=secretary)
    assert_figures_printed(pdf_text(report_pdf(report)), tiles)

    sheet = load_workbook(BytesIO(report_xlsx(report)))["Chỉ số"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["Hồ sơ tiếp nhận"] == 4
    assert values["Tỷ lệ đúng hạn"] == 75.0


def test_the_minutes_hold_the_dashboard_figures(review, client_for, chairman):
    sign_review(review, chairman=chairman)
    review.refresh_from_db()
    tiles = dashboard_tiles(client_for(chairman), 2023, Period.H1)
    assert_figures_printed(pdf_text(review_minutes_pdf(review)), tiles)


def test_the_late_figure_links_to_the_late_dossiers(half_year, client_for, chairman):
    client = client_for(chairman)
    response = client.get(reverse("qms:dashboard"), {"year": 2023, "period": Period.H1})
    late = next(tile for tile in response.context["tiles"] if tile["key"] == "late")
    listing = client.get(late["url"])
    codes = {row.code for row in listing.context["dossiers"]}
    assert len(codes) == 1
    assert codes == set(
        half_year.procedure.dossiers.filter(outcome="late").values_list("code", flat=True)
    )


def test_the_export_report_command_writes_pdf_and_xlsx(half_year, tmp_path):
    target = tmp_path / "q1.pdf"
    call_command(
        "export_report",
        "--year",
        "2023",
        "--period",
        "q1",
        "--format",
        "pdf",
        "-o",
        target,
        stdout=StringIO(),
    )
    assert "BÁO CÁO" in pdf_text(target.read_bytes())
    target = tmp_path / "q1.xlsx"
    call_command(
        "export_report",
        "--year",
        "2023",
        "--period",
        "q1",
        "--format",
        "xlsx",
        "-o",
        target,
        stdout=StringIO(),
    )
    assert load_workbook(target).sheetnames == ["Chỉ số", "Chi tiết"]
    with pytest.raises(CommandError, match="--period 'q5' không hợp lệ"):
        call_command(
            "export_report", "--year", "2023", "--period", "q5", "--format", "pdf", "-o", target
        )
    with pytest.raises(CommandError, match="--format 'doc' không hợp lệ"):
        call_command(
            "export_report", "--year", "2023", "--period", "q1", "--format", "doc", "-o", target
        )


def test_the_organisation_name_like_a_formula_stays_text_in_the_report(
    half_year, organisation, secretary, client_for
):
    OrganisationIdentity.objects.filter(organisation=organisation).update(name="=1+1")
    services.report_save(
        report=PeriodicReport(year=2023, period=Period.H1, summary="=2+2"), user=secretary
    )
    response = client_for(secretary).get(
        reverse("qms:report_export", args=["reform", 2023, "h1", "xlsx"])
    )
    book = load_workbook(BytesIO(response.content))
    head = book["Chỉ số"]["A1"]
    assert head.value == "=1+1" and head.data_type == "s"
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert "=2+2" in [cell.value for cell in cells]
    assert not [cell for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_report_with_more_rows_than_its_format_holds_is_refused(
    fmt, half_year, secretary, client_for, monkeypatch, tmp_path
):
    monkeypatch.setitem(exports.ROW_CAPS, fmt, 1)  # the 766 groups alone are six rows
    client = client_for(secretary)
    response = client.get(
        reverse("qms:report_export", args=["reform", 2023, "h1", fmt]), follow=True
    )
    assert response.redirect_chain == [
        (reverse("qms:report_detail", args=["reform", 2023, "h1"]), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [
        f"Tệp {fmt.upper()} xuất ra chỉ chứa tối đa 1 dòng, lựa chọn này có nhiều hơn: "
        "hãy chọn khoảng thời gian ngắn hơn hoặc lọc hẹp hơn."
    ]
    target = tmp_path / f"h1.{fmt}"
    with pytest.raises(CommandError, match="tối đa 1 dòng"):
        call_command(
            "export_report", "--year", "2023", "--period", "h1", "--format", fmt, "-o", target
        )
    assert not target.exists()


@pytest.fixture
def review(half_year, secretary, chairman):
    return services.review_save(
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


def test_review_inputs_cover_every_input_of_clause_9_3_2(review):
    titles = [
        section.title for section in review_inputs.sections(review, review_inputs.inputs_of(review))
    ]
    assert [title.split(")")[0] for title in titles] == [
        "a", "b", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "d", "e", "f"
    ]  # fmt: skip
    inputs = review_inputs.inputs_of(review)
    assert inputs["kpi"]["received"] == 4
    assert inputs["complaints"] == {"received": 0, "answered": 0}


def test_review_inputs_are_frozen_when_the_chairman_signs(review, half_year, chairman, secretary):
    services.review_output_add(
        output=ReviewOutput(
            review=review,
            kind=ReviewOutput.Kind.RESOURCES,
            decision="Mua máy quét",
            owner=secretary,
            due_date=date(2023, 9, 30),
        ),
        user=secretary,
    )
    sign_review(review, chairman=chairman)
    review.refresh_from_db()
    signature = review.approval
    assert signature.content_sha256 == content_hash(review.signed_content())
    assert review.inputs["kpi"]["received"] == 4

    # a dossier of the period entered afterwards changes the records, not the review
    dossier(half_year, date(2023, 2, 1), date(2023, 2, 6))
    assert kpi.measure(Scope(date(2023, 1, 1), date(2023, 6, 30)))["received"] == 5
    assert review_inputs.inputs_of(review)["kpi"]["received"] == 4
    text = pdf_text(review_minutes_pdf(review))
    assert "Hồ sơ tiếp nhận" in text and signature.content_sha256 in "".join(text.split())


def test_a_signed_review_is_read_only(review, chairman, secretary, client_for):
    output = services.review_output_add(
        output=ReviewOutput(
            review=review,
            kind=ReviewOutput.Kind.IMPROVEMENT,
            decision="Mở rộng nộp trực tuyến",
            owner=secretary,
            due_date=date(2023, 12, 31),
        ),
        user=secretary,
    )
    sign_review(review, chairman=chairman)
    review.refresh_from_db()

    review.resources = "Đã đủ"
    with pytest.raises(SignedRecordError):
        review.save()
    with pytest.raises(SignedRecordError):
        ManagementReview.objects.filter(pk=review.pk).update(resources="Đã đủ")
    with pytest.raises(SignedRecordError):
        review.delete()
    output.decision = "Quyết định khác"
    with pytest.raises(SignedRecordError):
        output.save()
    with pytest.raises(SignedRecordError):
        services.review_output_add(
            output=ReviewOutput(review=review, kind="change", decision="Thêm sau khi ký"),
            user=secretary,
        )
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        services.review_sign(
            review=review,
            user=chairman,
            password=PASSWORD,
            seen_sha256=page_sha256(review),
        )

    # the follow-up of an action is not part of what was signed
    output.refresh_from_db()
    services.review_output_done(
        output=output, user=secretary, done_on=date(2023, 11, 1), result="Đã làm"
    )
    assert review.approval.matches()

    response = client_for(secretary).get(reverse("qms:review_update", args=[review.pk]))
    assert response.status_code == 302
    page = client_for(secretary).get(reverse("qms:review_detail", args=[review.pk]))
    assert b"review-signed" in page.content
    assert reverse("qms:review_output_add", args=[review.pk]).encode() not in page.content


def test_only_the_chairman_approves_a_review_with_their_password(review, personas):
    services.review_sign(  # the secretary's signature comes first
        review=review, user=review.secretary, password=PASSWORD, seen_sha256=page_sha256(review)
    )
    for role in (Role.VICE_CHAIRMAN, Role.ISO_SECRETARY, Role.VIEWER):
        with pytest.raises(ValidationError, match="Chủ tịch"):
            services.review_sign(
                review=review,
                user=personas[role],
                password=PASSWORD,
                seen_sha256=page_sha256(review),
            )
    with pytest.raises(ValidationError, match="Mật khẩu"):
        services.review_sign(
            review=review,
            user=personas[Role.CHAIRMAN],
            password="sai",
            seen_sha256=page_sha256(review),
        )
    review.refresh_from_db()
    assert review.approval is None and review.signatures.count() == 1


def test_the_next_review_sees_the_actions_of_the_previous_one(review, chairman, secretary):
    services.review_output_add(
        output=ReviewOutput(
            review=review,
            kind=ReviewOutput.Kind.RESOURCES,
            decision="Mua máy quét",
            owner=secretary,
            due_date=date(2023, 9, 30),
        ),
        user=secretary,
    )
    sign_review(review, chairman=chairman)
    following = services.review_save(
        review=ManagementReview(
            held_on=date(2024, 1, 10),
            period_start=date(2023, 7, 1),
            period_end=date(2023, 12, 31),
            chair=chairman,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )
    previous = review_inputs.inputs_of(following)["previous_actions"]
    assert [(row["decision"], row["done_on"]) for row in previous] == [("Mua máy quét", None)]
    assert review_inputs.sections(following, review_inputs.inputs_of(following))[0].rows[0][-1] == (
        "Chưa thực hiện"
    )


def test_an_action_needs_an_owner_and_a_due_date_together(review, secretary):
    with pytest.raises(ValidationError, match="người thực hiện và thời hạn"):
        services.review_output_add(
            output=ReviewOutput(
                review=review, kind="improvement", decision="Làm gì đó", owner=secretary
            ),
            user=secretary,
        )
    assert not review.outputs.exists()


def test_decisions_of_a_signed_review_cannot_be_added_moved_or_deleted(review, chairman, secretary):
    decision = services.review_output_add(
        output=ReviewOutput(review=review, kind="change", decision="Rà soát quy trình"),
        user=secretary,
    )
    sign_review(review, chairman=chairman)
    draft = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 12, 1),
            period_start=date(2023, 7, 1),
            period_end=date(2023, 11, 30),
            chair=chairman,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )
    loose = services.review_output_add(
        output=ReviewOutput(review=draft, kind="change", decision="Của dự thảo"),
        user=secretary,
    )
    with pytest.raises(SignedRecordError):
        ReviewOutput.objects.bulk_create([ReviewOutput(review=review, kind="change", decision="x")])
    loose.review = review  # moved into the signed review
    with pytest.raises(SignedRecordError):
        loose.save()
    decision.review = draft  # moved out of it
    with pytest.raises(SignedRecordError):
        decision.save()
    decision.refresh_from_db()
    with pytest.raises(SignedRecordError):
        decision.delete()
    with pytest.raises(SignedRecordError):
        ReviewOutput.objects.filter(review=review).update(decision="y")
    review.refresh_from_db()
    assert review.approval.matches()
    assert list(review.outputs.values_list("decision", flat=True)) == ["Rà soát quy trình"]


def test_a_submitted_report_cannot_be_deleted_or_rewritten_in_bulk(half_year, secretary):
    report = services.report_submit(
        report=PeriodicReport(year=2023, period=Period.Q1), user=secretary
    )
    with pytest.raises(ValidationError, match="đã gửi"):
        report.delete()
    with pytest.raises(SignedRecordError):
        PeriodicReport.objects.filter(pk=report.pk).update(summary="Sửa")
    with pytest.raises(SignedRecordError):
        PeriodicReport.objects.all().delete()
    assert PeriodicReport.objects.get(pk=report.pk).summary == ""


def test_a_report_recorded_afterwards_counts_up_to_the_day_it_was_sent(half_year, secretary):
    report = services.report_submit(
        report=PeriodicReport(year=2023, period=Period.Q1),
        user=secretary,
        submitted_on=date(2023, 2, 28),
    )
    assert report.figures["as_of"] == "2023-02-27"  # the day before it was sent
    assert report.figures["kpi"]["received"] == 3  # the dossier of 1 March came later
    with pytest.raises(ValidationError, match="trước khi kỳ báo cáo"):
        services.report_submit(
            report=PeriodicReport(year=2023, period=Period.H1),
            user=secretary,
            submitted_on=date(2022, 12, 31),
        )
    assert not PeriodicReport.objects.filter(period=Period.H1).exists()


@pytest.mark.parametrize(
    "url",
    ["/muc-tieu/0/", "/muc-tieu/99999/", "/bao-cao/1/q1/", "/bao-cao/10000/h1/pdf/",
     "/bao-cao/2023/q5/", "/bao-cao/2023/q1/doc/"],
)  # fmt: skip
def test_pages_of_impossible_years_or_periods_are_not_found(url, client_for, personas):
    assert client_for(personas[Role.VIEWER]).get(url).status_code == 404


def test_a_wrong_dashboard_field_is_shown_and_the_others_are_kept(half_year, client_for, chairman):
    response = client_for(chairman).get(
        reverse("qms:dashboard"), {"year": 2023, "period": "h1", "unit": 999999}
    )
    assert response.context["scope"] == snapshot.period_scope(2023, Period.H1)
    assert response.context["form"].errors["unit"]


def test_a_past_year_objective_not_met_is_missed_on_every_page(
    half_year, client_for, chairman, secretary
):
    objective = Objective.objects.create(
        year=2023, title="100% đúng hạn", measure="on_time_rate", comparison="gte", target=100
    )
    signing.chairman_approve(
        record=objective,
        user=chairman,
        password=PASSWORD,
        seen_sha256=page_sha256(objective),
    )
    client = client_for(chairman)
    page = client.get(reverse("qms:objectives", args=[2023]))
    assert [row[2] for row in page.context["rows"]] == ["missed"]
    dashboard = client.get(reverse("qms:dashboard"), {"year": 2023})
    assert [row["status"] for row in dashboard.context["data"]["objectives"]] == ["missed"]
    during = client.get(reverse("qms:dashboard"), {"year": 2023, "period": "h1"})
    assert [row["status"] for row in during.context["data"]["objectives"]] == ["at_risk"]


def test_who_may_prepare_follow_up_and_sign_reviews_and_reports(review, personas, client_for):
    viewer, secretary = personas[Role.VIEWER], personas[Role.ISO_SECRETARY]
    forbidden = [
        (reverse("qms:review_create"), {}),
        (reverse("qms:review_output_add", args=[review.pk]), {"kind": "change"}),
        (reverse("qms:report_detail", args=["reform", 2023, "q1"]), {"summary": "x", "submit": ""}),
    ]
    for url, data in forbidden:
        assert client_for(viewer).post(url, data).status_code == 403, url
    assert not PeriodicReport.objects.exists() and not review.outputs.exists()

    output = services.review_output_add(
        output=ReviewOutput(
            review=review,
            kind="resources",
            decision="Mua máy quét",
            owner=secretary,
            due_date=date(2023, 9, 30),
        ),
        user=secretary,
    )
    for role in (Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.ISO_SECRETARY):  # the secretary
        client_for(personas[role]).post(
            reverse("qms:review_sign", args=[review.pk]),
            {"password": PASSWORD, "seen_sha256": page_sha256(review)},
        )
    review.refresh_from_db()
    assert review.approval is None and review.secretary_signature.signer == secretary
    client_for(personas[Role.CHAIRMAN]).post(
        reverse("qms:review_sign", args=[review.pk]),
        {"password": PASSWORD, "seen_sha256": page_sha256(review)},
    )
    assert review.approval.signer == personas[Role.CHAIRMAN]

    done = reverse("qms:review_output_done", args=[output.pk])
    payload = {"done_on": "01/09/2023", "result": "Đã mua"}
    assert client_for(personas[Role.OFFICER]).post(done, payload).status_code == 403
    assert client_for(secretary).post(done, payload).status_code == 302
    output.refresh_from_db()
    assert output.done_on == date(2023, 9, 1)


def test_the_admin_edits_a_review_being_prepared_and_only_shows_a_signed_one(
    review, chairman, secretary, client_for
):
    client = client_for(secretary)
    change = reverse("admin:qms_managementreview_change", args=[review.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="participants"' in page.content
    sign_review(review, chairman=chairman)
    page = client.get(change)
    assert page.status_code == 200 and b'name="participants"' not in page.content
    delete = reverse("admin:qms_managementreview_delete", args=[review.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ManagementReview.objects.filter(pk=review.pk).exists()


def test_a_sent_report_prints_its_number_addressee_assessment_and_the_chairman(
    half_year, secretary, chairman
):
    """Rule R17: an administrative-reform report to the superior authority."""
    report = services.report_save(
        report=PeriodicReport(year=2023, period=Period.Q1, summary="Cải cách có chuyển biến"),
        user=secretary,
    )
    services.report_submit(report=report, user=secretary, submitted_on=date(2023, 2, 27))
    identity = Organisation.current().identity_on(date(2023, 2, 27))
    text = " ".join(pdf_text(report_pdf(report)).split())
    assert "Số: 1/2023/BC-UBND" in text
    assert f"Kính gửi: {identity.superior} (qua Phòng Nội vụ)" in text
    assert f"{identity.place_name}, ngày 27 tháng 02 năm 2023" in text
    assert "Cải cách có chuyển biến" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "CHỦ TỊCH" in text
    assert chairman.get_full_name() in text
    assert "Nơi nhận:" in text
    assert "Hạn gửi báo cáo: 01/03/2023" in text

    second = services.report_submit(
        report=PeriodicReport(year=2023, period=Period.H1),
        user=secretary,
        submitted_on=date(2023, 6, 1),
    )
    assert str(second.number) == "2/2023/BC-UBND"


def test_a_report_window_set_by_hand_changes_its_figures(half_year, secretary):
    report = services.report_submit(
        report=PeriodicReport(year=2023, period=Period.H1, window_start=date(2023, 3, 1)),
        user=secretary,
        submitted_on=date(2023, 6, 1),
    )
    assert report.figures["kpi"]["received"] == 1  # only the dossier of 1 March
    assert (report.figures["start"], report.figures["end"]) == ("2023-03-01", "2023-05-31")
    with pytest.raises(ValidationError, match="ngày gửi"):
        services.report_submit(
            report=PeriodicReport(
                year=2023, period=Period.NINE_MONTHS, window_end=date(2023, 9, 30)
            ),
            user=secretary,
            submitted_on=date(2023, 9, 1),
        )
