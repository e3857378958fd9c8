"""The page "Hệ thống tài liệu ISO": what exists, what is due and what an inspection
would find missing, in sections. A section is a dict {"title": str, "rows": [{"label":
str, "count": int | None, "url": str, "state": "ok" | "due" | "missing"}]}; `SECTIONS`
is the one list of the functions that make them (each takes the day), by dotted path
or as callables, so another app adds its own section here."""

from collections.abc import Callable
from datetime import date

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from isodocs import services
from isodocs.models import (
    Announcement,
    ExternalDocument,
    LegalUpdate,
    QualityPolicy,
    QualityScope,
    YearlyReport,
)
from procedures.models import Procedure

OK, DUE, MISSING = "ok", "due", "missing"


def _row(label: str, count: int | None, url: str, state: str) -> dict:
    return {"label": label, "count": count, "url": url, "state": state}


def policy_section(today: date) -> dict:
    """The policy and the scope: in force, waiting for the chairman, out of date."""
    url = reverse("isodocs:policy")
    policy = QualityPolicy.in_force_on(today)
    scope = QualityScope.in_force_on(today)
    rows = [
        _row(
            str(policy) if policy else _("Quality policy signed by the chairman"),
            None,
            url,
            OK if policy else MISSING,
        ),
        _row(
            str(scope) if scope else _("Scope of the QMS with its exclusions"),
            len(scope.procedures) if scope else None,
            url,
            OK if scope else MISSING,
        ),
    ]
    drafts = QualityPolicy.objects.drafts().count() + QualityScope.objects.drafts().count()
    if drafts:
        rows.append(_row(_("Versions waiting for the chairman's signature"), drafts, url, DUE))
    if services.scope_changed(today):
        rows.append(
            _row(_("Procedures in scope changed: a new scope version is due"), None, url, DUE)
        )
    return {"title": _("Quality policy and scope"), "rows": rows}


def documents_section(today: date) -> dict:
    """The internal and external document lists, and the reviews and legal updates
    they call for."""
    external = reverse("isodocs:external_documents")
    procedures = reverse("procedures:list")
    documents = ExternalDocument.objects.count()
    # counted by procedure: one procedure may wait for several new documents
    updates = LegalUpdate.objects.open().values("procedure").distinct()
    overdue = updates.filter(due_on__lt=today).count()
    uncited = Procedure.objects.in_iso_scope(today).filter(external_documents__isnull=True)
    rows = [
        _row(
            _("Internal documents (procedures and forms in force)"),
            Procedure.objects.in_iso_scope(today).count(),
            reverse("isodocs:internal_documents"),
            OK,
        ),
        _row(_("External documents"), documents, external, OK if documents else MISSING),
        _row(
            _("Procedures in scope citing no external document"),
            uncited.count(),
            external,
            MISSING if uncited.exists() else OK,
        ),
        _row(
            _("Legal updates to make"),
            updates.count(),
            reverse("isodocs:external_documents") + "#legal-updates",
            DUE if updates.exists() else OK,
        ),
        _row(
            _("Legal updates past their deadline"),
            overdue,
            reverse("isodocs:external_documents") + "#legal-updates",
            DUE if overdue else OK,
        ),
        _row(
            _("Procedures due for review"),
            Procedure.objects.due_for_review(today).count(),
            f"{procedures}?due_for_review=true",
            DUE if Procedure.objects.due_for_review(today).exists() else OK,
        ),
    ]
    return {"title": _("Document lists (7.5)"), "rows": rows}


def announcement_section(today: date) -> dict:
    """The announcement of conformity and the yearly report to the province."""
    url = reverse("isodocs:announcements")
    latest = Announcement.latest()
    rows = [
        _row(
            str(latest) if latest else _("Announcement of conformity (Decision 19/2014)"),
            None,
            url,
            OK if latest else MISSING,
        )
    ]
    if latest and services.announcement_due(today):
        rows.append(_row(_("Re-announcement due: the scope changed"), None, url, DUE))
    for year in (today.year - 1, today.year):
        report = YearlyReport.objects.filter(year=year).first() or YearlyReport(year=year)
        state = report.state(today)
        if state == "later":
            continue
        rows.append(
            _row(
                str(report),
                None,
                reverse("isodocs:yearly_report", args=[year]),
                OK if state == "submitted" else DUE,
            )
        )
    return {"title": _("Announcement and yearly report"), "rows": rows}


SECTIONS: list[str | Callable[[date], dict]] = [
    "isodocs.overview.policy_section",
    "isodocs.overview.documents_section",
    "isodocs.overview.announcement_section",
    "governance.overview.section",
]


def sections(today: date) -> list[dict]:
    return [
        (import_string(maker) if isinstance(maker, str) else maker)(today) for maker in SECTIONS
    ]


def open_items(today: date) -> int:
    """How many rows are due or missing: the count on the ISO secretary's home page."""
    return sum(row["state"] != OK for section in sections(today) for row in section["rows"])
