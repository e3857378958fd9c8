"""Headers every answer of the site carries (static files, served by WhiteNoise
before this middleware, excepted)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """The Content-Security-Policy of `settings.CONTENT_SECURITY_POLICY` on every
    page, so that markup slipped into a page can run no script; and "no-store" on
    every answer to a signed-in user and on every download, so that a shared desk
    computer's cache or back button never shows a citizen's record, a report or an
    uploaded file to the next person at it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Development's error pages (Django's technical 404 and 500) style and script
        # themselves inline; every page of production mode has the policy.
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)  # absent when an earlier middleware answered
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response
