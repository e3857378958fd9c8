"""Management reviews and periodic reports: pages, signing, PDF and XLSX."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms import reports, reviews, services
from qms.decorators import permission_required
from qms.feedback import error_messages, form_error_messages, form_service_error
from qms.forms import OutputDoneForm, ReportForm, ReviewForm, ReviewOutputForm, SignForm
from qms.idempotency import one_time_form
from qms.models import ManagementReview, PeriodicReport, ReviewOutput
from qms.pdf import pdf_response
from qms.report_documents import report_pdf, report_xlsx, review_minutes_pdf
from qms.roles import Role
from qms.xlsx import xlsx_response

VIEW = "qms.view_managementreview"
PREPARE = "qms.change_managementreview"


@permission_required(VIEW)
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "qms/review_list.html",
        {
            "reviews": ManagementReview.objects.select_related("chair").prefetch_related(
                "signatures"
            ),
            "can_prepare": request.user.has_perm("qms.add_managementreview"),
        },
    )


@permission_required("qms.add_managementreview")
@one_time_form
def review_create(request: HttpRequest) -> HttpResponse:
    return _review_form(request, ManagementReview())


@permission_required(PREPARE)
def review_update(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    if review.approval:
        messages.error(
            request,
            _("%(record)s has been signed and can no longer be changed.") % {"record": review},
        )
        return redirect("qms:review_detail", pk=pk)
    return _review_form(request, review)


def _review_form(request: HttpRequest, review: ManagementReview) -> HttpResponse:
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_save(review=form.instance, user=request.user)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("The review is saved."))
            return redirect("qms:review_detail", pk=review.pk)
    return render(request, "qms/review_form.html", {"form": form, "review": review})


@permission_required(VIEW)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview.objects.select_related("chair"), pk=pk)
    approval = review.approval
    return render(
        request,
        "qms/review_detail.html",
        {
            "review": review,
            "approval": approval,
            "sections": reviews.sections(review, reviews.inputs_of(review)),
            "outputs": review.outputs.select_related("owner"),
            "output_form": ReviewOutputForm(),
            "done_form": OutputDoneForm(initial={"done_on": localdate()}),
            "sign_form": SignForm(record=review),
            "today": localdate(),
            "can_prepare": not approval and request.user.has_perm(PREPARE),
            "can_sign": not approval and request.user.has_role(Role.CHAIRMAN),
        },
    )


@require_POST
@permission_required("qms.add_reviewoutput")
@one_time_form
def review_output_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    form = ReviewOutputForm(request.POST, instance=ReviewOutput(review=review))
    if form.is_valid():
        try:
            services.review_output_add(output=form.instance, user=request.user)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The decision is added."))
    else:
        form_error_messages(request, form)
    return redirect("qms:review_detail", pk=pk)


@require_POST
@permission_required(VIEW)
def review_output_done(request: HttpRequest, pk: int) -> HttpResponse:
    output = get_object_or_404(ReviewOutput, pk=pk)
    if output.owner_id != request.user.pk and not request.user.has_perm("qms.change_reviewoutput"):
        raise PermissionDenied
    form = OutputDoneForm(request.POST)
    if form.is_valid():
        try:
            services.review_output_done(output=output, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The action is recorded as done."))
    else:
        messages.error(request, _("Give the date and the result of the action."))
    return redirect("qms:review_detail", pk=output.review_id)


@require_POST
@permission_required(VIEW)
def review_sign(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    form = SignForm(request.POST, request=request)
    if not form.is_valid():
        form_error_messages(request, form)
    else:
        try:
            services.review_sign(review=review, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The review is signed; it can no longer be changed."))
    return redirect("qms:review_detail", pk=pk)


@permission_required(VIEW)
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    return pdf_response(review_minutes_pdf(review), f"bien-ban-xem-xet-{review.held_on}")


def _period(period: str) -> str:
    if period not in PeriodicReport.Period.values:
        raise Http404
    return period


@permission_required("qms.view_periodicreport")
def report_list(request: HttpRequest) -> HttpResponse:
    year = reports.year_in(request.GET.get("year", "")) or localdate().year
    return render(
        request,
        "qms/report_list.html",
        {"year": year, "schedule": reports.schedule(year), "today": localdate()},
    )


@permission_required("qms.view_periodicreport")
def report_detail(request: HttpRequest, year: int, period: str) -> HttpResponse:
    period = _period(period)
    report = reports.report_for(year, period)
    can_write = not report.submitted_on and request.user.has_perm("qms.change_periodicreport")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            write = services.report_submit if "submit" in request.POST else services.report_save
            try:
                write(report=form.instance, user=request.user)
            except ValidationError as error:
                error_messages(request, error)
            else:
                messages.success(
                    request,
                    _("The report is submitted.")
                    if "submit" in request.POST
                    else _("The report is saved."),
                )
            return redirect("qms:report_detail", year=year, period=period)
    return render(
        request,
        "qms/report_detail.html",
        {
            "report": report,
            "due": reports.due_on(year, period),
            "sections": reports.report_sections(reports.report_figures(report)),
            "form": form,
            "can_write": can_write,
        },
    )


@permission_required("qms.view_periodicreport")
def report_export(request: HttpRequest, year: int, period: str, fmt: str) -> HttpResponse:
    period = _period(period)
    name = f"bao-cao-{period}-{year}"
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    try:
        if fmt == "pdf":
            return pdf_response(report_pdf(year, period), name)
        return xlsx_response(report_xlsx(year, period), name)
    except ValidationError as error:  # more rows than the format holds
        error_messages(request, error)
        return redirect("qms:report_detail", year=year, period=period)
