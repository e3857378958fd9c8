import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.forms import _auditors
from audits.models import Audit, ChecklistItem
from qms.filters import BooleanWidget, YearFilter
from qms.forms import FilterForm
from qms.models import Unit


class AuditFilter(django_filters.FilterSet):
    year = YearFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Audit.Status.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), field_name="units", queryset=Unit.objects.all()
    )
    auditor = django_filters.ModelChoiceFilter(
        label=_("Auditor"), queryset=_auditors(), method="by_auditor"
    )
    planned_from = django_filters.DateFilter(
        label=_("Planned from"), field_name="planned_start", lookup_expr="gte"
    )
    planned_to = django_filters.DateFilter(
        label=_("Planned to"), field_name="planned_start", lookup_expr="lte"
    )
    done = django_filters.BooleanFilter(label=_("Reported"), method="by_done", widget=BooleanWidget)

    class Meta:
        model = Audit
        fields = []
        form = FilterForm

    def by_auditor(self, queryset, name, value):
        return queryset.filter(Q(lead_auditor=value) | Q(team=value)).distinct()

    def by_done(self, queryset, name, value):
        signed = Q(status__in=Audit.SIGNED_STATUSES)
        return queryset.filter(signed if value else ~signed)


class MyAuditFilter(django_filters.FilterSet):
    """The audits `user` leads or is on the team of, by status."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Audit.Status.choices)

    class Meta:
        model = Audit
        fields = []
        form = FilterForm

    @classmethod
    def of(cls, user, params=None) -> "MyAuditFilter":
        mine = Audit.objects.filter(
            pk__in=Audit.objects.filter(Q(lead_auditor=user) | Q(team=user))
        )
        return cls(params or None, queryset=mine)


class ChecklistFilter(django_filters.FilterSet):
    """An audit's checklist; `left`: the items not answered yet."""

    left = django_filters.BooleanFilter(
        label=_("Not answered yet"),
        method="by_left",
        widget=BooleanWidget,
    )

    class Meta:
        model = ChecklistItem
        fields = []
        form = FilterForm

    @classmethod
    def of(cls, audit, params=None) -> "ChecklistFilter":
        return cls(params or None, queryset=audit.items.all())

    def by_left(self, queryset, name, value):
        return queryset.filter(result="") if value else queryset.exclude(result="")
