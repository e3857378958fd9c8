from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = _("Internal audits")

    def ready(self) -> None:
        from audits.models import Audit, refuse_deleting_what_signed_audits_name, signed_links
        from audits.pdf import AUDIT_PDFS
        from qms.pdf import register_exporter

        for model in signed_links().values():
            pre_delete.connect(
                refuse_deleting_what_signed_audits_name,
                sender=model,
                dispatch_uid=f"keep_signed_audit_links_{model._meta.label}",
            )

        for kind, (_title, build) in AUDIT_PDFS.items():
            register_exporter(kind, lambda pk, build=build: build(Audit.objects.get(pk=pk)))
