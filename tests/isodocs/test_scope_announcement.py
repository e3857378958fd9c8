"""The policy and the scope are versioned and signed by the chairman; the scope lists
the procedures ISO coverage counts; the announcement of conformity is generated from
the scope in force, signed and numbered, and due again when the scope changes."""

import re
import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.timezone import localdate

from isodocs import overview, services
from isodocs.models import Announcement, QualityPolicy, QualityScope
from procedures.models import Procedure
from qms.dates import date_words
from qms.oversight import kpi
from qms.roles import Role
from qms.signatures import SignedRecordError
from tests.factories import PASSWORD, ProcedureFactory, issue_revision, page_sha256
from tests.isodocs.conftest import approve


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def words(text: str) -> str:
    return " ".join(text.split())


def sign_announcement(chairman) -> Announcement:
    draft = services.announcement_draft(user=chairman)
    services.announcement_sign(
        announcement=draft, user=chairman, password=PASSWORD, seen_sha256=page_sha256(draft)
    )
    draft.refresh_from_db()
    return draft


def test_the_scope_lists_the_procedures_iso_coverage_counts(approved_scope):
    today = localdate()
    expected = [[p.code, p.name] for p in Procedure.objects.in_iso_scope(today).order_by("code")]
    assert approved_scope.procedures == expected
    assert [code for code, _ in expected] == ["QT-CT-01", "QT-TP-01", "QT-TP-05"]
    figures = kpi.measure(kpi.Scope(date(today.year, 1, 1), today))
    assert figures["procedures_controlled"] == len(approved_scope.procedures)
    assert [row.clause for row in approved_scope.exclusions.all()] == ["8.3"]


def test_signed_versions_never_change_and_a_second_draft_is_refused(
    approved_policy, approved_scope, secretary
):
    approved_policy.text = "Khác"
    with pytest.raises(SignedRecordError):
        approved_policy.save()
    with pytest.raises(SignedRecordError):
        approved_scope.exclusions.update(justification="Khác")
    services.policy_save(
        policy=QualityPolicy(text="Bản 2", effective_from=date(2024, 1, 1)), user=secretary
    )
    with pytest.raises(ValidationError, match="đang chờ"):
        services.policy_save(
            policy=QualityPolicy(text="Bản 3", effective_from=date(2024, 1, 1)), user=secretary
        )
    assert QualityPolicy.in_force_on(date(2023, 6, 1)).version == 1
    assert QualityPolicy.in_force_on(date(2024, 6, 1)).version == 1  # 2 is not signed


def test_only_the_chairman_approves(in_scope, secretary, personas):
    policy = services.policy_save(
        policy=QualityPolicy(text="Chính sách", effective_from=date(2023, 2, 1)), user=secretary
    )
    with pytest.raises(ValidationError, match="Chỉ"):
        services.version_approve(
            record=policy,
            user=personas[Role.VICE_CHAIRMAN],
            password=PASSWORD,
            seen_sha256=page_sha256(policy),
        )
    assert not QualityPolicy.objects.approved().exists()


def test_the_announcement_lists_the_procedures_in_scope(approved_scope, chairman):
    announcement = sign_announcement(chairman)
    in_scope = [
        [p.code, p.name] for p in Procedure.objects.in_iso_scope(localdate()).order_by("code")
    ]
    assert announcement.scope.procedures == in_scope
    assert announcement.signed_content()["scope"]["procedures"] == in_scope
    assert announcement.issued_on == localdate()
    assert str(announcement.number) == f"1/{localdate().year}/QĐ-UBND"
    assert announcement.approval.signer == chairman
    assert not services.announcement_due(localdate())


def test_a_scope_change_makes_a_new_scope_and_a_new_announcement_due(
    approved_scope, chairman, secretary
):
    sign_announcement(chairman)
    issue_revision(ProcedureFactory(code="QT-TP-08", name="Đăng ký kết hôn"), secretary=secretary,
                   approver=chairman)  # fmt: skip
    today = localdate()
    assert services.scope_changed(today) and services.announcement_due(today)
    with pytest.raises(ValidationError, match="phiên bản mới của phạm vi"):
        services.announcement_draft(user=secretary)
    rows = [row for section in overview.sections(today) for row in section["rows"]]
    due = {row["label"] for row in rows if row["state"] == "due"}
    assert "Quy trình thuộc phạm vi đã thay đổi: cần phê duyệt phiên bản phạm vi mới" in due
    assert "Cần công bố lại: phạm vi đã thay đổi" in due

    scope = services.scope_save(
        scope=QualityScope(activities="Như cũ", effective_from=today),
        exclusions=[("8.3", "Không thiết kế")],
        user=secretary,
    )
    approve(scope, chairman)
    assert not services.scope_changed(today)
    second = sign_announcement(chairman)
    assert "QT-TP-08" in second.scope.procedure_codes
    assert str(second.number) == f"2/{today.year}/QĐ-UBND"


def test_a_bad_exclusion_line_is_refused_naming_the_line(in_scope, personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    response = client.post(
        reverse("isodocs:scope_save"),
        {
            "activities": "Giải quyết TTHC",
            "effective_from": "01/02/2023",
            "exclusions": "8.3: Không thiết kế\nthiếu điều khoản",
        },
    )
    assert response.status_code == 200
    errors = response.context["blocks"][1]["form"].errors
    assert errors["exclusions"][0].startswith("Dòng 2:")
    assert not QualityScope.objects.exists()
    assert "thiếu điều khoản" in response.content.decode()


def test_the_announcement_pdf_in_decree_30_format(approved_scope, chairman):
    announcement = sign_announcement(chairman)
    text = pdf_text(reverse_pdf(announcement, chairman))
    flat = words(text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert f"Số: {announcement.number}" in flat
    assert f"An Dương, {date_words(announcement.issued_on)}" in flat
    assert "QUYẾT ĐỊNH" in flat and "TCVN ISO 9001:2015" in flat
    assert "TM. ỦY BAN NHÂN DÂN" in flat and chairman.get_full_name() in flat
    assert "8.3" in flat
    for code, name in approved_scope.procedures:
        assert re.search(rf"{re.escape(code)}\s+{re.escape(name)}", text), code
    assert "DỰ THẢO" not in flat


def test_the_announcement_is_signed_by_the_chairman_then_sealed(
    approved_scope, chairman, organisation, tmp_path
):
    """Issued by the body (issue 22): pdfsig, an implementation of its own, finds the
    chairman's signature and the organisation's seal valid."""
    path = tmp_path / "announcement.pdf"
    path.write_bytes(reverse_pdf(sign_announcement(chairman), chairman))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2, out
    assert f"Signer Certificate Common Name: {chairman.get_full_name()}" in out
    name = organisation.identities.order_by("valid_from").last().name
    assert f"Signer Certificate Common Name: {name}" in out


def reverse_pdf(announcement, user) -> bytes:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("isodocs:announcement_pdf", args=[announcement.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_a_scope_draft_listing_yesterdays_procedures_is_not_signed(in_scope, secretary, chairman):
    scope = services.scope_save(
        scope=QualityScope(activities="Giải quyết TTHC", effective_from=localdate()),
        exclusions=[],
        user=secretary,
    )
    issue_revision(ProcedureFactory(code="QT-TP-09", name="Đăng ký giám hộ"), secretary=secretary,
                   approver=chairman)  # fmt: skip
    with pytest.raises(ValidationError, match="lưu lại dự thảo"):
        approve(scope, chairman)
    services.scope_save(scope=scope, exclusions=[], user=secretary)
    assert "QT-TP-09" in approve(scope, chairman).procedure_codes
