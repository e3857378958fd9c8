from django import forms
from django.utils.translation import gettext_lazy as _

from nonconformities.models import Action, Complaint, Nonconformity
from qms.forms import BootstrapMixin, OffersActiveUnits
from qms.models import User


class NonconformityForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    """Raising by hand: the automatic sources (audit findings, late dossiers,
    complaints) are linked to their record and come only from there."""

    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            (value, label)
            for value, label in Nonconformity.Source.choices
            if value in ("staff", "management_review", "external_audit")
        ],
    )

    class Meta:
        model = Nonconformity
        fields = ["source", "severity", "clause", "unit", "procedure", "description", "evidence"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }


class TextForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintAnswerForm(TextForm):
    """The answer to a complaint, and whether it records a nonconformity (the field
    `raise`, a name Python keeps for itself, hence added here)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Answer")
        self.fields["raise"] = forms.BooleanField(
            label=_("It is a nonconformity: record it"), required=False
        )
        self.fields["raise"].widget.attrs["class"] = "form-check-input"


class ActionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["kind", "description", "owner", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["kind"].initial = Action.Kind.CORRECTIVE


class DoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(
        label=_("Done on"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        validators=Action._meta.get_field("evidence_file").validators,
    )


class VerifyForm(BootstrapMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Effective: close it")), ("0", _("Not effective: back to the plan"))],
        coerce=lambda value: value == "1",
    )
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintForm(BootstrapMixin, forms.ModelForm):
    dossier_code = forms.CharField(label=_("Dossier code (if any)"), required=False)

    class Meta:
        model = Complaint
        fields = ["citizen", "phone", "email", "contact", "content", "repeated"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}
