"""Who may open what: every URL of the project (each PDF/XLSX export and every POST
action included), for every role and for an anonymous visitor, from one table.

Each request runs in a transaction rolled back afterwards, so the table's rows do
not depend on one another. The API's rows (`api=True`) are called with an API key
bound to the role's account, and anonymously with none (401). A URL without a row
fails `test_every_url_has_a_row`.
The Django admin (`/quan-tri/`) keeps its own permissions and is tested apart.
Rules that depend on the record are refused by the services with a message and are
tested where they live: a specialist acting on another unit's dossier
(tests/procedures/test_dossier_pages.py), an auditor auditing their own unit and
only the lead auditor signing (tests/audits/test_audit_rules.py), only the chairman
signing a review or approving an objective or programme (tests/qms/).
"""

from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiKey
from api.views import API_ACTIONS
from audits.views import AUDIT_PDFS
from procedures.dossier_views import ACTIONS
from procedures.pdf import DOSSIER_FORMS
from qms.idempotency import FIELD, new_token
from qms.roles import Role

EVERYONE = frozenset(Role)
SECRETARY = frozenset({Role.ISO_SECRETARY})
OFFICER = frozenset({Role.OFFICER})
APPROVERS = frozenset({Role.VICE_CHAIRMAN, Role.CHAIRMAN})
CHAIRMAN = frozenset({Role.CHAIRMAN})
DOSSIER_WORK = frozenset(
    {Role.OFFICER, Role.SPECIALIST, Role.ISO_SECRETARY, Role.VICE_CHAIRMAN, Role.CHAIRMAN}
)
AUDIT_WORK = frozenset({Role.ISO_SECRETARY, Role.AUDITOR})
NC_WORK = AUDIT_WORK
COMPLAINT_WORK = frozenset({Role.OFFICER, Role.ISO_SECRETARY})
# an import job: the officer who sent its file, and the ISO secretary
IMPORT_JOB = frozenset({Role.OFFICER, Role.ISO_SECRETARY})
NC_STEPS = (
    "start",
    "correction",
    "analyse",
    "action",
    "verification",
    "verify",
    "cancel",
    "escalate",
)


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str  # "GET" or "POST"
    allowed: frozenset  # roles that get the page or have the action handled; others get 403
    kwargs: str = ""  # which record the URL points at (see `urls_for`)
    extra: dict | None = None  # further URL kwargs (a kind, an action)
    missing: bool = False  # the record does not offer this (404 for every signed-in role)
    public: bool = False  # served to anonymous visitors as well
    everyone_gets: str | None = None  # the same answer for all, visitors included
    api: bool = False  # called with the role's API key (none for a visitor: 401)


def each(name, method, allowed, kwargs, key, values, missing=()):
    return [
        Row(name, method, allowed, kwargs, {key: value}, missing=value in missing)
        for value in values
    ]


MATRIX = [
    Row("login", "GET", EVERYONE, public=True),
    Row("password_change", "GET", EVERYONE),
    Row("password_change_done", "GET", EVERYONE),
    # qms
    Row("qms:home", "GET", EVERYONE),
    Row("qms:calendar", "GET", EVERYONE),
    Row("qms:calendar_day_create", "GET", SECRETARY),
    Row("qms:calendar_day_update", "GET", SECRETARY, "calendar_day"),
    Row("qms:calendar_day_delete", "POST", SECRETARY, "calendar_day"),
    Row("qms:due_date", "GET", EVERYONE),
    Row("qms:identities", "GET", EVERYONE),
    Row("qms:identity_create", "GET", SECRETARY),
    Row("qms:identity_create", "POST", SECRETARY),
    Row("qms:identity_update", "GET", SECRETARY, "identity"),
    Row("qms:identity_update", "POST", SECRETARY, "identity"),
    Row("qms:dashboard", "GET", EVERYONE),
    Row("qms:objectives", "GET", EVERYONE, "year"),
    Row("qms:objective_approve", "POST", EVERYONE, "objective"),  # signing: chairman only
    Row("qms:plan_tasks", "GET", EVERYONE),
    Row("qms:reviews", "GET", EVERYONE),
    Row("qms:review_create", "GET", SECRETARY),
    Row("qms:review_create", "POST", SECRETARY),
    Row("qms:review_detail", "GET", EVERYONE, "review"),
    Row("qms:review_update", "GET", SECRETARY, "review"),
    Row("qms:review_output_add", "POST", SECRETARY, "review"),
    Row("qms:review_sign", "POST", EVERYONE, "review"),  # signing: chairman only
    Row("qms:review_pdf", "GET", EVERYONE, "review"),
    Row("qms:review_output_done", "POST", SECRETARY, "output"),  # or the action's owner
    Row("qms:reports", "GET", EVERYONE),
    Row("qms:report_detail", "GET", EVERYONE, "report"),
    Row("qms:report_detail", "POST", SECRETARY, "report"),
    *each("qms:report_export", "GET", EVERYONE, "report", "fmt", ["pdf", "xlsx"]),
    # procedures
    Row("procedures:list", "GET", EVERYONE),
    Row("procedures:create", "GET", SECRETARY),
    Row("procedures:to_acknowledge", "GET", EVERYONE),
    Row("procedures:detail", "GET", EVERYONE, "procedure"),
    Row("procedures:update", "GET", SECRETARY, "procedure"),
    Row("procedures:review", "POST", SECRETARY, "procedure"),
    Row("procedures:revision_create", "POST", SECRETARY, "procedure"),
    Row("procedures:revision_detail", "GET", EVERYONE, "revision"),
    Row("procedures:revision_edit", "GET", SECRETARY, "draft"),
    Row("procedures:revision_submit", "POST", SECRETARY, "draft"),
    Row("procedures:revision_approve", "POST", APPROVERS, "draft"),
    Row("procedures:revision_withdraw", "POST", APPROVERS, "revision"),
    Row("procedures:revision_acknowledge", "POST", EVERYONE, "revision"),
    Row("procedures:revision_pdf", "GET", EVERYONE, "revision"),
    Row("procedures:revision_attachment", "GET", EVERYONE, "draft"),
    Row("procedures:revision_compare", "GET", EVERYONE, "compare"),
    Row("procedures:dossier_list", "GET", EVERYONE),
    Row("procedures:dossier_receive", "GET", OFFICER),
    Row("procedures:dossier_receive", "POST", OFFICER),
    Row("procedures:dossier_receive_matches", "GET", EVERYONE),
    Row("procedures:dossier_queue", "GET", EVERYONE),
    Row("procedures:tracking_book", "GET", EVERYONE),
    Row("procedures:turned_away", "GET", EVERYONE),
    Row("procedures:turned_away_export", "GET", EVERYONE),
    Row("procedures:dossier_import", "GET", OFFICER),
    Row("procedures:import_job", "GET", IMPORT_JOB, "import_job"),
    Row("procedures:import_job_progress", "GET", IMPORT_JOB, "import_job"),
    Row("procedures:dossier_detail", "GET", EVERYONE, "dossier"),
    # a dossier in progress offers its receipt and control slip only
    *each(
        "procedures:dossier_pdf",
        "GET",
        EVERYONE,
        "dossier",
        "kind",
        DOSSIER_FORMS,
        missing={"supplement-request", "refusal", "apology", "stop-notice"},
    ),
    Row("procedures:dossier_scan", "GET", EVERYONE, "dossier", missing=True),  # none yet
    Row(  # the records' dossier lists no scanned document
        "procedures:dossier_document_scan", "GET", EVERYONE, "dossier", {"order": 1}, missing=True
    ),
    *each("procedures:dossier_action", "POST", DOSSIER_WORK, "dossier", "action", ACTIONS),
    # form 04's draft: written, edited and withdrawn by the desk's staff (the service
    # refuses those who may not draft)
    Row("procedures:dossier_apology_draft", "POST", DOSSIER_WORK, "dossier"),
    Row("procedures:dossier_apology_edit", "POST", DOSSIER_WORK, "apology"),
    Row("procedures:dossier_apology_withdraw", "POST", DOSSIER_WORK, "apology"),
    Row("procedures:dossier_apology_edit", "POST", DOSSIER_WORK, "dossier", missing=True),
    # issuing form 04: the chairman and the vice-chairmen only
    Row("procedures:dossier_apology_approve", "POST", APPROVERS, "apology"),
    # audits
    Row("audits:list", "GET", EVERYONE),
    Row("audits:mine", "GET", EVERYONE),
    Row("audits:programme", "GET", EVERYONE, "year"),
    Row("audits:programme", "POST", EVERYONE, "year"),  # approving: the chairman only
    Row("audits:create", "GET", SECRETARY),
    Row("audits:detail", "GET", EVERYONE, "audit"),
    Row("audits:update", "GET", AUDIT_WORK, "planned_audit"),  # saving: the secretary only
    Row("audits:update", "POST", AUDIT_WORK, "planned_audit"),
    Row("audits:plan_approve", "POST", AUDIT_WORK, "planned_audit"),  # the secretary only
    Row("audits:start", "POST", AUDIT_WORK, "audit"),  # starting: the lead auditor only
    Row("audits:checklist", "GET", EVERYONE, "audit"),
    Row("audits:answer", "POST", frozenset({Role.AUDITOR}), "item"),
    Row("audits:finding_add", "POST", AUDIT_WORK, "audit"),
    Row("audits:report_save", "POST", AUDIT_WORK, "audit"),
    Row("audits:report_sign", "POST", AUDIT_WORK, "audit"),  # signing: the lead only
    Row("audits:close", "POST", AUDIT_WORK, "audit"),
    *each("audits:pdf", "GET", EVERYONE, "audit", "kind", AUDIT_PDFS),
    # nonconformities
    Row("nonconformities:register", "GET", EVERYONE),
    Row("nonconformities:raise", "GET", NC_WORK),
    Row("nonconformities:export", "GET", EVERYONE),
    Row("nonconformities:pdf", "GET", EVERYONE, "nc"),
    Row("nonconformities:detail", "GET", EVERYONE, "nc"),
    *each("nonconformities:step", "POST", NC_WORK, "nc", "name", NC_STEPS),
    Row("nonconformities:action_done", "POST", EVERYONE, "action"),  # the owner's, by service
    Row("nonconformities:action_evidence", "GET", EVERYONE, "action", missing=True),
    Row("nonconformities:complaints", "GET", EVERYONE),
    Row("nonconformities:complaints", "POST", OFFICER),  # recording one
    Row("nonconformities:complaint_answer", "POST", COMPLAINT_WORK, "complaint"),
    Row("nonconformities:complaint_disliked", "POST", COMPLAINT_WORK, "complaint"),
    # the ISO documents
    Row("isodocs:overview", "GET", EVERYONE),
    Row("isodocs:policy", "GET", EVERYONE),
    Row("isodocs:policy_save", "POST", SECRETARY),
    Row("isodocs:scope_save", "POST", SECRETARY),
    Row("isodocs:version_approve", "POST", EVERYONE, "policy_draft"),  # the chairman only
    Row("isodocs:internal_documents", "GET", EVERYONE),
    Row("isodocs:external_documents", "GET", EVERYONE),
    Row("isodocs:external_create", "GET", SECRETARY),
    Row("isodocs:external_create", "POST", SECRETARY),
    Row("isodocs:external_update", "GET", SECRETARY, "external_document"),
    Row("isodocs:external_update", "POST", SECRETARY, "external_document"),
    Row("isodocs:announcements", "GET", EVERYONE),
    Row("isodocs:announcement_create", "POST", SECRETARY),
    Row("isodocs:announcement_sign", "POST", EVERYONE, "announcement"),  # the chairman only
    Row("isodocs:announcement_pdf", "GET", EVERYONE, "announcement"),
    Row("isodocs:yearly_report", "GET", EVERYONE, "year"),
    Row("isodocs:yearly_report", "POST", SECRETARY, "year"),
    *each("isodocs:yearly_export", "GET", EVERYONE, "year", "fmt", ["pdf", "xlsx"]),
    # the notices to applicants that were not delivered: their addresses, for the secretary
    Row("notices:undelivered", "GET", SECRETARY),
    # governance: risks, training, retention and the steering group, kept by the ISO
    # secretary, read by everyone; the chairman approves disposals and signs the decision
    Row("governance:risks", "GET", EVERYONE),
    Row("governance:risk_create", "GET", SECRETARY),
    Row("governance:risk_create", "POST", SECRETARY),
    Row("governance:risk_detail", "GET", EVERYONE, "risk"),
    Row("governance:risk_update", "GET", SECRETARY, "risk"),
    Row("governance:risk_update", "POST", SECRETARY, "risk"),
    Row("governance:risk_action_add", "POST", SECRETARY, "risk"),
    Row("governance:risk_action_done", "POST", EVERYONE, "risk_action"),  # owner, by service
    Row("governance:training", "GET", EVERYONE),
    Row("governance:training_create", "GET", SECRETARY),
    Row("governance:training_create", "POST", SECRETARY),
    Row("governance:training_person", "GET", EVERYONE, "person"),
    Row("governance:retention", "GET", EVERYONE),
    Row("governance:retention_rule_update", "GET", SECRETARY, "retention_rule"),
    Row("governance:retention_rule_update", "POST", SECRETARY, "retention_rule"),
    Row("governance:disposal_propose", "POST", SECRETARY),
    Row("governance:disposal_detail", "GET", EVERYONE, "disposal"),
    Row("governance:disposal_approve", "POST", CHAIRMAN, "disposal"),
    Row("governance:disposal_execute", "POST", SECRETARY, "disposal"),
    Row("governance:steering", "GET", EVERYONE),
    Row("governance:steering_create", "GET", SECRETARY),
    Row("governance:steering_create", "POST", SECRETARY),
    Row("governance:steering_detail", "GET", EVERYONE, "steering_decision"),
    Row("governance:steering_approve", "POST", CHAIRMAN, "steering_decision"),
    # the API for the province's system: an API key acts as its account's role
    Row("api:dossiers", "GET", EVERYONE, api=True),
    Row("api:dossiers", "POST", OFFICER, api=True),  # the receipt's permission
    Row("api:dossier", "GET", EVERYONE, "dossier", api=True),
    *(
        Row(f"api:dossier_{action}", "POST", DOSSIER_WORK, "dossier", api=True)
        for _slug, action, _summary in API_ACTIONS
    ),
    Row("api:procedures", "GET", EVERYONE, api=True),
    Row("api:procedure", "GET", EVERYONE, "procedure", api=True),
    Row("api:kpis", "GET", EVERYONE, api=True),
    Row("api:schema", "GET", EVERYONE, public=True),  # describes the API, no record
    Row("api:docs", "GET", EVERYONE, public=True),
    # last: it ends each client's session
    Row("logout", "POST", EVERYONE, everyone_gets="login"),
    # the citizens' pages: no account, the same for everyone
    Row("public:status", "GET", EVERYONE, "public_dossier", public=True),
    *(
        Row("public:dossier_feedback", method, EVERYONE, "public_dossier", public=True)
        for method in ("GET", "POST")
    ),
    *(Row("public:feedback", method, EVERYONE, public=True) for method in ("GET", "POST")),
    Row("public:feedback_received", "GET", EVERYONE, "public_complaint", public=True),
    Row("public:feedback_status", "GET", EVERYONE, "public_complaint", public=True),
    # rating a dossier still in progress is refused with the form (400)
    Row("public:rate", "POST", EVERYONE, "public_dossier", public=True),
    Row("public:lookup", "GET", EVERYONE, public=True),
    Row("public:lookup", "POST", EVERYONE, public=True),
    Row("public:kiosk", "GET", EVERYONE, public=True),
    Row("public:kiosk_rate", "GET", EVERYONE, public=True),  # no code: back to the box
    Row("public:kiosk_rate", "POST", EVERYONE, public=True),
]


def urls_for(row: Row, records: dict) -> str:
    return reverse(row.name, kwargs={**records.get(row.kwargs, {}), **(row.extra or {})})


def request(client: Client, method: str, url: str):
    """The answer to one request, its writes rolled back. A POST carries a one-time
    form token, as the create forms do: the permission is checked before it."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {FIELD: new_token()})
        transaction.set_rollback(True)
    return response


def answer(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    if response.status_code in (401, 403, 404, 405):
        return str(response.status_code)
    # 400: an allowed action refusing the empty form it was sent
    assert response.status_code in (200, 302, 400), response.status_code
    return "ok"


def expected(row: Row, role: Role | None) -> str:
    if row.everyone_gets:
        return row.everyone_gets
    if role is None:
        return "ok" if row.public else "401" if row.api else "login"
    if role not in row.allowed:
        return "403"
    return "404" if row.missing else "ok"


def test_every_role_and_visitor_gets_the_answer_of_the_table(records, personas):
    clients = {None: Client()}
    api_clients = {None: Client()}
    for role, user in personas.items():
        clients[role] = Client()
        clients[role].force_login(user)
        _key, secret = ApiKey.objects.create_key(name=role.value, user=user)
        api_clients[role] = Client(headers={"Authorization": f"Api-Key {secret}"})
    wrong = []
    for row in MATRIX:
        url = urls_for(row, records)
        for role, client in (api_clients if row.api else clients).items():
            got = answer(request(client, row.method, url))
            if got != expected(row, role):
                who = role.value if role else "anonymous"
                wrong.append(f"{row.method} {url} ({row.name}) as {who}: {got}")
    assert not wrong, "\n".join(wrong)


def _url_names(patterns, namespace=None) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_has_a_row():
    """A new URL, PDF kind, dossier action or nonconformity step needs its row."""
    assert _url_names(get_resolver().url_patterns) == {row.name for row in MATRIX}
    assert {action for _slug, action, _summary in API_ACTIONS} <= set(ACTIONS)
    kinds = {
        "procedures:dossier_pdf": set(DOSSIER_FORMS),
        "procedures:dossier_action": set(ACTIONS),
        "audits:pdf": set(AUDIT_PDFS),
        "qms:report_export": {"pdf", "xlsx"},
        "isodocs:yearly_export": {"pdf", "xlsx"},
    }
    for name, values in kinds.items():
        rows = {value for row in MATRIX if row.name == name for value in row.extra.values()}
        assert rows == values, name
