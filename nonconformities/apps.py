from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NonconformitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "nonconformities"
    verbose_name = _("Nonconformities and corrective actions")

    def ready(self) -> None:
        from nonconformities.models import Nonconformity
        from nonconformities.pdf import nonconformity_pdf
        from qms.pdf import register_exporter

        register_exporter(
            "nonconformity", lambda pk: nonconformity_pdf(Nonconformity.objects.get(pk=pk))
        )
