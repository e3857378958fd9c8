"""The reform plan and its tasks, kept by the ISO secretary in the admin."""

from django.urls import reverse

from qms import demo, plan_2023
from qms.models import Plan, PlanTask
from qms.roles import Role
from tests.factories import UnitFactory


def unchanged(page) -> dict:
    """The POST that saves an admin change page exactly as it was displayed."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = str(value)
    return data


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
