"""The messages a page shows after an action: why it was refused, or what is wrong
in the form sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def form_error_messages(request: HttpRequest, form) -> None:
    """Each error of `form`, after the label of its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
