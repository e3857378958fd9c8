from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from isodocs import services
from isodocs.models import ExternalDocument, QualityPolicy, QualityScope, YearlyReport
from procedures.models import Procedure
from qms.forms import BootstrapMixin
from qms.models import User
from qms.roles import Role

DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class PolicyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = QualityPolicy
        fields = ["text", "effective_from"]
        widgets = {"effective_from": DATE, "text": forms.Textarea(attrs={"rows": 6})}


class ScopeForm(BootstrapMixin, forms.ModelForm):
    exclusions = forms.CharField(
        label=_("Exclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the clause, a colon and the justification."),
    )

    class Meta:
        model = QualityScope
        fields = ["activities", "effective_from"]
        widgets = {"effective_from": DATE, "activities": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["exclusions"] = "\n".join(
                f"{row.clause}: {row.justification}" for row in self.instance.exclusions.all()
            )

    def clean_exclusions(self) -> list[tuple[str, str]]:
        try:
            return services.parse_exclusions(self.cleaned_data["exclusions"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["exclusions"]) from error


class ExternalDocumentForm(BootstrapMixin, forms.ModelForm):
    procedures = forms.ModelMultipleChoiceField(
        label=_("Cited by the procedures"),
        queryset=Procedure.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = ExternalDocument
        fields = [
            "kind",
            "number",
            "title",
            "issuer",
            "issued_on",
            "effective_from",
            "changes",
            "relation",
        ]
        widgets = {"issued_on": DATE, "effective_from": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # what it changes was settled when it was recorded: its updates were raised
            del self.fields["changes"], self.fields["relation"]
            self.initial.setdefault("procedures", list(self.instance.procedures.all()))
        else:
            self.fields["changes"].queryset = ExternalDocument.objects.exclude(
                status=ExternalDocument.Status.REPLACED
            ).order_by("-issued_on")


class YearlyReportForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = YearlyReport
        fields = ["addressee", "signer", "summary", "recipients"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = User.objects.filter(
            is_active=True, groups__name__in=[Role.CHAIRMAN, Role.VICE_CHAIRMAN]
        ).distinct()
