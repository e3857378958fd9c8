"""The sign-in log: every sign-in, sign-out and failed attempt, with the user name
and the address it came from (logger "qms.auth"; django-axes keeps them in the
database too and throttles the failures)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

logger = logging.getLogger("qms.auth")


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


def _signed_in(sender, request, user, **kwargs) -> None:
    logger.info("sign-in user=%s address=%s", user.get_username(), _address(request))


def _signed_out(sender, request, user, **kwargs) -> None:
    name = user.get_username() if user is not None else "-"
    logger.info("sign-out user=%s address=%s", name, _address(request))


def _failed(sender, credentials, request=None, **kwargs) -> None:
    logger.warning(
        "failed sign-in user=%s address=%s", credentials.get("username", "-"), _address(request)
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="qms_auth_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="qms_auth_signed_out")
    user_login_failed.connect(_failed, dispatch_uid="qms_auth_failed")
