import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.models import Field, Procedure, ProcedureRevision
from qms.models import Unit


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
        label=_("Due for review"), method="by_review", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = Procedure
        fields = ["q", "field", "unit", "status", "due_for_review"]

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
