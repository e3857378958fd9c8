"""A create form sent twice creates one record.

The page renders a create form with `{% form_token %}` (qms_tags): a hidden field
holding a random token. `one_time_form` around the view records the token, in the
same transaction as what the view creates, together with where the view's answer
led. The same form sent again (a double click, the browser sending it again, a
replayed request) finds the token taken and is led to that same place with a
message, creating nothing. A form the view refuses — shown again with its errors,
or answered with an error message — leaves the token unused, so it can be
corrected and sent again. A POST without a token (a page rendered before the
token existed) is handled as before.
"""

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.models import FormToken

FIELD = "form_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Longer than a form can wait on a page: signing in again renews the CSRF token,
# so a form rendered before that cannot be sent any more.
KEPT_FOR = timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _errors_shown(request: HttpRequest) -> int:
    storage = messages.get_messages(request)
    count = sum(message.level >= messages.ERROR for message in storage)
    storage.used = False  # read, not shown: they stay for the next page
    return count


def one_time_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make `view`'s POST with a form token create at most once (module docstring).

    The view answers a created record with a redirect (post/redirect/get); any other
    answer, or a redirect with an error message, counts as a refusal.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.fullmatch(token):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    sent = FormToken.objects.create(user=request.user, token=token)
            except IntegrityError:  # sent before; a concurrent twin waits for the first
                first = FormToken.objects.get(user=request.user, token=token)
                messages.info(
                    request, _("This form had already been sent: nothing was recorded twice.")
                )
                return redirect(first.location)
            errors = _errors_shown(request)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303) and _errors_shown(request) == errors:
                sent.location = response["Location"]
                sent.save(update_fields=["location"])
                FormToken.objects.filter(
                    user=request.user, sent_at__lt=timezone.now() - KEPT_FOR
                ).delete()
            else:
                sent.delete()
        return response

    wrapped.one_time_form = True
    return wrapped
