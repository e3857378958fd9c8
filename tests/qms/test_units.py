"""Units are deactivated, never deleted: a deactivated unit is offered in no form
for something new, and the records that name it (signed ones among them) keep it."""

import pytest
from django.db import transaction
from django.urls import reverse

from audits import services as audit_services
from audits.models import Audit
from qms.models import Unit, UnitDeletionError
from qms.roles import Role
from tests.factories import PASSWORD, UnitFactory, approve_plan, page_sha256


@pytest.fixture
def signed(audit, lead, secretary):
    """The audit, with a second unit in its scope that nothing else names, started,
    answered and signed."""
    audit.units.add(UnitFactory(code="ĐC-XD", name="Địa chính - Xây dựng"))
    approve_plan(audit, secretary)
    started = audit_services.audit_start(audit=audit, user=lead)
    for item in started.items.all():
        audit_services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    audit_services.report_save(audit=started, user=lead, conclusion="HTQLCL phù hợp")
    return audit_services.report_sign(
        audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
    )


def test_deleting_a_unit_is_refused_and_a_signed_audit_keeps_its_scope(signed):
    unit = Unit.objects.get(code="ĐC-XD")
    scope = sorted(signed.units.values_list("code", flat=True))
    for attempt in (
        unit.delete,
        Unit.objects.filter(code="ĐC-XD").delete,
        Unit.objects.all().delete,
    ):
        with pytest.raises(UnitDeletionError), transaction.atomic():
            attempt()
    audit = Audit.objects.get(pk=signed.pk)
    assert sorted(audit.units.values_list("code", flat=True)) == scope == ["TP-HT", "ĐC-XD"]
    assert audit.report_signature.matches()


def test_the_admin_offers_no_delete_and_deactivates_instead(personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    secretary.is_superuser = True  # even a superuser
    secretary.save()
    client = client_for(secretary)
    unit = Unit.objects.get(code="TP-HT")
    page = client.get(reverse("admin:qms_unit_change", args=[unit.pk])).content.decode()
    assert reverse("admin:qms_unit_delete", args=[unit.pk]) not in page
    assert 'name="is_active"' in page
    assert (
        client.post(reverse("admin:qms_unit_delete", args=[unit.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = client.get(reverse("admin:qms_unit_changelist")).content.decode()
    assert "TP-HT" in changelist and "delete_selected" not in changelist
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_deactivated_unit_is_offered_for_nothing_new_but_stays_on_old_records(
    effective, personas, client_for
):
    procedure = effective.procedure  # owned by TP-HT
    Unit.objects.filter(code="TP-HT").update(is_active=False)
    secretary = client_for(personas[Role.ISO_SECRETARY])

    def offered(url: str, field: str, form: str = "form") -> set[str]:
        choices = secretary.get(url).context[form].fields[field].queryset
        return set(choices.values_list("code", flat=True))

    for url, field in (
        (reverse("procedures:create"), "unit"),
        (reverse("audits:create"), "units"),
        (reverse("nonconformities:raise"), "unit"),
    ):
        assert "TP-HT" not in offered(url, field), url
        assert "BP-MC" in offered(url, field), url
    assert "TP-HT" in offered(reverse("procedures:update", args=[procedure.code]), "unit")

    # the steps of a new revision keep the unit they had, and offer no other inactive one
    draft = secretary.post(reverse("procedures:revision_create", args=[procedure.code]))
    steps = secretary.get(draft.url).context["steps"].forms
    units = [set(form.fields["unit"].queryset.values_list("code", flat=True)) for form in steps]
    assert [form.initial.get("unit") for form in steps[:2]] == list(
        Unit.objects.filter(code__in=["BP-MC", "TP-HT"]).order_by("code")
    )
    assert "TP-HT" in units[1] and "TP-HT" not in units[-1]  # its step, an empty row

    # a new procedure cannot name it, even by a crafted post
    response = secretary.post(
        reverse("procedures:create"),
        {
            "code": "QT-MOI-01",
            "name": "Thủ tục mới",
            "field": "civil_status",
            "unit": Unit.objects.get(code="TP-HT").pk,
            "legal_basis": "Luật",
            "result_document": "Giấy",
            "review_interval_months": 12,
            "reason": "Thêm",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert (
        str(procedure.unit)
        in client_for(personas[Role.VIEWER])
        .get(reverse("procedures:detail", args=[procedure.code]))
        .content.decode()
    )


def test_the_admin_offers_only_active_units_for_a_new_account(personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    secretary.is_superuser = True
    secretary.save()
    Unit.objects.filter(code="TP-HT").update(is_active=False)
    client = client_for(secretary)
    added = client.get(reverse("admin:qms_user_add")).context["adminform"].form
    assert not added.fields["unit"].queryset.filter(code="TP-HT").exists()
    specialist = personas[Role.SPECIALIST]  # works in TP-HT
    change = client.get(reverse("admin:qms_user_change", args=[specialist.pk]))
    assert change.context["adminform"].form.fields["unit"].queryset.filter(code="TP-HT").exists()
