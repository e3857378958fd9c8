import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from procedures.models import (
    Apology,
    Channel,
    Dossier,
    Field,
    Outcome,
    Procedure,
    ProcedureRevision,
)
from procedures.models.dossiers import DossierQuerySet
from qms.filters import BooleanWidget
from qms.forms import FilterForm
from qms.models import CalendarDay, Organisation, Unit


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Code or name"), method="search")
    field = django_filters.ChoiceFilter(label=_("Field"), choices=Field.choices)
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="by_status",
        choices=[
            ("controlled", _("Has an effective revision")),
            ("uncontrolled", _("No effective revision")),
            ("drafting", _("A revision is being drafted")),
            ("submitted", _("A revision waits for approval")),
        ],
    )
    due_for_review = django_filters.BooleanFilter(
        label=_("Due for review"), method="by_review", widget=BooleanWidget
    )
    unread = django_filters.BooleanFilter(
        label=_("Not yet read by all concerned"),
        method="by_unread",
        widget=BooleanWidget,
    )
    in_use = django_filters.BooleanFilter(label=_("In use"), widget=BooleanWidget)

    class Meta:
        model = Procedure
        fields = ["q", "field", "unit", "status", "due_for_review", "in_use", "unread"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def by_status(self, queryset, name, value):
        Status = ProcedureRevision.Status
        if value == "controlled":
            return queryset.controlled()
        if value == "uncontrolled":
            return queryset.exclude(pk__in=Procedure.objects.controlled().values("pk"))
        if value == "submitted":
            return queryset.filter(revisions__status=Status.SUBMITTED).distinct()
        return queryset.filter(revisions__status__in=Status.IN_PREPARATION).distinct()

    def by_unread(self, queryset, name, value):
        revisions = ProcedureRevision.objects.effective().select_related("procedure")
        unread = [r.procedure_id for r in revisions if r.not_acknowledged().exists()]
        return queryset.filter(pk__in=unread) if value else queryset.exclude(pk__in=unread)

    def by_review(self, queryset, name, value):
        due = Procedure.objects.due_for_review().values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)


class DossierFilter(django_filters.FilterSet):
    """Every filter is served by an index of `Dossier.Meta` (or narrows one that is)."""

    code = django_filters.CharFilter(label=_("Dossier code"), lookup_expr="startswith")
    applicant = django_filters.CharFilter(
        label=_("Applicant"), field_name="applicant_name", lookup_expr="startswith"
    )
    procedure = django_filters.ModelChoiceFilter(
        label=_("Procedure"), queryset=Procedure.objects.all()
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"), field_name="procedure__field", choices=Field.choices
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), field_name="procedure__unit", queryset=Unit.objects.all()
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Dossier.Status.choices)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_on", lookup_expr="gte"
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"), field_name="received_on", lookup_expr="lte"
    )
    due_from = django_filters.DateFilter(
        label=_("Due from"), field_name="due_date", lookup_expr="gte"
    )
    due_to = django_filters.DateFilter(label=_("Due to"), field_name="due_date", lookup_expr="lte")
    completed_from = django_filters.DateFilter(
        label=_("Resolved from"), field_name="completed_on", lookup_expr="gte"
    )
    completed_to = django_filters.DateFilter(
        label=_("Resolved to"), field_name="completed_on", lookup_expr="lte"
    )
    overdue_on = django_filters.DateFilter(label=_("Open and overdue on"), method="by_overdue_on")
    accepted = django_filters.BooleanFilter(
        label=_("Accepted at the desk"),
        method="by_accepted",
        widget=BooleanWidget,
    )

    worklist = django_filters.ChoiceFilter(
        label=_("Worklist"), choices=list(DossierQuerySet.WORKLISTS.items()), method="by_worklist"
    )
    apology_to_issue = django_filters.BooleanFilter(
        label=_("Apology (form 04) waiting for signature"),
        method="by_apology_to_issue",
        widget=BooleanWidget,
    )

    # Filters the dashboard's figures and the home page link with; shown only when set.
    LINKED = ("completed_from", "completed_to", "overdue_on", "accepted", "apology_to_issue")

    class Meta:
        model = Dossier
        fields = []
        form = FilterForm

    def shown_fields(self) -> list:
        return [f for f in self.form if f.name not in self.LINKED or f.value() not in (None, "")]

    def by_overdue_on(self, queryset, name, value):
        return queryset.filter(Dossier.overdue_open_on(value))

    def by_accepted(self, queryset, name, value):
        return queryset.received() if value else queryset.turned_away()

    def by_worklist(self, queryset, name, value):
        return by_worklist(queryset, name, value)

    def by_apology_to_issue(self, queryset, name, value):
        drafts = Apology.objects.awaiting_issue().values("dossier")
        return queryset.filter(pk__in=drafts) if value else queryset.exclude(pk__in=drafts)


def by_worklist(queryset, name, value):
    """The worklist `value` as of today (the officer's, or within a queue)."""
    today = localdate()
    return queryset.worklist(
        value, today, CalendarDay.objects.calendar().add_working_days(today, 1)
    )


def with_step_deadlines(dossiers) -> list:
    """`dossiers`, each with `step_deadline`: when its current step must be handed on."""
    calendar = CalendarDay.objects.calendar()
    office_hours = Organisation.current_office_hours()
    rows = list(dossiers.select_related("current_step").prefetch_related("revision__steps"))
    for dossier in rows:
        dossier.step_deadline = dossier.current_step_deadline(calendar, office_hours)
    return rows


class QueueFilter(django_filters.FilterSet):
    """A queue (`DossierQuerySet.in_queue_of`) narrowed to what is due today (the
    appointment) or overdue at the step the user runs (its control-slip deadline)."""

    worklist = django_filters.ChoiceFilter(
        label=_("Worklist"),
        choices=[
            ("due_today", DossierQuerySet.WORKLISTS["due_today"]),
            ("step_overdue", _("Overdue at the step")),
        ],
        method="by_worklist",
    )

    def by_worklist(self, queryset, name, value):
        if value != "step_overdue":
            return by_worklist(queryset, name, value)
        now = timezone.now()
        late = [
            dossier.pk
            for dossier in with_step_deadlines(queryset)
            if dossier.step_deadline and dossier.step_deadline < now
        ]
        return queryset.filter(pk__in=late)

    class Meta:
        model = Dossier
        fields = []
        form = FilterForm

    @classmethod
    def of(cls, user, params=None) -> "QueueFilter":
        """The queue of `user` filtered by `params`, as its page lists it."""
        return cls(params or None, queryset=Dossier.objects.in_queue_of(user))


class TurnedAwayFilter(django_filters.FilterSet):
    """The register of requests turned away at intake (R13): by the day they came,
    the desk's decision, the procedure and its unit."""

    received_from = django_filters.DateFilter(
        label=_("Came from"), field_name="received_on", lookup_expr="gte"
    )
    received_to = django_filters.DateFilter(
        label=_("Came to"), field_name="received_on", lookup_expr="lte"
    )
    status = django_filters.ChoiceFilter(
        label=_("Decision"),
        choices=[
            (status.value, status.label)
            for status in Dossier.Status
            if status in Dossier.TURNED_AWAY_STATUSES
        ],
    )
    procedure = django_filters.ModelChoiceFilter(
        label=_("Procedure"), queryset=Procedure.objects.all()
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), field_name="procedure__unit", queryset=Unit.objects.all()
    )

    class Meta:
        model = Dossier
        fields = []
        form = FilterForm
