"""A legal document that amends or replaces one in force flags exactly the procedures
citing that one, with the ward's deadline; the flag is shown, counted in the review
inputs and cleared by the procedure's review."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from isodocs import services
from isodocs.models import ExternalDocument, LegalUpdate
from procedures import services as procedure_services
from procedures.models import Procedure
from qms.idempotency import FIELD, new_token
from qms.models import ManagementReview, Organisation
from qms.oversight import review_inputs
from qms.oversight import services as oversight_services
from qms.roles import Role
from tests.database import database_state
from tests.isodocs.conftest import document


@pytest.fixture
def cited(in_scope, secretary):
    """Decree 61 cited by QT-TP-01 and QT-TP-05, the field law by QT-CT-01 only."""
    by_code = {procedure.code: procedure for procedure in in_scope}
    decree = document("61/2018/NĐ-CP")
    services.external_document_add(
        document=decree, procedures=[by_code["QT-TP-01"], by_code["QT-TP-05"]], user=secretary
    )
    law = document(
        "60/2014/QH13",
        kind=ExternalDocument.Kind.LAW,
        issuer="Quốc hội",
        issued_on=date(2014, 11, 20),
        effective_from=date(2016, 1, 1),
    )
    services.external_document_add(document=law, procedures=[by_code["QT-CT-01"]], user=secretary)
    return decree, law


def amending(changes, relation="amends", number="107/2021/NĐ-CP") -> ExternalDocument:
    return document(
        number,
        issued_on=date(2021, 12, 6),
        effective_from=date(2022, 2, 21),
        changes=changes,
        relation=relation,
    )


def test_an_amending_decree_flags_exactly_the_procedures_citing_the_amended_one(cited, secretary):
    decree, law = cited
    assert not Procedure.objects.filter(legal_basis_changed=True).exists()

    updates = services.external_document_add(
        document=amending(decree), procedures=[], user=secretary
    )

    flagged = set(Procedure.objects.filter(legal_basis_changed=True).values_list("code", flat=True))
    assert flagged == {"QT-TP-01", "QT-TP-05"}
    assert {update.procedure.code for update in updates} == flagged
    # the deadline: 3 months from the new decree's effective date (the ward's rule)
    assert {update.due_on for update in updates} == {date(2022, 5, 21)}
    assert all(update.cited == decree for update in updates)
    decree.refresh_from_db()
    law.refresh_from_db()
    assert decree.status == ExternalDocument.Status.AMENDED
    assert law.status == ExternalDocument.Status.IN_FORCE
    # the procedure's history says why it was flagged
    reason = Procedure.objects.get(code="QT-TP-01").history.first().history_change_reason
    assert "107/2021/NĐ-CP" in reason and "61/2018/NĐ-CP" in reason


def test_the_deadline_follows_the_wards_setting(cited, secretary):
    Organisation.objects.filter(pk=1).update(legal_update_months=6)
    updates = services.external_document_add(
        document=amending(cited[0]), procedures=[], user=secretary
    )
    assert {update.due_on for update in updates} == {date(2022, 8, 21)}


def test_a_replacing_decree_replaces_and_a_replaced_one_cannot_be_changed_again(cited, secretary):
    decree = cited[0]
    replacing = document(
        "118/2025/NĐ-CP",
        issued_on=date(2025, 6, 9),
        effective_from=date(2025, 7, 1),
        changes=decree,
        relation="replaces",
    )
    services.external_document_add(document=replacing, procedures=[], user=secretary)
    decree.refresh_from_db()
    assert decree.status == ExternalDocument.Status.REPLACED
    with pytest.raises(ValidationError) as refused:
        amending(decree, number="999/2026/NĐ-CP").full_clean()
    assert "đã được thay thế" in str(refused.value.message_dict["changes"])


def test_the_review_of_the_procedure_closes_its_update(cited, secretary, personas):
    services.external_document_add(document=amending(cited[0]), procedures=[], user=secretary)
    assert LegalUpdate.objects.open().count() == 2
    procedure_services.procedure_review(
        procedure=Procedure.objects.get(code="QT-TP-01"), user=secretary, note="Đã cập nhật"
    )
    assert list(LegalUpdate.objects.open().values_list("procedure__code", flat=True)) == [
        "QT-TP-05"
    ]


def test_the_review_inputs_count_the_legal_updates(cited, secretary, chairman):
    services.external_document_add(document=amending(cited[0]), procedures=[], user=secretary)
    today = LegalUpdate.objects.first().flagged_on
    review = oversight_services.review_save(
        review=ManagementReview(
            held_on=today,
            period_start=date(today.year, 1, 1),
            period_end=today,
            chair=chairman,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )
    data = review_inputs.compile_inputs(review)
    assert data["legal_updates"] == {"flagged": 2, "open": 2, "overdue": 2}
    section_b = review_inputs.sections(review, data)[1]
    facts = dict(section_b.facts)
    assert facts["Số quy trình phải cập nhật do văn bản pháp luật thay đổi trong kỳ"] == "2"


def test_the_secretary_adds_an_amending_decree_on_the_page(cited, personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    response = client.post(
        reverse("isodocs:external_create"),
        {
            "kind": "decree",
            "number": "107/2021/NĐ-CP",
            "title": "Sửa đổi Nghị định 61/2018/NĐ-CP",
            "issuer": "Chính phủ",
            "issued_on": "06/12/2021",
            "effective_from": "21/02/2022",
            "changes": cited[0].pk,
            "relation": "amends",
            FIELD: new_token(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "2 quy trình phải cập nhật" in page
    table = page.split('data-testid="legal-updates"')[1].split("</table>")[0]
    assert "QT-TP-01" in table and "QT-TP-05" in table and "QT-CT-01" not in table


def test_a_refused_document_is_told_in_vietnamese_and_nothing_is_written(
    cited, personas, client_for
):
    client = client_for(personas[Role.ISO_SECRETARY])
    before = database_state()
    sent = {
        "kind": "decree",
        "number": "107/2021/NĐ-CP",
        "title": "Sửa đổi Nghị định 61",
        "issuer": "Chính phủ",
        "issued_on": "21/02/2022",
        "effective_from": "06/12/2021",  # before its issue
        "changes": cited[0].pk,
        "relation": "",  # amends or replaces: not said
        FIELD: new_token(),
    }
    response = client.post(reverse("isodocs:external_create"), sent)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["effective_from"] == ["Ngày có hiệu lực không thể trước ngày ban hành."]
    assert "sửa đổi hay thay thế" in errors["relation"][0]
    assert database_state() == before
    page = response.content.decode()
    assert 'value="Sửa đổi Nghị định 61"' in page and 'value="06/12/2021"' in page
