from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = _("Procedures and dossiers")

    def ready(self) -> None:
        from procedures.models import ProcedureRevision
        from procedures.pdf import revision_pdf
        from qms.pdf import register_exporter

        register_exporter(
            "procedure",
            lambda pk: revision_pdf(
                ProcedureRevision.objects.select_related("procedure").get(pk=pk)
            ),
        )
