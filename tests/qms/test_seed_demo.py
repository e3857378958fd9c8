"""`seed_demo` loads the organisation, its units and one user per role, idempotently."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Apology, Dossier, Procedure, ProcedureRevision, SupplementRequest
from qms.management.commands.seed_demo import DEMO_PASSWORD, USERS
from qms.models import Organisation, Unit, User
from qms.roles import Role


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_is_complete_and_idempotent(db, settings):
    settings.DEBUG = True
    first = seed()
    assert "hồ sơ năm 2023: 0" in seed()  # nothing added the second time
    assert Organisation.objects.count() == 1
    organisation = Organisation.current()
    assert organisation.name == "Ủy ban nhân dân phường An Dương"
    assert "Lê Chân" in organisation.superior
    assert set(Unit.objects.values_list("code", flat=True)) == {
        "VP-TK",
        "TP-HT",
        "ĐC-XD",
        "VH-XH",
        "TC-KT",
        "BP-MC",
    }
    assert Unit.objects.get(is_one_stop_desk=True).code == "BP-MC"
    assert User.objects.count() == len(USERS)
    assert {role for *_rest, role in USERS} == set(Role)
    for username, *_rest, role in USERS:
        user = User.objects.get(username=username)
        assert user.roles == {role}
        assert user.check_password(DEMO_PASSWORD)
        assert f"{username:<12} {DEMO_PASSWORD}" in first
        assert str(role.label) in first

    procedures = Procedure.objects.all()
    assert procedures.count() >= 10
    assert {p.field for p in procedures} >= {
        "civil_status",
        "certification",
        "land_construction",
        "culture_society",
    }
    assert procedures.controlled().count() == procedures.count()
    superseded = ProcedureRevision.objects.filter(status="superseded").get()
    assert superseded.procedure.revisions.effective().get().number == 2
    for revision in ProcedureRevision.objects.all():
        assert revision.approval.matches()
        revision.check_step_total(revision.step_total())

    year = Dossier.objects.filter(received_on__year=2023)
    total = year.count()
    assert 2000 < total < 5000
    late = year.filter(outcome="late").count()
    assert 0 < late < total * 0.05
    assert 0.5 < year.filter(digitised=True).count() / total < 0.75
    assert SupplementRequest.objects.exists() and Apology.objects.exists()
    assert not year.filter(due_date__isnull=True).exists()
    assert Dossier.objects.open().count() == 12


def test_seed_demo_refuses_production_mode(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        seed()
    assert not User.objects.exists()
