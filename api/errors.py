"""Every refusal in Vietnamese, naming the field it is about: `{"field": ["…"]}`,
with `non_field_errors` for what is about no one field and `detail` for the
refusals of the call itself (key, role, rate, method)."""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, views
from rest_framework.settings import api_settings


def service_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's or a form's refusal by field name, as `form_service_error` shows it
    beside the page's fields."""
    if hasattr(error, "error_dict"):
        return {
            api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field: [
                message for item in errors for message in item.messages
            ]
            for field, errors in error.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def _details() -> dict[type, str]:
    """DRF's own refusals, whose Vietnamese its catalogue mostly lacks."""
    return {
        exceptions.NotAuthenticated: _(
            "Send the API key in the header “Authorization: Api-Key <key>”."
        ),
        exceptions.PermissionDenied: _("The account of this API key may not do this."),
        exceptions.NotFound: _("There is no such record."),
        exceptions.MethodNotAllowed: _("This address does not accept this method."),
        exceptions.UnsupportedMediaType: _(
            "Send the body as JSON (Content-Type: application/json) or as multipart/form-data."
        ),
        exceptions.ParseError: _("The body of the request is not valid JSON."),
        exceptions.NotAcceptable: _("This API answers in JSON only."),
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(service_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.Throttled):
        exc.detail = _("Too many calls with this API key: try again in %(seconds)s seconds.") % {
            "seconds": math.ceil(exc.wait or 1)
        }
    elif not isinstance(exc, exceptions.ValidationError):
        message = next((text for kind, text in _details().items() if isinstance(exc, kind)), None)
        if message is not None:
            exc.detail = message
    return views.exception_handler(exc, context)
