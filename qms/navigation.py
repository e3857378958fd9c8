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
    group: str | Promise | None = None  # shown in a drop-down menu of that name
    key: str = ""  # Alt+key opens it from any page (static/js/forms.js)

    def visible_to(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)


OVERSIGHT, CALENDAR, ORGANISATION = _("Oversight"), _("Calendar"), _("Organisation")

# No "Home" item: the brand is the link home, so that every role's items and the
# user's button fit the bar of a 1280 px screen (from 1200 px on).
NAVIGATION = (
    NavItem(
        _("Receive"), "procedures:dossier_receive", permission="procedures.add_dossier", key="n"
    ),
    NavItem(_("Dossiers"), "procedures:dossier_list", permission="procedures.view_dossier"),
    NavItem(_("My queue"), "procedures:dossier_queue", permission="procedures.change_dossier"),
    NavItem(_("Procedures"), "procedures:list", permission="procedures.view_procedure"),
    NavItem(_("Audits"), "audits:list", permission="audits.view_audit"),
    NavItem(
        _("Nonconformities"),
        "nonconformities:register",
        permission="nonconformities.view_nonconformity",
    ),
    NavItem(_("Dashboard"), "qms:dashboard", "qms.view_objective", group=OVERSIGHT),
    NavItem(_("Reviews"), "qms:reviews", "qms.view_managementreview", group=OVERSIGHT),
    NavItem(_("Reports"), "qms:reports", "qms.view_periodicreport", group=OVERSIGHT),
    NavItem(_("Reform plan"), "qms:plan_tasks", "qms.view_plantask", group=OVERSIGHT),
    NavItem(
        _("Risks and opportunities"), "governance:risks", "governance.view_risk", group=OVERSIGHT
    ),
    NavItem(
        _("Training and competence"),
        "governance:training",
        "governance.view_trainingrecord",
        group=OVERSIGHT,
    ),
    NavItem(
        _("Retention and disposal"),
        "governance:retention",
        "governance.view_retentionrule",
        group=OVERSIGHT,
    ),
    NavItem(
        _("ISO steering group"),
        "governance:steering",
        "governance.view_steeringdecision",
        group=OVERSIGHT,
    ),
    NavItem(
        _("ISO documentation system"),
        "isodocs:overview",
        "isodocs.view_qualitypolicy",
        group=OVERSIGHT,
    ),
    NavItem(_("Working calendar"), "qms:calendar", "qms.view_calendarday", group=CALENDAR),
    NavItem(_("Due-date calculator"), "qms:due_date", "qms.view_calendarday", group=CALENDAR),
    NavItem(
        _("Issuing body"),
        "qms:identities",
        "qms.view_organisationidentity",
        group=ORGANISATION,
    ),
    NavItem(
        _("Notices not delivered"),
        "notices:undelivered",
        "notices.view_notice",
        group=ORGANISATION,
    ),
    NavItem(_("Administration"), "admin:index", staff_only=True),
)


def navigation_for(user) -> list[dict]:
    """The items `user` may open, in order; those of a group gathered under one
    entry {"label", "children"} where the group's first item stands."""
    if not user.is_authenticated:
        return []
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        link = {
            "label": item.label,
            "url": reverse(item.url_name),
            "url_name": item.url_name,
            "key": item.key,
        }
        if item.group is None:
            entries.append(link)
        elif item.group in groups:
            groups[item.group]["children"].append(link)
        else:
            groups[item.group] = {"label": item.group, "children": [link]}
            entries.append(groups[item.group])
    return entries
