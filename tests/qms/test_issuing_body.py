"""The issuing body over time (R9): the organisation's identities, effective-dated and
kept by the ISO secretary with history, and the documents of the audits, the
nonconformities and the oversight that print the identity of their own date (the
desk's forms: tests/procedures/test_form_identity.py)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import Audit
from audits.pdf import audit_checklist_pdf, audit_plan_pdf, audit_report_pdf
from nonconformities import services as nc_services
from nonconformities.models import Nonconformity
from nonconformities.pdf import nonconformity_pdf
from qms.models import ManagementReview, Organisation, OrganisationIdentity, PeriodicReport
from qms.oversight import services
from qms.oversight.pdf import report_pdf, review_minutes_pdf
from qms.roles import Role
from qms.working_days import LOCAL_TZ
from tests.procedures.test_form_identity import CITY, DISTRICT, WARD, dated, pdf_words

JULY_2025 = date(2025, 7, 1)
PHONE_MESSAGE = (
    "Nhập số điện thoại gồm 8 đến 15 chữ số; có thể có dấu cách, dấu chấm, dấu ngoặc đơn "
    "và dấu + ở đầu."
)


def test_the_identity_in_force_on_a_day(organisation):
    old = organisation.identity_on(date(2023, 3, 2))
    assert (old.superior, old.desk_name) == ("Ủy ban nhân dân quận Lê Chân", "Bộ phận Một cửa")
    assert organisation.identity_on(date(2025, 6, 30)) == old
    new = organisation.identity_on(JULY_2025)
    assert new.valid_from == JULY_2025 and new.superior == "Ủy ban nhân dân thành phố Hải Phòng"
    assert organisation.identity_on(date(2099, 1, 1)) == new
    # before the first record: the first one (documents always print)
    assert organisation.identity_on(date(1999, 12, 31)) == old
    assert old.heading() == ("Ủy ban nhân dân quận Lê Chân", "Ủy ban nhân dân phường An Dương")
    assert new.heading(desk=True) == (
        "Ủy ban nhân dân phường An Dương",
        "Trung tâm Phục vụ hành chính công",
    )


def test_without_any_identity_printing_is_refused_clearly(db):
    organisation = Organisation.objects.create(code="PAD")
    with pytest.raises(ValidationError, match="Cơ quan chưa có thể thức để in"):
        organisation.identity_on(date(2023, 1, 1))


def test_the_iso_secretary_adds_and_corrects_an_identity_with_history(
    organisation, personas, client_for
):
    secretary = personas[Role.ISO_SECRETARY]
    client = client_for(secretary)
    data = {
        "valid_from": "01/01/2027",
        "superior": "Ủy ban nhân dân thành phố Hải Phòng",
        "name": "Ủy ban nhân dân phường Lê Chân",
        "desk_name": "Trung tâm Phục vụ hành chính công phường Lê Chân",
        "place_name": "Lê Chân",
        "address": "Phường Lê Chân, thành phố Hải Phòng",
        "reason": "Sáp nhập phường",
    }
    response = client.post(reverse("qms:identity_create"), data, follow=True)
    assert "Ủy ban nhân dân phường Lê Chân" in response.content.decode()
    added = OrganisationIdentity.objects.get(valid_from=date(2027, 1, 1))
    assert organisation.identity_on(date(2027, 1, 1)) == added
    assert organisation.identity_on(date(2026, 12, 31)).name == "Ủy ban nhân dân phường An Dương"
    row = added.history.get()
    assert (row.history_user, row.history_change_reason) == (secretary, "Sáp nhập phường")

    # a second identity of the same day is refused beside its date, nothing written
    count = OrganisationIdentity.objects.count()
    refused = client.post(reverse("qms:identity_create"), data)
    assert refused.context["form"].errors["valid_from"] == [
        "Cơ quan đã có thể thức hiệu lực từ ngày này: hãy sửa thể thức đó."
    ]
    assert OrganisationIdentity.objects.count() == count

    corrected = {**data, "place_name": "Phường Lê Chân", "reason": "Sửa địa danh"}
    client.post(reverse("qms:identity_update", args=[added.pk]), corrected)
    added.refresh_from_db()
    assert added.place_name == "Phường Lê Chân" and added.history.count() == 2
    page = client.get(reverse("qms:identity_update", args=[added.pk])).content.decode()
    assert "Sửa địa danh" in page and "Sáp nhập phường" in page

    listing = client_for(personas[Role.VIEWER]).get(reverse("qms:identities")).content.decode()
    assert "Trung tâm Phục vụ hành chính công phường Lê Chân" in listing
    assert reverse("qms:identity_create") not in listing  # a viewer only reads


def headed(data: bytes, day: date) -> str:
    """The document's text, checked to be dated `day` under the ward of that day."""
    text = pdf_words(data)
    superior, other = (DISTRICT, CITY) if day < JULY_2025 else (CITY, DISTRICT)
    assert superior in text and other not in text and WARD in text, text[:300]
    assert dated(text) == day, text[:300]
    return text


@pytest.mark.parametrize("start", [date(2023, 6, 5), date(2026, 10, 5)])
def test_audit_documents_are_dated_by_the_audit_never_the_print_day(started, start):
    end = date(start.year, start.month, start.day + 2)
    Audit.objects.filter(pk=started.pk).update(
        planned_start=start, planned_end=end, actual_start=start, year=start.year
    )
    approved = start - timedelta(days=7)
    Audit.objects.filter(pk=started.pk).update(
        plan_approved_at=datetime.combine(approved, time(9), tzinfo=LOCAL_TZ)
    )
    headed(audit_plan_pdf(Audit.objects.get(pk=started.pk)), approved)  # by its approval
    Audit.objects.filter(pk=started.pk).update(plan_approved_at=None, plan_approved_by=None)
    audit = Audit.objects.get(pk=started.pk)
    plan = pdf_words(audit_plan_pdf(audit))  # not approved: a draft, undated
    assert "An Dương, ngày … tháng … năm …" in plan and WARD in plan
    assert (DISTRICT if start < JULY_2025 else CITY) in plan  # the heading of its audit
    headed(audit_checklist_pdf(audit), start)
    headed(audit_report_pdf(audit), end)  # unsigned: due at the audit's end


@pytest.mark.parametrize("found_on", [date(2023, 5, 10), date(2026, 10, 6)])
def test_the_nonconformity_report_is_dated_by_its_opening(personas, found_on):
    nc = nc_services.nc_raise(
        user=personas[Role.OFFICER],
        source="staff",
        severity="minor",
        description="Phiếu thiếu chữ ký",
        found_on=found_on,
    )
    headed(nonconformity_pdf(Nonconformity.objects.get(pk=nc.pk)), found_on)


@pytest.mark.parametrize("held_on", [date(2023, 7, 10), date(2026, 10, 6)])
def test_review_minutes_are_dated_by_the_meeting(secretary, chairman, held_on):
    review = services.review_save(
        review=ManagementReview(
            held_on=held_on,
            period_start=date(held_on.year, 1, 1),
            period_end=date(held_on.year, 6, 30),
            chair=chairman,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )
    headed(review_minutes_pdf(review), held_on)


@pytest.mark.parametrize("sent_on", [date(2023, 3, 1), date(2026, 3, 1)])
def test_a_periodic_report_is_dated_on_the_day_it_was_sent(secretary, organisation, sent_on):
    report = services.report_save(
        report=PeriodicReport(year=sent_on.year, period=PeriodicReport.Period.Q1), user=secretary
    )
    services.report_submit(report=report, user=secretary, submitted_on=sent_on)
    headed(report_pdf(report), sent_on)


def test_the_list_and_the_form_name_the_superior_authority_alike(
    organisation, personas, client_for
):
    client = client_for(personas[Role.ISO_SECRETARY])
    listing = client.get(reverse("qms:identities")).content.decode()
    form = client.get(reverse("qms:identity_create")).content.decode()
    for page in (listing, form):
        assert "Cơ quan cấp trên" in page and "chủ quản" not in page


IDENTITY = {
    "valid_from": "01/01/2027",
    "superior": "Ủy ban nhân dân thành phố Hải Phòng",
    "name": "Ủy ban nhân dân phường Lê Chân",
    "desk_name": "Trung tâm Phục vụ hành chính công phường Lê Chân",
    "place_name": "Lê Chân",
    "address": "Phường Lê Chân, thành phố Hải Phòng",
    "reason": "Sáp nhập phường",
}


@pytest.mark.parametrize("phone", ["abc", "0225 abc 210", "12", "0225-3857-210", "02+25 3857"])
def test_a_desk_phone_that_is_not_a_number_is_refused_beside_its_field(
    organisation, personas, client_for, phone
):
    client = client_for(personas[Role.ISO_SECRETARY])
    count = OrganisationIdentity.objects.count()
    refused = client.post(reverse("qms:identity_create"), IDENTITY | {"desk_phone": phone})
    assert refused.status_code == 200
    assert refused.context["form"].errors["desk_phone"] == [PHONE_MESSAGE]
    assert f'value="{phone}"' in refused.content.decode()
    assert OrganisationIdentity.objects.count() == count


@pytest.mark.parametrize("phone", ["0225 3857 210", "(0225) 3.857.210", "+84 225 3857 210"])
def test_a_desk_phone_as_people_write_it_is_kept(organisation, personas, client_for, phone):
    client = client_for(personas[Role.ISO_SECRETARY])
    client.post(reverse("qms:identity_create"), IDENTITY | {"desk_phone": phone})
    assert OrganisationIdentity.objects.get(valid_from=date(2027, 1, 1)).desk_phone == phone


def test_every_phone_field_uses_the_one_phone_validator():
    from procedures.forms import ReceiveForm
    from procedures.models import Dossier
    from qms.models import Organisation
    from qms.validators import validate_phone

    for model, name in (
        (OrganisationIdentity, "desk_phone"),
        (Organisation, "phone"),
        (Dossier, "applicant_phone"),
    ):
        assert validate_phone in model._meta.get_field(name).validators, name
    assert validate_phone in ReceiveForm.base_fields["applicant_phone"].validators
