from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required as django_permission_required


def permission_required(perm: str) -> Callable:
    """Anonymous visitors go to the login page; signed-in users without `perm` get 403."""

    def decorator(view: Callable) -> Callable:
        checked = login_required(django_permission_required(perm, raise_exception=True)(view))
        checked.permission = perm  # read by the tests that sweep the URLs
        return checked

    return decorator
