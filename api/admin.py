from django.contrib import admin, messages
from django.utils.translation import gettext as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from api.models import ApiKey

admin.site.unregister(APIKey)  # the library's own model, bound to no account: unused


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """Only the key's hash is kept: the key itself is shown once, after it is added."""

    list_display = [*APIKeyModelAdmin.list_display, "user", "rate"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form=None, change=False) -> None:
        if change:
            obj.save()
            return
        key = ApiKey.objects.assign_key(obj)
        obj.save()
        messages.warning(
            request,
            _("The API key “%(name)s” is %(key)s. Keep it safe: it will not be shown again.")
            % {"name": obj.name, "key": key},
        )
