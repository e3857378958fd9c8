from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nonconformities import services
from nonconformities.filters import ComplaintFilter, NonconformityFilter
from nonconformities.forms import (
    ActionForm,
    ComplaintAnswerForm,
    ComplaintForm,
    DoneForm,
    NonconformityForm,
    TextForm,
    VerifyForm,
)
from nonconformities.models import Action, Complaint, Nonconformity
from nonconformities.pdf import nonconformity_pdf, register_xlsx
from procedures.models import Dossier
from qms.decorators import permission_required
from qms.feedback import error_messages, form_action, form_error_messages, run_action
from qms.idempotency import one_time_form
from qms.pdf import pdf_response
from qms.uploads import download
from qms.xlsx import xlsx_response

VIEW = "nonconformities.view_nonconformity"
WORK = "nonconformities.change_nonconformity"


@permission_required(VIEW)
def register(request: HttpRequest) -> HttpResponse:
    filterset = NonconformityFilter(
        request.GET or None,
        queryset=Nonconformity.objects.select_related("unit", "procedure", "corrective_action"),
    )
    return render(
        request,
        "nonconformities/register.html",
        {
            "filter": filterset,
            "overdue_actions": Action.objects.overdue(localdate()).select_related(
                "nonconformity", "owner"
            ),
        },
    )


@permission_required("nonconformities.add_nonconformity")
@one_time_form
def raise_nonconformity(request: HttpRequest) -> HttpResponse:
    form = NonconformityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nc = services.nc_raise(user=request.user, **form.cleaned_data)
        return redirect("nonconformities:detail", pk=nc.pk)
    return render(request, "nonconformities/form.html", {"form": form})


@permission_required(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _nc_page(request, pk)


def _done_form(action: Action, data=None, files=None) -> DoneForm:
    return DoneForm(data, files, auto_id=f"%s-{action.pk}")


def _nc_page(
    request: HttpRequest, pk: int, sent: dict | None = None, done: dict | None = None
) -> HttpResponse:
    """The nonconformity's page; a refused form (`sent`: a step's by its name; `done`:
    an action's, by the action) shows again as typed, with the reasons beside its
    fields."""
    done = done or {}
    nc = get_object_or_404(
        Nonconformity.objects.select_related("unit", "procedure", "corrective_action"), pk=pk
    )
    return render(
        request,
        "nonconformities/detail.html",
        {
            "nc": nc,
            "actions": [
                (action, done.get(action.pk) or _done_form(action))
                for action in nc.actions.select_related("owner", "done_by")
            ],
            "outputs": nc.outputs.select_related("dossier").order_by("found_on", "pk"),
            "history": nc.history.select_related("history_user"),
            # Each step's form has its own prefix, so that every label points at its field.
            "forms": {
                name: form_class(prefix=name)
                for name, (form_class, _run) in _steps(nc, request.user).items()
                if form_class
            }
            | (sent or {}),
            "missing": services.what_is_missing(nc),
        },
    )


def _steps(nc, user):
    """The stage actions of the detail page: name -> (form, service call)."""
    return {
        "correction": (
            TextForm,
            lambda d: services.nc_record_correction(nc=nc, user=user, correction=d["text"]),
        ),
        "analyse": (
            TextForm,
            lambda d: services.nc_analyse(nc=nc, user=user, root_cause=d["text"]),
        ),
        "action": (ActionForm, lambda d: services.action_add(nc=nc, user=user, **d)),
        "start": (None, lambda d: services.nc_start_actions(nc=nc, user=user)),
        "verification": (None, lambda d: services.nc_request_verification(nc=nc, user=user)),
        "verify": (VerifyForm, lambda d: services.nc_verify(nc=nc, user=user, **d)),
        "cancel": (TextForm, lambda d: services.nc_cancel(nc=nc, user=user, reason=d["text"])),
        "escalate": (TextForm, lambda d: services.nc_escalate(nc=nc, user=user, reason=d["text"])),
    }


@require_POST
@permission_required(WORK)
@one_time_form
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    nc = get_object_or_404(Nonconformity, pk=pk)
    steps = _steps(nc, request.user)
    if name not in steps:
        raise Http404
    form_class, run = steps[name]
    success = _("%(code)s is updated.") % {"code": nc.code}
    if form_class:
        return form_action(
            request,
            form_class(request.POST, prefix=name),
            run,
            page=lambda form: _nc_page(request, pk, {name: form}),
            redirect_to=reverse("nonconformities:detail", args=[pk]),
            success=success,
        )
    return run_action(
        request,
        lambda: run({}),
        success=success,
        redirect_to=reverse("nonconformities:detail", args=[pk]),
    )


@require_POST
@permission_required(VIEW)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=pk)
    return form_action(
        request,
        _done_form(action, request.POST, request.FILES),
        lambda data: services.action_done(action=action, user=request.user, **data),
        page=lambda form: _nc_page(request, action.nonconformity_id, done={action.pk: form}),
        redirect_to=reverse("nonconformities:detail", args=[action.nonconformity_id]),
    )


@permission_required("nonconformities.view_complaint")
@one_time_form
def complaints(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("nonconformities.add_complaint"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            code = data.pop("dossier_code").strip()
            dossier = Dossier.objects.filter(code=code).first() if code else None
            if code and dossier is None:
                form.add_error(
                    "dossier_code", _("No dossier with the code %(codes)s.") % {"codes": code}
                )
            else:
                services.complaint_record(user=request.user, dossier=dossier, **data)
                messages.success(request, _("The complaint is recorded."))
                return redirect("nonconformities:complaints")
    return _complaints_page(request, form)


def _answer_form(complaint: Complaint, data=None) -> ComplaintAnswerForm:
    return ComplaintAnswerForm(data, auto_id=f"%s-{complaint.pk}")


def _complaints_page(
    request: HttpRequest, form: ComplaintForm, answered: dict | None = None
) -> HttpResponse:
    """The complaints, filtered by source or searched; a refused answer (`answered`:
    its form by complaint) shows again as typed, with the reason beside its field. The
    citizen's phone, e-mail and other contact details as the user may see them."""
    answered = answered or {}
    filterset = ComplaintFilter(
        request.GET or None, queryset=Complaint.objects.select_related("dossier")
    )
    return render(
        request,
        "nonconformities/complaints.html",
        {
            "form": form,
            "filter": filterset,
            "complaints": [
                (
                    complaint,
                    answered.get(complaint.pk) or _answer_form(complaint),
                    complaint.contact_for(request.user),
                )
                for complaint in filterset.qs[:200]
            ],
        },
    )


@require_POST
@permission_required("nonconformities.change_complaint")
@one_time_form
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    form = _answer_form(complaint, request.POST)
    if not form.is_valid():
        return _complaints_page(request, ComplaintForm(), {complaint.pk: form})
    raising = form.cleaned_data["raise"]
    return run_action(
        request,
        lambda: services.complaint_answer(
            complaint=complaint,
            user=request.user,
            answer=form.cleaned_data["text"],
            raise_severity=Nonconformity.Severity.MINOR if raising else "",
        ),
        redirect_to="nonconformities:complaints",
        success_to=lambda answered: (
            reverse("nonconformities:detail", args=[answered.nonconformities.first().pk])
            if raising
            else "nonconformities:complaints"
        ),
    )


@require_POST
@permission_required("nonconformities.change_complaint")
def complaint_disliked(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    return run_action(
        request,
        lambda: services.complaint_disliked(complaint=complaint, user=request.user),
        redirect_to="nonconformities:complaints",
    )


@permission_required(VIEW)
def nonconformity_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    nc = get_object_or_404(Nonconformity, pk=pk)
    return pdf_response(nonconformity_pdf(nc), nc.code)


@permission_required(VIEW)
def register_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered on its page; a wrong filter or more rows than an
    export holds sends back to the page with the reason."""
    filterset = NonconformityFilter(request.GET or None, queryset=Nonconformity.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        form_error_messages(request, filterset.form)
    else:
        try:
            return xlsx_response(register_xlsx(filterset.qs), "so-khong-phu-hop")
        except ValidationError as error:
            error_messages(request, error)
    return redirect(f"{reverse('nonconformities:register')}?{request.GET.urlencode()}")


@permission_required(VIEW)
def action_evidence(request: HttpRequest, pk: int) -> FileResponse:
    action = get_object_or_404(Action.objects.select_related("nonconformity"), pk=pk)
    return download(action.evidence_file, f"{action.nonconformity.code}-bang-chung-{action.pk}")
