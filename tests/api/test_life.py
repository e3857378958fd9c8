"""A whole dossier's life through the API leaves what the same life through the
pages leaves: the same history rows, the same printed form 01, the same KPIs."""

import json
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from procedures.models import Dossier, DossierDocument, Handoff
from qms.roles import Role
from tests.procedures.test_dossier_pages import pdf_text
from tests.procedures.test_dossiers import at

RECEIPT = {
    "applicant_name": "Phạm Văn Đông",
    "applicant_id_number": "031095001234",
    "applicant_phone": "0912 345 678",
    "channel": "direct",
    "documents": "Tờ khai; bản chính; 1\nCCCD; bản sao; 2",
    "documents_count": "1",
    "decision": "accept",
}
# (moment, who, what): the receipt, two hand-overs, the result, its return.
LIFE = [
    ("2026-01-08 09:00", Role.OFFICER, "receive"),
    ("2026-01-08 10:00", Role.OFFICER, "hand_on"),
    ("2026-01-09 09:00", Role.SPECIALIST, "hand_on"),
    ("2026-01-09 15:00", Role.CHAIRMAN, "complete"),
    ("2026-01-12 09:00", Role.OFFICER, "return"),
]
RETURN = {"rating": "satisfied", "digitised": False}
PERIOD = ("2026-01-01", "2026-01-31")


def history(dossier: Dossier) -> list[dict]:
    """Every history row the life wrote, without the row ids (PostgreSQL's
    sequences do not roll back)."""
    ids = ("id", "history_id", "dossier_id")
    rows = [
        *dossier.history.order_by("history_date", "history_id").values(),
        *Handoff.history.filter(dossier_id=dossier.pk).order_by("history_date").values(),
        *DossierDocument.history.filter(dossier_id=dossier.pk).order_by("order").values(),
    ]
    return [{k: v for k, v in row.items() if k not in ids} for row in rows]


def through_pages(clients, tmp_path) -> dict:
    code = None
    for moment, role, step in LIFE:
        with time_machine.travel(at(moment), tick=False):
            client = clients[role]
            if step == "receive":
                client.post(
                    reverse("procedures:dossier_receive"), {"procedure": "QT-TP-05", **RECEIPT}
                )
                code = Dossier.objects.get().code
            else:
                data = (
                    {f"return-{k}": v for k, v in RETURN.items() if v} if step == "return" else {}
                )
                url = reverse("procedures:dossier_action", args=[code, step])
                assert client.post(url, data).status_code == 302
    with time_machine.travel(at("2026-02-02 09:00"), tick=False):
        out = StringIO()
        call_command("kpi", "--from", PERIOD[0], "--to", PERIOD[1], "--json", stdout=out)
        kpis = json.loads(out.getvalue())
    return outcome(Dossier.objects.get(code=code), clients, kpis, tmp_path)


def through_api(apis, clients, tmp_path) -> dict:
    code = None
    for moment, role, step in LIFE:
        with time_machine.travel(at(moment), tick=False):
            api = apis[role]
            if step == "receive":
                response = api.post(
                    reverse("api:dossiers"),
                    {"procedure": "QT-TP-05", **RECEIPT},
                    content_type="application/json",
                )
                assert response.status_code == 201, response.json()
                code = response.json()["code"]
            else:
                response = api.post(
                    reverse(f"api:dossier_{step}", args=[code]),
                    RETURN if step == "return" else {},
                    content_type="application/json",
                )
                assert response.status_code == 200, response.json()
    with time_machine.travel(at("2026-02-02 09:00"), tick=False):
        response = apis[Role.VIEWER].get(reverse("api:kpis"), {"from": PERIOD[0], "to": PERIOD[1]})
        kpis = response.json()
    return outcome(Dossier.objects.get(code=code), clients, kpis, tmp_path)


def outcome(dossier: Dossier, clients, kpis: dict, tmp_path) -> dict:
    url = reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"])
    form_01 = pdf_text(clients[Role.OFFICER].get(url).content, tmp_path)
    return {"history": history(dossier), "form_01": form_01, "kpis": kpis}


def test_a_dossier_lived_through_the_api_is_the_one_lived_through_the_pages(
    effective, personas, client_for, api_for, tmp_path
):
    clients = {role: client_for(user) for role, user in personas.items()}
    apis = {role: api_for(user) for role, user in personas.items()}
    with transaction.atomic():
        by_pages = through_pages(clients, tmp_path)
        transaction.set_rollback(True)
    assert not Dossier.objects.exists()
    by_api = through_api(apis, clients, tmp_path)

    assert by_api["history"] == by_pages["history"]
    assert by_api["form_01"] == by_pages["form_01"]
    assert by_api["kpis"] == by_pages["kpis"]
    # and the life is the one described: every step by its persona, returned on time
    users = [row["history_user_id"] for row in by_api["history"][:5]]
    assert users == [personas[role].pk for _moment, role, _step in LIFE]
    assert by_api["history"][4]["status"] == "returned"
    assert by_api["kpis"]["received"] == 1 and by_api["kpis"]["resolved"] == 1
    assert "Phạm Văn Đông" in by_api["form_01"] and "CCCD" in by_api["form_01"]
