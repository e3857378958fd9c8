from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = _("Procedures and dossiers")

    def ready(self) -> None:
        from procedures.models import Dossier, ProcedureRevision
        from procedures.pdf import DOSSIER_FORMS, dossier_pdf, revision_pdf
        from qms.pdf import register_exporter

        register_exporter(
            "procedure",
            lambda pk: revision_pdf(
                ProcedureRevision.objects.select_related("procedure").get(pk=pk)
            ),
        )
        for kind in DOSSIER_FORMS:
            register_exporter(
                kind, lambda pk, kind=kind: dossier_pdf(kind, Dossier.objects.get(pk=pk))
            )
