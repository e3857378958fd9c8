from django.contrib import admin

from isodocs.models import ExternalDocument, LegalUpdate
from qms.admin_site import HistoryAdmin, ReadOnlyMixin


@admin.register(ExternalDocument)
class ExternalDocumentAdmin(ReadOnlyMixin, HistoryAdmin):
    """Recorded through the page, whose service flags the citing procedures."""

    list_display = ["number", "kind", "issued_on", "effective_from", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title"]


@admin.register(LegalUpdate)
class LegalUpdateAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["procedure", "document", "flagged_on", "due_on"]
