"""The main navigation: one table, filtered by what the user may do."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None
    staff_only: bool = False

    def visible_to(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)


NAVIGATION = (
    NavItem(_("Home"), "qms:home"),
    NavItem(_("Dashboard"), "qms:dashboard", permission="qms.view_objective"),
    NavItem(_("Receive"), "procedures:dossier_receive", permission="procedures.add_dossier"),
    NavItem(_("Dossiers"), "procedures:dossier_list", permission="procedures.view_dossier"),
    NavItem(_("My queue"), "procedures:dossier_queue", permission="procedures.change_dossier"),
    NavItem(_("Procedures"), "procedures:list", permission="procedures.view_procedure"),
    NavItem(_("Audits"), "audits:list", permission="audits.view_audit"),
    NavItem(
        _("Nonconformities"),
        "nonconformities:register",
        permission="nonconformities.view_nonconformity",
    ),
    NavItem(_("Reviews"), "qms:reviews", permission="qms.view_managementreview"),
    NavItem(_("Reports"), "qms:reports", permission="qms.view_periodicreport"),
    NavItem(_("Reform plan"), "qms:plan_tasks", permission="qms.view_plantask"),
    NavItem(_("Working calendar"), "qms:calendar", permission="qms.view_calendarday"),
    NavItem(_("Due-date calculator"), "qms:due_date", permission="qms.view_calendarday"),
    NavItem(_("Administration"), "admin:index", staff_only=True),
)


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in NAVIGATION
        if item.visible_to(user)
    ]
