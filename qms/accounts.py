"""Accounts around django-axes: the client's address behind the proxy, the password
re-asked inside a session (counted by the same throttle as sign-in), and the sign-in
log — every sign-in, sign-out and failed attempt, with the user name and the address
(logger "qms.auth"; axes keeps them in the database too)."""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger("qms.auth")


def client_ip(request) -> str | None:
    """The address the request came from. Behind the reverse proxy (production),
    REMOTE_ADDR is the proxy's: the client's is the last address it appended to
    X-Forwarded-For (`DJANGO_TRUSTED_PROXIES` proxies in front, none in development).
    Used by the sign-in throttle (AXES_CLIENT_IP_CALLABLE) and by this log."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len([part for part in forwarded if part]) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass  # not an address: the proxy's own is better than a forged one
    return request.META.get("REMOTE_ADDR") or None  # none, e.g. for force_login


def confirm_password(request, password: str) -> None:
    """Refuses unless `password` is the signed-in user's. Asked through
    `authenticate()`, so a wrong one counts against the sign-in throttle and is
    logged like a failed sign-in; once the account is paused, even the right one is
    refused and django-axes answers with its lockout page (429)."""
    user = request.user
    if authenticate(request, username=user.get_username(), password=password) != user:
        raise ValidationError(_("The password is not correct."), code="wrong_password")


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
