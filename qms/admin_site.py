"""The site's Django admin (`settings.INSTALLED_APPS` names it through
`qms.apps.AdminConfig`)."""

from collections.abc import Callable

from django.contrib import admin
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

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
