"""The API keys of integration accounts (the province's one-stop system): stored
hashed by djangorestframework-api-key, each bound to an account whose role decides
what the key may do and which every call's history names as the actor."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

RATE = RegexValidator(
    r"^[1-9][0-9]*/(second|minute|hour|day)$",
    _("Write the limit as a number of calls per second, minute, hour or day: “600/minute”."),
)


class ApiKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("user")


class ApiKey(AbstractAPIKey):
    objects = ApiKeyManager()

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("account"),
        help_text=_("The key acts as this account: its role decides what the key may do."),
    )
    rate = models.CharField(
        _("limit"),
        max_length=20,
        default="600/minute",
        validators=[RATE],
        help_text=_("Calls allowed per second, minute, hour or day, for this key alone."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
