"""The project's URLs plus, for the benchmark only, a plain Django admin changelist of
dossiers: the yardstick the dossier list is compared with. The project itself has no
dossier admin (dossiers change only through the services)."""

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.urls import path

from procedures.models import Dossier
from qms.urls import urlpatterns as project

site = AdminSite(name="bench_admin")


@admin.register(Dossier, site=site)
class DossierAdmin(admin.ModelAdmin):
    """What a Django developer would write for the same list: the same columns and
    filters, newest first, 50 a page."""

    list_display = [
        "code",
        "applicant_name",
        "procedure",
        "received_at",
        "due_date",
        "status",
        "outcome",
    ]
    list_filter = ["procedure", "channel"]
    ordering = ["-received_at", "-id"]
    list_per_page = 50


urlpatterns = [path("bench-admin/", site.urls), *project]
