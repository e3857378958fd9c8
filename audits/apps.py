from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = _("Internal audits")

    def ready(self) -> None:
        from audits.models import Audit
        from audits.pdf import AUDIT_PDFS
        from qms.pdf import register_exporter

        for kind, (_title, build) in AUDIT_PDFS.items():
            register_exporter(kind, lambda pk, build=build: build(Audit.objects.get(pk=pk)))
