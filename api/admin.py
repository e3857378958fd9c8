from django.contrib import admin, messages
from django.utils.translation import gettext as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from api.models import ApiKey
from qms.admin import UserAdmin
from qms.models import User

admin.site.unregister(APIKey)  # the library's own model, bound to no account: unused


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """Only the key's hash is kept: the key itself is shown once, after it is added."""

    list_display = [*APIKeyModelAdmin.list_display, "user", "rate"]
    raw_id_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # As on the accounts page: who is not a superuser cannot hand a key the
        # powers of a superuser or of a leader who signs.
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(is_active=True, is_superuser=False).exclude(
                groups__name__in=[role.value for role in UserAdmin.SIGNING_ROLES]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        """A key keeps the account it was made for: a new account needs a new key."""
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj else fields

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
