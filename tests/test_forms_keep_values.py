"""Nothing typed is lost (issue 18): every form a user sends, refused for one field
left empty or wrong, comes back with every other value as typed (texts, dates,
checkboxes, selects, text areas) and the message beside that field.

One row of CASES per form: the URL it is sent to, who sends it, the forms the view
reads (their fields are filled by type, `typed` overriding), and the field spoiled.
A file cannot be given back by a browser: beside a file field of a refused form the
page says to choose the file again (`qms.forms.FILE_AGAIN`).
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import forms as audit_forms
from audits import services as audit_services
from audits.models import Audit, ChecklistTemplate, Programme
from governance import forms as governance_forms
from governance.models import DisposalList, SteeringDecision
from nonconformities import forms as nc_forms
from procedures import admin as procedures_admin
from procedures import forms as procedure_forms
from procedures.models import Apology, Dossier, ImportProfile, ProcedureRevision
from procedures.models.dossiers import Outcome
from public import feedback_forms
from qms import admin as qms_admin
from qms import forms as qms_forms
from qms.forms import FILE_AGAIN
from qms.idempotency import FIELD, new_token
from qms.models import ManagementReview, Objective
from qms.oversight import forms as oversight_forms
from qms.oversight.filters import ScopeForm
from qms.roles import Role
from tests.factories import PASSWORD, approve_plan
from tests.html import Element, parse

PROJECT_APPS = ("qms", "procedures", "audits", "nonconformities", "governance")
CONTROLS = ("input", "select", "textarea")


@dataclass(frozen=True)
class Case:
    name: str  # URL name
    role: Role  # who sends it
    forms: Callable[[dict], list[forms.BaseForm]]  # the forms the view reads
    missing: str  # the field spoiled, as posted (with its prefix)
    record: str = ""  # which record the URL points at (conftest's `records`)
    extra: dict = field(default_factory=dict)  # further URL kwargs
    bad: str = ""  # what the spoiled field is sent as: left empty, or a wrong value
    typed: dict = field(default_factory=dict)  # instead of the generated values (or of the user)
    fixed: dict = field(default_factory=dict)  # formsets' management forms
    method: str = "POST"
    status: int = 200  # the dossier's and the revision's pages answer a refusal with 400
    prepare: Callable[[dict, dict], None] | None = None  # puts the record in the state needed


def plain(form_class, **kwargs):
    return lambda records: [form_class(**kwargs)]


def shown(form_class, model, record: str, **kwargs):
    """A sign form with the hash of the record's content, as its page draws it."""

    def build(records) -> list[forms.BaseForm]:
        lookup = records.get(record)
        return [form_class(record=model.objects.get(**lookup) if lookup else None, **kwargs)]

    return build


def completed(records, personas) -> None:
    """The records' dossier with its result ready, so that it can be returned."""
    Dossier.objects.filter(code=records["dossier"]["code"]).update(
        status=Dossier.Status.COMPLETED,
        completed_at=timezone.now(),
        completed_on=timezone.localdate(),
        outcome=Outcome.ON_TIME,
    )


def revision_forms(records) -> list[forms.BaseForm]:
    return [
        procedure_forms.RevisionForm(),
        procedure_forms.StepFormSet(prefix="steps").forms[0],
        procedure_forms.RecordFormSet(prefix="records").forms[0],
        procedure_forms.ComponentFormSet(prefix="components").forms[0],
    ]


def audit_plan_forms(records) -> list[forms.BaseForm]:
    return [audit_forms.AuditForm(), audit_forms.TimetableFormSet(prefix="timetable").forms[0]]


def answer_form(records) -> list[forms.BaseForm]:
    return [audit_forms.AnswerForm(prefix=f"item-{records['item']['item_pk']}")]


def ready_to_start(records, personas) -> None:
    """The planned audit's plan approved, and a checklist template to start from."""
    approve_plan(Audit.objects.get(pk=records["planned_audit"]["pk"]), personas[Role.ISO_SECRETARY])
    ChecklistTemplate.objects.create(name="Mẫu hồ sơ")


def ready_to_sign(records, personas) -> None:
    """The audit's checklist answered and its conclusion written: the report's page
    asks for the password only then."""
    audit = Audit.objects.get(pk=records["audit"]["pk"])
    lead = audit.lead_auditor
    audit_services.report_save(audit=audit, user=lead, conclusion="Phù hợp")
    for item in audit.items.all():
        audit_services.checklist_answer(item=item, user=lead, result="conforming", evidence="Sổ")


def with_profile(records, personas) -> None:
    """A saved mapping profile to choose at upload."""
    ImportProfile.objects.create(name="Xuất từ hệ thống tỉnh", mapping={"Mã HS": "code"})


def steering_forms(records) -> list[forms.BaseForm]:
    return [
        governance_forms.SteeringDecisionForm(),
        governance_forms.SteeringMemberFormSet(prefix="members").forms[0],
    ]


def finding_form(records) -> list[forms.BaseForm]:
    audit = Audit.objects.get(pk=records["audit"]["pk"]) if "audit" in records else None
    return [audit_forms.FindingForm(audit=audit)]


REVISION_ROWS = {
    f"{prefix}-{name}": value
    for prefix in ("steps", "records", "components")
    for name, value in (("TOTAL_FORMS", "1"), ("INITIAL_FORMS", "0"))
}
TIMETABLE_ROWS = {"timetable-TOTAL_FORMS": "1", "timetable-INITIAL_FORMS": "0"}
RISK = {"process": "desk", "field": ""}
ID_AND_PHONE = {
    "applicant_id_number": "012345678901",
    "applicant_phone": "0912345678",
    "representative_name": "",
    "representative_id_number": "",
    "representative_address": "",
    "representative_phone": "",
    "representative_email": "",
    "representative_authorisation": "",
    "documents": "Tờ khai; bản chính; 1",
}
PERIOD = {"period_start": "01/01/2023", "period_end": "30/06/2023"}
SECRETARY, OFFICER, CHAIRMAN, AUDITOR = (
    Role.ISO_SECRETARY,
    Role.OFFICER,
    Role.CHAIRMAN,
    Role.AUDITOR,
)
DOSSIER_PAGE = {"record": "dossier", "status": 400}

CASES = [
    Case("login", OFFICER, lambda records: [qms_forms.LoginForm()], "password",
         typed={"username": lambda user: user.username}),
    Case(
        "password_change",
        OFFICER,
        lambda records: [qms_forms.PasswordChangeForm(user=None)],
        "new_password2",
    ),
    Case("qms:calendar_day_create", SECRETARY, plain(qms_forms.CalendarDayForm), "name",
         typed={"date": "14/08/2023"}),
    Case("qms:calendar_day_update", SECRETARY, plain(qms_forms.CalendarDayForm), "reason",
         "calendar_day", typed={"date": "14/08/2023"}),
    Case("qms:calendar_day_delete", SECRETARY, plain(qms_forms.ChangeReasonForm), "reason",
         "calendar_day"),
    Case("qms:due_date", OFFICER, plain(qms_forms.DueDateForm), "received_at", method="GET",
         typed={"limit": "days"}),
    Case("qms:dashboard", SECRETARY, plain(ScopeForm), "year", bad="1899", method="GET"),
    Case("qms:identity_create", SECRETARY, plain(qms_forms.OrganisationIdentityForm), "name",
         typed={"desk_phone": "0243 123 4567"}),
    Case("qms:identity_update", SECRETARY, plain(qms_forms.OrganisationIdentityForm), "reason",
         "identity", typed={"desk_phone": "0243 123 4567"}),
    Case("qms:objective_approve", CHAIRMAN, shown(qms_forms.SignForm, Objective, "objective"),
         "password", "objective"),
    Case("qms:review_create", SECRETARY, plain(oversight_forms.ReviewForm), "participants",
         typed=PERIOD),
    Case("qms:review_update", SECRETARY, plain(oversight_forms.ReviewForm), "participants",
         "review", typed=PERIOD),
    Case("qms:review_output_add", SECRETARY, plain(oversight_forms.ReviewOutputForm), "decision",
         "review"),
    Case("qms:review_output_done", SECRETARY, plain(oversight_forms.OutputDoneForm), "result",
         "output"),
    Case("qms:review_sign", SECRETARY, shown(qms_forms.SignForm, ManagementReview, "review"),
         "password", "review"),
    Case("qms:report_detail", SECRETARY, plain(oversight_forms.ReportForm), "window_start",
         "report", bad="31/02/2023", typed={"window_end": "31/03/2023"}),
    Case("procedures:create", SECRETARY, plain(procedure_forms.ProcedureForm), "name",
         typed={"code": "QT-MOI-01"}),
    Case("procedures:update", SECRETARY, plain(procedure_forms.ProcedureForm), "reason",
         "procedure", typed={"code": "QT-TP-05"}),
    Case("procedures:review", SECRETARY, plain(procedure_forms.NoteForm), "note", "procedure"),
    Case("procedures:revision_edit", SECRETARY, revision_forms, "reason", "draft",
         fixed=REVISION_ROWS),
    Case("procedures:revision_approve", CHAIRMAN,
         shown(procedure_forms.ApprovalForm, ProcedureRevision, "draft"), "decision_number",
         "draft", status=400),
    Case("procedures:revision_withdraw", CHAIRMAN, plain(procedure_forms.NoteForm), "note",
         "revision"),
    Case("procedures:dossier_receive", OFFICER, plain(procedure_forms.ReceiveForm),
         "applicant_name", typed=ID_AND_PHONE),
    Case("procedures:dossier_apology_draft", OFFICER,
         plain(procedure_forms.ApologyForm, prefix="apology"), "apology-reason", **DOSSIER_PAGE),
    Case("procedures:dossier_apology_edit", OFFICER,
         plain(procedure_forms.ApologyForm, prefix="apology-edit"), "apology-edit-reason",
         "apology", status=400),
    Case("procedures:dossier_apology_approve", CHAIRMAN,
         lambda records: [qms_forms.SignForm(
             prefix="approve",
             record=Apology.objects.get(dossier__code=records["apology"]["code"])
             if "apology" in records else None,
         )],
         "approve-password", "apology", status=400),
    Case("procedures:dossier_action", OFFICER, plain(procedure_forms.ReasonForm,
         prefix="supplement"), "supplement-reason", extra={"action": "supplement"},
         **DOSSIER_PAGE),
    Case("procedures:dossier_action", OFFICER, plain(procedure_forms.StopForm, prefix="stop"),
         "stop-reason", extra={"action": "stop"}, **DOSSIER_PAGE),
    # the bug of issue 18: ticked "digitised" without the scan lost the tick and the rating
    Case("procedures:dossier_action", OFFICER, plain(procedure_forms.ReturnForm,
         prefix="return"), "return-result_scan", extra={"action": "return"},
         typed={"return-digitised": "on", "return-rating": "satisfied"}, prepare=completed,
         **DOSSIER_PAGE),
    Case("procedures:dossier_action", SECRETARY, plain(procedure_forms.CorrectionForm,
         prefix="correct"), "correct-reason", extra={"action": "correct"}, **DOSSIER_PAGE),
    Case("procedures:tracking_book", OFFICER, plain(procedure_forms.TrackingBookForm),
         "date_to", method="GET"),
    Case("procedures:dossier_import", OFFICER, plain(procedure_forms.ImportForm), "file",
         typed={"dry_run": "on"}, prepare=with_profile),
    Case("audits:create", SECRETARY, audit_plan_forms, "title", fixed=TIMETABLE_ROWS,
         typed={"planned_start": "04/09/2023", "planned_end": "05/09/2023",
                "timetable-day": "04/09/2023", "timetable-start": "08:00",
                "timetable-end": "10:00"}),
    Case("audits:update", SECRETARY, audit_plan_forms, "title", "planned_audit",
         fixed=TIMETABLE_ROWS,
         typed={"planned_start": "04/09/2023", "planned_end": "05/09/2023",
                "timetable-day": "04/09/2023", "timetable-start": "08:00",
                "timetable-end": "10:00"}),
    Case("audits:start", AUDITOR, plain(audit_forms.StartForm), "template", "planned_audit",
         bad="999999", prepare=ready_to_start),
    Case("audits:answer", AUDITOR, answer_form, "item-{item_pk}-result", "item", bad="maybe"),
    Case("audits:finding_add", AUDITOR, finding_form, "description", "audit"),
    Case("audits:report_save", AUDITOR, plain(audit_forms.ReportForm), "summary", "audit",
         bad="Tóm tắt\x00"),
    Case("audits:report_sign", AUDITOR, shown(qms_forms.SignForm, Audit, "audit"), "password",
         "audit", prepare=ready_to_sign),
    Case("audits:programme", CHAIRMAN, shown(qms_forms.SignForm, Programme, "year"), "password",
         "year"),
    Case("nonconformities:raise", SECRETARY, plain(nc_forms.NonconformityForm), "description"),
    Case("nonconformities:step", SECRETARY, plain(nc_forms.TextForm, prefix="cancel"),
         "cancel-text", "nc", {"name": "cancel"}),
    Case("nonconformities:step", SECRETARY, plain(nc_forms.ActionForm, prefix="action"),
         "action-description", "nc", {"name": "action"}),
    Case("nonconformities:step", SECRETARY, plain(nc_forms.VerifyForm, prefix="verify"),
         "verify-evidence", "nc", {"name": "verify"}),
    Case("nonconformities:action_done", OFFICER, plain(nc_forms.DoneForm), "evidence",
         "action"),
    Case("nonconformities:complaints", OFFICER, plain(nc_forms.ComplaintForm), "content",
         typed={"phone": "0912 345 678"}),
    Case("nonconformities:complaint_answer", SECRETARY, plain(nc_forms.ComplaintAnswerForm),
         "text", "complaint"),
    Case("governance:risk_create", SECRETARY, plain(governance_forms.RiskForm), "description",
         typed=RISK),
    Case("governance:risk_update", SECRETARY, plain(governance_forms.RiskForm), "description",
         "risk", typed=RISK),
    Case("governance:risk_action_add", SECRETARY,
         plain(governance_forms.RiskActionForm, prefix="action"), "action-description", "risk"),
    Case("governance:risk_action_done", SECRETARY, plain(governance_forms.RiskActionDoneForm),
         "evidence", "risk_action"),
    Case("governance:training_create", SECRETARY, plain(governance_forms.TrainingRecordForm),
         "title", typed={"kind": "awareness", "valid_until": ""}),
    Case("governance:retention_rule_update", SECRETARY,
         plain(governance_forms.RetentionRuleForm), "years", "retention_rule"),
    Case("governance:disposal_propose", SECRETARY, plain(governance_forms.DisposalProposeForm),
         "kind"),
    Case("governance:disposal_approve", CHAIRMAN,
         shown(qms_forms.SignForm, DisposalList, "disposal"), "password", "disposal"),
    Case("governance:steering_create", SECRETARY, steering_forms, "number",
         fixed={"members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0"}),
    Case("governance:steering_approve", CHAIRMAN,
         shown(qms_forms.SignForm, SteeringDecision, "steering_decision"), "password",
         "steering_decision"),
    # the citizens' feedback forms (public/): a contact missing is told beside the phone
    Case("public:feedback", OFFICER, plain(feedback_forms.FeedbackForm), "phone",
         typed={"email": "", "dossier_code": ""}),
    Case("public:dossier_feedback", OFFICER, plain(feedback_forms.DossierFeedbackForm),
         "content", "public_dossier", typed={"phone": "0912 345 678"}),
]  # fmt: skip


def typed_value(form_field: forms.Field, name: str) -> str | list[str]:
    """A plausible value for a field, by its type; not its initial value, so that a
    form drawn afresh would not show it by chance."""
    choices = [str(v) for v, _label in getattr(form_field, "choices", []) if str(v) != ""]
    if isinstance(form_field.widget, forms.PasswordInput):
        return PASSWORD
    if isinstance(form_field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return choices[-1:]
    if isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        return choices[-1]
    if isinstance(form_field, forms.BooleanField):
        return "on"
    if isinstance(form_field, forms.DateTimeField):
        return "14/03/2023 09:30"
    if isinstance(form_field, forms.DateField):
        return "14/03/2023"
    if isinstance(form_field, forms.TimeField):
        return "16:30"
    if isinstance(form_field, forms.IntegerField | forms.DecimalField):
        low = form_field.min_value or 0
        return str(max(low, 3) if form_field.max_value is None else min(max(low, 3), 99))
    if isinstance(form_field, forms.EmailField):
        return "an@example.vn"
    text = f"Đã gõ {name.rsplit('-', 1)[-1].replace('_', ' ')}"
    return text[: form_field.max_length] if form_field.max_length else text


def skipped(form_field: forms.Field) -> bool:
    """Fields no page gives back: files (no browser allows it), passwords, and the
    hash of the content a sign form shows (drawn afresh)."""
    return (
        isinstance(form_field, forms.FileField)
        or isinstance(form_field.widget, forms.PasswordInput)
        or isinstance(form_field, qms_forms.ShownContentField)
    )


def controls(page: Element, name: str) -> list[Element]:
    return [element for tag in CONTROLS for element in page.find_all(tag, name=name)]


def shown_value(elements: list[Element]) -> str | list[str] | None:
    """What the controls named alike show: a text, a choice, choices, or "on"."""
    first = elements[0]
    if first.tag == "textarea":
        return "\n".join(child for child in first.children if isinstance(child, str)).strip()
    if first.tag == "select":
        chosen = [
            o.attrs.get("value", o.text) for o in first.find_all("option") if "selected" in o.attrs
        ]
        return chosen if "multiple" in first.attrs else (chosen[0] if chosen else None)
    kind = first.attrs.get("type", "text")
    if kind == "checkbox" and len(elements) == 1:
        return "on" if "checked" in first.attrs else ""
    if kind in ("checkbox", "radio"):
        chosen = [e.attrs.get("value") for e in elements if "checked" in e.attrs]
        return chosen if kind == "checkbox" else (chosen[0] if chosen else None)
    return first.attrs.get("value", "")


def container(element: Element) -> Element:
    """The field's own box: the largest element around it that holds no other
    named control (its label, its messages, its help)."""
    name = element.attrs["name"]
    box = element
    while box.parent is not None and box.parent.tag not in ("form", "document"):
        others = [
            c for tag in CONTROLS for c in box.parent.find_all(tag) if c.attrs.get("name") != name
        ]
        if any(c.attrs.get("name") for c in others):
            break
        box = box.parent
    return box


def beside(page: Element, element: Element, message: str) -> bool:
    """The message is in the field's box, or in an element the field's
    aria-describedby names."""
    if message in container(element).text:
        return True
    ids = element.attrs.get("aria-describedby", "").split()
    return any(message in found.text for i in ids for found in page.find_all(id=i))


def sent_forms(response) -> list[forms.BaseForm]:
    """The bound forms the answer's page drew: in its context, in its dicts, in its
    rows (a form by record), formsets' rows included."""
    context = response.context
    found = []

    def walk(value, depth: int) -> None:
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            found.extend(value.forms)
        elif isinstance(value, forms.BaseForm) and value.is_bound:
            found.append(value)
        elif depth and isinstance(value, dict):
            for item in value.values():
                walk(item, depth - 1)
        elif depth and isinstance(value, list | tuple):
            for item in value:
                walk(item, depth - 1)

    for key in context.keys():  # noqa: SIM118 (a ContextList)
        walk(context[key], 2)
    return found


def case_id(case: Case) -> str:
    return f"{case.name}{case.extra.get('action') or case.extra.get('name') or ''}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_refused_form_keeps_what_was_typed(case, records, personas):
    if case.prepare:
        case.prepare(records, personas)
    user = personas[case.role]
    client = Client()
    client.force_login(user)
    url = reverse(case.name, kwargs={**records.get(case.record, {}), **case.extra})
    missing = case.missing.format(**records.get(case.record, {}))
    fields = {
        form.add_prefix(name): form_field
        for form in case.forms(records)
        for name, form_field in form.fields.items()
    }
    posted = {
        name: typed_value(form_field, name)
        for name, form_field in fields.items()
        if not isinstance(form_field, forms.FileField)  # no file is sent: none comes back
    }
    posted |= {
        name: value(user) if callable(value) else value
        for name, value in case.typed.items()
        if name in fields
    }
    posted[missing] = case.bad
    posted |= case.fixed
    if case.method == "GET":
        response = client.get(url, posted)
    else:
        response = client.post(url, posted | {FIELD: new_token()})
    assert response.status_code == case.status, response.get("Location")
    page = parse(response.content)
    # the form sent, when the page names it (a page may hold others with alike fields)
    page = next(iter(page.find_all("form", action=url)), page)

    kept = {
        name: value
        for name, value in posted.items()
        if name in fields and name != missing and not skipped(fields[name])
    }
    for name, value in kept.items():
        elements = controls(page, name)
        assert elements, f"{name} is not on the page"
        assert shown_value(elements) == value, name

    sent = [form for form in sent_forms(response) if missing in map(form.add_prefix, form.fields)]
    assert sent, f"no bound form with {missing} on the page"
    errors = sent[0].errors.get(
        missing.removeprefix(f"{sent[0].prefix}-") if sent[0].prefix else missing
    )
    assert errors, f"{missing} is not refused: {sent[0].errors}"
    spoiled = controls(page, missing)
    assert spoiled, f"{missing} is not on the page"
    for message in errors:
        assert beside(page, spoiled[0], message), (missing, message)

    for name, form_field in fields.items():
        if isinstance(form_field, forms.FileField):
            box = controls(page, name)
            assert box and beside(page, box[0], str(FILE_AGAIN)), f"{name}: no word on the file"


def project_form_classes() -> set[type]:
    """Every form class defined in the project's apps."""
    found = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            found |= {
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            }
    return found


# Form classes without a row, and why.
NOT_SENT = {
    qms_forms.FilterForm: "the base of the lists' filters (GET), which show what they read",
    **dict.fromkeys(
        [
            qms_admin.ActiveUnitsForm,
            qms_admin.UserChangeForm,
            qms_admin.UserCreationForm,
            qms_admin.AccountForm,
            qms_admin.PasswordResetForm,
            procedures_admin.ImportProfileForm,
        ],
        "Django admin's pages, which keep values and show errors beside fields themselves",
    ),
}


def test_every_form_has_a_row():
    """A new form class of the project needs its row in CASES (or a reason in NOT_SENT)."""
    some = {"item": {"item_pk": 1}}
    swept = {type(form) for case in CASES for form in case.forms(some)}
    missing = project_form_classes() - swept - NOT_SENT.keys()
    assert not missing, sorted(c.__qualname__ for c in missing)
