import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PHONE_CHARACTERS = re.compile(r"\+?[\d .()]+")
PHONE_MESSAGE = gettext_lazy(
    "Enter a phone number of 8 to 15 digits; it may have spaces, dots, brackets and a leading +."
)


def validate_phone(value: str) -> None:
    """A phone number as people write it: digits, spaces, dots, brackets and a leading
    +, with 8 to 15 digits (a Vietnamese mobile or landline with its area code has 10
    or 11, an international number at most 15). Every phone field of the project
    uses this one rule, since what is kept is printed as the number to call (the desk's
    on form 02, the applicant's on the desk's forms and the tracking book)."""
    digits = sum(character.isdigit() for character in value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 8 <= digits <= 15:
        raise ValidationError(PHONE_MESSAGE, code="invalid")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message the Vietnamese catalogue translates
    (Django's own plural message has no Vietnamese translation)."""

    def get_error_message(self) -> str:
        return _("This password is too short: it needs at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
