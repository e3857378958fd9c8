"""The filters and the scope form of the oversight pages (dashboard, plan)."""

from dataclasses import replace
from datetime import date

import django_filters
from django import forms
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from qms.filters import BooleanWidget, YearField
from qms.forms import BootstrapMixin, FilterForm
from qms.models import ManagementReview, Objective, PeriodicReport, Plan, PlanTask, Signature, Unit
from qms.oversight.kpi import Scope
from qms.oversight.snapshot import period_scope


class PlanTaskFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.all())
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), field_name="units", queryset=Unit.objects.all()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanTask.Status.choices)
    due_from = django_filters.DateFilter(label=_("Deadline from"), method="by_deadline")
    due_to = django_filters.DateFilter(label=_("Deadline to"), method="by_deadline")
    on_time = django_filters.BooleanFilter(
        label=_("Done on time"), method="by_on_time", widget=BooleanWidget
    )

    class Meta:
        model = PlanTask
        fields = []
        form = FilterForm

    def by_deadline(self, queryset, name, value):
        # Both ends are read together, as the KPI reads them (`due_between`), so that
        # the list a figure links to holds exactly the tasks it counts.
        data = self.form.cleaned_data
        return queryset.due_between(
            data.get("due_from") or date.min, data.get("due_to") or date.max
        )

    def by_on_time(self, queryset, name, value):
        on_time = queryset.done_on_time()
        return on_time if value else queryset.exclude(pk__in=on_time.values("pk"))


class ObjectiveFilter(django_filters.FilterSet):
    """A year's objectives; `pending`: those the chairman has not approved yet."""

    pending = django_filters.BooleanFilter(
        label=_("Waiting for approval"),
        method="by_pending",
        widget=BooleanWidget,
    )

    class Meta:
        model = Objective
        fields = []
        form = FilterForm

    @classmethod
    def of(cls, year: int, params=None) -> "ObjectiveFilter":
        return cls(params or None, queryset=Objective.objects.filter(year=year))

    def by_pending(self, queryset, name, value):
        approved = Objective.objects.frozen().values("pk")
        return queryset.exclude(pk__in=approved) if value else queryset.filter(pk__in=approved)


class ReviewFilter(django_filters.FilterSet):
    """Management reviews; `to_sign`: signed by their secretary, waiting for the
    chairman's approval."""

    to_sign = django_filters.BooleanFilter(
        label=_("Waiting for the chairman's signature"),
        method="by_to_sign",
        widget=BooleanWidget,
    )

    class Meta:
        model = ManagementReview
        fields = []
        form = FilterForm

    def by_to_sign(self, queryset, name, value):
        waiting = ManagementReview.objects.filter(
            approved_at__isnull=True, signatures__meaning=Signature.Meaning.SIGNED
        ).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)


class ScopeForm(BootstrapMixin, forms.Form):
    """The period the dashboard shows: a year, cumulated to the end of one of the
    report periods, optionally for one unit."""

    year = YearField(label=_("Year"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (period.value, period.label)
            for period in PeriodicReport.SCHEDULES[PeriodicReport.Kind.REFORM]
        ],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.all(),
        required=False,
        empty_label=filter_settings.EMPTY_CHOICE_LABEL,
    )

    def scope(self) -> Scope:
        """The scope asked for; a field left empty or wrong (its error is shown) falls
        back to the current year, the whole year, every unit."""
        data = {}
        if self.is_bound:
            self.is_valid()  # keeps the fields that are valid in cleaned_data
            data = self.cleaned_data
        year = data.get("year") or localdate().year
        scope = period_scope(year, data.get("period") or PeriodicReport.Period.YEAR)
        return replace(scope, unit=data.get("unit"))
