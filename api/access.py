"""Who calls the API and what they may do: an API key (header `Authorization:
Api-Key <key>`) acts as the account it is bound to, whose role's permissions
decide each call as they decide the pages; each key has its own rate."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework_api_key.permissions import KeyParser

from api.models import ApiKey


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = KeyParser.keyword

    def authenticate(self, request):
        key = KeyParser().get(request)
        if key is None:
            return None
        try:
            api_key = ApiKey.objects.get_from_key(key)
        except ApiKey.DoesNotExist:
            api_key = None
        if api_key is None or api_key.has_expired or not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The API key is not valid, has expired or was revoked.")
            )
        return api_key.user, api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


class RolePermission(permissions.BasePermission):
    """A view names the model permission it needs (`required`, by method: `GET` for
    reading, `POST` for writing), the one its page needs: the account's role has it
    or the call is refused."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return False  # DRF answers 401: no key was given
        method = "GET" if request.method in permissions.SAFE_METHODS else request.method
        needed = view.required.get(method)
        return needed is None or request.user.has_perm(needed)  # None: answered 405


class KeyRateThrottle(throttling.SimpleRateThrottle):
    """Calls per key, at the key's own rate (`ApiKey.rate`)."""

    scope = "api_key"

    def get_rate(self) -> None:
        return None  # set per request, from the key

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True  # refused before by the permission check
        self.rate = request.auth.rate
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
