from django import forms
from django.contrib import admin

from procedures.importer import mapping_problems
from procedures.models import (
    ImportProfile,
    Procedure,
    ProcedureRevision,
    RevisionRecord,
    RevisionStep,
)
from qms.admin import ActiveUnitsForm
from qms.admin_site import HistoryAdmin, ReadOnlyMixin


@admin.register(Procedure)
class ProcedureAdmin(HistoryAdmin):
    form = ActiveUnitsForm
    list_display = ["code", "national_code", "name", "field", "unit", "in_use", "next_review_on"]
    list_filter = ["field", "unit", "in_use", "legal_basis_changed"]
    search_fields = ["code", "national_code", "name"]


class StepInline(admin.TabularInline):
    model = RevisionStep
    extra = 0


class RecordInline(admin.TabularInline):
    model = RevisionRecord
    extra = 0


@admin.register(ProcedureRevision)
class ProcedureRevisionAdmin(ReadOnlyMixin, HistoryAdmin):
    """Read-only here: revisions change only through their lifecycle in the app,
    so that every change has its reason and every approval its signature."""

    list_display = ["procedure", "number", "status", "effective_from", "decision_number"]
    list_filter = ["status"]
    search_fields = ["procedure__code", "procedure__name"]
    inlines = [StepInline, RecordInline]


class ImportProfileForm(forms.ModelForm):
    class Meta:
        model = ImportProfile
        fields = ["name", "mapping"]

    def clean_mapping(self):
        mapping = self.cleaned_data["mapping"]
        problems = mapping_problems(mapping)
        if problems:
            raise forms.ValidationError(problems)
        return mapping


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    """How the columns of an export named otherwise map to the importer's fields."""

    form = ImportProfileForm
    list_display = ["name"]
    search_fields = ["name"]
