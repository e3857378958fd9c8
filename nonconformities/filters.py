import django_filters
from django.utils.translation import gettext_lazy as _

from nonconformities.models import Nonconformity
from qms.forms import FilterForm
from qms.models import Unit


class NonconformityFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Nonconformity.Stage.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Nonconformity.Source.choices)
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Nonconformity.Severity.choices
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    year = django_filters.NumberFilter(label=_("Year"), field_name="found_on", lookup_expr="year")

    class Meta:
        model = Nonconformity
        fields = []
        form = FilterForm
