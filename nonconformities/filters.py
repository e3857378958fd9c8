import django_filters
from django.db.models import Q
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from nonconformities.models import Action, Complaint, Nonconformity
from qms.filters import BooleanWidget, YearFilter
from qms.forms import FilterForm
from qms.models import Unit, User


class NonconformityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Nonconformity.Kind.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Nonconformity.Stage.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Nonconformity.Source.choices)
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Nonconformity.Severity.choices
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    year = YearFilter(label=_("Year"), field_name="found_on", lookup_expr="year")
    found_from = django_filters.DateFilter(
        label=_("Found from"), field_name="found_on", lookup_expr="gte"
    )
    found_to = django_filters.DateFilter(
        label=_("Found to"), field_name="found_on", lookup_expr="lte"
    )
    clause = django_filters.CharFilter(label=_("Clause"), lookup_expr="startswith")
    overdue = django_filters.BooleanFilter(
        label=_("With overdue actions"),
        method="by_overdue",
        widget=BooleanWidget,
    )
    open_on = django_filters.DateFilter(label=_("Open on"), method="by_open_on")
    overdue_on = django_filters.DateFilter(
        label=_("With actions overdue on"), method="by_overdue_on"
    )
    closed_from = django_filters.DateFilter(
        label=_("Closed from"), field_name="verified_on", lookup_expr="gte"
    )
    closed_to = django_filters.DateFilter(
        label=_("Closed to"), field_name="verified_on", lookup_expr="lte"
    )
    action_owner = django_filters.ModelChoiceFilter(
        label=_("With open actions of"),
        queryset=User.objects.filter(is_active=True),
        method="by_action_owner",
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Nonconformity
        fields = []
        form = FilterForm

    def by_overdue(self, queryset, name, value):
        late = Nonconformity.overdue_on(localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def by_open_on(self, queryset, name, value):
        return queryset.filter(Nonconformity.open_on(value))

    def by_overdue_on(self, queryset, name, value):
        return queryset.filter(Nonconformity.overdue_on(value))

    def by_action_owner(self, queryset, name, value):
        return queryset.filter(
            pk__in=Action.objects.open().filter(owner=value).values("nonconformity")
        )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value)
            | Q(description__icontains=value)
            | Q(root_cause__icontains=value)
        )


class ComplaintFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Complaint.Source.choices)
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Complaint
        fields = []
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(citizen__icontains=value)
            | Q(content__icontains=value)
        )
