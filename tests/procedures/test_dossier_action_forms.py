"""The dossier page's action forms refused come back as typed: every value, the
reason beside its field (or above the form when it is about the dossier, not a
field), and the app's own Vietnamese message instead of the browser's bubble."""

import html
import re

import pytest

from procedures import dossier_services
from procedures.models import Dossier, SupplementRequest
from qms.roles import Role
from tests.procedures.test_apology_drafts import ERA, field_block, typed_value
from tests.procedures.test_dossiers import receive
from tests.procedures.test_form_identity import in_era

REQUIRED = "Trường này là bắt buộc"


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def dossier(effective, officer):
    return receive(effective.procedure, officer, ERA["received"])


def form_alert(page: str, testid: str) -> str:
    """The message above the fields of the form `testid` (empty when none)."""
    form = page.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', form, re.S)
    return html.unescape(found.group(1)) if found else ""


def page_messages(page: str) -> str:
    """The messages at the top of the page (where a redirect's would be)."""
    top = page.split("<main", 1)[1].split('<ol class="breadcrumb">', 1)[0]
    return "".join(re.findall(r'class="alert[^"]*"', top))


def test_the_dossier_pages_action_forms_leave_the_checks_to_the_app(dossier, officer, client_for):
    page = client_for(officer).get(f"/ho-so/{dossier.code}/").content.decode()
    for testid in ("supplement-form", "stop-form", "apology-draft"):
        tag = re.search(rf'<form[^>]*data-testid="{testid}"[^>]*>', page).group(0)
        assert "novalidate" in tag, testid


def test_a_supplement_without_its_reason_comes_back_with_the_reason_beside_it(
    dossier, officer, client_for
):
    with in_era(ERA["day1"]):
        response = client_for(officer).post(
            f"/ho-so/{dossier.code}/supplement/", {"supplement-reason": "   "}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert REQUIRED in field_block(page, "supplement-reason")
    assert form_alert(page, "supplement-form") == ""
    assert page_messages(page) == ""
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == Dossier.Status.IN_PROGRESS and stored.supplement_count == 0


def test_a_supplement_refused_by_the_service_keeps_what_was_typed(
    dossier, officer, personas, client_for
):
    """The page was opened while the dossier was at the desk; it moved on to TP-HT
    before the officer sent the request."""
    typed = "Thiếu bản sao giấy khai sinh\ncó chứng thực"
    client = client_for(officer)
    assert 'data-testid="supplement-form"' in client.get(f"/ho-so/{dossier.code}/").content.decode()
    with in_era(ERA["day1"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
        response = client.post(f"/ho-so/{dossier.code}/supplement/", {"supplement-reason": typed})
    assert response.status_code == 400
    page = response.content.decode()
    block = field_block(page, "supplement-reason")
    assert typed_value(block) == typed
    assert "errorlist" not in block
    assert "đang ở TP-HT – Bộ phận TP-HT, không phải của bạn" in form_alert(page, "supplement-form")
    assert not SupplementRequest.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("withdrawn", [True, False])
def test_a_stop_without_its_reason_comes_back_as_typed(dossier, officer, client_for, withdrawn):
    sent = {"stop-reason": ""} | ({"stop-withdrawn": "on"} if withdrawn else {})
    with in_era(ERA["day1"]):
        response = client_for(officer).post(f"/ho-so/{dossier.code}/stop/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert REQUIRED in field_block(page, "stop-reason")
    checkbox = field_block(page, "stop-withdrawn")
    assert ("checked" in checkbox) == withdrawn
    assert REQUIRED not in checkbox
    assert form_alert(page, "stop-form") == "" and page_messages(page) == ""
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.IN_PROGRESS


def test_a_stop_refused_by_the_service_keeps_what_was_typed(dossier, officer, personas, client_for):
    """The dossier was stopped from another desk while this page was open."""
    client = client_for(officer)
    with in_era(ERA["day1"]):
        dossier_services.dossier_stop(dossier=dossier, user=officer, reason="Công dân xin dừng")
        response = client.post(
            f"/ho-so/{dossier.code}/stop/",
            {"stop-reason": "Công dân rút hồ sơ", "stop-withdrawn": "on"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert typed_value(field_block(page, "stop-reason")) == "Công dân rút hồ sơ"
    assert "checked" in field_block(page, "stop-withdrawn")
    assert "không thể thực hiện thao tác này" in form_alert(page, "stop-form")
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.status, stored.ended_reason) == (Dossier.Status.STOPPED, "Công dân xin dừng")
