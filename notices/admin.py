from django.contrib import admin

from notices.models import Attempt, Notice
from qms.admin_site import ReadOnlyMixin


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    fields = ["at", "ok", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: notices are written by the events they tell of and by `send_notices`,
    so that the log says what the applicant was sent and when."""

    list_display = ["created_at", "event", "recipient", "dossier", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["recipient", "dossier__code", "subject"]
    date_hierarchy = "created_at"
    inlines = [AttemptInline]
