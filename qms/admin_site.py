"""The site's Django admin (`settings.INSTALLED_APPS` names it through
`qms.apps.AdminConfig`)."""

from collections.abc import Callable

from django.contrib import admin
from django.templatetags.static import static
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from qms.idempotency import one_time_form


def boolean_icon(value: bool | None) -> str:
    """The admin's yes / no / unknown icon (`admin_list._boolean_icon`, which
    `qms.apps.AdminConfig` replaces with this), its alt text heard in Vietnamese
    where Django writes "True", "False" or "None"."""
    icon, alt = {
        True: ("yes", gettext("Yes")),
        False: ("no", gettext("No")),
        None: ("unknown", gettext("Unknown")),
    }[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


class AdminSite(admin.AdminSite):
    """Django's admin, whose add forms are sent once like the site's own: the
    ISO secretary creates objectives, units and accounts here. Its change form
    (templates/admin/change_form.html) carries the one-time token when it adds; the
    admin's other forms send none and are handled as before."""

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        return super().admin_view(one_time_form(view), cacheable)


class HistoryContextHelper(HistoricalRecordContextHelper):
    """The values of the admin's history diffs as the pages show them: a choice by its
    label, dates and numbers in the Vietnamese formats, yes / no, and a dash for no
    value (django-simple-history writes codes, ISO dates, "True" and "None")."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return value
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        choices = self.model._meta.get_field(change.field).flatchoices
        if choices:
            return str(dict(choices).get(value, value))
        return formats.localize(value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The site's admins with a history: their diffs read like the pages."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContextHelper(self.model, historical_record)


class ReadOnlyMixin:
    """An admin page that only shows its records: they change through their own pages
    and services, whose rules (signatures, sequences, history) the admin would bypass."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
