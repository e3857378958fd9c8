import pytest

from qms.roles import Role
from tests.factories import ProcedureFactory, UnitFactory, issue_revision


@pytest.fixture
def units(personas):
    UnitFactory(code="VH-XH")
    from qms.models import Unit

    return Unit.objects.in_bulk(field_name="code")


@pytest.fixture
def secretary(personas):
    return personas[Role.ISO_SECRETARY]


@pytest.fixture
def chairman(personas):
    return personas[Role.CHAIRMAN]


@pytest.fixture
def procedure(units):
    return ProcedureFactory(code="QT-TP-05", name="Cấp Giấy xác nhận tình trạng hôn nhân")


@pytest.fixture
def effective(procedure, secretary, chairman):
    """Revision 1 of `procedure`, in force since 01/01/2023."""
    return issue_revision(procedure, secretary=secretary, approver=chairman)
