from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, ChecklistTemplate, Finding, Result, TimetableRow
from governance.services import check_auditors_qualified
from procedures.models import Dossier
from qms.forms import BootstrapMixin, OffersActiveUnits, reason_field
from qms.models import User
from qms.roles import Role


def _auditors():
    return User.objects.filter(groups__name=Role.AUDITOR.value, is_active=True).order_by(
        "full_name"
    )


class AuditForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Audit
        fields = [
            "code",
            "title",
            "kind",
            "year",
            "units",
            "procedures",
            "clauses",
            "planned_start",
            "planned_end",
            "lead_auditor",
            "team",
            "auditees",
            "criteria",
        ]
        widgets = {
            "planned_start": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "planned_end": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "auditees": forms.Textarea(attrs={"rows": 2}),
            "criteria": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_auditor"].queryset = _auditors()
        self.fields["team"].queryset = _auditors()
        self.fields["clauses"].help_text = _("None chosen: every clause from 4.1 to 10.3.")

    def clean(self) -> dict:
        """Only qualified auditors are planned (`audit_save` checks it again), each
        one refused by name beside the team."""
        data = super().clean()
        if data.get("lead_auditor") and data.get("planned_start"):
            try:
                check_auditors_qualified(
                    auditors=[data["lead_auditor"], *data.get("team", [])],
                    start=data["planned_start"],
                    end=data.get("planned_end"),
                )
            except ValidationError as error:
                self.add_error("team", error.error_dict["team"])
        return data


class TimetableRowForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TimetableRow
        fields = ["day", "start", "end", "unit", "auditor", "clauses"]
        widgets = {
            "day": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "start": forms.TimeInput(attrs={"placeholder": "hh:mm"}),
            "end": forms.TimeInput(attrs={"placeholder": "hh:mm"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = _auditors()


TimetableFormSet = forms.formset_factory(TimetableRowForm, extra=2, can_delete=True)


def timetable_initial(audit: Audit) -> list[dict]:
    return [
        {
            "day": row.day,
            "start": row.start,
            "end": row.end,
            "unit": row.unit,
            "auditor": row.auditor,
            "clauses": row.clauses,
        }
        for row in audit.timetable.all()
    ]


class StartForm(BootstrapMixin, forms.Form):
    """The template an audit starts from; none: the questions of its scope."""

    template = forms.ModelChoiceField(
        label=_("Checklist template"),
        queryset=ChecklistTemplate.objects.all(),
        required=False,
        empty_label=_("The questions of the scope"),
    )


class AnswerForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    not_applicable_reason = forms.CharField(
        label=_("Why not applicable"), required=False, widget=forms.TextInput()
    )
    requirement = forms.CharField(
        label=_("Requirement not met"),
        required=False,
        help_text=_("For a nonconformity: the requirement and where it is written."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    statement = forms.CharField(
        label=_("Statement of the finding"),
        required=False,
        help_text=_("For a finding: what is not met, or what was observed."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dossiers = forms.CharField(
        label=_("Dossiers sampled"),
        required=False,
        help_text=_("Dossier codes, separated by commas."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].widget.attrs["class"] = "form-check-input"
        # A save redraws the errors beside the inputs, never the inputs the auditor
        # may be typing in (audits/_answer_errors.html): each input names its errors.
        for name, field in self.fields.items():
            described = [f"{self[name].auto_id}_errors"]
            if field.help_text:
                described.append(f"{self[name].auto_id}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described)

    def withhold_blank_field_errors(self) -> None:
        """Leaving a field saves the item, which is no attempt at the fields still
        blank: the evidence is not asked for as soon as a result is chosen. What a
        blank field lacks is said on the auditor's own save (the Save button)."""
        for name in [name for name in self.errors if name in self.fields]:
            if not str(self[name].value() or "").strip():
                del self.errors[name]

    def clean_dossiers(self) -> list[Dossier]:
        codes = [code.strip() for code in self.cleaned_data["dossiers"].split(",") if code.strip()]
        found = Dossier.objects.in_bulk(codes, field_name="code")
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(
                _("No dossier with the code %(codes)s.") % {"codes": ", ".join(missing)}
            )
        return [found[code] for code in codes]


class FindingForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["clause_number", "unit", "severity", "requirement", "description", "evidence"]
        widgets = {
            "requirement": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, audit: Audit | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if audit is not None:
            self.fields["unit"].queryset = audit.scope_units()


class ReportForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Audit
        fields = list(Audit.REPORT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Audit.REPORT_FIELDS}
