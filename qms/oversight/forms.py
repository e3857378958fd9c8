"""The forms of the oversight pages: management reviews, their outputs, periodic
reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.forms import BootstrapMixin
from qms.models import ManagementReview, PeriodicReport, ReviewOutput, User
from qms.roles import Role


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class ReviewForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ManagementReview
        fields = [
            "held_on",
            "starts_at",
            "place",
            "period_start",
            "period_end",
            "chair",
            "secretary",
            "participants",
            *ManagementReview.NOTES,
            "conclusion",
        ]
        widgets = {
            "held_on": _date_widget(),
            "starts_at": forms.TimeInput(attrs={"placeholder": "hh:mm"}),
            "period_start": _date_widget(),
            "period_end": _date_widget(),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in ManagementReview.NOTES},
            "participants": forms.Textarea(attrs={"rows": 2}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = User.objects.filter(
            groups__name__in=[Role.CHAIRMAN, Role.VICE_CHAIRMAN], is_active=True
        ).distinct()
        self.fields["secretary"].queryset = User.objects.filter(is_active=True).order_by(
            "full_name"
        )


class ReviewOutputForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReviewOutput
        fields = ["kind", "decision", "owner", "due_date"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 2}), "due_date": _date_widget()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)


class OutputDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=_date_widget())
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PeriodicReport
        fields = ["addressee", "window_start", "window_end", "summary", "signer", "recipients"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "window_start": _date_widget(),
            "window_end": _date_widget(),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.kind == PeriodicReport.Kind.COMMUNICATION:
            self.fields["summary"].help_text = _(
                "What was done: news and articles posted on the ward's portal, broadcasts, "
                "banners, guidance at the desk; difficulties; proposals."
            )
        self.fields["signer"].queryset = User.objects.filter(
            groups__name__in=[Role.CHAIRMAN, Role.VICE_CHAIRMAN], is_active=True
        ).distinct()
