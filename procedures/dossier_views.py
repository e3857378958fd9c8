"""The one-stop desk's pages: receive, list, work and return dossiers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procedures import dossier_services, import_jobs
from procedures.filters import DossierFilter, QueueFilter, TurnedAwayFilter, with_step_deadlines
from procedures.forms import (
    ApologyForm,
    CorrectionForm,
    ImportForm,
    ReasonForm,
    ReceiveForm,
    ReturnForm,
    StopForm,
    TrackingBookForm,
    document_line,
    procedure_matches,
)
from procedures.importer import REQUIRED, TABLE, ImportRejected, import_dossiers
from procedures.models import Apology, Dossier, DossierDocument, ImportJob, RevisionComponent
from procedures.pdf import DOSSIER_FORMS, dossier_pdf
from procedures.tracking_book import tracking_book_pdf, tracking_book_xlsx
from procedures.turned_away import register, summary, turned_away_xlsx
from qms.decorators import permission_required
from qms.feedback import (
    error_messages,
    form_action,
    form_error_messages,
    form_service_error,
    run_action,
)
from qms.forms import SignForm
from qms.idempotency import one_time_form
from qms.paging import keyset_page
from qms.pdf import pdf_response
from qms.roles import Role
from qms.uploads import download
from qms.xlsx import xlsx_response

VIEW = "procedures.view_dossier"
RECEIVE = "procedures.add_dossier"
WORK = "procedures.change_dossier"
APPROVE_APOLOGY = "procedures.approve_apology"
MATCHES_SHOWN = 12
# the dossier just saved at the desk: its page focuses its first slip, printed with Enter
JUST_RECEIVED = "in-phieu"


def _dossier(code: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related(
            "procedure", "revision", "current_step", "current_unit", "received_by"
        ),
        code=code,
    )


@permission_required(RECEIVE)
@one_time_form
def dossier_receive(request: HttpRequest) -> HttpResponse:
    form = ReceiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_services.dossier_receive(user=request.user, **data)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("Dossier %(code)s is logged.") % {"code": dossier.code})
            url = reverse("procedures:dossier_detail", args=[dossier.code])
            return redirect(f"{url}?{JUST_RECEIVED}=1")
    return render(request, "procedures/dossier_receive.html", {"form": form})


@permission_required("procedures.view_procedure")
def dossier_receive_matches(request: HttpRequest) -> JsonResponse:
    """The receipt form's list: the procedures what was typed (`q`) names, the exact
    matches first, each with its documents for the form to fill in."""
    exact, partial = procedure_matches(request.GET.get("q", ""))
    procedures = (exact + partial)[:MATCHES_SHOWN]
    components = RevisionComponent.objects.filter(
        revision__procedure__in=procedures, revision__status="effective"
    ).select_related("revision")
    lines: dict[int, list[str]] = {}
    for component in components:
        lines.setdefault(component.revision.procedure_id, []).append(
            document_line(component.name, component.copy_type, component.quantity)
        )
    return JsonResponse(
        {
            "matches": [
                {
                    "value": f"{procedure.code} – {procedure.name}",
                    "documents": "\n".join(lines.get(procedure.pk, [])),
                }
                for procedure in procedures
            ],
            "more": len(exact) + len(partial) - len(procedures),
        }
    )


@permission_required(VIEW)
def dossier_list(request: HttpRequest) -> HttpResponse:
    # Procedures are fetched apart: joined in, they tempt SQLite's planner away from
    # the list index into sorting the whole table.
    filterset = DossierFilter(
        request.GET or None, queryset=Dossier.objects.prefetch_related("procedure")
    )
    try:
        page = keyset_page(filterset.qs, request.GET)
    except ValidationError as error:
        error_messages(request, error)
        page = keyset_page(filterset.qs, request.GET.dict() | {"after": ""})
    return render(request, "procedures/dossier_list.html", {"filter": filterset, "page": page})


@permission_required(VIEW)
def dossier_queue(request: HttpRequest) -> HttpResponse:
    filterset = QueueFilter.of(request.user, request.GET)
    dossiers = with_step_deadlines(
        filterset.qs.select_related("procedure")
        .followed()
        .annotate(followed_on=F("followed_date"))
        .order_by("followed_date", "received_at")
    )
    return render(
        request,
        "procedures/dossier_queue.html",
        {"dossiers": dossiers, "filter": filterset, "today": localdate(), "now": timezone.now()},
    )


@permission_required(VIEW)
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _dossier_page(request, _dossier(code))


def _dossier_page(
    request: HttpRequest, dossier: Dossier, sent: dict | None = None, status=200
) -> HttpResponse:
    """The dossier's page; a refused action form (`sent`: the form by its name in
    `forms`) shows again as it was typed, with the reasons beside its fields."""
    apology = getattr(dossier, "apology", None)
    draft = apology if apology and not apology.approved_at else None
    forms = {
        "supplement": ReasonForm(prefix="supplement"),
        "stop": StopForm(prefix="stop"),
        "return": ReturnForm(prefix="return"),
        "correct": CorrectionForm(
            prefix="correct",
            initial={"completed_at": dossier.completed_at, "returned_at": dossier.returned_at},
        ),
        "apology": ApologyForm(prefix="apology"),
        "apology_edit": ApologyForm(
            prefix="apology-edit",
            initial={"reason": draft.reason, "new_due_date": draft.new_due_date},
        )
        if draft
        else None,
        "approve": SignForm(prefix="approve", request=request, record=draft) if draft else None,
    } | (sent or {})
    return render(
        request,
        "procedures/dossier_detail.html",
        {
            "dossier": dossier,
            "contact": dossier.contact_for(request.user),
            "may_act": dossier_services.may_act_on(request.user, dossier),
            "may_draft": dossier_services.may_draft_apology(request.user, dossier),
            "can_correct": request.user.has_role(Role.ISO_SECRETARY),
            "handoffs": dossier.handoffs.select_related("step", "from_user", "to_unit"),
            "supplements": dossier.supplements.all(),
            "documents": dossier.documents.all(),
            "apology": apology,
            "draft": draft,
            "withdrawn_apologies": dossier.apologies.filter(
                withdrawn_at__isnull=False
            ).select_related("drafted_by", "withdrawn_by"),
            "history": dossier.history.select_related("history_user"),
            "forms": forms,
            "printable": [
                (kind, title)
                for kind, (title, applies) in DOSSIER_FORMS.items()
                if applies(dossier)
            ],
            "just_received": JUST_RECEIVED in request.GET,
        },
        status=status,
    )


def _dossier_form(
    request: HttpRequest, code: str, name: str, form, write, success: str
) -> HttpResponse:
    """One of the dossier page's action forms sent (`name`: its name in the page's
    `forms`), through `form_action`: a refusal shows the dossier's page again (400)
    with the form as typed and each reason beside its field."""
    return form_action(
        request,
        form,
        write,
        page=lambda refused: _dossier_page(request, _dossier(code), {name: refused}, status=400),
        redirect_to=reverse("procedures:dossier_detail", args=[code]),
        success=success,
    )


def _apology(dossier: Dossier) -> Apology:
    """The apology the forms act on: the one in force, else the latest withdrawn
    draft (so that a page opened before the withdrawal is told so)."""
    apology = dossier.apologies.order_by(F("withdrawn_at").desc(nulls_first=True)).first()
    if apology is None:
        raise Http404
    return apology


@require_POST
@permission_required(WORK)
def dossier_apology_draft(request: HttpRequest, code: str) -> HttpResponse:
    """The unit at fault drafts the apology (form 04) for the head to issue."""
    dossier = _dossier(code)
    return _dossier_form(
        request,
        code,
        "apology",
        ApologyForm(request.POST, prefix="apology"),
        lambda data: dossier_services.dossier_apologise(dossier=dossier, user=request.user, **data),
        _("The apology for %(code)s is drafted: the chairman or a vice-chairman issues it.")
        % {"code": code},
    )


@require_POST
@permission_required(WORK)
def dossier_apology_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The draft's reason and new date corrected before the head issues it."""
    apology = _apology(_dossier(code))
    return _dossier_form(
        request,
        code,
        "apology_edit",
        ApologyForm(request.POST, prefix="apology-edit"),
        lambda data: dossier_services.apology_edit(apology=apology, user=request.user, **data),
        _("The draft apology for %(code)s is saved.") % {"code": code},
    )


@require_POST
@permission_required(WORK)
def dossier_apology_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """The draft withdrawn before it is issued (a button: nothing typed to keep)."""
    apology = _apology(_dossier(code))
    return run_action(
        request,
        lambda: dossier_services.apology_withdraw(apology=apology, user=request.user),
        success=_("The draft apology for %(code)s is withdrawn.") % {"code": code},
        redirect_to=reverse("procedures:dossier_detail", args=[code]),
    )


@require_POST
@permission_required(APPROVE_APOLOGY)
def dossier_apology_approve(request: HttpRequest, code: str) -> HttpResponse:
    """The chairman or a vice-chairman issues the drafted apology (form 04) by
    signing it."""
    apology = _apology(_dossier(code))
    form = SignForm(request.POST, prefix="approve", request=request, record=apology)
    return _dossier_form(
        request,
        code,
        "approve",
        form,
        lambda data: dossier_services.apology_approve(apology=apology, user=request.user, **data),
        _("The apology for %(code)s is issued.") % {"code": code},
    )


ACTIONS = {
    # action: (form class or None, service call)
    "hand_on": (None, lambda d, u, data: dossier_services.dossier_hand_on(dossier=d, user=u)),
    "complete": (None, lambda d, u, data: dossier_services.dossier_complete(dossier=d, user=u)),
    "resume": (None, lambda d, u, data: dossier_services.dossier_resume(dossier=d, user=u)),
    "supplement": (
        ReasonForm,
        lambda d, u, data: dossier_services.dossier_request_supplement(dossier=d, user=u, **data),
    ),
    "stop": (StopForm, lambda d, u, data: dossier_services.dossier_stop(dossier=d, user=u, **data)),
    "return": (
        ReturnForm,
        lambda d, u, data: dossier_services.dossier_return(dossier=d, user=u, **data),
    ),
    "correct": (
        CorrectionForm,
        lambda d, u, data: dossier_services.dossier_correct_dates(dossier=d, user=u, **data),
    ),
}


@require_POST
@permission_required(WORK)
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    dossier = _dossier(code)
    if action not in ACTIONS:
        raise Http404
    form_class, run = ACTIONS[action]
    success = _("Dossier %(code)s is updated.") % {"code": code}
    if form_class is None:
        return run_action(
            request,
            lambda: run(dossier, request.user, {}),
            success=success,
            redirect_to=reverse("procedures:dossier_detail", args=[code]),
        )
    return _dossier_form(
        request,
        code,
        action,
        form_class(request.POST, request.FILES, prefix=action),
        lambda data: run(dossier, request.user, data),
        success,
    )


@permission_required(VIEW)
def dossier_scan(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(code)
    return download(dossier.result_scan, f"{dossier.code}-ket-qua")


@permission_required(VIEW)
def dossier_document_scan(request: HttpRequest, code: str, order: int) -> HttpResponse:
    document = get_object_or_404(DossierDocument, dossier__code=code, order=order)
    return download(document.scan, f"{code}-giay-to-{order}")


@permission_required(VIEW)
def dossier_form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = _dossier(code)
    if kind not in DOSSIER_FORMS or not DOSSIER_FORMS[kind][1](dossier):
        raise Http404
    # form 02 is one slip per supplement request: ?lan=2 is the second one
    number = request.GET.get("lan", "")
    if number and (kind != "supplement-request" or not number.isdigit()):
        raise Http404
    try:
        content = dossier_pdf(kind, dossier, request.user, int(number) if number else None)
    except ValidationError as error:
        raise Http404(error.messages[0]) from error
    suffix = f"-{number}" if number else ""
    return pdf_response(content, f"{dossier.code}-{kind}{suffix}")


@permission_required(VIEW)
def tracking_book(request: HttpRequest) -> HttpResponse:
    form = TrackingBookForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        args = (data["date_from"], data["date_to"], data["unit"], request.user)
        name = f"so-theo-doi-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
        try:
            if data["format"] == "pdf":
                return pdf_response(tracking_book_pdf(*args), name)
            return xlsx_response(tracking_book_xlsx(*args), name)
        except ValidationError as error:  # more rows than the format holds
            form_service_error(form, error)
    return render(request, "procedures/tracking_book.html", {"form": form})


@permission_required(VIEW)
def turned_away(request: HttpRequest) -> HttpResponse:
    """The register of requests turned away at intake (R13), newest first, with how
    many were turned away by decision and by procedure."""
    filterset = TurnedAwayFilter(request.GET or None, queryset=Dossier.objects.all())
    try:
        page = keyset_page(register(filterset.qs), request.GET)
    except ValidationError as error:
        error_messages(request, error)
        page = keyset_page(register(filterset.qs), request.GET.dict() | {"after": ""})
    return render(
        request,
        "procedures/turned_away.html",
        {"filter": filterset, "page": page, "summary": summary(filterset.qs)},
    )


@permission_required(VIEW)
def turned_away_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered on its page; a wrong filter or more rows than an
    export holds sends back to the page with the reason."""
    filterset = TurnedAwayFilter(request.GET or None, queryset=Dossier.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        form_error_messages(request, filterset.form)
    else:
        data = filterset.form.cleaned_data if filterset.is_bound else {}
        try:
            content = turned_away_xlsx(
                filterset.qs, data.get("received_from"), data.get("received_to"), request.user
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            return xlsx_response(content, "so-tu-choi-tiep-nhan")
    return redirect(f"{reverse('procedures:turned_away')}?{request.GET.urlencode()}")


@permission_required(RECEIVE)
def dossier_import(request: HttpRequest) -> HttpResponse:
    """A small file is imported within the request; a larger one by the worker, its
    page following the counts (procedures.import_jobs)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": TABLE, "required": REQUIRED}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {"dry_run": form.cleaned_data["dry_run"], "profile": form.cleaned_data["profile"]}
        if upload.size > import_jobs.IN_REQUEST_BYTES:
            return redirect(
                import_jobs.import_job_start(user=request.user, upload=upload, **options)
            )
        try:
            context["result"] = import_dossiers(
                upload.name, upload.read(), user=request.user, **options
            )
        except ImportRejected as rejected:
            context |= {"errors": rejected.errors, "error_count": len(rejected.errors)}
    return render(request, "procedures/dossier_import.html", context)


def _import_job(request: HttpRequest, pk: int) -> ImportJob:
    """The job, seen only by who sent the file and by the ISO secretary."""
    job = get_object_or_404(ImportJob.objects.select_related("user", "profile"), pk=pk)
    if job.user_id != request.user.pk and not request.user.has_role(Role.ISO_SECRETARY):
        raise PermissionDenied
    return job


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    context = {"job": job, "progress": import_jobs.job_progress(job)}
    return render(request, "procedures/import_job.html", context | import_jobs.job_outcome(job))


@login_required
def import_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the job's page polls while the import runs."""
    job = _import_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.finished,
            **import_jobs.job_progress(job),
        }
    )
