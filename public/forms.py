"""The citizens' forms: finding a dossier, and rating it in words a citizen uses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.models import Rating
from procedures.models.dossiers import SATISFACTION_CRITERIA
from qms.forms import TranslatesErrors


class LookupForm(TranslatesErrors, forms.Form):
    code = forms.CharField(
        label=_("Dossier code (on your receipt)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone_digits = forms.RegexField(
        label=_("Last four digits of your phone number"),
        regex=r"^[0-9]{4}$",
        error_messages={"invalid": _("Type the last four digits of the phone number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class KioskForm(TranslatesErrors, forms.Form):
    """The kiosk's one box: a code typed, or the receipt's QR code read by a
    scanner that types what it reads (the status page's whole address)."""

    code = forms.CharField(
        label=_("Dossier code, or scan the QR code on your receipt"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_code(self) -> str:
        """The code itself: in a status address it is the part after `/tra-cuu/`."""
        typed = self.cleaned_data["code"].strip()
        if "/tra-cuu/" in typed:
            typed = typed.split("/tra-cuu/", 1)[1].split("/", 1)[0]
        return typed.upper()


# §8.1's nine criteria (SATISFACTION_CRITERIA, in its order) as a citizen is asked
# them, each with its answers scored 2, 1 and 0.
QUESTIONS = [
    (
        _("How long did your dossier take?"),
        [_("Before the appointment"), _("On the appointment day"), _("After the appointment")],
    ),
    (
        _("How quickly did each office involved deal with it?"),
        [_("Quickly"), _("Acceptably"), _("Slowly")],
    ),
    (
        _("How many times did you have to come or contact the desk?"),
        [_("Once"), _("Twice"), _("Three times or more")],
    ),
    (
        _("How many offices did you have to go to?"),
        [_("Only this desk"), _("Two"), _("Three or more")],
    ),
    (
        _("Were submitting, processing and collecting all done at the one-stop desk?"),
        [_("Yes, all of it"), _("Mostly"), _("No, I had to go elsewhere")],
    ),
    (
        _("Was the information about the procedure (papers, fees, time) clear?"),
        [_("Clear and easy to find"), _("Partly"), _("Hard to find")],
    ),
    (
        _("How did the officials treat you?"),
        [_("Courteous and helpful"), _("Acceptably"), _("Not courteous")],
    ),
    (
        _("Were your questions or comments taken up and answered?"),
        [_("Answered well"), _("Partly"), _("Not answered")],
    ),
    (
        _("How good are the online public services (submitting or following a dossier)?"),
        [_("Good"), _("Acceptable"), _("Poor")],
    ),
]
assert len(QUESTIONS) == len(SATISFACTION_CRITERIA)


class RatingForm(TranslatesErrors, forms.Form):
    """The three levels of R6, and the nine questions, all answered or none."""

    rating = forms.ChoiceField(
        label=_("Overall, how satisfied are you?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for number, (question, answers) in enumerate(QUESTIONS, start=1):
            self.fields[f"criterion_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {question}",
                choices=list(zip((2, 1, 0), answers, strict=True)),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def questions(self):
        return [self[f"criterion_{n}"] for n in range(1, len(QUESTIONS) + 1)]

    def clean(self):
        data = super().clean()
        scores = [data.pop(f"criterion_{n}", None) for n in range(1, len(QUESTIONS) + 1)]
        given = [score for score in scores if score is not None]
        if given and len(given) != len(scores):
            raise forms.ValidationError(
                _("Answer all nine questions, or none: %(left)s left unanswered.")
                % {"left": len(scores) - len(given)}
            )
        data["criteria"] = scores if given else None
        return data
