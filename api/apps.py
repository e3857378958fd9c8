from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API for the province's system")

    def ready(self) -> None:
        from api import schema  # noqa: F401  (registers the key's security scheme)
