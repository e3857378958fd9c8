"""Bad input at the desk's receipt form: whatever is typed, no 500 and no partial
write; a refusal names the field in Vietnamese; markup is shown as text in pages and
printed as text in the receipt PDF."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures.models import Dossier
from qms.roles import Role

FIELDS = {
    "procedure": st.one_of(st.just(""), st.text(max_size=40)),
    "applicant_name": st.one_of(st.just(""), st.text(max_size=400)),
    "applicant_id_number": st.text(max_size=30),
    "applicant_phone": st.text(max_size=30),
    "channel": st.one_of(st.sampled_from(["direct", "online", "post"]), st.text(max_size=10)),
    "documents_count": st.one_of(st.integers(-5, 1000).map(str), st.text(max_size=5)),
    "decision": st.one_of(st.just("accept"), st.text(max_size=10)),
}


@pytest.fixture
def desk(effective, personas):
    client = Client()
    client.force_login(personas[Role.OFFICER])
    return client


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.fixed_dictionaries(FIELDS))
def test_any_receipt_form_is_answered_without_a_partial_write(desk, effective, data):
    before = Dossier.objects.count()
    response = desk.post(reverse("procedures:dossier_receive"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: nothing written, the field named
        assert Dossier.objects.count() == before
        form = response.context["form"]
        assert form.errors
        for field, errors in form.errors.items():
            assert field == "__all__" or field in form.fields
            assert all(error and not error.isascii() for error in errors), errors
    else:
        assert Dossier.objects.count() == before + 1


def test_markup_is_text_in_pages_and_in_the_receipt_pdf(desk, effective):
    name = '<script>alert("x")</script> Nguyễn & <b>Bình</b>'
    response = desk.post(
        reverse("procedures:dossier_receive"),
        {
            "procedure": effective.procedure.code,
            "applicant_name": name,
            "channel": "direct",
            "documents_count": "1",
            "decision": "accept",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    dossier = Dossier.objects.get(applicant_name=name)
    pdf = desk.get(reverse("procedures:dossier_pdf", args=[dossier.code, "receipt"]))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert '<script>alert("x")</script>' in text.replace("\n", " ")
