"""Accounts around django-axes: the client's address behind the proxy, the password
re-asked inside a session (counted by the same throttle as sign-in), the answer to a
paused user name, the change of a password someone else chose, and the sign-in log —
every sign-in, sign-out and failed attempt, with the user name and the address
(logger "qms.auth"; axes keeps them in the database too)."""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

logger = logging.getLogger("qms.auth")


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def client_ip(request) -> str | None:
    """The address the request came from: REMOTE_ADDR, the connecting address, unless
    that is one of the reverse proxies of `DJANGO_TRUSTED_PROXIES`. Each of those
    appended to X-Forwarded-For the address it was connected from, so the header is
    read from its right end, past the trusted proxies, to the first address that is
    not one; anything further left was written by the client and proves nothing.
    Used by the sign-in throttle (AXES_CLIENT_IP_CALLABLE) and by this log."""
    address = request.META.get("REMOTE_ADDR") or None  # none, e.g. for force_login
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while address is not None and _is_trusted_proxy(address) and hops:
        try:
            address = str(ipaddress.ip_address(hops.pop().strip()))
        except ValueError:
            break  # not an address: the nearest proxy's own is better than a forged one
    return address


def locked_out(request, response, credentials):
    """django-axes's answer once a user name is paused: the page's own answer to a
    wrong password, unchanged (AXES_LOCKOUT_CALLABLE). A guesser learns nothing from
    it: not that the name is paused, nor, when the right password is among the
    guesses, that it was right. The password hash that checking it would have cost is
    computed all the same, so the time taken tells nothing either."""
    make_password("")
    return response


def confirm_password(request, password: str) -> None:
    """Refuses unless `password` is the signed-in user's. Asked through
    `authenticate()`, so a wrong one counts against the sign-in throttle and is
    logged like a failed sign-in; once the account is paused, even the right one is
    refused, in the same words."""
    user = request.user
    if authenticate(request, username=user.get_username(), password=password) != user:
        raise ValidationError(
            _(
                "The password is not correct. After %(limit)d wrong passwords in a row, "
                "password checks pause for %(minutes)d minutes."
            )
            % throttle(),
            code="wrong_password",
        )


def throttle() -> dict[str, int]:
    """The sign-in throttle in the words of the pages that mention it."""
    return {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


class PasswordChangeRequired:
    """Middleware: a user whose password someone else chose (`must_change_password`:
    reset by a superuser, or a new account) is sent to the password-change page from
    every page until they have changed it, so that from then on only they know it."""

    ALLOWED = frozenset({"password_change", "logout"})

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and request.resolver_match.view_name not in self.ALLOWED
        ):
            return redirect("password_change")
        return None


def _address(request) -> str:
    return (client_ip(request) if request is not None else None) or "-"


def _signed_in(sender, request, user, **kwargs) -> None:
    logger.info("sign-in user=%r address=%s", user.get_username(), _address(request))


def _signed_out(sender, request, user, **kwargs) -> None:
    name = user.get_username() if user is not None else "-"
    logger.info("sign-out user=%r address=%s", name, _address(request))


def _failed(sender, credentials, request=None, **kwargs) -> None:
    logger.warning(
        "failed sign-in user=%r address=%s", credentials.get("username", "-"), _address(request)
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="qms_auth_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="qms_auth_signed_out")
    user_login_failed.connect(_failed, dispatch_uid="qms_auth_failed")
