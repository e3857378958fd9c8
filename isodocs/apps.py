from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsodocsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "isodocs"
    verbose_name = _("ISO documentation")

    def ready(self) -> None:
        from isodocs.models import Announcement, YearlyReport
        from isodocs.pdf import announcement_pdf, yearly_report_pdf
        from qms.pdf import register_exporter

        register_exporter(
            "announcement", lambda pk: announcement_pdf(Announcement.objects.get(pk=pk))
        )
        register_exporter(
            "iso-yearly-report", lambda pk: yearly_report_pdf(YearlyReport.objects.get(pk=pk))
        )
