"""The citizens' feedback forms (phản ánh, kiến nghị): what a citizen types, checked
by the project's rules before `nonconformities.services.complaint_send` records it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.forms import BootstrapMixin
from qms.validators import validate_phone


class DossierFeedbackForm(BootstrapMixin, forms.Form):
    """Feedback about a dossier, from its status page: the dossier is known."""

    citizen = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    content = forms.CharField(
        label=_("Your complaint or recommendation"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["citizen"].widget.attrs["autocomplete"] = "name"


class FeedbackForm(DossierFeedbackForm):
    """The public form, for anyone: a phone or an e-mail is required (the service says
    so beside the phone), and a dossier's code may be given."""

    dossier_code = forms.CharField(
        label=_("Dossier code (if any)"),
        max_length=40,
        required=False,
        help_text=_("As printed on your receipt."),
    )
