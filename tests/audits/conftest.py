from datetime import date

import pytest

from audits import services
from audits.models import Audit, Clause
from qms.roles import Role
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def lead(personas):
    return personas[Role.AUDITOR]  # unit VH-XH


@pytest.fixture
def colleague(db):
    return UserFactory(full_name="Đỗ Thị Kiểm", role="auditor", unit=UnitFactory(code="TC-KT"))


@pytest.fixture
def audit(personas, lead, colleague):
    """A planned audit of TP-HT on clauses 7.5.3 and 8.5.1."""
    audit = Audit(
        code="ĐGNB-2023-01",
        title="Đánh giá nội bộ Tư pháp - Hộ tịch",
        year=2023,
        planned_start=date(2023, 6, 5),
        planned_end=date(2023, 6, 6),
        lead_auditor=lead,
        criteria="TCVN ISO 9001:2015; quy trình QT-TP-05",
    )
    return services.audit_save(
        audit=audit,
        units=[UnitFactory(code="TP-HT")],
        procedures=[],
        clauses=list(Clause.objects.filter(number__in=["7.5.3", "8.5.1"])),
        team=[colleague],
        user=personas[Role.ISO_SECRETARY],
        reason="Chương trình 2023",
    )


@pytest.fixture
def started(audit, lead):
    return services.audit_start(audit=audit, user=lead)


@pytest.fixture
def effective_dossier(effective, personas):
    from procedures import services as procedure_services

    return procedure_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lâm Văn Mẫu",
        channel="direct",
    )
