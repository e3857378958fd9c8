from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required as django_permission_required


def permission_required(perm: str) -> Callable:
    """Anonymous visitors go to the login page; signed-in users without `perm` get 403."""

    def decorator(view: Callable) -> Callable:
        return login_required(django_permission_required(perm, raise_exception=True)(view))

    return decorator
