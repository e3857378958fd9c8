from django import forms
from django.contrib.auth import forms as auth_forms
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qms.accounts import confirm_password
from qms.models import CalendarDay, Organisation, OrganisationIdentity, Unit, User
from qms.signing import shown_sha256
from qms.working_days import CalendarRangeError, LimitUnit

# Django's messages that its Vietnamese catalogue lacks, by error code.
UNTRANSLATED = {
    "null_characters_not_allowed": _("The text contains a null character: remove it."),
    "invalid_pk_value": _("“%(pk)s” is not one of the choices."),
    "invalid_extension": _(
        "Files ending in “%(extension)s” are not accepted; accepted: %(allowed_extensions)s."
    ),
}


# Beside a file field of a refused form: no browser lets a page give a file back.
FILE_AGAIN = _("The form was refused: choose the file again (a browser does not keep it).")


class FormRenderer(renderers.Jinja2):
    """Form widgets drawn by Jinja2 from Django's own widget templates (the same
    HTML): pages with forms render 10–30% faster than through Django's engine. The
    admin's widgets, whose templates exist for Django's engine only, still use it."""

    @cached_property
    def django_engine(self) -> renderers.DjangoTemplates:
        return renderers.DjangoTemplates()

    @cached_property
    def django_only(self) -> set[str]:
        return set()  # template names found by Django's engine only, remembered

    def get_template(self, template_name: str):
        if template_name not in self.django_only:
            try:
                return super().get_template(template_name)
            except TemplateDoesNotExist:
                self.django_only.add(template_name)
        return self.django_engine.get_template(template_name)


class TranslatesErrors:
    """Django's messages its Vietnamese catalogue lacks, given in the project's words
    (UNTRANSLATED): every form of the project has it, styled or not."""

    def full_clean(self) -> None:
        super().full_clean()
        for errors in self.errors.values():
            for error in errors.data:
                if error.code in UNTRANSLATED:
                    error.message = UNTRANSLATED[error.code]


class BootstrapMixin(TranslatesErrors):
    """Gives every widget its Bootstrap 5 class, and marks fields with errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_error(self, field, error) -> None:
        """Every error marks its field, also one a service adds after validation;
        a refused form's file fields say that the file must be chosen again."""
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", "").split():
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
        for name, form_field in self.fields.items():
            help_text = str(form_field.help_text)
            if isinstance(form_field, forms.FileField) and str(FILE_AGAIN) not in help_text:
                form_field.help_text = format_lazy("{} {}", help_text, FILE_AGAIN).strip()
                self._bound_fields_cache.pop(name, None)  # a bound field copies its help


class OffersActiveUnits:
    """A form whose unit fields offer the active units, and those the record already
    names: a deactivated unit is chosen for nothing new, and an old record keeps it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Unit:
                field.queryset = field.queryset.offered(self.initial.get(name))


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form, with the project's messages."""


class ConfirmsPassword:
    """A form that re-asks the signed-in user's password in its field
    `password_field`, checked through the sign-in throttle (`confirm_password`), so
    an unattended session cannot be used to guess it. Bound, it needs the request."""

    password_field = "password"

    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict:
        data = super().clean()
        password = data.get(self.password_field)
        if password is not None:
            try:
                confirm_password(self.request, password)
            except forms.ValidationError as error:
                self.add_error(self.password_field, error)
        return data


class PasswordChangeForm(ConfirmsPassword, BootstrapMixin, auth_forms.PasswordChangeForm):
    """Django's, with the project's messages and the throttled check. The new
    password differs from the old one: a password someone else chose
    (`User.must_change_password`) must not stay known to them."""

    password_field = "old_password"

    def clean_old_password(self) -> str:
        return self.cleaned_data["old_password"]  # checked by ConfirmsPassword

    def clean(self) -> dict:
        data = super().clean()
        new = data.get("new_password1")
        if new and new == data.get("old_password"):
            self.add_error(
                "new_password1", _("Choose a new password, different from the current one.")
            )
        return data

    def save(self, commit: bool = True) -> User:
        self.user.must_change_password = False
        return super().save(commit)


class FilterForm(BootstrapMixin, forms.Form):
    """The form of every django-filter FilterSet (`Meta.form`)."""


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        help_text=_("Kept in the history with your name."),
    )


class ChangeReasonForm(BootstrapMixin, forms.Form):
    reason = reason_field()


class CalendarDayForm(BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "legal_basis", "to_confirm"]
        widgets = {"date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}


class OrganisationIdentityForm(BootstrapMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = OrganisationIdentity
        fields = [
            "valid_from",
            "superior",
            "name",
            "desk_name",
            "place_name",
            "address",
            "desk_phone",
        ]
        widgets = {"valid_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}


class DueDateForm(BootstrapMixin, forms.Form):
    """Rule R3 as a question: when is a dossier received at this moment due?

    Used by the calculator page and by `manage.py due_date`, so both give the same
    answer and the same messages.
    """

    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
    )
    limit = forms.ChoiceField(
        label=_("Time limit in"), choices=LimitUnit.choices, initial=LimitUnit.WORKING_DAYS
    )
    amount = forms.IntegerField(
        label=_("Time limit"),
        min_value=1,
        max_value=365,
        required=False,
        error_messages={"invalid": _("Enter a whole number.")},
    )
    cutoff = forms.TimeField(
        label=_("Cut-off time"),
        required=False,
        help_text=_("Dossiers received at or after this time count from the next working day."),
        widget=forms.TimeInput(attrs={"placeholder": "hh:mm"}),
    )

    def clean(self):
        data = super().clean()
        limit, amount = data.get("limit"), data.get("amount")
        if (
            limit in (LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS)
            and amount is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("Enter the time limit."))
        if self.errors:
            return data
        try:
            data["due"] = CalendarDay.objects.calendar().due(
                data["received_at"],
                limit,
                amount,
                data.get("cutoff"),
                Organisation.current_office_hours(),
            )
        except CalendarRangeError as error:
            self.add_error("received_at", str(error))
        return data


class ShownContentField(forms.CharField):
    """The hash of the content a sign form's page shows (`qms.signing.shown_sha256`),
    sent back with the signature. A form shown again after a refusal carries the hash
    of the content the page shows then, not the one posted: the signer signs what
    is in front of them."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(
            error_messages={
                "required": _("The form did not say what you read: read the record again.")
            }
        )

    def bound_data(self, data, initial):
        return initial


class SignForm(ConfirmsPassword, BootstrapMixin, forms.Form):
    """Signing re-asks the signer's password: checked here through the sign-in
    throttle, and again by the signing service, which commands call directly. The
    form carries the hash of the `record` its page shows; the service signs only if
    the record still has that content (a form only read, never shown, needs no
    record)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing re-asks your password."),
    )
    seen_sha256 = ShownContentField()

    def __init__(self, *args, record=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if record is not None:
            # computed when the form is drawn, after any refused attempt rolled back
            self.fields["seen_sha256"].initial = lambda: shown_sha256(record)


def kept_forms(formset) -> list:
    """The forms of the filled rows of a valid formset, in order, without the deleted
    ones."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def kept_rows(formset) -> list[dict]:
    """The filled rows of a valid formset, in order, without the deleted ones."""
    return [form.cleaned_data for form in kept_forms(formset)]
