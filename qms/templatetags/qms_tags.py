from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qms.idempotency import FIELD, new_token

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


@register.simple_tag
def form_token() -> str:
    """The hidden one-time token of a create form (see `qms.idempotency`)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.simple_block_tag
def headed(content: str, heading: str) -> str:
    """`content` under its `heading` (an h2), or nothing when the block renders
    nothing: no "Actions" heading over a record with nothing left to do."""
    if not content.strip():
        return ""
    return format_html('<h2 class="h5">{}</h2>{}', heading, content)
