"""The chairman's dashboard, the quality objectives and the reform plan's tasks."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.models import Audit
from nonconformities.models import Action
from procedures.models import Outcome, ProcedureRevision
from qms import kpi, reports
from qms.decorators import permission_required
from qms.feedback import error_messages, form_error_messages
from qms.filters import PlanTaskFilter, ScopeForm
from qms.forms import SignForm
from qms.models import ManagementReview, Objective, PeriodicReport, PlanTask, ReviewOutput
from qms.roles import Role
from qms.signing import chairman_approve

VIEW = "qms.view_objective"


def _url(name: str, **params) -> str:
    """`name`'s page filtered by `params`, dates written as the forms show them."""
    query = {
        key: value.strftime("%d/%m/%Y") if isinstance(value, date) else value
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
    in_use = {"in_use": "true", **unit}
    planned = {"planned_from": scope.start, "planned_to": scope.end, **unit}
    tasks = {"due_from": start, "due_to": cutoff, **unit}
    return {
        "received": _url(dossiers, **received),
        "resolved": _url(dossiers, **resolved),
        "early": _url(dossiers, **resolved, outcome=Outcome.EARLY),
        "on_time": _url(dossiers, **resolved, outcome=Outcome.ON_TIME),
        "late": _url(dossiers, **resolved, outcome=Outcome.LATE),
        "open_overdue": _url(dossiers, **received, overdue_on=cutoff),
        "procedures_in_use": _url("procedures:list", **in_use),
        "procedures_controlled": _url("procedures:list", **in_use, status="controlled"),
        "audits_planned": _url(audits, **planned),
        "audits_done": _url(audits, **planned, done="true"),
        "nc_open": _url(ncs, open_on=cutoff, **unit),
        "nc_overdue": _url(ncs, overdue_on=cutoff, **unit),
        "nc_closed": _url(ncs, stage="closed", closed_from=start, closed_to=cutoff, **unit),
        "plan_tasks_due": _url("qms:plan_tasks", **tasks),
        "plan_tasks_done_on_time": _url("qms:plan_tasks", **tasks, on_time="true"),
    }


def personal(user) -> dict:
    """What waits for `user` personally: documents to read, actions they own."""
    return {
        "to_read": ProcedureRevision.objects.to_acknowledge_by(user),
        "my_actions": Action.objects.open().filter(owner=user).select_related("nonconformity"),
        "my_review_actions": ReviewOutput.objects.filter(
            owner=user, done_on__isnull=True, review__in=ManagementReview.objects.frozen()
        ).select_related("review"),
    }


@permission_required(VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = localdate()
    form = ScopeForm(
        {"year": today.year, "period": PeriodicReport.Period.YEAR} | request.GET.dict()
    )
    scope = form.scope()
    data = reports.snapshot(scope)
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
        "pending_objectives": Objective.objects.filter(year=scope.end.year)
        .exclude(pk__in=Objective.objects.frozen())
        .count(),
        "overdue_actions": Action.objects.overdue(today).select_related("nonconformity", "owner"),
        "upcoming_audits": Audit.objects.filter(
            planned_start__range=(today, today + timedelta(days=90))
        ).order_by("planned_start"),
        "tasks_due": PlanTask.objects.exclude(status=PlanTask.Status.DONE)
        .filter(deadline__lte=today + timedelta(days=30))
        .order_by("deadline", "order"),
        "next_report": reports.next_report(today),
        "schedule": reports.schedule(scope.end.year),
        "today": today,
        **personal(request.user),
    }
    return render(request, "qms/dashboard.html", context)


@permission_required(VIEW)
def objectives(request: HttpRequest, year: int) -> HttpResponse:
    scope = kpi.Scope(*Objective(year=year).period)
    figures = kpi.measure(scope)
    rows = [
        (objective, kpi.value(figures, objective.measure))
        for objective in Objective.objects.filter(year=year).prefetch_related("signatures")
    ]
    return render(
        request,
        "qms/objectives.html",
        {
            "year": year,
            "rows": [
                (
                    objective,
                    kpi.percent(value),
                    objective.status(value, scope.cutoff),
                    SignForm(record=objective, auto_id=f"%s-{objective.pk}"),
                )
                for objective, value in rows
            ],
            "can_approve": request.user.has_role(Role.CHAIRMAN),
        },
    )


@require_POST
@permission_required(VIEW)
def objective_approve(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    form = SignForm(request.POST, request=request)
    if form.is_valid():
        try:
            chairman_approve(record=objective, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The objective is approved."))
    else:
        form_error_messages(request, form)
    return redirect("qms:objectives", year=objective.year)


@permission_required("qms.view_plantask")
def plan_tasks(request: HttpRequest) -> HttpResponse:
    filterset = PlanTaskFilter(
        request.GET or None,
        queryset=PlanTask.objects.select_related("plan").prefetch_related("units"),
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
