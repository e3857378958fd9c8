"""The roles of DESIGN.md and what each may do.

Each role is a Django group named by its value. The groups are created by a data
migration; `ROLE_PERMISSIONS` is the one table of their model permissions, applied
after every `migrate` so that new models get their rows at once.
"""

from collections.abc import Iterable
from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    ISO_SECRETARY = "iso_secretary", _("ISO secretary")
    AUDITOR = "auditor", _("Internal auditor")
    VICE_CHAIRMAN = "vice_chairman", _("Vice-chairman")
    CHAIRMAN = "chairman", _("Chairman")
    VIEWER = "viewer", _("Viewer")


PROJECT_APPS = ("qms", "procedures", "audits", "nonconformities", "governance", "isodocs")

# Patterns over "app_label.codename". Everyone reads every record of the QMS;
# writes are granted per role. Object-level rules (own unit, own audit) live in
# the views and services that apply them.
_READ_ALL = tuple(f"{app}.view_*" for app in PROJECT_APPS)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.OFFICER: (
        *_READ_ALL,
        "procedures.add_dossier",
        "procedures.change_dossier",
        "nonconformities.add_complaint",
        "nonconformities.change_complaint",
    ),
    Role.SPECIALIST: (*_READ_ALL, "procedures.change_dossier"),
    Role.ISO_SECRETARY: (
        *_READ_ALL,
        "qms.*_calendarday",
        "qms.change_organisation",
        "qms.add_organisationidentity",  # identities are added or corrected, not deleted
        "qms.change_organisationidentity",
        "qms.*_unit",
        "qms.add_user",
        "qms.change_user",
        "qms.add_objective",
        "qms.change_objective",
        "qms.*_plan",
        "qms.*_plantask",
        "qms.*_plantaskprogress",
        "qms.*_legaldocument",
        "qms.*_managementreview",  # a signed review refuses every change
        "qms.*_reviewoutput",
        "qms.add_periodicreport",
        "qms.change_periodicreport",
        "auth.view_group",
        "api.add_apikey",  # the province's system's keys (revoked, never deleted)
        "api.change_apikey",
        "api.view_apikey",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.add_procedurerevision",
        "procedures.change_procedurerevision",
        "procedures.change_dossier",
        "audits.add_audit",
        "audits.change_audit",
        "audits.*_question",
        "audits.*_checklisttemplate",
        "audits.add_programme",
        "audits.change_programme",
        "nonconformities.add_nonconformity",
        "nonconformities.change_nonconformity",
        "nonconformities.change_complaint",
        "notices.view_*",  # the applicants' addresses: not for every reader
        "governance.*_risk",
        "governance.*_riskaction",
        "governance.*_trainingrecord",
        "governance.change_retentionrule",
        "governance.add_disposallist",  # approved by the chairman's signature
        "governance.change_disposallist",
        "governance.add_steeringdecision",  # signed by the chairman
        "governance.change_steeringdecision",
        # the ISO documents: drafted and recorded by the secretary, signed by the
        # chairman (the services check the role); signed ones refuse every change
        "isodocs.add_*",
        "isodocs.change_*",
    ),
    Role.AUDITOR: (
        *_READ_ALL,
        "audits.change_audit",
        "audits.change_checklistitem",
        "nonconformities.add_nonconformity",
        "nonconformities.change_nonconformity",
    ),
    Role.VICE_CHAIRMAN: (
        *_READ_ALL,
        "procedures.approve_procedurerevision",
        "procedures.approve_apology",
        "procedures.change_dossier",
    ),
    Role.CHAIRMAN: (
        *_READ_ALL,
        "procedures.approve_procedurerevision",
        "procedures.approve_apology",
        "procedures.change_dossier",
    ),
    Role.VIEWER: _READ_ALL,
}


# Roles one account must not hold together. An auditor cannot be independent of the
# work of the desk or of the system the ISO secretary keeps; the chairman approves
# and signs what every other role does.
CONFLICTING_ROLES: frozenset[frozenset[Role]] = frozenset(
    {
        frozenset({Role.AUDITOR, Role.OFFICER}),
        frozenset({Role.AUDITOR, Role.ISO_SECRETARY}),
        *(frozenset({Role.CHAIRMAN, role}) for role in Role if role != Role.CHAIRMAN),
    }
)


def role_conflicts(roles: Iterable[Role]) -> set[frozenset[Role]]:
    """The pairs of `CONFLICTING_ROLES` among `roles`."""
    held = set(roles)
    return {pair for pair in CONFLICTING_ROLES if pair <= held}


def sync_role_permissions(**kwargs) -> None:
    """Give each role's group exactly the permissions of `ROLE_PERMISSIONS`."""
    from django.contrib.auth.models import Group, Permission

    permissions = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    groups = Group.objects.in_bulk([role.value for role in Role], field_name="name")
    for role, patterns in ROLE_PERMISSIONS.items():
        if role.value not in groups:  # migrated backwards past the roles migration
            continue
        wanted = [
            pk
            for name, pk in permissions.items()
            if any(fnmatchcase(name, pattern) for pattern in patterns)
        ]
        groups[role.value].permissions.set(wanted)
