"""The site's Django admin (`settings.INSTALLED_APPS` names it through
`qms.apps.AdminConfig`)."""

from collections.abc import Callable

from django.contrib import admin

from qms.idempotency import one_time_form


class AdminSite(admin.AdminSite):
    """Django's admin, whose add forms are sent once like the site's own: the
    ISO secretary creates objectives, units and accounts here. Its change form
    (templates/admin/change_form.html) carries the one-time token when it adds; the
    admin's other forms send none and are handled as before."""

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        return super().admin_view(one_time_form(view), cacheable)
