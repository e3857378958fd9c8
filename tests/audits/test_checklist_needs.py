"""The checklist says what it still needs before anyone is asked for a password, and
asks for a field only once the auditor has tried to save without it (issue 18)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits import services
from audits.models import ChecklistItem
from tests.factories import PASSWORD, page_sha256


def answer(client, item, **fields):
    data = {f"item-{item.pk}-{name}": value for name, value in fields.items() if name != "save"}
    if "save" in fields:
        data["save"] = "1"
    response = client.post(
        reverse("audits:answer", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


def errors_beside(page: str, item, name: str) -> str:
    slot = page.split(f'id="id_item-{item.pk}-{name}_errors"')[1]
    return slot.split(">", 1)[1].split("</div>")[0]


def items_left(page: str) -> str:
    return page.split('data-testid="items-left"')[1].split("</div>")[0]


def test_choosing_a_result_does_not_ask_for_the_evidence_yet(started, lead, client_for):
    item = started.items.first()
    client = client_for(lead)
    page = answer(client, item, result="conforming", evidence="")
    assert "Hãy ghi bằng chứng" not in page and "errorlist" not in page
    assert "Chưa lưu" in page
    assert ChecklistItem.objects.get(pk=item.pk).result == ""
    # the auditor's own save with no evidence: asked for, beside the evidence
    page = answer(client, item, result="conforming", evidence="", save=True)
    assert "Hãy ghi bằng chứng" in errors_beside(page, item, "evidence")
    # the evidence typed and its field left: saved, the message gone
    page = answer(client, item, result="conforming", evidence="Sổ theo dõi")
    assert "Đã lưu" in page and "errorlist" not in page
    assert errors_beside(page, item, "evidence") == ""
    assert ChecklistItem.objects.get(pk=item.pk).evidence == "Sổ theo dõi"


def test_what_was_typed_wrong_is_said_on_leaving_the_field(started, lead, client_for):
    item = started.items.first()
    page = answer(client_for(lead), item, result="conforming", evidence="x", dossiers="KHONG-CO")
    assert "Không có hồ sơ mã KHONG-CO." in errors_beside(page, item, "dossiers")


def test_the_checklist_names_the_items_left(started, lead, client_for):
    first, *others = started.items.order_by("order")
    client = client_for(lead)
    page = client.get(reverse("audits:checklist", args=[started.pk])).content.decode()
    assert f"Còn {len(others) + 1} mục kiểm tra cần trả lời" in items_left(page)
    page = answer(client, first, result="conforming", evidence="Sổ theo dõi")
    left = items_left(page)  # redrawn with the save's answer
    assert f"Còn {len(others)} mục kiểm tra cần trả lời" in left
    assert f'href="#item-{first.pk}"' not in left
    for item in others:
        assert f'href="#item-{item.pk}"' in left and item.clause_number in left
    for item in others:
        answer(client, item, result="conforming", evidence="Sổ theo dõi")
    page = client.get(reverse("audits:checklist", args=[started.pk])).content.decode()
    assert "Mọi mục kiểm tra đã được trả lời." in items_left(page)


def test_the_password_is_asked_only_once_nothing_is_left(started, lead, client_for):
    first, *others = started.items.order_by("order")
    client = client_for(lead)
    detail = reverse("audits:detail", args=[started.pk])
    services.report_save(audit=started, user=lead, conclusion="Phù hợp")
    services.checklist_answer(item=first, user=lead, result="conforming", evidence="Sổ")
    page = client.get(detail).content.decode()
    needs = page.split('data-testid="sign-needs"')[1]
    checklist = reverse("audits:checklist", args=[started.pk])
    assert all(f'href="{checklist}#item-{item.pk}"' in needs for item in others)
    assert 'name="password"' not in page
    with pytest.raises(ValidationError, match=others[0].clause_number):
        services.report_sign(
            audit=started, user=lead, password=PASSWORD, seen_sha256=page_sha256(started)
        )
    for item in others:
        services.checklist_answer(item=item, user=lead, result="conforming", evidence="Sổ")
    page = client.get(detail).content.decode()
    assert 'name="password"' in page and 'data-testid="sign-needs"' not in page
