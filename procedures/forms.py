import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from procedures.models import (
    Channel,
    CopyType,
    Delivery,
    Dossier,
    DossierDocument,
    ImportProfile,
    Procedure,
    ProcedureRevision,
    Rating,
    Reception,
    RevisionComponent,
    RevisionRecord,
    RevisionStep,
)
from procedures.models.dossiers import (
    REPRESENTATIVE_FIELDS,
    SATISFACTION_CRITERIA,
    representative_problems,
)
from procedures.tracking_book import check_period
from qms.forms import BootstrapMixin, OffersActiveUnits, SignForm, reason_field
from qms.models import Unit
from qms.text import search_key
from qms.uploads import upload_validators
from qms.validators import validate_phone


class ProcedureForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "national_code",
            "name",
            "field",
            "unit",
            "legal_basis",
            "fee",
            "result_document",
            "online_level",
            "paper_result",
            "result_validity",
            "result_valid_months",
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


class StepForm(OffersActiveUnits, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RevisionStep
        fields = ["name", "unit", "role", "allotment"]
        # Shown and typed with the Vietnamese decimal comma ("0,5"), like on the pages.
        localized_fields = ["allotment"]
        widgets = {"allotment": forms.TextInput(attrs={"inputmode": "decimal"})}


class RecordForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RevisionRecord
        fields = ["name", "keeper", "retention"]


class ComponentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RevisionComponent
        fields = ["name", "copy_type", "quantity"]


def _formset(form):
    return forms.formset_factory(form, extra=2, can_delete=True)


StepFormSet = _formset(StepForm)
RecordFormSet = _formset(RecordForm)
ComponentFormSet = _formset(ComponentForm)


def parts_initial(revision: ProcedureRevision) -> tuple[list[dict], list[dict], list[dict]]:
    steps = [
        {"name": s.name, "unit": s.unit, "role": s.role, "allotment": s.allotment.normalize()}
        for s in revision.steps.all()
    ]
    records = [
        {"name": r.name, "keeper": r.keeper, "retention": r.retention}
        for r in revision.records.all()
    ]
    components = [component.content() for component in revision.components.all()]
    return steps, records, components


class ApprovalForm(SignForm):
    field_order = ["decision_number", "decision_date", "effective_from", "password"]

    decision_number = forms.CharField(label=_("Approving decision number"), max_length=64)
    decision_date = forms.DateField(
        label=_("Approving decision date"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


# What the desk may type for a copy type, besides the labels themselves.
COPY_WORDS = {
    "chính": CopyType.ORIGINAL,
    "chứng thực": CopyType.CERTIFIED,
    "sao y": CopyType.CERTIFIED,
    "sao": CopyType.PHOTOCOPY,
    "photo": CopyType.PHOTOCOPY,
}


def document_line(name: str, copy_type: str, quantity: int) -> str:
    """One line of the receipt's document list, as `parse_documents` reads it."""
    return f"{name}; {CopyType(copy_type).label.lower()}; {quantity}"


def parse_documents(text: str) -> list[dict]:
    """The documents received, one per line: `name; copy type; quantity`, where copy
    type and quantity may be left out (an original, one). Anything else on a line is
    refused with the line's number: a guessed copy type would print on form 01."""
    words = {str(label).lower(): value for value, label in CopyType.choices} | COPY_WORDS
    documents, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        name, copy_word, quantity = [*parts, "", ""][:3]
        if len(parts) > 3 or not name:
            problems.append(_("line %(n)s: write “name; copy type; quantity”.") % {"n": number})
            continue
        if copy_word and copy_word.lower() not in words:
            problems.append(
                _(
                    "line %(n)s: “%(word)s” is not a copy type (bản chính, bản sao chứng thực, "
                    "bản sao)."
                )
                % {"n": number, "word": copy_word}
            )
            continue
        if quantity and not (quantity.isdigit() and 1 <= int(quantity) <= 99):
            problems.append(_("line %(n)s: the quantity is a number from 1 to 99.") % {"n": number})
            continue
        documents.append(
            {
                "name": name,
                "copy_type": words[copy_word.lower()] if copy_word else CopyType.ORIGINAL,
                "quantity": int(quantity) if quantity else 1,
            }
        )
    if problems:
        raise forms.ValidationError(problems)
    return documents


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked by the field's validators."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        clean = super().clean  # bound here: a comprehension has no zero-argument super()
        return [clean(file, initial) for file in files]


SCAN_NAME = re.compile(r"(?P<order>[0-9]+)\b")


def procedure_matches(typed: str) -> tuple[list[Procedure], list[Procedure]]:
    """The procedures open for receipt (in use, with an effective revision) that
    `typed` names, as (exact, partial) matches, by code. Case, Vietnamese marks and
    the dash of "code – name" do not count: exact is the code, the name or both;
    partial holds every word typed somewhere in code and name. The desk's list and
    the receipt form read the same matches."""
    words = search_key(typed)
    exact: list[Procedure] = []
    partial: list[Procedure] = []
    if not words:
        return exact, partial
    procedures = Procedure.objects.filter(in_use=True, revisions__status="effective")
    for procedure in procedures.distinct().order_by("code"):
        code, name = search_key(procedure.code), search_key(procedure.name)
        if words in (code, name, f"{code} {name}"):
            exact.append(procedure)
        elif all(word in f"{code} {name}" for word in words.split()):
            partial.append(procedure)
    return exact, partial


def id_number_field(label) -> forms.RegexField:
    """A citizen's personal identifier (số định danh cá nhân, the number of the
    chip-based ID card): 12 digits, or the 9 of an old ID card still in hand."""
    return forms.RegexField(
        label=label,
        regex=r"^\d{9}(\d{3})?$",
        required=False,
        error_messages={"invalid": _("An ID number has 9 or 12 digits.")},
    )


class ReceiveForm(BootstrapMixin, forms.Form):
    """The desk's receipt form: built to be filled with the keyboard alone.

    The documents received are a text area, one line per document, rather than a
    formset: typed at the speed of the citizen's papers being leafed through, with
    no mouse and no row to add; left empty it means the procedure's list as is.
    """

    procedure = forms.CharField(
        label=_("Procedure"),
        help_text=_("Type part of the code or name, then pick it from the list."),
        # the ARIA combobox of static/js/receive.js: its list, of the same matches as
        # clean_procedure's, comes from `data-matches`
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "procedure-matches",
                "data-matches": reverse_lazy("procedures:dossier_receive_matches"),
            }
        ),
    )
    applicant_name = forms.CharField(label=_("Applicant"), max_length=200)
    applicant_id_number = id_number_field(_("ID number"))
    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[validate_phone]
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    applicant_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Enter an e-mail address such as ten@example.vn.")},
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.DIRECT)
    delivery = forms.TypedChoiceField(
        label=_("Result delivery"),
        choices=Delivery.choices,
        initial=Delivery.DESK,
        required=False,
        empty_value=Delivery.DESK,
    )
    documents = forms.CharField(
        label=_("Documents received"),
        required=False,
        help_text=_(
            "One line per document: name; copy type; quantity (for example “Tờ khai; bản "
            "chính; 1”). Left empty: the procedure's list of documents."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scans = MultipleFileField(
        label=_("Scans made at the desk"),
        required=False,
        help_text=_(
            "PDF or image, at most 20 MB each; each file's name starts with the number of "
            "its document in the list (1.pdf, 2-to-khai.jpg)."
        ),
        validators=DossierDocument._meta.get_field("scan").validators,
    )
    documents_count = forms.IntegerField(
        label=_("Sets of documents"), min_value=1, max_value=99, initial=1
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Reception.choices, initial=Reception.ACCEPT
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("For an incomplete or refused dossier: what is missing, or why."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The optional section "Người được ủy quyền (nếu có)" (REPRESENTATIVE_FIELDS).
    representative_name = forms.CharField(
        label=_("Authorised person's full name"), max_length=200, required=False
    )
    representative_id_number = id_number_field(_("Authorised person's ID (CCCD)"))
    representative_address = forms.CharField(
        label=_("Authorised person's address"), max_length=300, required=False
    )
    representative_phone = forms.CharField(
        label=_("Authorised person's phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
    )
    representative_email = forms.EmailField(
        label=_("Authorised person's e-mail"),
        required=False,
        error_messages={"invalid": _("Enter an e-mail address such as ten@example.vn.")},
    )
    representative_authorisation = forms.CharField(
        label=_("Authorisation document"),
        max_length=300,
        required=False,
        help_text=_("For example “Giấy ủy quyền số 12/2026 ngày 01/12/2026”."),
    )

    def applicant_fields(self) -> list:
        return [self[name] for name in self.fields if name not in REPRESENTATIVE_FIELDS]

    def representative_fields(self) -> list:
        return [self[name] for name in REPRESENTATIVE_FIELDS]

    def representative_open(self) -> bool:
        """The section stays closed for an ordinary dossier, open once anything in
        it was typed (a refused form shows its values and messages)."""
        return self.is_bound and any(
            str(self[name].value() or "").strip() for name in REPRESENTATIVE_FIELDS
        )

    def clean_procedure(self) -> Procedure:
        """Whatever names one procedure: its code, its name or "code – name", with
        or without marks; exact matches win over partial ones."""
        typed = self.cleaned_data["procedure"]
        exact, partial = procedure_matches(typed)
        found = exact or partial
        if not found:
            raise forms.ValidationError(
                _("No procedure in use matches “%(typed)s”: type part of its code or name.")
                % {"typed": typed}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("“%(typed)s” matches %(count)s procedures (%(codes)s): pick one from the list.")
                % {
                    "typed": typed,
                    "count": len(found),
                    "codes": ", ".join(procedure.code for procedure in found),
                }
            )
        return found[0]

    def clean_documents(self) -> list[dict] | None:
        text = self.cleaned_data["documents"]
        return parse_documents(text) if text.strip() else None

    def clean(self):
        """Each scan goes to the document its file name numbers; an authorised person
        comes with a name and the authorisation document (the dossier's rule, on the
        values as typed so that a refused field still counts as given)."""
        data = super().clean()
        typed = {name: self[name].value() for name in REPRESENTATIVE_FIELDS}
        for name, message in representative_problems(typed).items():
            self.add_error(name, message)
        scans = data.pop("scans", None) or []
        if not scans or "documents" not in data or "procedure" not in data:
            return data
        documents = data["documents"]
        if documents is None:
            revision = data["procedure"].revisions.effective().first()
            documents = [c.content() for c in revision.components.all()] if revision else []
        for scan in scans:
            match = SCAN_NAME.match(scan.name)
            order = int(match["order"]) if match else 0
            if not 1 <= order <= len(documents):
                self.add_error(
                    "scans",
                    _(
                        "%(file)s: the name does not start with the number of a document "
                        "in the list (1 to %(count)s)."
                    )
                    % {"file": scan.name, "count": len(documents)},
                )
            elif "scan" in documents[order - 1]:
                self.add_error(
                    "scans",
                    _("Two files for document %(order)s.") % {"order": order},
                )
            else:
                documents[order - 1] = documents[order - 1] | {"scan": scan}
        data["documents"] = documents
        return data


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ApologyForm(ReasonForm):
    new_due_date = forms.DateField(
        label=_("New appointment date"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )


class StopForm(ReasonForm):
    withdrawn = forms.BooleanField(label=_("The citizen withdraws the dossier"), required=False)


class ReturnForm(BootstrapMixin, forms.Form):
    """At return: digitisation and the citizen's rating (rule R6), with the nine
    optional criteria of the 2018 evaluation, each scored 0 to 2."""

    digitised = forms.BooleanField(label=_("The result is digitised"), required=False)
    result_scan = forms.FileField(
        label=_("Scanned result (PDF or image)"),
        required=False,
        validators=Dossier._meta.get_field("result_scan").validators,
    )
    rating = forms.ChoiceField(
        label=_("Citizen's rating"), choices=[("", "—"), *Rating.choices], required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for number, label in enumerate(SATISFACTION_CRITERIA, start=1):
            self.fields[f"criterion_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {label}",
                choices=[("", "—"), (2, "2"), (1, "1"), (0, "0")],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean(self):
        data = super().clean()
        count = len(SATISFACTION_CRITERIA)
        scores = [data.pop(f"criterion_{n}", None) for n in range(1, count + 1)]
        given = [score for score in scores if score is not None]
        if given and len(given) != len(scores):
            raise forms.ValidationError(_("Score all nine criteria, or none."))
        data["criteria"] = scores if given else None
        return data


class CorrectionForm(ReasonForm):
    completed_at = forms.DateTimeField(label=_("Result ready at"))
    returned_at = forms.DateTimeField(label=_("Returned at"))


class TrackingBookForm(BootstrapMixin, forms.Form):
    date_from = forms.DateField(
        label=_("From date"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    date_to = forms.DateField(
        label=_("To date"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        help_text=_("At most one year after the start date."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("pdf", "PDF")]
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to"):
            try:
                check_period(data["date_from"], data["date_to"])
            except ValidationError as error:
                self.add_error(None, error)
        return data


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        validators=upload_validators(["csv", "xlsx"], 50),
    )
    profile = forms.ModelChoiceField(
        label=_("Column profile"),
        queryset=ImportProfile.objects.all(),
        required=False,
        empty_label=_("Columns as the register names them"),
        help_text=_("For an export whose columns have other names (kept in the admin)."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False)
