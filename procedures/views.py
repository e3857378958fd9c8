from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procedures import services
from procedures.compare import compare_revisions
from procedures.filters import ProcedureFilter
from procedures.forms import (
    ApprovalForm,
    ComponentFormSet,
    NoteForm,
    ProcedureForm,
    RecordFormSet,
    RevisionForm,
    StepFormSet,
    parts_initial,
)
from procedures.models import Procedure, ProcedureRevision
from procedures.pdf import revision_pdf
from qms.decorators import permission_required
from qms.feedback import form_action, form_service_error, run_action
from qms.forms import kept_rows
from qms.idempotency import one_time_form
from qms.pdf import pdf_response
from qms.uploads import download

VIEW = "procedures.view_procedure"
EDIT_PROCEDURE = "procedures.change_procedure"
EDIT_REVISION = "procedures.change_procedurerevision"
APPROVE = "procedures.approve_procedurerevision"


@permission_required(VIEW)
def procedure_list(request: HttpRequest) -> HttpResponse:
    procedures = Procedure.objects.select_related("unit").prefetch_related(
        Prefetch(
            "revisions",
            queryset=ProcedureRevision.objects.effective(),
            to_attr="effective_revisions",
        ),
        Prefetch(
            "revisions",
            queryset=ProcedureRevision.objects.filter(status__in=ProcedureRevision.IN_PREPARATION),
            to_attr="in_preparation",
        ),
    )
    filterset = ProcedureFilter(request.GET or None, queryset=procedures)
    return render(request, "procedures/procedure_list.html", {"filter": filterset})


@permission_required(VIEW)
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _procedure_page(request, code, NoteForm())


def _procedure_page(request: HttpRequest, code: str, review_form: NoteForm) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("unit"), code=code)
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "effective": procedure.effective_revision,
            "in_preparation": procedure.revision_in_preparation,
            "revisions": procedure.revisions.all(),
            "history": procedure.history.select_related("history_user")[:50],
            "review_form": review_form,
        },
    )


@permission_required("procedures.add_procedure")
@one_time_form
def procedure_create(request: HttpRequest) -> HttpResponse:
    return _procedure_edit(request, Procedure())


@permission_required(EDIT_PROCEDURE)
def procedure_update(request: HttpRequest, code: str) -> HttpResponse:
    return _procedure_edit(request, get_object_or_404(Procedure, code=code))


def _procedure_edit(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    form = ProcedureForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        try:
            services.procedure_save(
                procedure=form.instance, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("Saved %(procedure)s.") % {"procedure": procedure})
            return redirect("procedures:detail", code=procedure.code)
    stored = Procedure.objects.filter(pk=procedure.pk).first() if procedure.pk else None
    return render(request, "procedures/procedure_form.html", {"form": form, "stored": stored})


@require_POST
@permission_required(EDIT_PROCEDURE)
def procedure_review(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure, code=code)
    return form_action(
        request,
        NoteForm(request.POST),
        lambda data: services.procedure_review(
            procedure=procedure, user=request.user, note=data["note"]
        ),
        page=lambda form: _procedure_page(request, code, form),
        redirect_to=reverse("procedures:detail", args=[code]),
        success=_("The review of %(code)s is recorded.") % {"code": code},
    )


@require_POST
@permission_required(EDIT_REVISION)
@one_time_form
def revision_create(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure, code=code)
    return run_action(
        request,
        lambda: services.revision_draft(procedure=procedure, user=request.user),
        redirect_to=reverse("procedures:detail", args=[code]),
        success_to=lambda revision: reverse("procedures:revision_edit", args=[revision.pk]),
    )


def _revision(pk: int) -> ProcedureRevision:
    return get_object_or_404(
        ProcedureRevision.objects.select_related("procedure", "procedure__unit", "created_by"),
        pk=pk,
    )


@permission_required(VIEW)
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    return _revision_page(request, revision)


def _revision_page(
    request: HttpRequest, revision: ProcedureRevision, sent: dict | None = None, status=200
) -> HttpResponse:
    """The revision's page; a refused form (`sent`: by its name in the context) shows
    again as typed, with the reasons beside its fields."""
    context = {
        "revision": revision,
        "procedure": revision.procedure,
        "steps": revision.steps.select_related("unit"),
        "records": revision.records.all(),
        "components": revision.components.all(),
        "approval": revision.approval,
        "history": revision.history.select_related("history_user"),
        "others": revision.procedure.revisions.exclude(pk=revision.pk),
        "acknowledged": revision.acknowledgements.select_related("user", "user__unit"),
        "approval_form": ApprovalForm(record=revision),
        "withdraw_form": NoteForm(),
        "can_acknowledge": ProcedureRevision.objects.to_acknowledge_by(request.user)
        .filter(pk=revision.pk)
        .exists(),
    } | (sent or {})
    if request.user.has_perm(EDIT_REVISION) and revision.status == revision.Status.EFFECTIVE:
        context["not_acknowledged"] = (
            revision.not_acknowledged().select_related("unit").order_by("unit__code", "full_name")
        )
    return render(request, "procedures/revision_detail.html", context, status=status)


@permission_required(EDIT_REVISION)
def revision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    if not revision.is_editable:
        messages.error(request, _("This revision can no longer be edited: draft a new one."))
        return redirect("procedures:revision_detail", pk=pk)
    steps_initial, records_initial, components_initial = parts_initial(revision)
    data = request.POST or None
    form = RevisionForm(data, request.FILES or None, instance=revision)
    steps = StepFormSet(data, initial=steps_initial, prefix="steps")
    records = RecordFormSet(data, initial=records_initial, prefix="records")
    components = ComponentFormSet(data, initial=components_initial, prefix="components")
    if request.method == "POST" and all(f.is_valid() for f in (form, steps, records, components)):
        try:
            services.revision_update(
                revision=form.instance,
                steps=kept_rows(steps),
                records=kept_rows(records),
                components=kept_rows(components),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("Saved %(revision)s.") % {"revision": revision})
            return redirect("procedures:revision_detail", pk=pk)
    return render(
        request,
        "procedures/revision_form.html",
        {
            "revision": revision,
            "form": form,
            "steps": steps,
            "records": records,
            "components": components,
        },
    )


@require_POST
@permission_required(EDIT_REVISION)
def revision_submit(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    return run_action(
        request,
        lambda: services.revision_submit(revision=revision, user=request.user),
        success=_("%(revision)s is submitted for approval.") % {"revision": revision},
        redirect_to=reverse("procedures:revision_detail", args=[pk]),
    )


@require_POST
@permission_required(APPROVE)
def revision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A refused approval shows the revision again, as it is now, with the form's
    values and why it was refused."""
    revision = _revision(pk)
    return form_action(
        request,
        ApprovalForm(request.POST, request=request, record=revision),
        lambda data: services.revision_approve(revision=revision, user=request.user, **data),
        page=lambda form: _revision_page(request, revision, {"approval_form": form}, status=400),
        redirect_to=reverse("procedures:revision_detail", args=[pk]),
        success=_("%(revision)s is approved.") % {"revision": revision},
    )


@require_POST
@permission_required(APPROVE)
def revision_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    return form_action(
        request,
        NoteForm(request.POST),
        lambda data: services.revision_withdraw(
            revision=revision, user=request.user, reason=data["note"]
        ),
        page=lambda form: _revision_page(request, revision, {"withdraw_form": form}),
        redirect_to=reverse("procedures:revision_detail", args=[pk]),
        success=_("%(revision)s is withdrawn.") % {"revision": revision},
    )


@require_POST
@permission_required(VIEW)
def revision_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    return run_action(
        request,
        lambda: services.acknowledgement_record(revision=revision, user=request.user),
        success=_("Recorded that you have read %(revision)s.") % {"revision": revision},
        redirect_to="procedures:to_acknowledge"
        if request.POST.get("next") == "to_acknowledge"
        else reverse("procedures:revision_detail", args=[pk]),
    )


@permission_required(VIEW)
def revision_compare(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    old, new = sorted([_revision(pk), _revision(other)], key=lambda r: r.number)
    if old.procedure_id != new.procedure_id:
        raise Http404
    return render(
        request,
        "procedures/revision_compare.html",
        {"old": old, "new": new, "procedure": new.procedure, "diff": compare_revisions(old, new)},
    )


@permission_required(VIEW)
def revision_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(pk)
    return pdf_response(revision_pdf(revision), f"{revision.procedure.code}-lan-{revision.number}")


@permission_required(VIEW)
def revision_attachment(request: HttpRequest, pk: int) -> FileResponse:
    revision = _revision(pk)
    return download(revision.attachment, f"{revision.procedure.code}-lan-{revision.number}")


@permission_required(VIEW)
def to_acknowledge(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procedures/to_acknowledge.html",
        {"revisions": ProcedureRevision.objects.to_acknowledge_by(request.user)},
    )
