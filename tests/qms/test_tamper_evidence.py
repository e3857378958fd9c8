"""Tamper evidence: every signature's SHA-256 is recomputed by `verify_signatures`,
which names any record changed behind the application's back."""

from datetime import date
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audits import services as audit_services
from procedures import dossier_services
from procedures import services as procedure_services
from procedures.models import Dossier, Procedure, ProcedureRevision
from qms import signing
from qms.history import (
    HistoryDeletionError,
    freeze_history_tables,
    history_models,
    thaw_history_tables,
)
from qms.models import ManagementReview, Objective
from qms.oversight import services
from qms.roles import Role
from qms.signatures import file_sha256
from tests.factories import PASSWORD, issue_revision, page_sha256, sign_review


def verify() -> str:
    out = StringIO()
    call_command("verify_signatures", stdout=out)
    return out.getvalue()


def tampered(sql: str, params: list) -> str:
    """Run `sql` directly (no model, no guard), then the check; return its report."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    out = StringIO()
    with pytest.raises(CommandError, match="không còn khớp") as error:
        call_command("verify_signatures", stdout=out)
    return out.getvalue() + str(error.value)


@pytest.fixture
def objective(chairman):
    record = Objective.objects.create(
        year=2023, title="100% đúng hạn", measure="on_time_rate", comparison="gte", target=100
    )
    return signing.chairman_approve(
        record=record, user=chairman, password=PASSWORD, seen_sha256=page_sha256(record)
    )


def test_untouched_records_all_match(objective, effective):
    assert "tất cả khớp" in verify()


def test_a_changed_objective_is_reported(objective):
    report = tampered("UPDATE qms_objective SET target = 90 WHERE id = %s", [objective.pk])
    assert f"mục tiêu chất lượng {objective.title}" in report
    assert "1 vấn đề trên 1 chữ ký" in report


def test_a_changed_revision_step_is_reported(effective):
    step = effective.steps.first()
    report = tampered(
        "UPDATE procedures_revisionstep SET name = %s WHERE id = %s", ["Bước khác", step.pk]
    )
    assert effective.procedure.code in report


def test_a_replaced_signed_file_is_reported(procedure, secretary, chairman):
    submitted = issue_revision(procedure, secretary=secretary)
    submitted.attachment.save("qt.pdf", ContentFile(b"%PDF-1.4 ban goc"), save=False)
    submitted.attachment_sha256 = file_sha256(submitted.attachment.open("rb"))
    submitted.save()
    procedure_services.revision_approve(
        revision=submitted,
        seen_sha256=page_sha256(submitted),
        user=chairman,
        password=PASSWORD,
        decision_number="1/QĐ-UBND",
        decision_date=date(2023, 1, 1),
        effective_from=date(2023, 1, 1),
    )
    assert "tất cả khớp" in verify()
    path = ProcedureRevision.objects.get(pk=submitted.pk).attachment.path
    with open(path, "wb") as file:
        file.write(b"%PDF-1.4 da bi sua")
    report = tampered("SELECT 1", [])
    assert f"tệp {ProcedureRevision.objects.get(pk=submitted.pk).attachment.name}" in report
    assert "đã bị thay đổi" in report


def test_a_changed_management_review_is_reported(effective, chairman, secretary):
    review = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 7, 10),
            period_start=date(2023, 1, 1),
            period_end=date(2023, 6, 30),
            chair=chairman,
            secretary=secretary,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )
    sign_review(review, chairman=chairman)
    report = tampered(
        "UPDATE qms_managementreview SET participants = %s WHERE id = %s", ["Người khác", review.pk]
    )
    assert "xem xét của lãnh đạo" in report.lower()


def test_a_changed_audit_finding_is_reported(started, lead):
    item = started.items.first()
    audit_services.checklist_answer(
        item=item,
        user=lead,
        result="minor",
        evidence="Thiếu chữ ký",
        requirement="Quy trình nội bộ, bước chuyển hồ sơ",
        statement="Hồ sơ chuyển không có chữ ký người nhận",
    )
    for other in started.items.exclude(pk=item.pk):
        audit_services.checklist_answer(
            item=other, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    audit_services.report_save(
        audit=started, user=lead, summary="Tóm tắt", conclusion="HTQLCL phù hợp và hiệu lực"
    )
    audit_services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )
    finding = started.findings.get()
    report = tampered(
        "UPDATE audits_finding SET description = %s WHERE id = %s", ["Không có gì", finding.pk]
    )
    assert started.code in report


def test_history_rows_are_never_deleted(effective, personas):
    dossier = dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lịch Sử",
        channel="direct",
    )
    rows = Dossier.history.filter(id=dossier.pk)
    count = rows.count()
    assert count >= 1
    for attempt in (
        lambda: rows.first().delete(),
        rows.delete,
        ProcedureRevision.history.all().delete,
    ):
        with pytest.raises(HistoryDeletionError), transaction.atomic():
            attempt()
    assert rows.count() == count


def test_a_deleted_signature_is_reported(effective, objective):
    """A trigger refuses to delete a signature; whoever owns the database and drops
    it first still cannot hide the deletion: whatever was signed says so itself, a
    revision by its status, an approved record (objective, programme, review) by the
    time of its approval."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM qms_signature WHERE id = %s", [effective.approval.pk])
    thaw_history_tables(None)
    try:
        for record in (effective, objective):
            report = tampered("DELETE FROM qms_signature WHERE id = %s", [record.approval.pk])
            assert f"{record}: trạng thái đã ký nhưng mất chữ ký" in report
    finally:
        freeze_history_tables(None)


def test_history_rows_are_never_changed(effective, personas):
    """Every history table has the trigger that refuses UPDATE; where there are rows,
    the ORM's update() and raw SQL are both refused."""
    dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lịch Sử",
        channel="direct",
    )
    if connection.vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with connection.cursor() as cursor:
        triggers = {name for (name,) in cursor.execute(query).fetchall()}
    tables = {model._meta.db_table for model in history_models()}
    assert len(tables) >= 20 and {f"{table}_frozen" for table in tables} <= triggers

    for model in (Dossier.history.model, Procedure.history.model, ProcedureRevision.history.model):
        assert model.objects.exists()
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.update(history_change_reason="sửa lén")
        table = connection.ops.quote_name(model._meta.db_table)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET history_change_reason = 'sửa lén'")


def test_accounts_are_deactivated_never_deleted(personas, client_for):
    """Deleting a user would rewrite the history rows naming them (SET_NULL)."""
    officer = personas[Role.OFFICER]
    admin = client_for(personas[Role.ISO_SECRETARY])
    assert admin.get(reverse("admin:qms_user_change", args=[officer.pk])).status_code == 200
    assert admin.get(reverse("admin:qms_user_delete", args=[officer.pk])).status_code == 403
