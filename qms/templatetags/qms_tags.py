from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@register.filter
def history_type(record) -> str:
    """What a django-simple-history row did, in the UI's language."""
    return str(HISTORY_TYPES.get(record.history_type, record.history_type))


@register.filter
def report_state(entry, today) -> str:
    """The state of a scheduled report on `today` (see `ScheduledReport.state`)."""
    return entry.state(today)
