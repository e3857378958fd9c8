import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.forms import _auditors
from audits.models import Audit
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
