"""The messages a page shows after an action: why it was refused, or what is wrong
in the form sent."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

from qms.forms import kept_forms

T = TypeVar("T")


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def run_action(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    redirect_to: str,
    success: str = "",
    success_to: Callable[[T], str] | None = None,
) -> HttpResponseRedirect:
    """A button's POST: runs `action` (a service call) and goes back to a page with
    the outcome. A refusal (`ValidationError`) becomes one error message per reason
    and goes to `redirect_to`; otherwise `success`, when given, is the message, and
    the way is `success_to(result)` when given (the record the action made, say),
    `redirect_to` otherwise. `redirect_to` is anything `redirect` takes without
    arguments: a URL, or the name of a URL that needs none.

    A form that comes back filled in on a refusal uses `form_action` instead."""
    try:
        result = action()
    except ValidationError as error:
        error_messages(request, error)
        return redirect(redirect_to)
    if success:
        messages.success(request, success)
    return redirect(success_to(result) if success_to else redirect_to)


def form_service_error(form, error: ValidationError) -> None:
    """A service's refusal shown on the form that was sent: beside the field it
    names when the form has that field, above the form otherwise. A service may name
    a model field the form does not show (the code it generated, say), on which
    `form.add_error` would raise instead of answering."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_action(
    request: HttpRequest,
    form,
    action: Callable[[dict], T],
    *,
    page: Callable[[object], HttpResponse],
    redirect_to: str,
    success: str = "",
) -> HttpResponse:
    """A form sent from a page that shows several: `action(cleaned_data)` (a service
    call) when the form is valid, then `success` and `redirect_to` as `run_action`
    does. A refusal, the form's or the service's, is `page(form)`: the page drawn
    again with the form as typed and each reason beside its field (nothing typed is
    lost)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            form_service_error(form, error)
        else:
            if success:
                messages.success(request, success)
            return redirect(redirect_to)
    return page(form)


def row_service_errors(formset, errors: list[ValidationError]) -> None:
    """A service's refusals of rows of `formset` (it was given `kept_rows`), each
    shown in its row beside its field: each error's params name the `row` (its number
    among the kept rows, from 1), which its message then gives as numbered on the page,
    and the `field`."""
    forms = kept_forms(formset)
    for error in errors:
        form = forms[error.params["row"] - 1]
        # the number the page shows: deleted rows before it still have theirs
        shown = {**error.params, "row": formset.forms.index(form) + 1}
        form.add_error(error.params.get("field"), ValidationError(error.message, error.code, shown))


def form_error_messages(request: HttpRequest, form, about: str = "") -> None:
    """Each error of `form`, after the label of its field (and what the form is
    `about`, when a page has many of the same form)."""
    for field, errors in form.errors.items():
        label = (form.fields[field].label if field in form.fields else None) or ""
        where = " – ".join(part for part in (about, str(label)) if part)
        for error in errors:
            messages.error(request, f"{where}: {error}" if where else error)
