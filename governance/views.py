from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import retention, services
from governance.forms import (
    DisposalProposeForm,
    RetentionRuleForm,
    RiskActionDoneForm,
    RiskActionForm,
    RiskForm,
    SteeringDecisionForm,
    SteeringMemberFormSet,
    TrainingRecordForm,
)
from governance.models import (
    DisposalList,
    Process,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    TrainingRecord,
    qualified_auditors,
)
from procedures.models import Acknowledgement
from qms.decorators import permission_required
from qms.feedback import form_action, form_service_error, run_action
from qms.forms import SignForm, kept_rows
from qms.idempotency import one_time_form
from qms.models import User
from qms.roles import Role
from qms.signing import chairman_approve

VIEW_RISKS = "governance.view_risk"
VIEW_TRAINING = "governance.view_trainingrecord"
VIEW_RETENTION = "governance.view_retentionrule"
VIEW_DISPOSALS = "governance.view_disposallist"
VIEW_STEERING = "governance.view_steeringdecision"


# ---------------------------------------------------------------------------
# Risks


@permission_required(VIEW_RISKS)
def risks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listed = Risk.objects.select_related("owner").prefetch_related("actions")
    process = request.GET.get("process", "")
    if process in Process.values:
        listed = listed.filter(process=process)
    if request.GET.get("review") == "due":
        listed = listed.to_review(today)
    return render(
        request,
        "governance/risks.html",
        {
            "risks": listed,
            "processes": Process.choices,
            "process": process,
            "today": today,
            "can_edit": request.user.has_perm("governance.add_risk"),
            "late_actions": RiskAction.objects.open()
            .late_on(today)
            .select_related("risk", "owner"),
        },
    )


@permission_required("governance.add_risk")
@one_time_form
def risk_create(request: HttpRequest) -> HttpResponse:
    return _risk_form(request, Risk(identified_on=timezone.localdate()))


@permission_required("governance.change_risk")
def risk_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_form(request, get_object_or_404(Risk, pk=pk))


def _risk_form(request: HttpRequest, risk: Risk) -> HttpResponse:
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.risk_save(risk=form.instance, user=request.user)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("%(code)s is saved.") % {"code": saved.code})
            return redirect("governance:risk_detail", pk=saved.pk)
    return render(request, "governance/risk_form.html", {"form": form, "risk": risk})


@permission_required(VIEW_RISKS)
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_page(request, pk)


def _risk_page(request: HttpRequest, pk: int, sent: dict | None = None, done=None) -> HttpResponse:
    """The risk with its actions; a refused form shows again as typed."""
    risk = get_object_or_404(Risk.objects.select_related("owner"), pk=pk)
    done = done or {}
    return render(
        request,
        "governance/risk_detail.html",
        {
            "risk": risk,
            "actions": [
                (action, done.get(action.pk) or RiskActionDoneForm(auto_id=f"%s-{action.pk}"))
                for action in risk.actions.select_related("owner", "done_by")
            ],
            "action_form": (sent or {}).get("action") or RiskActionForm(prefix="action"),
            "can_edit": request.user.has_perm("governance.change_risk"),
            "history": risk.history.select_related("history_user")[:30],
        },
    )


@require_POST
@permission_required("governance.add_riskaction")
@one_time_form
def risk_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=pk)
    return form_action(
        request,
        RiskActionForm(request.POST, prefix="action"),
        lambda data: services.risk_action_add(risk=risk, user=request.user, **data),
        page=lambda form: _risk_page(request, pk, {"action": form}),
        redirect_to=reverse("governance:risk_detail", args=[pk]),
        success=_("The action is added."),
    )


@require_POST
@permission_required(VIEW_RISKS)  # the owner or the ISO secretary, by the service
def risk_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(RiskAction, pk=pk)
    return form_action(
        request,
        RiskActionDoneForm(request.POST, auto_id=f"%s-{action.pk}"),
        lambda data: services.risk_action_done(action=action, user=request.user, **data),
        page=lambda form: _risk_page(request, action.risk_id, done={action.pk: form}),
        redirect_to=reverse("governance:risk_detail", args=[action.risk_id]),
        success=_("The action is recorded done."),
    )


# ---------------------------------------------------------------------------
# Competence


@permission_required(VIEW_TRAINING)
def training(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    people = (
        User.objects.filter(is_active=True)
        .select_related("unit")
        .prefetch_related("training_records")
        .order_by("full_name", "username")
    )
    return render(
        request,
        "governance/training.html",
        {
            "people": people,
            "qualified": set(qualified_auditors(today).values_list("pk", flat=True)),
            "renewals": TrainingRecord.objects.renewals_due(today).select_related("person"),
            "can_edit": request.user.has_perm("governance.add_trainingrecord"),
        },
    )


@permission_required(VIEW_TRAINING)
def training_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    return render(
        request,
        "governance/training_person.html",
        {
            "person": person,
            "records": person.training_records.all(),
            "acknowledgements": Acknowledgement.objects.filter(user=person)
            .select_related("revision__procedure")
            .order_by("-acknowledged_at"),
            "qualified": qualified_auditors().filter(pk=person.pk).exists(),
        },
    )


@permission_required("governance.add_trainingrecord")
@one_time_form
def training_create(request: HttpRequest) -> HttpResponse:
    form = TrainingRecordForm(request.POST or None, initial={"person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.training_record(record=form.instance, user=request.user)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("The training record is saved."))
            return redirect("governance:training_person", pk=record.person_id)
    return render(request, "governance/training_form.html", {"form": form})


# ---------------------------------------------------------------------------
# Retention


@permission_required(VIEW_RETENTION)
def retention_schedule(request: HttpRequest, form: DisposalProposeForm | None = None):
    today = timezone.localdate()
    rules = list(RetentionRule.objects.all())
    return render(
        request,
        "governance/retention.html",
        {
            "rules": [(rule, len(retention.due(rule, today))) for rule in rules],
            "lists": DisposalList.objects.select_related("proposed_by").prefetch_related(
                "signatures"
            ),
            "form": form or DisposalProposeForm(),
            "can_edit": request.user.has_perm("governance.add_disposallist"),
        },
    )


@permission_required("governance.change_retentionrule")
def retention_rule_update(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RetentionRule, pk=pk)
    form = RetentionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.retention_rule_save(rule=form.instance, user=request.user)
        messages.success(request, _("The retention schedule is saved."))
        return redirect("governance:retention")
    return render(request, "governance/retention_rule_form.html", {"form": form, "rule": rule})


@require_POST
@permission_required("governance.add_disposallist")
@one_time_form
def disposal_propose(request: HttpRequest) -> HttpResponse:
    form = DisposalProposeForm(request.POST)
    if form.is_valid():
        try:
            disposal = services.disposal_propose(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("The disposal list is proposed to the chairman."))
            return redirect("governance:disposal_detail", pk=disposal.pk)
    return retention_schedule(request, form)


@permission_required(VIEW_DISPOSALS)
def disposal_detail(request: HttpRequest, pk: int, sign_form: SignForm | None = None):
    disposal = get_object_or_404(DisposalList.objects.select_related("proposed_by"), pk=pk)
    return render(
        request,
        "governance/disposal_detail.html",
        {
            "disposal": disposal,
            "items": disposal.items.select_related("disposed_by"),
            "approval": disposal.approval,
            "sign_form": sign_form or SignForm(record=disposal),
            "can_approve": request.user.has_role(Role.CHAIRMAN),
            "can_execute": request.user.has_perm("governance.change_disposallist"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@permission_required(VIEW_DISPOSALS)  # signing: the chairman only
def disposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = get_object_or_404(DisposalList, pk=pk)
    if not request.user.has_role(Role.CHAIRMAN):
        raise PermissionDenied
    return form_action(
        request,
        SignForm(request.POST, request=request, record=disposal),
        lambda data: chairman_approve(record=disposal, user=request.user, **data),
        page=lambda form: disposal_detail(request, pk, form),
        redirect_to=reverse("governance:disposal_detail", args=[pk]),
        success=_("The disposal list is approved."),
    )


@require_POST
@permission_required("governance.change_disposallist")
def disposal_execute(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = get_object_or_404(DisposalList, pk=pk)
    return run_action(
        request,
        lambda: services.disposal_execute(disposal=disposal, user=request.user),
        redirect_to=reverse("governance:disposal_detail", args=[pk]),
        success=_("The records are disposed of."),
    )


# ---------------------------------------------------------------------------
# Steering


@permission_required(VIEW_STEERING)
def steering(request: HttpRequest) -> HttpResponse:
    in_force = SteeringDecision.in_force()
    return render(
        request,
        "governance/steering.html",
        {
            "in_force": in_force,
            "in_force_members": in_force.members.select_related("person") if in_force else [],
            "decisions": SteeringDecision.objects.prefetch_related("signatures"),
            "mismatches": services.steering_mismatches(),
            "can_edit": request.user.has_perm("governance.add_steeringdecision"),
        },
    )


@permission_required("governance.add_steeringdecision")
@one_time_form
def steering_create(request: HttpRequest) -> HttpResponse:
    form = SteeringDecisionForm(request.POST or None)
    members = SteeringMemberFormSet(request.POST or None, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            decision = services.steering_decision_save(
                decision=form.instance, members=kept_rows(members), user=request.user
            )
        except ValidationError as error:
            form_service_error(form, error)
        else:
            messages.success(request, _("The decision is recorded: the chairman signs it."))
            return redirect("governance:steering_detail", pk=decision.pk)
    return render(request, "governance/steering_form.html", {"form": form, "members": members})


@permission_required(VIEW_STEERING)
def steering_detail(request: HttpRequest, pk: int, sign_form: SignForm | None = None):
    decision = get_object_or_404(SteeringDecision, pk=pk)
    return render(
        request,
        "governance/steering_detail.html",
        {
            "decision": decision,
            "members": decision.members.select_related("person"),
            "approval": decision.approval,
            "sign_form": sign_form or SignForm(record=decision),
            "can_approve": request.user.has_role(Role.CHAIRMAN),
        },
    )


@require_POST
@permission_required(VIEW_STEERING)  # signing: the chairman only
def steering_approve(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(SteeringDecision, pk=pk)
    if not request.user.has_role(Role.CHAIRMAN):
        raise PermissionDenied
    return form_action(
        request,
        SignForm(request.POST, request=request, record=decision),
        lambda data: services.steering_approve(decision=decision, user=request.user, **data),
        page=lambda form: steering_detail(request, pk, form),
        redirect_to=reverse("governance:steering_detail", args=[pk]),
        success=_("The decision is signed."),
    )
