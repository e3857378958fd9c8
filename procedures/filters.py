import django_filters
from django.db.models import Q
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from procedures.models import Channel, Dossier, Field, Outcome, Procedure, ProcedureRevision
from procedures.models.dossiers import DossierQuerySet
from qms.filters import BooleanWidget
from qms.forms import FilterForm
from qms.models import CalendarDay, Unit


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
        ],
    )
    due_for_review = django_filters.BooleanFilter(
        label=_("Due for review"), method="by_review", widget=BooleanWidget
    )
    in_use = django_filters.BooleanFilter(label=_("In use"), widget=BooleanWidget)

    class Meta:
        model = Procedure
        fields = ["q", "field", "unit", "status", "due_for_review", "in_use"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def by_status(self, queryset, name, value):
        Status = ProcedureRevision.Status
        if value == "controlled":
            return queryset.controlled()
        if value == "uncontrolled":
            return queryset.exclude(pk__in=Procedure.objects.controlled().values("pk"))
        return queryset.filter(revisions__status__in=[Status.DRAFT, Status.SUBMITTED]).distinct()

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

    # Filters the dashboard's figures link with; shown only when one of them is set.
    LINKED = ("completed_from", "completed_to", "overdue_on", "accepted")

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
        today = localdate()
        return queryset.worklist(
            value, today, CalendarDay.objects.calendar().add_working_days(today, 1)
        )


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
