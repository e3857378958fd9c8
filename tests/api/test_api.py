"""The API's own rules: keys (hashed, bound to an account, per-key rate), the list's
filters and pages, procedures and KPIs, and every refusal in Vietnamese naming its
field with nothing written."""

import json
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from api.models import ApiKey
from api.views import KeysetPagination
from procedures import dossier_services
from procedures.models import Dossier, Procedure
from qms.roles import Role
from tests.database import database_state, is_vietnamese
from tests.factories import pdf_bytes
from tests.procedures.test_dossiers import at, receive

JSON = "application/json"


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


def messages(body: dict) -> list[str]:
    return [m for value in body.values() for m in (value if isinstance(value, list) else [value])]


def test_a_key_is_kept_hashed_and_acts_as_its_account(effective, officer):
    out = StringIO()
    call_command(
        "create_api_key", "--user", officer.username, "--name", "Cổng DVC tỉnh", stdout=out
    )
    secret = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert key.user == officer and secret.startswith(key.prefix + ".")
    assert secret not in key.hashed_key and secret.split(".")[1] not in key.id
    api = Client(headers={"Authorization": f"Api-Key {secret}"})
    response = api.post(
        reverse("api:dossiers"),
        {"procedure": "QT-TP-05", "applicant_name": "Lê Văn Tám", "channel": "online"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.received_by == officer  # the account is the actor
    assert dossier.history.get().history_user == officer
    assert dossier.documents_count == 1 and dossier.status == "in_progress"  # the form's defaults


def test_the_key_command_refuses_what_is_wrong(officer):
    with pytest.raises(CommandError, match="không có tài khoản"):
        call_command("create_api_key", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="--rate"):
        call_command("create_api_key", "--user", officer.username, "--name", "x", "--rate", "9")
    assert not ApiKey.objects.exists()


def test_refusals_of_the_call_itself_are_in_vietnamese(effective, personas, officer, api_for):
    url = reverse("api:dossiers")
    answers = {
        "no key": (Client().get(url), 401),
        "wrong key": (Client(headers={"Authorization": "Api-Key abc.def"}).get(url), 401),
        "role": (api_for(personas[Role.VIEWER]).post(url, {}, content_type=JSON), 403),
        "method": (api_for(officer).delete(url), 405),
        "json": (api_for(officer).post(url, "{", content_type=JSON), 400),
        "missing": (api_for(officer).get(reverse("api:dossier", args=["PAD-X"])), 404),
    }
    revoked = api_for(officer)
    ApiKey.objects.filter(user=officer).update(revoked=True)
    answers["revoked"] = (revoked.get(url), 401)
    for what, (response, status) in answers.items():
        assert response.status_code == status, what
        assert is_vietnamese(response.json()["detail"]), (what, response.json())
    assert answers["no key"][0]["WWW-Authenticate"] == "Api-Key"


def test_each_key_has_its_own_rate(effective, officer, api_for):
    slow, other = api_for(officer, rate="2/minute"), api_for(officer)
    url = reverse("api:procedures")
    assert [slow.get(url).status_code for _ in range(2)] == [200, 200]
    refused = slow.get(url)
    assert refused.status_code == 429 and is_vietnamese(refused.json()["detail"])
    assert other.get(url).status_code == 200  # another key, another count


def test_a_bad_receipt_names_each_field_and_writes_nothing(effective, officer, api_for):
    api = api_for(officer)
    before = database_state()
    response = api.post(
        reverse("api:dossiers"),
        {
            "procedure": "KHONG-CO",
            "applicant_name": "",
            "applicant_id_number": "12ab",
            "channel": "fax",
            "documents": "Tờ khai; bản nháp; 1",
            "representative_phone": "0912 345 678",
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {
        "procedure",
        "applicant_name",
        "applicant_id_number",
        "channel",
        "documents",
        "representative_name",  # an authorised person comes with a name (the form's rule)
        "representative_authorisation",
    }
    assert all(is_vietnamese(message) for message in messages(body))
    assert database_state() == before


def test_a_service_refusal_is_a_400_with_its_field_or_none(effective, personas, officer, api_for):
    dossier = receive(effective.procedure, officer, "2026-01-08 09:00")
    specialist = api_for(personas[Role.SPECIALIST])
    before = database_state()
    # not their turn: the service's refusal, about no one field
    response = specialist.post(reverse("api:dossier_hand_on", args=[dossier.code]))
    assert response.status_code == 400
    assert is_vietnamese(response.json()["non_field_errors"][0])
    # returned before the result is ready: refused, about no one field
    returned = api_for(officer).post(reverse("api:dossier_return", args=[dossier.code]))
    assert returned.status_code == 400 and "đang" in returned.json()["non_field_errors"][0]
    assert database_state() == before
    # digitised without the scan: the service names the field
    dossier_services.dossier_hand_on(dossier=dossier, user=officer)
    dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.SPECIALIST])
    dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
    before = database_state()
    response = api_for(officer).post(
        reverse("api:dossier_return", args=[dossier.code]), {"digitised": True}, content_type=JSON
    )
    assert response.status_code == 400 and list(response.json()) == ["result_scan"]
    assert is_vietnamese(response.json()["result_scan"][0])
    assert database_state() == before
    # with the scan, sent as multipart: returned, digitised
    scan = SimpleUploadedFile("ket-qua.pdf", pdf_bytes(), content_type="application/pdf")
    response = api_for(officer).post(
        reverse("api:dossier_return", args=[dossier.code]),
        {"digitised": "true", "result_scan": scan, "rating": "satisfied"},
    )
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.digitised and dossier.result_scan


def test_the_list_filters_and_pages_by_keyset(effective, officer, api_for, monkeypatch):
    for day in ("2026-01-05", "2026-01-06", "2026-01-07"):
        receive(effective.procedure, officer, f"{day} 09:00")
    receive(effective.procedure, officer, "2026-01-08 09:00", channel="online")
    monkeypatch.setattr(KeysetPagination, "page_size", 2)
    api = api_for(officer)
    first = api.get(reverse("api:dossiers"), {"channel": "direct"}).json()
    assert [d["received_at"][:10] for d in first["results"]] == ["2026-01-07", "2026-01-06"]
    # the filters by code as the API writes them: the same page
    after = parse_qs(urlsplit(first["next"]).query)["after"][0]
    by_codes = {"channel": "direct", "procedure": "QT-TP-05", "unit": "TP-HT", "after": after}
    assert api.get(reverse("api:dossiers"), by_codes).json() == api.get(first["next"]).json()
    second = api.get(first["next"]).json()
    assert [d["received_at"][:10] for d in second["results"]] == ["2026-01-05"]
    assert second["next"] is None
    bad = api.get(reverse("api:dossiers"), {"status": "lost", "procedure": "X", "after": "x"})
    assert bad.status_code == 400 and set(bad.json()) == {"status", "procedure"}
    assert is_vietnamese(bad.json()["status"][0])
    cursor = api.get(reverse("api:dossiers"), {"after": "yesterday_1"})
    assert cursor.status_code == 400 and is_vietnamese(cursor.json()["after"][0])


def test_a_dossier_reads_with_its_contact_as_the_account_may_see_it(
    effective, personas, officer, api_for
):
    dossier = receive(
        effective.procedure, officer, "2026-01-08 09:00", applicant_id_number="031095001234"
    )
    url = reverse("api:dossier", args=[dossier.code])
    assert api_for(officer).get(url).json()["applicant_contact"]["id_number"] == "031095001234"
    masked = api_for(personas[Role.AUDITOR]).get(url).json()["applicant_contact"]
    assert masked["id_number"] != "031095001234" and masked["id_number"].endswith("1234")


def test_procedures_come_with_their_revision_in_force(effective, personas, api_for):
    api = api_for(personas[Role.VIEWER])
    [procedure] = api.get(reverse("api:procedures"), {"status": "controlled"}).json()
    assert procedure["code"] == "QT-TP-05"
    revision = procedure["revision_in_force"]
    assert revision["number"] == effective.number and len(revision["steps"]) == 3
    detail = api.get(reverse("api:procedure", args=["QT-TP-05"])).json()
    assert detail == procedure
    assert api.get(reverse("api:procedures"), {"status": "uncontrolled"}).json() == []
    assert api.get(reverse("api:procedures"), {"unit": "BP-MC"}).json() == []
    assert len(api.get(reverse("api:procedures"), {"unit": "TP-HT"}).json()) == 1


def test_the_kpis_are_the_object_of_the_kpi_command(effective, personas, officer, api_for):
    receive(effective.procedure, officer, "2026-01-08 09:00")
    api = api_for(personas[Role.VIEWER])
    with time_machine.travel(at("2026-02-02 09:00"), tick=False):
        out = StringIO()
        call_command(
            "kpi", "--from", "2026-01-01", "--to", "2026-01-31", "--unit", "TP-HT", stdout=out
        )
        answer = api.get(
            reverse("api:kpis"), {"from": "2026-01-01", "to": "2026-01-31", "unit": "TP-HT"}
        )
    assert answer.json() == json.loads(out.getvalue())
    assert answer.json()["received"] == 1
    bad = api.get(reverse("api:kpis"), {"from": "2026-02-01", "to": "2026-01-01", "unit": "X"})
    assert bad.status_code == 400 and set(bad.json()) == {"to", "unit"}
    assert all(is_vietnamese(message) for message in messages(bad.json()))


def test_the_schema_validates_and_its_page_is_served(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = Client().get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/ho-so/{code}/chuyen-tiep/" in paths
    page = Client().get(reverse("api:docs"))
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert b"cdn" not in page.content.lower()  # served from the site's own files


def test_the_iso_secretary_adds_a_key_in_the_admin_and_sees_it_once(
    effective, personas, secretary, client_for
):
    admin = client_for(secretary)
    officer = personas[Role.OFFICER]
    response = admin.post(
        reverse("admin:api_apikey_add"),
        {"name": "Cổng DVC tỉnh", "user": officer.pk, "rate": "100/minute"},
        follow=True,
    )
    [message] = [
        str(m) for m in response.context["messages"] if "sẽ không được hiển thị lại" in str(m)
    ]
    secret = message.split(" là ")[1].split(". ")[0]
    key = ApiKey.objects.get()
    assert key.user == officer and key.rate == "100/minute" and secret not in key.hashed_key
    api = Client(headers={"Authorization": f"Api-Key {secret}"})
    assert api.get(reverse("api:dossiers")).status_code == 200
    page = admin.get(reverse("admin:api_apikey_change", args=[key.pk])).content.decode()
    assert secret not in page  # shown once, in the message after it was added
    refused = admin.post(
        reverse("admin:api_apikey_add"), {"name": "x", "user": officer.pk, "rate": "nhiều"}
    )
    assert "second, minute, hour, day" in refused.content.decode()
    # a key never acts as a leader who signs, and keeps the account it was made for
    chairman = personas[Role.CHAIRMAN]
    refused = admin.post(
        reverse("admin:api_apikey_add"), {"name": "x", "user": chairman.pk, "rate": "1/minute"}
    )
    assert refused.status_code == 200 and "user" in refused.context["adminform"].form.errors
    admin.post(
        reverse("admin:api_apikey_change", args=[key.pk]),
        {"name": "Cổng DVC tỉnh", "user": chairman.pk, "rate": "100/minute"},
    )
    assert ApiKey.objects.get().user == officer
    assert ApiKey.objects.count() == 1


def test_a_receipt_names_its_procedure_exactly(effective, officer, api_for):
    """The page's partial match ("hôn nhân" finds QT-TP-05, picked from a list) is
    refused here; the ward's code in any case and the national code are taken."""
    api = api_for(officer)
    Procedure.objects.filter(pk=effective.procedure_id).update(national_code="1.001193")
    body = {"applicant_name": "Phạm Văn Đông", "channel": "direct"}
    refused = api.post(
        reverse("api:dossiers"), {"procedure": "hôn nhân", **body}, content_type=JSON
    )
    assert refused.status_code == 400 and "hôn nhân" in refused.json()["procedure"][0]
    for code in ("qt-tp-05", "1.001193"):
        taken = api.post(reverse("api:dossiers"), {"procedure": code, **body}, content_type=JSON)
        assert taken.status_code == 201, taken.json()
    assert Dossier.objects.filter(procedure=effective.procedure).count() == 2
