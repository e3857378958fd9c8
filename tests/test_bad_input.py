"""Bad input in every form of the project: whatever is typed, never a 500 and never a
partial write; a refusal is told in Vietnamese, on its field or after the field's
label; markup typed in is shown as text, in pages and in PDFs.

Each form's fields are read from its class, and hypothesis fills them by type with a
mix of good values and bad ones: empty, huge, wrong types, NUL characters, markup,
dates outside the calendar (1900, 2200), impossible dates and times, negative and
enormous numbers, choices that do not exist, files of the wrong type or content.
Every request runs in a transaction rolled back afterwards, so each example starts
from the same records.
"""

import copy
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from django import forms
from django.contrib.messages import constants
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api import views as api_views
from audits import forms as audit_forms
from audits import services as audit_services
from audits.models import Audit, Programme
from governance import forms as governance_forms
from governance.models import DisposalList, SteeringDecision
from isodocs import forms as iso_forms
from isodocs.models import Announcement, QualityPolicy
from nonconformities import forms as nc_forms
from nonconformities.models import Nonconformity
from nonconformities.views import _steps as nc_steps
from procedures import forms as procedure_forms
from procedures.dossier_views import ACTIONS
from procedures.filters import TurnedAwayFilter
from procedures.importer import COLUMNS
from procedures.models import Apology, Dossier, ProcedureRevision
from public import feedback_forms
from public import forms as public_forms
from qms import forms as qms_forms
from qms.forms import TranslatesErrors
from qms.idempotency import FIELD, new_token
from qms.models import ManagementReview, Objective
from qms.oversight import forms as oversight_forms
from qms.roles import Role
from tests.database import database_state, is_vietnamese
from tests.factories import PASSWORD, pdf_bytes

MARKUP = '<script>alert("x")</script>'
HUGE = "Đ" * 20_000

junk = st.one_of(
    st.just(""),
    st.just(HUGE),
    st.just(MARKUP),
    st.text(max_size=60),
    st.text(alphabet="\x00\r\n\t <>&\"'=+-@", max_size=10),
)


days = st.dates(date(1900, 1, 1), date(2200, 12, 31))
moments = st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31))
recent = st.datetimes(datetime(2023, 1, 2, 7), datetime(2023, 12, 29, 17))
uploads = st.builds(
    SimpleUploadedFile,
    st.sampled_from(["kq.pdf", "kq.PNG", "kq.exe", "kq.csv", "../../kq.pdf", "x" * 300 + ".pdf"]),
    st.sampled_from([b"%PDF-1.4 ket qua", b"\x89PNG\r\n\x1a\n....", b"MZ\x90\x00", b""]),
)
a_pdf = st.builds(lambda: SimpleUploadedFile("ket-qua.pdf", pdf_bytes()))
A_ROW = "PAD-230302-0001,QT-TP-05,Trần Văn An,direct,02/03/2023 09:00"
a_csv = st.builds(  # one dossier of the records' procedure, in force since 2023
    lambda: SimpleUploadedFile("tinh.csv", f"{','.join(COLUMNS)}\n{A_ROW}\n".encode())
)


def values(field: forms.Field) -> tuple[st.SearchStrategy, st.SearchStrategy]:
    """Plausible values and bad ones for one form field, chosen by its type.

    Plausible text includes markup, so that accepted forms show it back escaped.
    """
    choices = [str(v) for v, _ in getattr(field, "choices", []) if v != ""] or ["1"]
    if isinstance(field.widget, forms.HiddenInput) and field.initial:
        # what the page put there (a sign form's hash of the content shown), or junk
        return st.just(field.initial() if callable(field.initial) else field.initial), junk
    if isinstance(field, forms.FileField):
        takes_csv = any(
            "csv" in (getattr(v, "allowed_extensions", None) or []) for v in field.validators
        )
        return (a_csv if takes_csv else st.one_of(st.just(""), a_pdf)), uploads
    if isinstance(field.widget, forms.PasswordInput):
        return st.just(PASSWORD), junk
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = st.lists(st.sampled_from(choices), min_size=1, max_size=2)
        return chosen, st.lists(st.one_of(st.sampled_from(choices), junk), max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(choices), junk
    if isinstance(field, forms.DateTimeField):
        bad = st.one_of(moments, st.just("31/02/2023 25:61"), junk)
        return recent.map(lambda m: f"{m:%d/%m/%Y %H:%M}"), bad.map(
            lambda m: f"{m:%d/%m/%Y %H:%M}" if isinstance(m, datetime) else m
        )
    if isinstance(field, forms.DateField):
        bad = st.one_of(days.map(lambda d: f"{d:%d/%m/%Y}"), st.just("31/02/2023"), junk)
        return recent.map(lambda m: f"{m:%d/%m/%Y}"), bad
    if isinstance(field, forms.TimeField):
        return st.just("17:00"), st.one_of(st.just("24:60"), junk)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        bad = st.one_of(st.integers(-(10**20), 10**20).map(str), st.floats().map(str), junk)
        return st.integers(1, 20).map(str), bad
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", ""]), junk
    return st.sampled_from(["Nội dung hợp lệ", MARKUP]), junk


@dataclass(frozen=True)
class Target:
    name: str  # URL name
    role: Role  # who sends it: one allowed to, so the form itself is what is tested
    forms: Callable[[dict], list[forms.BaseForm]]  # the forms the view reads, from the records
    record: str = ""  # which record the URL points at (the permission matrix's `records`)
    extra: dict = field(default_factory=dict)  # further URL kwargs
    method: str = "POST"
    fixed: dict = field(default_factory=dict)  # always posted (formsets' management forms)
    bad_request: bool = False  # a refused form comes back with status 400


def plain(form_class, **kwargs):
    return lambda records: [form_class(**kwargs)]


def shown(form_class, model, record: str):
    """A sign form as the page of `records[record]` draws it, with the hash of the
    content shown (without one when the records are not built)."""

    def build(records) -> list[forms.BaseForm]:
        lookup = records.get(record)
        return [form_class(record=model.objects.get(**lookup) if lookup else None)]

    return build


def revision_forms(records) -> list[forms.BaseForm]:
    return [
        procedure_forms.RevisionForm(),
        procedure_forms.StepFormSet(prefix="steps").forms[0],
        procedure_forms.RecordFormSet(prefix="records").forms[0],
        procedure_forms.ComponentFormSet(prefix="components").forms[0],
    ]


MANAGEMENT = {
    f"{prefix}-{name}": value
    for prefix in ("steps", "records", "components")
    for name, value in (("TOTAL_FORMS", "1"), ("INITIAL_FORMS", "0"))
}

SECRETARY, OFFICER, CHAIRMAN = Role.ISO_SECRETARY, Role.OFFICER, Role.CHAIRMAN
TARGETS = [
    Target("password_change", OFFICER, lambda records: [qms_forms.PasswordChangeForm(user=None)]),
    Target("qms:calendar_day_create", SECRETARY, plain(qms_forms.CalendarDayForm)),
    Target("qms:calendar_day_update", SECRETARY, plain(qms_forms.CalendarDayForm), "calendar_day"),
    Target("qms:calendar_day_delete", SECRETARY, plain(qms_forms.ChangeReasonForm), "calendar_day"),
    Target("qms:due_date", OFFICER, plain(qms_forms.DueDateForm), method="GET"),
    Target("qms:identity_create", SECRETARY, plain(qms_forms.OrganisationIdentityForm)),
    Target(
        "qms:identity_update",
        SECRETARY,
        plain(qms_forms.OrganisationIdentityForm),
        "identity",
    ),
    Target(
        "qms:objective_approve",
        CHAIRMAN,
        shown(qms_forms.SignForm, Objective, "objective"),
        "objective",
    ),
    Target("qms:review_create", SECRETARY, plain(oversight_forms.ReviewForm)),
    Target("qms:review_update", SECRETARY, plain(oversight_forms.ReviewForm), "review"),
    Target("qms:review_output_add", SECRETARY, plain(oversight_forms.ReviewOutputForm), "review"),
    Target("qms:review_output_done", SECRETARY, plain(oversight_forms.OutputDoneForm), "output"),
    Target(
        "qms:review_sign",
        CHAIRMAN,
        shown(qms_forms.SignForm, ManagementReview, "review"),
        "review",
    ),
    Target("qms:report_detail", SECRETARY, plain(oversight_forms.ReportForm), "report"),
    Target("procedures:create", SECRETARY, plain(procedure_forms.ProcedureForm)),
    Target("procedures:update", SECRETARY, plain(procedure_forms.ProcedureForm), "procedure"),
    Target("procedures:review", SECRETARY, plain(procedure_forms.NoteForm), "procedure"),
    Target("procedures:revision_edit", SECRETARY, revision_forms, "draft", fixed=MANAGEMENT),
    Target(
        "procedures:revision_approve",
        CHAIRMAN,
        shown(procedure_forms.ApprovalForm, ProcedureRevision, "draft"),
        "draft",
        bad_request=True,
    ),
    Target("procedures:revision_withdraw", CHAIRMAN, plain(procedure_forms.NoteForm), "revision"),
    Target("procedures:dossier_receive", OFFICER, plain(procedure_forms.ReceiveForm)),
    Target(
        "procedures:dossier_apology_draft",
        OFFICER,
        plain(procedure_forms.ApologyForm, prefix="apology"),
        "dossier",
        bad_request=True,
    ),
    Target(
        "procedures:dossier_apology_edit",
        OFFICER,
        plain(procedure_forms.ApologyForm, prefix="apology-edit"),
        "apology",
        bad_request=True,
    ),
    Target(
        "procedures:dossier_apology_approve",
        CHAIRMAN,
        lambda records: [
            qms_forms.SignForm(
                prefix="approve",
                record=Apology.objects.get(dossier__code=records["apology"]["code"])
                if "apology" in records
                else None,
            )
        ],
        "apology",
        bad_request=True,
    ),
    *[
        Target(
            "procedures:dossier_action",
            OFFICER,
            plain(form_class, prefix=action),
            "dossier",
            {"action": action},
            bad_request=True,
        )
        for action, (form_class, _run) in ACTIONS.items()
        if form_class
    ],
    Target(
        "procedures:tracking_book", OFFICER, plain(procedure_forms.TrackingBookForm), method="GET"
    ),
    Target(  # the register's filter: a wrong value is shown beside its field
        "procedures:turned_away",
        OFFICER,
        lambda records: [TurnedAwayFilter().form],
        method="GET",
    ),
    Target(  # sent as a real import (dry_run off): a dry run writes nothing by design
        "procedures:dossier_import",
        OFFICER,
        plain(procedure_forms.ImportForm),
        fixed={"dry_run": ""},
    ),
    Target(
        "audits:create",
        SECRETARY,
        lambda records: [
            audit_forms.AuditForm(),
            audit_forms.TimetableFormSet(prefix="timetable").forms[0],
        ],
        fixed={"timetable-TOTAL_FORMS": "1", "timetable-INITIAL_FORMS": "0"},
    ),
    Target(
        "audits:update",
        SECRETARY,
        lambda records: [
            audit_forms.AuditForm(),
            audit_forms.TimetableFormSet(prefix="timetable").forms[0],
        ],
        "planned_audit",
        fixed={"timetable-TOTAL_FORMS": "1", "timetable-INITIAL_FORMS": "0"},
    ),
    Target("audits:start", Role.AUDITOR, plain(audit_forms.StartForm), "audit"),
    Target(
        "audits:answer",
        Role.AUDITOR,
        lambda records: [
            audit_forms.AnswerForm(prefix=f"item-{records['item']['item_pk']}"),
        ],
        "item",
    ),
    Target("audits:finding_add", Role.AUDITOR, plain(audit_forms.FindingForm), "audit"),
    Target("audits:report_save", Role.AUDITOR, plain(audit_forms.ReportForm), "audit"),
    Target("audits:report_sign", Role.AUDITOR, shown(qms_forms.SignForm, Audit, "audit"), "audit"),
    Target("audits:programme", CHAIRMAN, shown(qms_forms.SignForm, Programme, "year"), "year"),
    Target("nonconformities:raise", SECRETARY, plain(nc_forms.NonconformityForm)),
    *[
        Target(
            "nonconformities:step",
            SECRETARY,
            plain(form_class, prefix=name),
            "nc",
            {"name": name},
        )
        for name, (form_class, _run) in nc_steps(None, None).items()
        if form_class
    ],
    Target("nonconformities:action_done", OFFICER, plain(nc_forms.DoneForm), "action"),
    Target("nonconformities:complaints", OFFICER, plain(nc_forms.ComplaintForm)),
    Target(
        "nonconformities:complaint_answer",
        OFFICER,
        plain(nc_forms.ComplaintAnswerForm),
        "complaint",
    ),
    Target("governance:risk_create", SECRETARY, plain(governance_forms.RiskForm)),
    Target("governance:risk_update", SECRETARY, plain(governance_forms.RiskForm), "risk"),
    Target(
        "governance:risk_action_add",
        SECRETARY,
        plain(governance_forms.RiskActionForm, prefix="action"),
        "risk",
    ),
    Target(
        "governance:risk_action_done",
        SECRETARY,
        plain(governance_forms.RiskActionDoneForm),
        "risk_action",
    ),
    Target("governance:training_create", SECRETARY, plain(governance_forms.TrainingRecordForm)),
    Target(
        "governance:retention_rule_update",
        SECRETARY,
        plain(governance_forms.RetentionRuleForm),
        "retention_rule",
    ),
    Target("governance:disposal_propose", SECRETARY, plain(governance_forms.DisposalProposeForm)),
    Target(
        "governance:disposal_approve",
        CHAIRMAN,
        shown(qms_forms.SignForm, DisposalList, "disposal"),
        "disposal",
    ),
    Target(
        "governance:steering_create",
        SECRETARY,
        lambda records: [
            governance_forms.SteeringDecisionForm(),
            *governance_forms.SteeringMemberFormSet(prefix="members").forms[:2],
        ],
        fixed={"members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0"},
    ),
    Target(
        "governance:steering_approve",
        CHAIRMAN,
        shown(qms_forms.SignForm, SteeringDecision, "steering_decision"),
        "steering_decision",
    ),
    Target("isodocs:policy_save", SECRETARY, plain(iso_forms.PolicyForm)),
    Target("isodocs:scope_save", SECRETARY, plain(iso_forms.ScopeForm)),
    Target(
        "isodocs:version_approve",
        CHAIRMAN,
        lambda records: [
            qms_forms.SignForm(
                record=QualityPolicy.objects.get(pk=records["policy_draft"]["pk"])
                if "policy_draft" in records
                else None
            )
        ],
        "policy_draft",
    ),
    Target("isodocs:external_create", SECRETARY, plain(iso_forms.ExternalDocumentForm)),
    Target(
        "isodocs:external_update",
        SECRETARY,
        lambda records: [iso_forms.ExternalDocumentForm(), qms_forms.ChangeReasonForm()],
        "external_document",
    ),
    Target(
        "isodocs:announcement_sign",
        CHAIRMAN,
        shown(qms_forms.SignForm, Announcement, "announcement"),
        "announcement",
    ),
    Target("isodocs:yearly_report", SECRETARY, plain(iso_forms.YearlyReportForm), "year"),
    Target("public:feedback", OFFICER, plain(feedback_forms.FeedbackForm)),
    Target(
        "public:dossier_feedback",
        OFFICER,
        plain(feedback_forms.DossierFeedbackForm),
        "public_dossier",
    ),
]


def send(client: Client, target: Target, url: str, data: dict):
    """The answer (redirects followed) and the state before and after, rolled back
    (the session cookie too: a changed password gives the session a new key). Forms
    are sent with a one-time token, as the pages send them (a refusal keeps none)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = database_state()
        if target.method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data | {FIELD: new_token()}, follow=True)
        after = database_state()
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, before, after


def refusals(response) -> list[str]:
    """What the answer says is wrong: the errors of the forms and formsets sent
    back, the import's errors by row, or the error messages shown after a redirect."""
    context = response.context or {}
    found = []
    values = [context[key] for key in context.keys()]  # noqa: SIM118 (a ContextList iterates its contexts)
    # a page of many forms passes them in a dict by name (the dossier page's `forms`),
    # or in its rows, a form by record (the objectives, the complaints)
    values += [item for value in values if isinstance(value, dict) for item in value.values()]
    values += [
        item
        for value in values
        if isinstance(value, list)
        for row in value
        if isinstance(row, tuple)
        for item in row
    ]
    for value in values:
        sent = []
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            found += value.non_form_errors()
            sent = value.forms
        elif isinstance(value, forms.BaseForm) and value.is_bound:
            sent = [value]
        for form in sent:
            for name, errors in form.errors.items():
                assert name == "__all__" or name in form.fields, name
                found += errors
    found += [str(error) for error in context.get("errors") or []]  # the import's
    messages = context.get("messages") or []
    return found + [str(m) for m in messages if m.level == constants.ERROR]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.name}{t.extra or ''}")
def test_any_input_is_answered_without_a_partial_write(target, records, personas):
    client = Client()
    client.force_login(personas[target.role])
    url = reverse(target.name, kwargs={**records.get(target.record, {}), **target.extra})

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def check(data):
        posted = {}
        fields = {
            form.add_prefix(name): form_field
            for form in target.forms(records)
            for name, form_field in form.fields.items()
        }
        labels = {str(field.label) for field in fields.values() if field.label}

        def without_label(message: str) -> str:
            """The error itself, without the field's label the message starts with."""
            for label in labels:
                message = message.split(f"{label}: ", 1)[-1]
            return message

        # Most examples spoil a field or two of an otherwise plausible form.
        spoiled = data.draw(st.sets(st.sampled_from(sorted(fields)), max_size=3), label="bad")
        for name, form_field in fields.items():
            plausible, bad = values(form_field)
            posted[name] = data.draw(bad if name in spoiled else plausible, label=name)
        posted |= target.fixed
        response, before, after = send(client, target, url, posted)
        refused = refusals(response)
        assert response.status_code == (400 if refused and target.bad_request else 200)
        event("refused" if refused else "accepted")
        if refused:
            assert before == after, "a refused form wrote to the database"
            untranslated = [m for m in map(without_label, refused) if not is_vietnamese(m)]
            assert not untranslated, untranslated
        elif target.method == "POST":
            assert before != after, "neither refused nor saved: the user is told nothing"
        page = response.content
        if response.get("Content-Type", "").startswith("text/html"):
            assert MARKUP.encode() not in page, "markup shown unescaped"

    check()


def defined_forms(*modules) -> set[type]:
    """The form classes the modules define (not those they import)."""
    return {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and value.__module__ == module.__name__
    }


# The modules whose every form needs its row in TARGETS.
TARGETED_MODULES = (qms_forms, procedure_forms, audit_forms, nc_forms, governance_forms, iso_forms)


def test_every_form_has_a_target():
    """A new form class of the project needs its row in TARGETS (or a reason here)."""
    some_item = {"item": {"item_pk": 1}}
    swept = {type(form) for target in TARGETS for form in target.forms(some_item)}
    defined = defined_forms(*TARGETED_MODULES)
    not_posted = {
        qms_forms.LoginForm,  # Django's, tested with the sign-in throttle
        qms_forms.FilterForm,  # list filters: GET, read by django-filter, tested with the lists
        procedure_forms.StepForm,  # swept inside the revision's formsets
        procedure_forms.RecordForm,
    }
    assert defined - not_posted <= swept, defined - not_posted - swept


def test_every_form_says_in_vietnamese_what_djangos_catalogue_does_not():
    """A NUL character typed in any text box is refused in Vietnamese, the citizens'
    forms included: every form of the project translates Django's untranslated
    messages (`qms.forms.TranslatesErrors`), not only those styled for Bootstrap."""
    every_form = defined_forms(
        *TARGETED_MODULES, oversight_forms, feedback_forms, public_forms, api_views
    )
    assert {form for form in every_form if not issubclass(form, TranslatesErrors)} == set()
    for form in (qms_forms.ChangeReasonForm(), public_forms.LookupForm(), public_forms.KioskForm()):
        boxes = [name for name, field in form.fields.items() if type(field) is forms.CharField]
        refused = type(form)(dict.fromkeys(boxes, "Hồ sơ\x00"))
        assert not refused.is_valid()
        messages = [refused.errors[name][0] for name in boxes]
        assert messages and all(map(is_vietnamese, messages)), messages


@pytest.mark.parametrize("document", ["receipt", "nonconformity", "audit report"])
def test_markup_is_printed_as_text_in_pdfs(records, personas, document):
    """What a citizen or an auditor typed is printed as typed, never interpreted."""
    text = f"{MARKUP} Nguyễn & <b>Bình</b> <para>"
    dossier = Dossier.objects.get(code=records["dossier"]["code"])
    nc = Nonconformity.objects.get(pk=records["nc"]["pk"])
    audit = Audit.objects.get(pk=records["audit"]["pk"])
    if document == "receipt":
        Dossier.objects.filter(pk=dossier.pk).update(applicant_name=text)
        url = reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"])
    elif document == "nonconformity":
        Nonconformity.objects.filter(pk=nc.pk).update(description=text)
        url = reverse("nonconformities:pdf", args=[nc.pk])
    else:
        audit_services.finding_add(
            audit=audit, user=audit.lead_auditor, clause_number="8.5.1", description=text,
            requirement="QT-TP-05", severity="minor",
        )  # fmt: skip
        url = reverse("audits:pdf", args=[audit.pk, "audit-report"])
    client = Client()
    client.force_login(personas[Role.VIEWER])
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert text in " ".join(printed.split()), printed


BAD_YEARS = ["²", "١٢٣", "0", "-5", "1899", "2101", "99999", "9" * 5000, "1e400", "2023.5"]
YEAR_RANGE = "Nhập năm từ 2000 đến 2100."


def test_a_bad_year_in_a_filter_is_told_never_a_500(records, personas):
    """A year outside `qms.filters.YEARS`, or typed in digits `int` refuses, is an error
    beside the field of the lists and the dashboard; the report list and the
    calendar show the current year instead."""
    client = Client()
    client.force_login(personas[SECRETARY])
    for year in BAD_YEARS:
        for name in ("nonconformities:register", "audits:list"):
            page = client.get(reverse(name), {"year": year})
            assert page.context["filter"].form.errors == {"year": [YEAR_RANGE]}, (name, year)
            assert YEAR_RANGE in page.content.decode()
        export = client.get(reverse("nonconformities:export"), {"year": year}, follow=True)
        assert [str(m) for m in export.context["messages"]] == [f"Năm: {YEAR_RANGE}"]
        dashboard = client.get(reverse("qms:dashboard"), {"year": year})
        assert dashboard.context["form"].errors == {"year": [YEAR_RANGE]}
        assert client.get(reverse("qms:reports"), {"year": year}).context["year"] == (
            localdate().year
        )
        assert client.get(reverse("qms:calendar"), {"year": year}).status_code == 200


BAD_CURSOR = "Liên kết tới trang này của danh sách không hợp lệ: đang hiện trang đầu."


def test_a_malformed_or_extreme_list_cursor_is_told_never_a_500(records, personas):
    client = Client()
    client.force_login(personas[Role.VIEWER])
    url = reverse("procedures:dossier_list")
    first = [dossier.pk for dossier in client.get(url).context["page"].rows]
    assert first
    for cursor in [
        "garbage",
        "_",
        "2023-03-02T02:00:00+00:00_²",  # a digit to isdigit, not to int
        "2023-03-02T02:00:00+00:00_" + "9" * 5000,  # more digits than int reads
        "2023-03-02T02:00:00+00:00_-1",
        "2023-03-02T09:00:00_1",  # no offset: not a cursor the list wrote
        "2023-03-02T09:00:00+99:00_1",
        "2023-02-30T09:00:00+00:00_1",
        "0001-01-01T00:00:00+07:00_1",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00_1",  # after 9999 in UTC
    ]:
        page = client.get(url, {"after": cursor})
        assert [str(m) for m in page.context["messages"]] == [BAD_CURSOR], cursor
        assert [dossier.pk for dossier in page.context["page"].rows] == first
    for cursor, rows in [
        ("0001-01-01T00:00:00+00:00_1", []),
        ("9999-12-31T23:59:59+00:00_" + "9" * 25, first),
    ]:
        page = client.get(url, {"after": cursor})
        assert not list(page.context["messages"]), cursor
        assert [dossier.pk for dossier in page.context["page"].rows] == rows
