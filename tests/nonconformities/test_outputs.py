"""Rule R15: a late dossier is a nonconforming output (8.7), corrected and closed on
its own; a corrective action (10.2) opens from a pattern or the ISO secretary's
escalation, and the KPIs count both kinds apart."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from nonconformities import services
from nonconformities.models import Nonconformity
from procedures import dossier_services
from qms.oversight.kpi import Scope, compute
from qms.roles import Role
from tests.procedures.test_dossiers import at, receive

Kind, Stage = Nonconformity.Kind, Nonconformity.Stage


def late(procedure, officer, received: str, completed: date) -> Nonconformity | None:
    """A dossier received at `received` and recorded completed late on `completed`."""
    dossier = receive(procedure, officer, received)
    dossier.outcome, dossier.completed_on = "late", completed
    return services.nc_from_late_dossier(dossier=dossier, user=officer)


def test_a_single_late_dossier_is_an_output_that_closes_when_its_result_is_delivered(
    effective, personas
):
    officer, specialist = personas[Role.OFFICER], personas[Role.SPECIALIST]
    dossier = receive(effective.procedure, officer, "2023-03-02 09:00")  # due 07/03
    with time_machine.travel(at("2023-03-03 09:00"), tick=False):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
    with time_machine.travel(at("2023-03-09 09:00"), tick=False):
        dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    output = Nonconformity.objects.get()
    assert (output.kind, output.stage, output.clause) == (Kind.OUTPUT, Stage.DRAFT, "8.7")
    assert output.dossier == dossier and output.corrective_action is None
    assert services.what_is_missing(output) == "Tự đóng khi kết quả được trả cho công dân."
    with pytest.raises(ValidationError, match="là đầu ra không phù hợp"):
        services.nc_analyse(nc=output, user=personas[Role.ISO_SECRETARY], root_cause="Vì sao")
    with time_machine.travel(at("2023-03-10 10:00"), tick=False):
        dossier_services.dossier_return(dossier=dossier, user=officer)
    output.refresh_from_db()
    assert (output.stage, output.verified_on, output.verified_by) == (
        Stage.CLOSED,
        date(2023, 3, 10),
        officer,
    )
    assert "Đã trả kết quả cho công dân ngày 10/03/2023." in output.correction
    assert not output.actions.exists() and output.root_cause == ""
    assert not Nonconformity.objects.corrective().exists()
    figures = compute(Scope(date(2023, 3, 1), date(2023, 3, 31), as_of=date(2023, 3, 31)))
    assert (figures["nc_outputs"], figures["nc_outputs_open"], figures["nc_open"]) == (1, 0, 0)
    on_the_9th = compute(Scope(date(2023, 3, 1), date(2023, 3, 9), as_of=date(2023, 3, 9)))
    assert (on_the_9th["nc_outputs"], on_the_9th["nc_outputs_open"]) == (1, 1)


def test_two_late_in_a_month_open_one_corrective_action_linking_both(effective, personas):
    officer = personas[Role.OFFICER]
    first = late(effective.procedure, officer, "2023-03-02 09:00", date(2023, 3, 9))
    assert not Nonconformity.objects.corrective().exists()
    second = late(effective.procedure, officer, "2023-03-02 10:00", date(2023, 3, 20))
    case = Nonconformity.objects.corrective().get()
    assert (case.source, case.clause, case.stage) == ("late_pattern", "10.2", Stage.DRAFT)
    assert case.procedure == effective.procedure and case.found_on == date(2023, 3, 20)
    assert (
        case.description
        == f"2 hồ sơ của thủ tục {effective.procedure.code} hoàn thành trễ hạn trong tháng 03/2023."
    )
    assert set(case.outputs.all()) == {first, second}
    third = late(effective.procedure, officer, "2023-03-02 11:00", date(2023, 3, 27))
    assert Nonconformity.objects.corrective().count() == 1  # no second case from the same pair
    assert third.corrective_action is None
    figures = compute(Scope(date(2023, 3, 1), date(2023, 3, 31), as_of=date(2023, 3, 31)))
    assert (figures["nc_open"], figures["nc_outputs"], figures["nc_outputs_open"]) == (1, 3, 3)


def test_late_dossiers_of_other_months_or_procedures_form_no_monthly_pattern(effective, personas):
    officer = personas[Role.OFFICER]
    late(effective.procedure, officer, "2023-03-02 09:00", date(2023, 3, 30))
    late(effective.procedure, officer, "2023-03-02 10:00", date(2023, 4, 3))  # next quarter
    assert not Nonconformity.objects.corrective().exists()


def test_three_late_in_a_quarter_open_one_corrective_action(effective, personas):
    officer = personas[Role.OFFICER]
    outputs = [
        late(effective.procedure, officer, "2023-01-05 09:00", date(2023, 1, 20)),
        late(effective.procedure, officer, "2023-02-01 09:00", date(2023, 2, 15)),
    ]
    assert not Nonconformity.objects.corrective().exists()
    outputs.append(late(effective.procedure, officer, "2023-03-01 09:00", date(2023, 3, 15)))
    case = Nonconformity.objects.corrective().get()
    assert "trong quý 1/2023" in case.description
    assert sorted(case.outputs.values_list("pk", flat=True)) == sorted(o.pk for o in outputs)


def test_the_iso_secretary_escalates_an_output_with_a_reason(effective, personas, client_for):
    secretary, officer = personas[Role.ISO_SECRETARY], personas[Role.OFFICER]
    output = late(effective.procedure, officer, "2023-03-02 09:00", date(2023, 3, 9))
    with pytest.raises(ValidationError, match="Chỉ thư ký ISO"):
        services.nc_escalate(nc=output, user=officer, reason="Lặp lại")
    with pytest.raises(ValidationError, match="lý do"):
        services.nc_escalate(nc=output, user=secretary, reason=" ")
    client = client_for(secretary)
    detail = client.get(reverse("nonconformities:detail", args=[output.pk])).content.decode()
    assert 'data-testid="escalate"' in detail
    client.post(
        reverse("nonconformities:step", args=[output.pk, "escalate"]),
        {"escalate-text": "Công dân phải đi lại nhiều lần"},
    )
    case = Nonconformity.objects.corrective().get()
    output.refresh_from_db()
    assert output.corrective_action == case
    assert (case.source, case.description) == ("escalation", "Công dân phải đi lại nhiều lần")
    assert (
        output.history.first().history_change_reason == f"Đưa vào hành động khắc phục {case.code}"
    )
    with pytest.raises(
        ValidationError, match=f"đã được xử lý trong hành động khắc phục {case.code}"
    ):
        services.nc_escalate(nc=output, user=secretary, reason="Lần nữa")
    with pytest.raises(ValidationError, match="Chỉ đầu ra không phù hợp"):
        services.nc_escalate(nc=case, user=secretary, reason="Lần nữa")
    # the escalated output is in a case: it no longer counts towards a pattern
    late(effective.procedure, officer, "2023-03-02 10:00", date(2023, 3, 20))
    assert Nonconformity.objects.corrective().count() == 1
    services.nc_analyse(nc=case, user=secretary, root_cause="Chưa có hướng dẫn hẹn lại")
    assert Nonconformity.objects.get(pk=case.pk).stage == Stage.ACTION_PLAN


def test_an_outputs_report_and_the_register_export_show_its_kind(organisation, effective, personas):
    import io
    import unicodedata

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from nonconformities.pdf import nonconformity_pdf, register_xlsx

    officer = personas[Role.OFFICER]
    output = late(effective.procedure, officer, "2023-03-02 09:00", date(2023, 3, 9))
    output.stage, output.verified_on = Stage.CLOSED, date(2023, 3, 10)  # closed with no one named
    output.save()
    pages = PdfReader(io.BytesIO(nonconformity_pdf(output))).pages
    text = unicodedata.normalize("NFC", "".join(page.extract_text() for page in pages))
    assert "Đầu ra không phù hợp (8.7)" in text and "khắc phục từng trường hợp" in text
    assert "Nguyên nhân gốc" not in text
    rows = list(
        load_workbook(io.BytesIO(register_xlsx(Nonconformity.objects.all()))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[2][:2] == ("Mã", "Loại") and rows[3][:2] == (
        output.code,
        "Đầu ra không phù hợp (8.7)",
    )
