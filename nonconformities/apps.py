from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NonconformitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "nonconformities"
    verbose_name = _("Nonconformities and corrective actions")
