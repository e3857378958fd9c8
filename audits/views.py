from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services
from audits.filters import AuditFilter, ChecklistFilter, MyAuditFilter
from audits.forms import (
    AnswerForm,
    AuditForm,
    FindingForm,
    ReportForm,
    StartForm,
    TimetableFormSet,
    timetable_initial,
)
from audits.models import Audit, ChecklistItem, ChecklistTemplate, Programme
from audits.pdf import AUDIT_PDFS
from governance.models import Risk
from qms.decorators import permission_required
from qms.feedback import (
    form_action,
    form_service_error,
    row_service_errors,
    run_action,
)
from qms.forms import SignForm, kept_rows
from qms.idempotency import one_time_form
from qms.pdf import pdf_response
from qms.roles import Role
from qms.signing import chairman_approve

VIEW = "audits.view_audit"
PLAN = "audits.add_audit"
WORK = "audits.change_audit"


def _audit(pk: int) -> Audit:
    return get_object_or_404(Audit.objects.select_related("lead_auditor"), pk=pk)


@permission_required(VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    audits = Audit.objects.select_related("lead_auditor").annotate(
        answered=Count("items", filter=~Q(items__result="")), total=Count("items")
    )
    filterset = AuditFilter(request.GET or None, queryset=audits)
    return render(
        request,
        "audits/audit_list.html",
        {"filter": filterset, "programmes": Programme.objects.all()},
    )


@permission_required(VIEW)
def my_audits(request: HttpRequest) -> HttpResponse:
    filterset = MyAuditFilter.of(request.user, request.GET)
    audits = filterset.qs.annotate(open_items=Count("items", filter=Q(items__result="")))
    return render(request, "audits/my_audits.html", {"audits": audits, "filter": filterset})


@permission_required(PLAN)
@one_time_form
def audit_create(request: HttpRequest) -> HttpResponse:
    return _plan_form(request, AuditForm(request.POST or None))


@permission_required(WORK)  # the plan itself: the ISO secretary's, by `audit_save`
def audit_update(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    if audit.status != Audit.Status.PLANNED or audit.plan_approved_at:
        messages.error(
            request,
            _("The audit plan is approved or the audit has started: it can no longer change."),
        )
        return redirect("audits:detail", pk=pk)
    return _plan_form(request, AuditForm(request.POST or None, instance=audit))


def _plan_form(request: HttpRequest, form: AuditForm) -> HttpResponse:
    """The audit and its timetable, saved together."""
    timetable = TimetableFormSet(
        request.POST or None,
        initial=timetable_initial(form.instance) if form.instance.pk else None,
        prefix="timetable",
    )
    if request.method == "POST" and form.is_valid() and timetable.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_save(
                audit=form.instance,
                units=list(data["units"]),
                procedures=list(data["procedures"]),
                clauses=list(data["clauses"]),
                team=list(data["team"]),
                user=request.user,
                reason=data["reason"],
                timetable=kept_rows(timetable),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                row_service_errors(timetable, error.error_dict.pop("timetable", []))
            form_service_error(form, error)
        else:
            messages.success(request, _("Audit %(code)s is planned.") % {"code": audit.code})
            return redirect("audits:detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "timetable": timetable})


@require_POST
@permission_required(WORK)  # approving: the ISO secretary only, by the service
def audit_plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    return run_action(
        request,
        lambda: services.audit_plan_approve(audit=audit, user=request.user),
        success=_("The audit plan is approved."),
        redirect_to=reverse("audits:detail", args=[pk]),
    )


@permission_required(VIEW)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _audit_page(request, pk)


def _audit_page(request: HttpRequest, pk: int, sent: dict | None = None) -> HttpResponse:
    """The audit's page; a refused form (`sent`: by its name in the context) shows
    again as typed, with the reasons beside its fields."""
    audit = _audit(pk)
    is_lead = audit.lead_auditor_id == request.user.pk
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "is_lead": is_lead,
            "can_plan": request.user.has_role(Role.ISO_SECRETARY),
            "is_auditor": request.user.pk in audit.auditors(),
            "plan_not_approved": services.PLAN_NOT_APPROVED,
            "findings": audit.findings.select_related("unit"),
            "counts": audit.items.aggregate(
                total=Count("pk"), answered=Count("pk", filter=~Q(result=""))
            ),
            "start_form": StartForm(),
            "report_form": ReportForm(instance=audit),
            "finding_form": FindingForm(audit=audit),
            "sign_form": SignForm(record=audit),
            "left": list(services.items_left(audit)),
            "signature": audit.report_signature,
            "pdfs": AUDIT_PDFS,
            "templates": ChecklistTemplate.objects.all(),
            "history": audit.history.select_related("history_user")[:30],
        }
        | (sent or {}),
    )


@require_POST
@permission_required(WORK)
def audit_start(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _audit_page(request, pk, {"start_form": form})
    return run_action(
        request,
        lambda: services.audit_start(audit=audit, user=request.user, **form.cleaned_data),
        redirect_to=reverse("audits:detail", args=[pk]),
        success_to=lambda _started: _checklist_url(pk),
    )


@permission_required(VIEW)
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    return _checklist_page(request, pk)


def _checklist_page(request: HttpRequest, pk: int, sent: dict | None = None) -> HttpResponse:
    """The checklist; a refused answer (`sent`: its form by item) shows again as
    typed, with the reasons beside its fields."""
    audit = _audit(pk)
    filterset = ChecklistFilter.of(audit, request.GET)
    items = filterset.qs.select_related("finding").prefetch_related("dossiers")
    sent = sent or {}
    fields = set(audit.procedures.values_list("field", flat=True))
    return render(
        request,
        "audits/checklist.html",
        {
            "audit": audit,
            "filter": filterset,
            "rows": [(item, sent.get(item.pk) or _answer_form(item)) for item in items],
            "left": list(services.items_left(audit)),
            "can_answer": request.user.pk in audit.auditors()
            and audit.status == Audit.Status.IN_PROGRESS,
            # clause 6.1 is answered from the register of the processes audited
            "risks_61": Risk.objects.open()
            .in_scope(
                desk=audit.scope_units().filter(is_one_stop_desk=True).exists(), fields=fields
            )
            .filter(identified_on__lte=audit.actual_end or audit.planned_end),
        },
    )


def _answer_form(item: ChecklistItem, data=None) -> AnswerForm:
    finding = getattr(item, "finding", None)
    return AnswerForm(
        data,
        prefix=f"item-{item.pk}",
        initial={
            "result": item.result,
            "evidence": item.evidence,
            "not_applicable_reason": item.not_applicable_reason,
            "requirement": finding.requirement if finding else "",
            "statement": finding.description if finding else "",
            "dossiers": ", ".join(d.code for d in item.dossiers.all()),
        },
    )


@require_POST
@permission_required("audits.change_checklistitem")
def checklist_answer(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Saves one item. htmx sends it on leaving a field and gets back only what a
    save changes (its status, its errors, its dossiers, the items left): the inputs
    stay, with what the auditor typed meanwhile. Other requests go back to the list."""
    item = get_object_or_404(ChecklistItem.objects.select_related("audit"), pk=item_pk)
    form = _answer_form(item, request.POST)
    saved = False
    if form.is_valid():
        try:
            item = services.checklist_answer(item=item, user=request.user, **form.cleaned_data)
            saved = True
        except ValidationError as error:
            form_service_error(form, error)
    if request.headers.get("HX-Request") == "true":
        if "save" not in request.POST:  # not the Save button: a field was left
            form.withhold_blank_field_errors()
        return render(
            request,
            "audits/_checklist_answer.html",
            {
                "item": item,
                "form": form,
                "saved": saved,
                "left": list(services.items_left(item.audit)),
            },
        )
    if not saved:
        return _checklist_page(request, item.audit_id, {item.pk: form})
    return redirect(f"{_checklist_url(item.audit_id)}#item-{item.pk}")


def _checklist_url(pk: int) -> str:
    return reverse("audits:checklist", args=[pk])


@require_POST
@permission_required(WORK)
@one_time_form
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    return form_action(
        request,
        FindingForm(request.POST, audit=audit),
        lambda data: services.finding_add(audit=audit, user=request.user, **data),
        page=lambda form: _audit_page(request, pk, {"finding_form": form}),
        redirect_to=reverse("audits:detail", args=[pk]),
    )


@require_POST
@permission_required(WORK)
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    return form_action(
        request,
        ReportForm(request.POST, instance=Audit.objects.get(pk=pk)),
        lambda data: services.report_save(audit=audit, user=request.user, **data),
        page=lambda form: _audit_page(request, pk, {"report_form": form}),
        redirect_to=reverse("audits:detail", args=[pk]),
        success=_("The report is saved."),
    )


@require_POST
@permission_required(WORK)
def report_sign(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    return form_action(
        request,
        SignForm(request.POST, request=request, record=audit),
        lambda data: services.report_sign(audit=audit, user=request.user, **data),
        page=lambda form: _audit_page(request, pk, {"sign_form": form}),
        redirect_to=reverse("audits:detail", args=[pk]),
        success=_("The report is signed."),
    )


@permission_required(VIEW)
def audit_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in AUDIT_PDFS:
        raise Http404
    audit = _audit(pk)
    return pdf_response(AUDIT_PDFS[kind][1](audit), f"{audit.code}-{kind}")


@require_POST
@permission_required(WORK)
def audit_close(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(pk)
    return run_action(
        request,
        lambda: services.audit_close(audit=audit, user=request.user),
        redirect_to=reverse("audits:detail", args=[pk]),
    )


@permission_required(VIEW)
def programme(request: HttpRequest, year: int) -> HttpResponse:
    programme = get_object_or_404(Programme, year=year)
    audits = Audit.objects.filter(year=year).select_related("lead_auditor")
    done = [a for a in audits if a.status in Audit.SIGNED_STATUSES]
    form = SignForm(request.POST or None, request=request, record=programme)
    if request.method == "POST" and form.is_valid():
        return run_action(
            request,
            lambda: chairman_approve(record=programme, user=request.user, **form.cleaned_data),
            success=_("The programme is approved."),
            redirect_to=reverse("audits:programme", args=[year]),
        )
    return render(
        request,
        "audits/programme.html",
        {
            "programme": programme,
            "audits": audits,
            "done": len(done),
            "form": form,
            "can_approve": request.user.has_role(Role.CHAIRMAN),
        },
    )
