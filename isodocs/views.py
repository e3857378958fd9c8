"""The pages of the ISO documents: the overview "Hệ thống tài liệu ISO", the policy and
scope with their versions, the internal and external document lists, the
announcements of conformity and the yearly reports."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isodocs import overview, services, yearly
from isodocs.forms import (
    ExternalDocumentForm,
    PolicyForm,
    ScopeForm,
    YearlyReportForm,
)
from isodocs.models import (
    Announcement,
    ExternalDocument,
    LegalUpdate,
    QualityPolicy,
    QualityScope,
    YearlyReport,
)
from isodocs.pdf import announcement_pdf, yearly_report_pdf, yearly_report_xlsx
from procedures.models import ProcedureRevision
from qms.decorators import permission_required
from qms.feedback import error_messages, form_action, form_service_error, run_action
from qms.forms import ChangeReasonForm, SignForm
from qms.idempotency import one_time_form
from qms.pdf import pdf_response
from qms.roles import Role
from qms.xlsx import xlsx_response

VIEW = "isodocs.view_qualitypolicy"
VERSIONED = {"policy": QualityPolicy, "scope": QualityScope}


@permission_required(VIEW)
def overview_page(request: HttpRequest) -> HttpResponse:
    """Every section; with `?open=1` (the home page's link) only the rows due or
    missing, as many as the home page counts."""
    today = localdate()
    only_open = request.GET.get("open") == "1"
    sections = overview.sections(today)
    if only_open:
        sections = [
            {**section, "rows": [row for row in section["rows"] if row["state"] != overview.OK]}
            for section in sections
        ]
        sections = [section for section in sections if section["rows"]]
    return render(
        request,
        "isodocs/overview.html",
        {
            "sections": sections,
            "rows": [row for section in sections for row in section["rows"]],
            "only_open": only_open,
            "today": today,
        },
    )


def _sign_form(record, data=None, request=None) -> SignForm:
    return SignForm(data, request=request, record=record, auto_id=f"%s-{record._meta.model_name}")


def _policy_page(request: HttpRequest, sent: dict | None = None) -> HttpResponse:
    """Both versioned documents: their versions, the draft's form for the ISO
    secretary and its sign form for the chairman; `sent` holds a refused form by
    name, drawn again as typed."""
    sent = sent or {}
    today = localdate()
    can_edit = request.user.has_perm("isodocs.change_qualitypolicy")
    blocks = []
    for kind, model, form_class in (
        ("policy", QualityPolicy, PolicyForm),
        ("scope", QualityScope, ScopeForm),
    ):
        draft = model.objects.drafts().first()
        blocks.append(
            {
                "kind": kind,
                "title": model._meta.verbose_name,
                "in_force": model.in_force_on(today),
                "versions": model.objects.approved().prefetch_related("signatures"),
                "draft": draft,
                "form": sent.get(kind) or (form_class(instance=draft) if can_edit else None),
                "sign_form": sent.get(f"sign-{kind}") or (_sign_form(draft) if draft else None),
            }
        )
    return render(
        request,
        "isodocs/policy.html",
        {
            "blocks": blocks,
            "can_edit": can_edit,
            "can_sign": request.user.has_role(Role.CHAIRMAN),
            "in_scope": services.in_scope(today),
            "scope_changed": services.scope_changed(today),
            "sent": sent,  # the refused forms, by name
        },
    )


@permission_required(VIEW)
def policy(request: HttpRequest) -> HttpResponse:
    return _policy_page(request)


def _save_version(request: HttpRequest, kind: str, save) -> HttpResponse:
    model, form_class = (
        (QualityPolicy, PolicyForm) if kind == "policy" else (QualityScope, ScopeForm)
    )
    form = form_class(request.POST, instance=model.objects.drafts().first())
    return form_action(
        request,
        form,
        lambda data: save(form.instance, data),
        page=lambda refused: _policy_page(request, {kind: refused}),
        redirect_to=reverse("isodocs:policy"),
        success=_("The draft is saved: it waits for the chairman's signature."),
    )


@require_POST
@permission_required("isodocs.change_qualitypolicy")
def policy_save(request: HttpRequest) -> HttpResponse:
    return _save_version(
        request,
        "policy",
        lambda policy, data: services.policy_save(policy=policy, user=request.user),
    )


@require_POST
@permission_required("isodocs.change_qualityscope")
def scope_save(request: HttpRequest) -> HttpResponse:
    return _save_version(
        request,
        "scope",
        lambda scope, data: services.scope_save(
            scope=scope, exclusions=data["exclusions"], user=request.user
        ),
    )


@require_POST
@permission_required(VIEW)
def version_approve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The chairman signs a draft of the policy or the scope (the service refuses
    anyone else)."""
    if kind not in VERSIONED:
        raise Http404
    record = get_object_or_404(VERSIONED[kind], pk=pk)
    return form_action(
        request,
        _sign_form(record, request.POST, request),
        lambda data: services.version_approve(record=record, user=request.user, **data),
        page=lambda form: _policy_page(request, {f"sign-{kind}": form}),
        redirect_to=reverse("isodocs:policy"),
        success=_("%(record)s is approved.") % {"record": record},
    )


@permission_required(VIEW)
def internal_documents(request: HttpRequest) -> HttpResponse:
    """The internal documents (7.5): every procedure's revision in force and the forms
    it uses, with code, revision and effective date, as the records stand today."""
    revisions = (
        ProcedureRevision.objects.effective()
        .select_related("procedure")
        .order_by("procedure__code")
    )
    return render(request, "isodocs/internal_documents.html", {"revisions": revisions})


@permission_required(VIEW)
def external_documents(request: HttpRequest) -> HttpResponse:
    today = localdate()
    return render(
        request,
        "isodocs/external_documents.html",
        {
            "documents": ExternalDocument.objects.select_related("changes").prefetch_related(
                "procedures"
            ),
            "updates": LegalUpdate.objects.open().select_related("procedure", "document", "cited"),
            "today": today,
            "can_edit": request.user.has_perm("isodocs.add_externaldocument"),
        },
    )


@permission_required("isodocs.add_externaldocument")
@one_time_form
def external_create(request: HttpRequest) -> HttpResponse:
    form = ExternalDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            updates = services.external_document_add(
                document=form.instance,
                procedures=form.cleaned_data["procedures"],
                user=request.user,
            )
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("Saved %(document)s.") % {"document": form.instance})
            if updates:
                messages.warning(
                    request,
                    _("%(count)s procedures are flagged for a legal update by %(day)s.")
                    % {"count": len(updates), "day": updates[0].due_on.strftime("%d/%m/%Y")},
                )
            return redirect("isodocs:external_documents")
    return render(request, "isodocs/external_form.html", {"form": form, "document": None})


@permission_required("isodocs.change_externaldocument")
def external_update(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(ExternalDocument, pk=pk)
    form = ExternalDocumentForm(request.POST or None, instance=document)
    reason = ChangeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and reason.is_valid():
        services.external_document_save(
            document=form.instance,
            procedures=form.cleaned_data["procedures"],
            user=request.user,
            reason=reason.cleaned_data["reason"],
        )
        messages.success(request, _("Saved %(document)s.") % {"document": document})
        return redirect("isodocs:external_documents")
    return render(
        request,
        "isodocs/external_form.html",
        {
            "form": form,
            "reason": reason,
            "document": document,
            "history": document.history.select_related("history_user"),
        },
    )


def _announcements_page(request: HttpRequest, sent=None) -> HttpResponse:
    today = localdate()
    draft = Announcement.objects.filter(approved_at__isnull=True).select_related("scope").first()
    reports = {report.year: report for report in YearlyReport.objects.all()}
    years = sorted({*reports, today.year}, reverse=True)
    return render(
        request,
        "isodocs/announcements.html",
        {
            "announcements": Announcement.objects.filter(approved_at__isnull=False).select_related(
                "scope", "number"
            ),
            "draft": draft,
            "sign_form": sent or (_sign_form(draft) if draft else None),
            "due": services.announcement_due(today),
            "can_edit": request.user.has_perm("isodocs.add_announcement"),
            "can_sign": request.user.has_role(Role.CHAIRMAN),
            "reports": [(year, reports.get(year) or YearlyReport(year=year)) for year in years],
            "today": today,
        },
    )


@permission_required(VIEW)
def announcements(request: HttpRequest) -> HttpResponse:
    return _announcements_page(request)


@require_POST
@permission_required("isodocs.add_announcement")
def announcement_create(request: HttpRequest) -> HttpResponse:
    return run_action(
        request,
        lambda: services.announcement_draft(user=request.user),
        redirect_to="isodocs:announcements",
        success=_("The draft decision is ready for the chairman's signature."),
    )


@require_POST
@permission_required(VIEW)
def announcement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    return form_action(
        request,
        _sign_form(announcement, request.POST, request),
        lambda data: services.announcement_sign(
            announcement=announcement, user=request.user, **data
        ),
        page=lambda form: _announcements_page(request, form),
        redirect_to=reverse("isodocs:announcements"),
        success=_("The announcement is signed."),
    )


@permission_required(VIEW)
def announcement_export(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    return pdf_response(announcement_pdf(announcement), f"quyet-dinh-cong-bo-iso-{pk}")


def _report(year: int) -> YearlyReport:
    return YearlyReport.objects.filter(year=year).first() or YearlyReport(year=year)


@permission_required(VIEW)
def yearly_report(request: HttpRequest, year: int) -> HttpResponse:
    report = _report(year)
    can_write = not report.submitted_on and request.user.has_perm("isodocs.add_yearlyreport")
    form = YearlyReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST

            def write():
                saved = services.yearly_report_save(report=form.instance, user=request.user)
                if submit:
                    services.yearly_report_submit(report=saved, user=request.user)

            try:
                with transaction.atomic():  # a refused submission keeps nothing
                    write()
            except ValidationError as error:
                form_service_error(form, error)
            else:
                messages.success(
                    request, _("The report is submitted.") if submit else _("The report is saved.")
                )
                return redirect("isodocs:yearly_report", year)
    data = report.figures or yearly.figures(*report.window(localdate()))
    return render(
        request,
        "isodocs/yearly_report.html",
        {
            "report": report,
            "form": form,
            "can_write": can_write,
            "data": data,
            "start": date.fromisoformat(data["start"]),
            "end": date.fromisoformat(data["end"]),
            "counts": [(yearly.LABELS[key], value) for key, value in data["counts"].items()],
            "state": report.state(localdate()),
        },
    )


@permission_required(VIEW)
def yearly_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    report = _report(year)
    name = f"bao-cao-iso-nam-{year}"
    try:
        if fmt == "pdf":
            return pdf_response(yearly_report_pdf(report), name)
        return xlsx_response(yearly_report_xlsx(report), name)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("isodocs:yearly_report", year)
