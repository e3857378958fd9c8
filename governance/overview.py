"""The governance part of the page "Hệ thống tài liệu ISO": what exists, what is due
and what is missing for an inspection, with counts."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from governance import retention
from governance.models import (
    RecordKind,
    RetentionRule,
    Risk,
    RiskAction,
    SteeringDecision,
    TrainingRecord,
    qualified_auditors,
)


def section(today: date) -> dict:
    """{"title", "rows": [{"label", "count", "url", "state"}]}; `state` is "ok",
    "due" (something to do now) or "missing" (an inspector would ask for it)."""
    risks = Risk.objects.open()
    to_review = risks.to_review(today).count()
    late_actions = RiskAction.objects.open().late_on(today).count()
    renewals = TrainingRecord.objects.renewals_due(today).count()
    auditors = qualified_auditors(today).count()
    rules = RetentionRule.objects.count()
    disposals = sum(len(retention.due(rule, today)) for rule in RetentionRule.objects.all())
    decision = SteeringDecision.in_force(today)
    return {
        "title": _("Risks, competence, retention and steering"),
        "rows": [
            {
                "label": _("Open risks and opportunities"),
                "count": risks.count(),
                "url": reverse("governance:risks"),
                "state": "ok" if risks.exists() else "missing",
            },
            {
                "label": _("Risks due for review"),
                "count": to_review,
                "url": reverse("governance:risks") + "?review=due",
                "state": "due" if to_review else "ok",
            },
            {
                "label": _("Risk actions overdue"),
                "count": late_actions,
                "url": reverse("governance:risks"),
                "state": "due" if late_actions else "ok",
            },
            {
                "label": _("Qualified internal auditors"),
                "count": auditors,
                "url": reverse("governance:training"),
                "state": "ok" if auditors else "missing",
            },
            {
                "label": _("Training renewals due"),
                "count": renewals,
                "url": reverse("governance:training"),
                "state": "due" if renewals else "ok",
            },
            {
                "label": _("Retention schedule"),
                "count": rules,
                "url": reverse("governance:retention"),
                "state": "ok" if rules == len(RecordKind.values) else "missing",
            },
            {
                "label": _("Records due for disposal"),
                "count": disposals,
                "url": reverse("governance:retention"),
                "state": "due" if disposals else "ok",
            },
            {
                "label": _("Steering group decision"),
                "count": None,
                "url": reverse("governance:steering"),
                "state": "ok" if decision else "missing",
            },
        ],
    }
