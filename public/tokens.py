"""The tokens that open a record to a citizen without an account.

A token is an HMAC of what it opens (a dossier's code, a complaint's reference) under
a key kept outside the database (`PUBLIC_TOKEN_KEY`), so that knowing one code gives
no way to another: codes are sequential and could otherwise be enumerated.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_LENGTH = 16


def token_for(kind: str, value: str) -> str:
    """The token of `value` (a dossier's code, say) for the pages of `kind`."""
    digest = salted_hmac(
        f"public.{kind}", value, secret=settings.PUBLIC_TOKEN_KEY, algorithm="sha256"
    )
    return digest.hexdigest()[:TOKEN_LENGTH]


def token_matches(kind: str, value: str, token: str) -> bool:
    return constant_time_compare(token_for(kind, value), token)


def status_path(code: str) -> str:
    """The public status page of the dossier with this code."""
    return reverse("public:status", args=[code, token_for("dossier", code)])


def status_url(code: str) -> str:
    """The same page as an absolute address, for the QR code of a printed form and
    for the notices sent to the applicant."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + status_path(code)


def complaint_path(reference: str) -> str:
    """The public page of the citizen's feedback with this reference."""
    return reverse("public:feedback_status", args=[reference, token_for("complaint", reference)])


def complaint_url(reference: str) -> str:
    """The same page as an absolute address, for the acknowledgement and the notice
    that the feedback is answered."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + complaint_path(reference)
