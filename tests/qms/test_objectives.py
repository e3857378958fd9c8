"""Quality objectives: their status against the KPIs, and the chairman's approval."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qms import signing
from qms.models import Objective
from qms.oversight.kpi import DERIVED, Scope, compute, value
from qms.roles import Role
from qms.signatures import SignedRecordError
from tests.factories import PASSWORD, page_sha256

DURING, AFTER = date(2023, 7, 1), date(2024, 1, 2)


def objective(measure="on_time_rate", comparison="gte", target="100"):
    return Objective.objects.create(
        year=2023,
        title="100% hồ sơ giải quyết đúng hạn",
        measure=measure,
        comparison=comparison,
        target=Decimal(target),
    )


@pytest.mark.parametrize(
    ("comparison", "target", "value_", "today", "expected"),
    [
        ("gte", "100", 100.0, DURING, "met"),
        ("gte", "100", 99.9, DURING, "at_risk"),
        ("gte", "100", 99.9, AFTER, "missed"),
        ("gt", "95", 95.0, DURING, "at_risk"),  # "above 95%" is not met by 95.0
        ("gt", "95", 95.1, AFTER, "met"),
        ("gte", "55", 62.6, AFTER, "met"),
        ("gte", "55", None, DURING, None),  # nothing measured yet
    ],
)
def test_status(db, comparison, target, value_, today, expected):
    status = objective(comparison=comparison, target=target).status(value_, today)
    assert status == expected


def test_the_plan_task_measure_is_read_from_the_kpis(db):
    figures = compute(Scope(date(2023, 1, 1), date(2023, 12, 31)))
    assert value(figures, "plan_tasks_on_time_rate") is None  # no task due
    figures |= {"plan_tasks_due": 8, "plan_tasks_done_on_time": 7}
    assert value(figures, "plan_tasks_on_time_rate") == 87.5
    assert value(figures, "digitised_rate") == figures["digitised_rate"]
    assert set(dict(Objective.Measure.choices)) <= set(figures) | set(DERIVED)


def test_the_chairman_approves_and_the_objective_is_frozen(personas):
    record = objective()
    with pytest.raises(ValidationError, match="Chủ tịch"):
        signing.chairman_approve(
            record=record,
            user=personas[Role.ISO_SECRETARY],
            password=PASSWORD,
            seen_sha256=page_sha256(record),
        )
    signing.chairman_approve(
        record=record,
        user=personas[Role.CHAIRMAN],
        password=PASSWORD,
        seen_sha256=page_sha256(record),
    )
    record.refresh_from_db()
    assert record.approval.matches() and record.approval.role == Role.CHAIRMAN
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        signing.chairman_approve(
            record=record,
            user=personas[Role.CHAIRMAN],
            password=PASSWORD,
            seen_sha256=page_sha256(record),
        )
    record.target = Decimal("95")
    with pytest.raises(SignedRecordError):
        record.save()
    with pytest.raises(SignedRecordError):
        record.delete()
    with pytest.raises(SignedRecordError):
        Objective.objects.filter(pk=record.pk).update(target=Decimal("90"))
    record.refresh_from_db()
    assert record.target == Decimal("100.0") and record.approval.matches()


def test_the_secretary_edits_objectives_in_the_admin_until_approved(personas, client_for):
    record = objective()
    client = client_for(personas[Role.ISO_SECRETARY])
    url = reverse("admin:qms_objective_change", args=[record.pk])
    form = {
        "year": "2023",
        "title": "Giải quyết đúng hạn",
        "measure": "on_time_rate",
        "comparison": "gte",
        "target": "99",
    }
    assert client.post(url, form).status_code == 302
    record.refresh_from_db()
    assert record.target == Decimal("99.0")
    signing.chairman_approve(
        record=record,
        user=personas[Role.CHAIRMAN],
        password=PASSWORD,
        seen_sha256=page_sha256(record),
    )
    assert client.post(url, form | {"target": "90"}).status_code == 403
    record.refresh_from_db()
    assert record.target == Decimal("99.0") and record.approval.matches()
