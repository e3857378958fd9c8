"""The pages that read every app: the home page, the chairman's dashboard, the
quality objectives, the reform plan's tasks, management reviews and periodic reports
(pages, signing, PDF and XLSX)."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nonconformities.models import Action, Nonconformity
from procedures.models import Apology, Dossier, Outcome
from procedures.models.dossiers import DossierQuerySet
from qms.dates import short_date
from qms.decorators import permission_required
from qms.feedback import (
    error_messages,
    form_action,
    form_service_error,
    run_action,
)
from qms.filters import year_in
from qms.forms import SignForm
from qms.idempotency import one_time_form
from qms.models import (
    CalendarDay,
    ManagementReview,
    Objective,
    PeriodicReport,
    PlanTask,
    ReviewOutput,
)
from qms.oversight import kpi, review_inputs, services, snapshot
from qms.oversight.filters import ObjectiveFilter, PlanTaskFilter, ReviewFilter, ScopeForm
from qms.oversight.forms import OutputDoneForm, ReportForm, ReviewForm, ReviewOutputForm
from qms.oversight.pdf import report_pdf, report_xlsx, review_minutes_pdf
from qms.oversight.waiting import waiting_for
from qms.pdf import pdf_response
from qms.roles import Role
from qms.signing import chairman_approve
from qms.xlsx import xlsx_response

VIEW_OBJECTIVES = "qms.view_objective"


def _url(name: str, **params) -> str:
    """`name`'s page filtered by `params`, dates written as the forms show them."""
    query = {
        key: short_date(value) if isinstance(value, date) else value
        for key, value in params.items()
        if value is not None
    }
    return f"{reverse(name)}?{urlencode(query)}"


def figure_links(scope: kpi.Scope) -> dict[str, str]:
    """Where each figure of `scope` comes from: the list of the records it counts."""
    start, cutoff = scope.reach
    unit = {"unit": scope.unit.pk if scope.unit else None}
    received = {"received_from": start, "received_to": cutoff, **unit}
    resolved = {"completed_from": start, "completed_to": cutoff, **unit}
    dossiers, ncs, audits = "procedures:dossier_list", "nonconformities:register", "audits:list"
    case, output = Nonconformity.Kind.CORRECTIVE, Nonconformity.Kind.OUTPUT
    in_use = {"in_use": "true", **unit}
    planned = {"planned_from": scope.start, "planned_to": scope.end, **unit}
    tasks = {"due_from": start, "due_to": cutoff, **unit}
    turned_away = "procedures:turned_away"
    return {
        "received": _url(dossiers, **received, accepted="true"),
        "refused_at_intake": _url(turned_away, **received, status=Dossier.Status.REFUSED),
        "returned_incomplete_at_intake": _url(
            turned_away, **received, status=Dossier.Status.INCOMPLETE
        ),
        "resolved": _url(dossiers, **resolved),
        "early": _url(dossiers, **resolved, outcome=Outcome.EARLY),
        "on_time": _url(dossiers, **resolved, outcome=Outcome.ON_TIME),
        "late": _url(dossiers, **resolved, outcome=Outcome.LATE),
        "open_overdue": _url(dossiers, **received, overdue_on=cutoff),
        "procedures_in_use": _url("procedures:list", **in_use),
        "procedures_controlled": _url("procedures:list", **in_use, status="controlled"),
        "audits_planned": _url(audits, **planned),
        "audits_done": _url(audits, **planned, done="true"),
        "nc_open": _url(ncs, kind=case, open_on=cutoff, **unit),
        "nc_overdue": _url(ncs, kind=case, overdue_on=cutoff, **unit),
        "nc_closed": _url(
            ncs, kind=case, stage="closed", closed_from=start, closed_to=cutoff, **unit
        ),
        "nc_outputs": _url(ncs, kind=output, found_from=start, found_to=cutoff, **unit),
        "nc_outputs_open": _url(ncs, kind=output, open_on=cutoff, **unit),
        "plan_tasks_due": _url("qms:plan_tasks", **tasks),
        "plan_tasks_done_on_time": _url("qms:plan_tasks", **tasks, on_time="true"),
    }


def rows_766(data: dict, scope: kpi.Scope) -> list[dict]:
    """The dashboard's Decision 766 table: each group's indicators as the report prints
    them, with the records linked where a list filters exactly those: 2.2's dossiers
    of each procedure (received in the period, completed by its cutoff) and 3.1's
    procedures in use."""
    start, cutoff = scope.reach
    unit = {"unit": scope.unit.pk if scope.unit else None}
    completed = {"received_from": start, "received_to": cutoff, "completed_to": cutoff}
    denominators = {"3.1": _url("procedures:list", in_use="true", **unit)}
    rows = []
    for group in data["groups_766"]:
        for number, value in enumerate(group["indicators"]):
            row = {
                **value,
                "group": group if number == 0 else None,
                "shown": snapshot.figure_766(value),
                "denominator_url": denominators.get(value["key"]),
            }
            if value["key"] == "5.4":  # a snapshot stored before them has no counts
                row["rated"] = data["i766"]["5.4"].get("rated")
                row["rated_by_citizens"] = data["i766"]["5.4"].get("rated_by_citizens")
            if value["key"] == "2.2":
                row["procedures"] = [
                    {
                        **entry,
                        "shown": snapshot.figure_766({**entry, "key": "2.2"}),
                        "url": _url("procedures:dossier_list", **completed, procedure=entry["pk"]),
                    }
                    for entry in data["i766"]["2.2"]["procedures"]
                ]
            rows.append(row)
    return rows


def apologies_to_issue(user) -> list[Apology]:
    """The drafts of form 04 waiting for `user`'s signature (the chairman's and the
    vice-chairmen's), each with `issue_by`, the last day it can still be issued: a
    draft nobody notices runs out of time (R5, R11)."""
    if not user.has_role(*Apology.SIGNER_ROLES):
        return []
    calendar = CalendarDay.objects.calendar()
    drafts = list(
        Apology.objects.awaiting_issue().select_related("dossier__procedure", "drafted_by")
    )
    for draft in drafts:
        draft.issue_by = draft.dossier.last_day_to_apologise(calendar)
    return drafts


def personal(user) -> dict:
    """What waits for `user` personally: the counts of `waiting.waiting_for`, then
    the apologies to sign and the actions they own, item by item."""
    return {
        "waiting": waiting_for(user),
        "apologies_to_issue": apologies_to_issue(user),
        "my_actions": Action.objects.open().filter(owner=user).select_related("nonconformity"),
        "my_review_actions": ReviewOutput.objects.filter(
            owner=user, done_on__isnull=True, review__approved_at__isnull=False
        ).select_related("review"),
    }


def period_lists(scope: kpi.Scope, data: dict, links: dict[str, str]) -> dict:
    """The dashboard's lists, read on the period's cutoff like its figures: the open
    nonconformities of each kind and the cases with overdue actions, each beside its
    figure and link (as many rows as the figure counts), and what was coming then:
    audits of the next 90 days, plan tasks not done and due within 30 days."""
    cutoff, figures = scope.cutoff, data["kpi"]
    late = Action.objects.late_on(cutoff).select_related("owner")
    tasks = list(
        kpi.plan_tasks_in(scope)
        .undone_on(cutoff)
        .filter(deadline__lte=cutoff + timedelta(days=30))
        .annotate(status_then=PlanTask.status_on(cutoff))
        .order_by("deadline", "order")
    )
    for task in tasks:
        task.status_shown = PlanTask.Status(task.status_then).label
    return {
        "open_nonconformities": [
            {
                "key": key,
                "label": kpi.LABELS[key],
                "count": figures[key],
                "url": links[key],
                "rows": [row for row in data["nonconformities"] if row["output"] == output],
            }
            for key, output in (("nc_open", False), ("nc_outputs_open", True))
        ],
        "overdue": {
            "label": kpi.LABELS["nc_overdue"],
            "count": figures["nc_overdue"],
            "url": links["nc_overdue"],
            "rows": kpi.nonconformities_in(scope, "nc_overdue")
            .prefetch_related(Prefetch("actions", queryset=late, to_attr="late_actions"))
            .order_by("found_on", "pk"),
        },
        "upcoming_audits": kpi.audits_in(scope)
        .filter(planned_start__range=(cutoff, cutoff + timedelta(days=90)))
        .order_by("planned_start", "pk"),
        "tasks_due": tasks,
    }


@permission_required(VIEW_OBJECTIVES)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = localdate()
    form = ScopeForm(
        {"year": today.year, "period": PeriodicReport.Period.YEAR} | request.GET.dict()
    )
    scope = form.scope()
    data = snapshot.snapshot(scope)
    links = figure_links(scope)
    figures = data["kpi"]
    months = kpi.monthly(scope)
    context = {
        "form": form,
        "scope": scope,
        "data": data,
        "tiles": [
            {
                "key": key,
                "label": kpi.LABELS[key],
                "value": kpi.display(key, figures[key]),
                "url": links.get(key),
            }
            for key in kpi.KEYS
        ],
        "links": links,
        "criteria": snapshot.criteria_section(data),
        "rows_766": rows_766(data, scope),
        "trend": {
            "labels": [f"{row['month']:02d}/{scope.start.year}" for row in months],
            "counts": {
                str(kpi.LABELS[key]): [row[key] for row in months]
                for key in ("received", "early", "on_time", "late")
            },
            "rates": {
                str(kpi.LABELS[key]): [row[key] for row in months]
                for key in ("on_time_rate", "online_rate", "digitised_rate", "satisfaction_rate")
            },
        },
        "pending_objectives": list(
            Objective.objects.filter(year=scope.end.year)
            .exclude(pk__in=Objective.objects.frozen())
            .order_by("pk")
        ),
        **period_lists(scope, data, links),
        "next_report": snapshot.next_report(today),
        "schedule": snapshot.schedule(scope.end.year),
        "today": today,
        **personal(request.user),
    }
    return render(request, "qms/dashboard.html", context)


# The leaders and the ISO secretary start from the dashboard.
DASHBOARD_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.ISO_SECRETARY)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page: the dashboard for the leaders and the ISO secretary; for anyone
    else what waits for them, and the desk's worklists for who receives dossiers."""
    if request.user.has_role(*DASHBOARD_ROLES):
        return dashboard(request)
    context = {**personal(request.user), "today": localdate()}
    if request.user.has_perm("procedures.add_dossier"):
        today = localdate()
        next_day = CalendarDay.objects.calendar().add_working_days(today, 1)
        context["worklists"] = [
            (name, label, Dossier.objects.worklist(name, today, next_day).count())
            for name, label in DossierQuerySet.WORKLISTS.items()
        ]
    return render(request, "qms/home.html", context)


@permission_required(VIEW_OBJECTIVES)
def objectives(request: HttpRequest, year: int) -> HttpResponse:
    return _objectives_page(request, year)


def _objective_form(objective: Objective, data=None, request=None) -> SignForm:
    return SignForm(data, request=request, record=objective, auto_id=f"%s-{objective.pk}")


def _objectives_page(request: HttpRequest, year: int, sent: dict | None = None) -> HttpResponse:
    """The year's objectives; a refused approval (`sent`: its form by objective)
    shows again with its reason beside the password."""
    scope = kpi.Scope(*Objective(year=year).period)
    figures = kpi.measure(scope)
    listed = ObjectiveFilter.of(year, request.GET)
    rows = [
        (objective, kpi.value(figures, objective.measure))
        for objective in listed.qs.prefetch_related("signatures")
    ]
    sent = sent or {}
    return render(
        request,
        "qms/objectives.html",
        {
            "year": year,
            "filter": listed,
            "rows": [
                (
                    objective,
                    kpi.percent(value),
                    objective.status(value, scope.cutoff),
                    sent.get(objective.pk) or _objective_form(objective),
                )
                for objective, value in rows
            ],
            "can_approve": request.user.has_role(Role.CHAIRMAN),
        },
    )


@require_POST
@permission_required(VIEW_OBJECTIVES)
def objective_approve(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    return form_action(
        request,
        _objective_form(objective, request.POST, request),
        lambda data: chairman_approve(record=objective, user=request.user, **data),
        page=lambda form: _objectives_page(request, objective.year, {objective.pk: form}),
        redirect_to=reverse("qms:objectives", args=[objective.year]),
        success=_("The objective is approved."),
    )


@permission_required("qms.view_plantask")
def plan_tasks(request: HttpRequest) -> HttpResponse:
    filterset = PlanTaskFilter(
        request.GET or None,
        queryset=PlanTask.objects.select_related("plan").prefetch_related("units", "progress"),
    )
    return render(
        request,
        "qms/plan_tasks.html",
        {
            "filter": filterset,
            "tasks": filterset.qs.order_by("plan", "order"),
            "today": localdate(),
        },
    )


VIEW_REVIEWS = "qms.view_managementreview"
PREPARE_REVIEWS = "qms.change_managementreview"


@permission_required(VIEW_REVIEWS)
def review_list(request: HttpRequest) -> HttpResponse:
    listed = ReviewFilter(request.GET or None, queryset=ManagementReview.objects.all())
    return render(
        request,
        "qms/review_list.html",
        {
            "filter": listed,
            "reviews": listed.qs.select_related("chair").prefetch_related("signatures"),
            "can_prepare": request.user.has_perm("qms.add_managementreview"),
        },
    )


@permission_required("qms.add_managementreview")
@one_time_form
def review_create(request: HttpRequest) -> HttpResponse:
    return _review_form(request, ManagementReview())


@permission_required(PREPARE_REVIEWS)
def review_update(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    if review.is_signed:
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


@permission_required(VIEW_REVIEWS)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, pk)


def _done_form(output: ReviewOutput, data=None) -> OutputDoneForm:
    return OutputDoneForm(data, initial={"done_on": localdate()}, auto_id=f"%s-{output.pk}")


def _review_page(
    request: HttpRequest, pk: int, sent: dict | None = None, done: dict | None = None
) -> HttpResponse:
    """The review's page; a refused form (`sent`: by its name in the context; `done`:
    an output's, by the output) shows again as typed, with the reasons beside its
    fields."""
    review = get_object_or_404(ManagementReview.objects.select_related("chair", "secretary"), pk=pk)
    approval, attested = review.approval, review.secretary_signature
    user = request.user
    done = done or {}
    return render(
        request,
        "qms/review_detail.html",
        {
            "review": review,
            "approval": approval,
            "sections": review_inputs.sections(review, review_inputs.inputs_of(review)),
            "outputs": [
                (output, done.get(output.pk) or _done_form(output))
                for output in review.outputs.select_related("owner")
            ],
            "output_form": ReviewOutputForm(),
            "sign_form": SignForm(record=review),
            "today": localdate(),
            "attested": attested,
            "can_prepare": not (approval or attested) and user.has_perm(PREPARE_REVIEWS),
            # whose signature is due: the secretary's, then the chairman's
            "can_sign": not approval
            and (user.has_role(Role.CHAIRMAN) if attested else user.pk == review.secretary_id),
        }
        | (sent or {}),
    )


@require_POST
@permission_required("qms.add_reviewoutput")
@one_time_form
def review_output_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    form = ReviewOutputForm(request.POST, instance=ReviewOutput(review=review))
    return form_action(
        request,
        form,
        lambda data: services.review_output_add(output=form.instance, user=request.user),
        page=lambda form: _review_page(request, pk, {"output_form": form}),
        redirect_to=reverse("qms:review_detail", args=[pk]),
        success=_("The decision is added."),
    )


@require_POST
@permission_required(VIEW_REVIEWS)
def review_output_done(request: HttpRequest, pk: int) -> HttpResponse:
    output = get_object_or_404(ReviewOutput, pk=pk)
    if output.owner_id != request.user.pk and not request.user.has_perm("qms.change_reviewoutput"):
        raise PermissionDenied
    return form_action(
        request,
        _done_form(output, request.POST),
        lambda data: services.review_output_done(output=output, user=request.user, **data),
        page=lambda form: _review_page(request, output.review_id, done={output.pk: form}),
        redirect_to=reverse("qms:review_detail", args=[output.review_id]),
        success=_("The action is recorded as done."),
    )


@require_POST
@permission_required(VIEW_REVIEWS)
def review_sign(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    return form_action(
        request,
        SignForm(request.POST, request=request, record=review),
        lambda data: services.review_sign(review=review, user=request.user, **data),
        page=lambda form: _review_page(request, pk, {"sign_form": form}),
        redirect_to=reverse("qms:review_detail", args=[pk]),
        success=_("The review is signed; it can no longer be changed."),
    )


@permission_required(VIEW_REVIEWS)
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(ManagementReview, pk=pk)
    return pdf_response(review_minutes_pdf(review), f"bien-ban-xem-xet-{review.held_on}")


def _report(kind: str, year: int, period: str) -> PeriodicReport:
    """The report at this address: Http404 for a kind or a period its schedule has
    not."""
    if period not in PeriodicReport.SCHEDULES.get(kind, {}):
        raise Http404
    return snapshot.report_for(kind, year, period)


@permission_required("qms.view_periodicreport")
def report_list(request: HttpRequest) -> HttpResponse:
    year = year_in(request.GET.get("year", "")) or localdate().year
    due = request.GET.get("due") == "true"
    kind = request.GET.get("kind")
    kind = kind if kind in PeriodicReport.SCHEDULES else None
    entries = snapshot.reports_due(localdate(), kind) if due else snapshot.schedule(year)
    return render(
        request,
        "qms/report_list.html",
        {"year": year, "schedule": entries, "due": due, "today": localdate()},
    )


@permission_required("qms.view_periodicreport")
def report_detail(request: HttpRequest, kind: str, year: int, period: str) -> HttpResponse:
    report = _report(kind, year, period)
    can_write = not report.submitted_on and report.may_write(request.user)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST
            write = services.report_submit if submit else services.report_save
            return run_action(
                request,
                lambda: write(report=form.instance, user=request.user),
                success=_("The report is submitted.") if submit else _("The report is saved."),
                redirect_to=report.get_absolute_url(),
            )
    return render(
        request,
        "qms/report_detail.html",
        {
            "report": report,
            "due": snapshot.due_on(report),
            "sections": snapshot.sections_of(report, snapshot.report_figures(report)),
            "form": form,
            "can_write": can_write,
        },
    )


@permission_required("qms.view_periodicreport")
def report_export(
    request: HttpRequest, kind: str, year: int, period: str, fmt: str
) -> HttpResponse:
    report = _report(kind, year, period)
    name = f"bao-cao-{kind}-{period}-{year}"
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    try:
        if fmt == "pdf":
            return pdf_response(report_pdf(report), name)
        return xlsx_response(report_xlsx(report), name)
    except ValidationError as error:  # more rows than the format holds
        error_messages(request, error)
        return redirect(report)
