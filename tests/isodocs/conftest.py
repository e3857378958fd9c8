from datetime import date

import pytest

from isodocs import services
from isodocs.models import ExternalDocument, QualityPolicy, QualityScope
from procedures.models import Procedure
from tests.factories import PASSWORD, ProcedureFactory, issue_revision, page_sha256


@pytest.fixture
def in_scope(effective, secretary, chairman):
    """Three procedures in the ISO scope (in use, a revision in force), and two that
    are not: one with a draft only, one in force but no longer in use."""
    for code, name in (
        ("QT-TP-01", "Đăng ký khai sinh"),
        ("QT-CT-01", "Chứng thực bản sao từ bản chính"),
    ):
        issue_revision(
            ProcedureFactory(code=code, name=name), secretary=secretary, approver=chairman
        )
    issue_revision(ProcedureFactory(code="QT-VX-01", name="Trợ cấp xã hội"), secretary=secretary)
    retired = ProcedureFactory(code="QT-ĐC-09", name="Thủ tục đã bãi bỏ")
    issue_revision(retired, secretary=secretary, approver=chairman)
    Procedure.objects.filter(pk=retired.pk).update(in_use=False)
    return list(Procedure.objects.filter(code__in=["QT-CT-01", "QT-TP-01", "QT-TP-05"]))


def document(number: str, **fields) -> ExternalDocument:
    return ExternalDocument(
        kind=fields.pop("kind", ExternalDocument.Kind.DECREE),
        number=number,
        title=fields.pop("title", f"Nghị định {number}"),
        issuer=fields.pop("issuer", "Chính phủ"),
        issued_on=fields.pop("issued_on", date(2018, 4, 23)),
        effective_from=fields.pop("effective_from", date(2018, 6, 21)),
        **fields,
    )


def approve(record, chairman):
    services.version_approve(
        record=record, user=chairman, password=PASSWORD, seen_sha256=page_sha256(record)
    )
    record.refresh_from_db()
    return record


@pytest.fixture
def approved_scope(in_scope, secretary, chairman) -> QualityScope:
    scope = services.scope_save(
        scope=QualityScope(
            activities="Tiếp nhận và giải quyết thủ tục hành chính tại Bộ phận Một cửa",
            effective_from=date(2023, 2, 1),
        ),
        exclusions=[("8.3", "Phường không thiết kế, phát triển dịch vụ")],
        user=secretary,
    )
    return approve(scope, chairman)


@pytest.fixture
def approved_policy(secretary, chairman) -> QualityPolicy:
    policy = services.policy_save(
        policy=QualityPolicy(
            text="Công khai, minh bạch, đúng hạn, hài lòng", effective_from=date(2023, 2, 1)
        ),
        user=secretary,
    )
    return approve(policy, chairman)
