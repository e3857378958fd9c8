from django.contrib import admin

from audits.models import (
    Audit,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Programme,
    Question,
    TimetableRow,
)
from qms.admin import ApprovedRecordAdmin
from qms.admin_site import HistoryAdmin, ReadOnlyMixin


@admin.register(Programme)
class ProgrammeAdmin(ApprovedRecordAdmin):
    """The ISO secretary writes the programme; the chairman approves it on its page.
    Once approved it is read-only."""

    list_display = ["year", "approved"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["clause", "text", "procedure"]
    list_filter = ["clause", "procedure"]
    search_fields = ["text"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    filter_horizontal = ["questions"]


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["order", "clause_number", "question", "result", "evidence", "not_applicable_reason"]


class TimetableInline(admin.TabularInline):
    model = TimetableRow
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(Audit)
class AuditAdmin(ReadOnlyMixin, HistoryAdmin):
    """Read-only here: audits change through their pages, so that every answer and the
    report's signature go through their rules."""

    list_display = ["code", "title", "year", "status", "lead_auditor"]
    list_filter = ["year", "status", "kind"]
    inlines = [TimetableInline, ItemInline, FindingInline]
