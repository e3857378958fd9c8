"""The reform plan and its tasks, kept by the ISO secretary in the admin."""

from django.urls import reverse

from qms.models import Plan, PlanTask
from qms.oversight import demo, plan_2023
from qms.roles import Role
from tests.admin_pages import unchanged
from tests.factories import UnitFactory


def test_the_seeded_plan_saves_as_it_is_in_the_admin(personas, client_for):
    for code in ("VP-TK", "TP-HT", "ĐC-XD", "VH-XH", "TC-KT"):
        UnitFactory(code=code)
    demo.seed_plan()
    plan = Plan.objects.get()
    without_units = PlanTask.objects.filter(units=None)
    assert without_units.count() == sum(1 for task in plan_2023.TASKS if not task[3])
    client = client_for(personas[Role.ISO_SECRETARY])
    url = reverse("admin:qms_plan_change", args=[plan.pk])
    response = client.post(url, unchanged(client.get(url)))
    assert response.status_code == 302, [
        errors for errors in response.context["inline_admin_formsets"][0].formset.errors if errors
    ]
    assert response["Location"] == reverse("admin:qms_plan_changelist")
    assert without_units.count() == 1
    assert PlanTask.objects.exclude(units=None).count() == len(plan_2023.TASKS) - 1
