from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.models import Procedure, ProcedureRevision, RevisionRecord, RevisionStep
from qms.forms import BootstrapMixin, reason_field


class ProcedureForm(BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "unit",
            "legal_basis",
            "fee",
            "result_document",
            "online_submission",
            "in_use",
            "review_interval_months",
            "legal_basis_changed",
        ]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3})}


class RevisionForm(BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = ProcedureRevision
        fields = [
            "purpose",
            "scope",
            "references",
            "limit_unit",
            "limit_amount",
            "cutoff",
            "forms_used",
            "change_summary",
            "attachment",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("purpose", "scope", "references", "forms_used", "change_summary")
        } | {"cutoff": forms.TimeInput(attrs={"placeholder": "hh:mm"})}


class StepForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RevisionStep
        fields = ["name", "unit", "role", "allotment"]


class RecordForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RevisionRecord
        fields = ["name", "keeper", "retention"]


def _formset(form):
    return forms.formset_factory(form, extra=2, can_delete=True)


StepFormSet = _formset(StepForm)
RecordFormSet = _formset(RecordForm)


def parts_initial(revision: ProcedureRevision) -> tuple[list[dict], list[dict]]:
    steps = [
        {"name": s.name, "unit": s.unit, "role": s.role, "allotment": s.allotment}
        for s in revision.steps.all()
    ]
    records = [
        {"name": r.name, "keeper": r.keeper, "retention": r.retention}
        for r in revision.records.all()
    ]
    return steps, records


def kept_rows(formset) -> list[dict]:
    """The filled rows of a valid formset, in order, without the deleted ones."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ApprovalForm(BootstrapMixin, forms.Form):
    decision_number = forms.CharField(label=_("Approving decision number"), max_length=64)
    decision_date = forms.DateField(
        label=_("Approving decision date"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    expected_sha256 = forms.CharField(widget=forms.HiddenInput, required=False)
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing re-asks your password."),
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
