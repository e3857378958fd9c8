import os
from datetime import date
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from audits import services as audit_services
from audits.models import Audit, Clause, Programme
from governance import services as governance_services
from governance.models import DisposalList, RetentionRule, Risk, SteeringDecision
from isodocs import services as iso_services
from isodocs.models import ExternalDocument, QualityPolicy, QualityScope
from nonconformities import services as nc_services
from nonconformities.models import Action, Nonconformity
from procedures import dossier_services
from procedures import services as procedure_services
from procedures.models import ImportJob
from public.tokens import token_for
from qms.models import (
    CalendarDay,
    ManagementReview,
    Objective,
    OrganisationIdentity,
    PeriodicReport,
    ReviewOutput,
    Unit,
)
from qms.oversight import services
from qms.roles import Role
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    ProcedureFactory,
    UnitFactory,
    UserFactory,
    approve_plan,
    issue_revision,
    page_sha256,
)

# Where each persona works: the one-stop desk, a specialist unit, or the leadership.
PERSONA_UNITS = {
    Role.OFFICER: "BP-MC",
    Role.SPECIALIST: "TP-HT",
    Role.ISO_SECRETARY: "VP-TK",
    Role.AUDITOR: "VH-XH",
    Role.VICE_CHAIRMAN: None,
    Role.CHAIRMAN: None,
    Role.VIEWER: None,
}


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def make_persona(db, organisation):
    def make(role: Role, **kwargs):
        unit_code = PERSONA_UNITS[role]
        return UserFactory(
            username=role.value,
            role=role.value,
            unit=UnitFactory(code=unit_code, is_one_stop_desk=unit_code == "BP-MC")
            if unit_code
            else None,
            is_staff=role == Role.ISO_SECRETARY,
            **kwargs,
        )

    return make


@pytest.fixture
def personas(make_persona) -> dict[Role, object]:
    return {role: make_persona(role) for role in Role}


@pytest.fixture
def client_for():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """MD5 for every password the tests set or check, those of the module-scoped
    `demo` (set up before any test's `settings`) included: PBKDF2's 0.3 s a hash
    was a third of building the demo."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _browser_driver_before_database(request):
    """Start Playwright before the test database when the run has browser tests.

    Playwright's sync API keeps an asyncio loop running in the test thread, which
    makes Django keep database connections per context instead of per thread. Set
    up in that same state, the database and its serialized copy (which restores
    the roles and the calendar after each browser test) are the ones every test sees.
    """
    if any(item.get_closest_marker("e2e") for item in request.session.items):
        request.getfixturevalue("playwright")


def pytest_report_header(config) -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run as they are queued, in the test's transaction: a test
    sees their outcome on its next line (tests/procedures/test_import_jobs.py runs
    the database backend's worker itself)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# -- controlled procedures, used by the procedures and audits tests ---------------------


@pytest.fixture
def units(personas):
    UnitFactory(code="VH-XH")
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


# -- audits, used by the audits and nonconformities tests -------------------------------


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
    return audit_services.audit_save(
        audit=audit,
        units=[UnitFactory(code="TP-HT")],
        procedures=[],
        clauses=list(Clause.objects.filter(number__in=["7.5.3", "8.5.1"])),
        team=[colleague],
        user=personas[Role.ISO_SECRETARY],
        reason="Chương trình 2023",
    )


@pytest.fixture
def started(audit, lead, personas):
    approve_plan(audit, personas[Role.ISO_SECRETARY])
    return audit_services.audit_start(audit=audit, user=lead)


@pytest.fixture
def effective_dossier(effective, personas):
    from procedures import dossier_services

    return dossier_services.dossier_receive(
        procedure=effective.procedure,
        user=personas[Role.OFFICER],
        applicant_name="Lâm Văn Mẫu",
        channel="direct",
    )


# -- one record of each kind, used by the permission matrix and the bad-input sweep --


@pytest.fixture
def records(personas, effective, audit, secretary, chairman):
    """One record of each kind the URLs point at."""
    officer = personas[Role.OFFICER]
    draft = procedure_services.revision_draft(procedure=effective.procedure, user=secretary)
    draft.attachment.save("qt.pdf", ContentFile(b"%PDF-1.4 ban du thao"), save=True)
    dossier = dossier_services.dossier_receive(
        procedure=effective.procedure, user=officer, applicant_name="Ma Trận", channel="direct"
    )
    late = dossier_services.dossier_receive(
        procedure=effective.procedure, user=officer, applicant_name="Xin Lỗi", channel="direct"
    )
    dossier_services.dossier_apologise(  # a draft waiting for the chairman (form 04)
        dossier=late,
        user=officer,
        reason="Chờ xác minh",
        new_due_date=CalendarDay.objects.calendar().add_working_days(late.due_date, 2),
    )
    nc = nc_services.nc_raise(
        user=officer, source="staff", severity="minor", description="Phiếu thiếu chữ ký"
    )
    nc_services.nc_record_correction(nc=nc, user=secretary, correction="Bổ sung chữ ký")
    nc_services.nc_analyse(nc=nc, user=secretary, root_cause="Chưa có bước kiểm tra")
    action = nc_services.action_add(
        nc=Nonconformity.objects.get(pk=nc.pk),
        user=secretary,
        kind=Action.Kind.CORRECTIVE,
        description="Thêm bước kiểm tra",
        owner=officer,
        due_date=date(2030, 1, 1),
    )
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
    output = services.review_output_add(
        output=ReviewOutput(
            review=review, kind="resources", decision="Mua máy quét", owner=secretary,
            due_date=date(2023, 9, 30),
        ),
        user=secretary,
    )  # fmt: skip
    planned = audit_services.audit_save(
        audit=Audit(
            code="ĐGNB-2023-09",
            title="Đánh giá đã lập kế hoạch",
            year=2023,
            planned_start=date(2023, 9, 4),
            planned_end=date(2023, 9, 4),
            lead_auditor=audit.lead_auditor,
        ),
        units=list(audit.units.all()),
        procedures=[],
        clauses=[],
        team=[],
        user=secretary,
        reason="Kế hoạch",
    )
    approve_plan(audit, secretary)
    started = audit_services.audit_start(audit=audit, user=audit.lead_auditor)
    Programme.objects.create(year=2023, scope="Toàn bộ hệ thống quản lý chất lượng")
    complaint = nc_services.complaint_record(user=officer, citizen="Người dân", content="Chờ lâu")
    risk = governance_services.risk_save(
        risk=Risk(
            process="desk", description="Máy quét hỏng", likelihood=3, impact=4,
            treatment="reduce", owner=secretary, identified_on=date(2023, 2, 1),
            due_date=date(2023, 6, 30), review_date=date(2030, 1, 1),
        ),
        user=secretary,
    )  # fmt: skip
    risk_action = governance_services.risk_action_add(
        risk=risk, user=secretary, description="Máy dự phòng", owner=secretary,
        due_date=date(2030, 1, 1),
    )  # fmt: skip
    disposal = DisposalList.objects.create(
        number="01/2030/DSHUY", kind="dossier", proposed_on=date(2030, 1, 2), proposed_by=secretary
    )
    decision = governance_services.steering_decision_save(
        decision=SteeringDecision(
            number="02/QĐ-UBND", title="Ban chỉ đạo ISO", signed_on=date(2023, 1, 5),
            effective_from=date(2023, 1, 5),
        ),
        members=[
            {"person": chairman, "role": "head"}, {"person": secretary, "role": "secretary"}
        ],
        user=secretary,
    )  # fmt: skip
    scope = iso_services.scope_save(
        scope=QualityScope(activities="Giải quyết TTHC", effective_from=date(2023, 1, 1)),
        exclusions=[("8.3", "Không thiết kế")],
        user=secretary,
    )
    iso_services.version_approve(
        record=scope, user=chairman, password=PASSWORD, seen_sha256=page_sha256(scope)
    )
    policy = iso_services.policy_save(
        policy=QualityPolicy(text="Đúng hạn", effective_from=date(2023, 1, 1)), user=secretary
    )
    external = ExternalDocument(
        kind="decree", number="61/2018/NĐ-CP", title="Cơ chế một cửa", issuer="Chính phủ",
        issued_on=date(2018, 4, 23), effective_from=date(2018, 6, 21),
    )  # fmt: skip
    iso_services.external_document_add(
        document=external, procedures=[effective.procedure], user=secretary
    )
    return {
        "calendar_day": {"pk": CalendarDay.objects.first().pk},
        "identity": {"pk": OrganisationIdentity.objects.first().pk},
        "year": {"year": 2023},
        "objective": {
            "pk": Objective.objects.create(
                year=2023, title="Đúng hạn", measure="on_time_rate", comparison="gte", target=100
            ).pk
        },
        "review": {"pk": review.pk},
        "output": {"pk": output.pk},
        "report": {"kind": "reform", "year": 2023, "period": PeriodicReport.Period.Q1},
        "procedure": {"code": effective.procedure.code},
        "revision": {"pk": effective.pk},
        "draft": {"pk": draft.pk},
        "compare": {"pk": draft.pk, "other": effective.pk},
        "dossier": {"code": dossier.code},
        "public_dossier": {"code": dossier.code, "token": token_for("dossier", dossier.code)},
        "apology": {"code": late.code},
        "audit": {"pk": started.pk},
        "planned_audit": {"pk": planned.pk},
        "item": {"item_pk": started.items.first().pk},
        "nc": {"pk": nc.pk},
        "action": {"pk": action.pk},
        "complaint": {"pk": complaint.pk},
        "policy_draft": {"kind": "policy", "pk": policy.pk},
        "external_document": {"pk": external.pk},
        "announcement": {"pk": iso_services.announcement_draft(user=secretary).pk},
        "public_complaint": {
            "reference": complaint.reference,
            "token": token_for("complaint", complaint.reference),
        },
        "risk": {"pk": risk.pk},
        "risk_action": {"pk": risk_action.pk},
        "person": {"pk": secretary.pk},
        "retention_rule": {"pk": RetentionRule.objects.first().pk},
        "disposal": {"pk": disposal.pk},
        "steering_decision": {"pk": decision.pk},
        "import_job": {
            "pk": ImportJob.objects.create(
                user=officer,
                file_name="tinh.csv",
                status=ImportJob.Status.DONE,
                result={"created": 3, "skipped": 0, "ignored": []},
            ).pk
        },
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo records (`seed_demo`), built once for the module that reads them and
    rolled back after it; the value is what the command printed. Each test still asks
    for `db`, whose savepoint keeps its own changes apart."""
    out = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


# -- the signing token ------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _signing_token(tmp_path_factory):
    """One SoftHSM2 token for the session (each xdist worker has its own), with the
    demo CA: a signer without a certificate gets one from it when signing, and keeps
    their key in the token for the rest of the session (a key made per test would be
    slow). SQLite's trigger keeping signatures is lifted while the test runner
    empties the tables after a transactional test (PostgreSQL's TRUNCATE does not
    fire it)."""
    from django.conf import settings
    from django.db import connection

    from qms import keys

    pin = "test-pin"
    conf = keys.init_softhsm_token(tmp_path_factory.mktemp("softhsm"), label="qms-test", pin=pin)
    os.environ["SOFTHSM2_CONF"] = conf
    saved = {
        name: getattr(settings, name)
        for name in ("SIGNING_TOKEN_LABEL", "SIGNING_TOKEN_PIN", "SIGNING_DEMO_ENROL")
    }
    settings.SIGNING_TOKEN_LABEL, settings.SIGNING_TOKEN_PIN = "qms-test", pin
    settings.SIGNING_DEMO_ENROL = True

    operations = type(connection.ops)
    sql_flush = operations.sql_flush

    def flush_with_signatures(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if connection.vendor != "sqlite" or "qms_signature" not in tables:
            return statements
        return [
            'DROP TRIGGER IF EXISTS "qms_signature_kept"',
            *statements,
            'CREATE TRIGGER IF NOT EXISTS "qms_signature_kept" BEFORE DELETE ON "qms_signature" '
            "BEGIN SELECT RAISE(ABORT, 'signatures are never changed'); END",
        ]

    operations.sql_flush = flush_with_signatures
    yield
    operations.sql_flush = sql_flush
    for name, value in saved.items():
        setattr(settings, name, value)
