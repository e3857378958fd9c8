from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import (
    RecordKind,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    SteeringMember,
    TrainingRecord,
)
from qms.forms import BootstrapMixin
from qms.models import User

DATE = {"placeholder": "dd/mm/yyyy"}


def _active_users():
    return User.objects.filter(is_active=True).order_by("full_name")


class RiskForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "kind",
            "process",
            "field",
            "description",
            "cause",
            "likelihood",
            "impact",
            "treatment",
            "treatment_plan",
            "owner",
            "identified_on",
            "due_date",
            "review_date",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "treatment_plan": forms.Textarea(attrs={"rows": 2}),
            "identified_on": forms.DateInput(attrs=DATE),
            "due_date": forms.DateInput(attrs=DATE),
            "review_date": forms.DateInput(attrs=DATE),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()
        self.fields["field"].help_text = _("Only for the procedures of a field.")


class RiskActionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs=DATE),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()


class RiskActionDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs=DATE))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class TrainingRecordForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = [
            "person",
            "kind",
            "title",
            "provider",
            "completed_on",
            "certificate_number",
            "valid_until",
        ]
        widgets = {
            "completed_on": forms.DateInput(attrs=DATE),
            "valid_until": forms.DateInput(attrs=DATE),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _active_users()


class RetentionRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["kind", "years", "counted_from", "basis"]


class DisposalProposeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Record kind"), choices=RecordKind.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SteeringDecisionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SteeringDecision
        fields = ["number", "title", "signed_on", "effective_from"]
        widgets = {
            "signed_on": forms.DateInput(attrs=DATE),
            "effective_from": forms.DateInput(attrs=DATE),
        }


class SteeringMemberForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SteeringMember
        fields = ["person", "role", "duty"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _active_users()


SteeringMemberFormSet = forms.formset_factory(SteeringMemberForm, extra=6, can_delete=True)
