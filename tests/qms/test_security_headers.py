"""The Content-Security-Policy on every page, the templates it lets work, and
"no-store" on every answer to a signed-in user and on every download."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from procedures.models import ProcedureRevision
from qms.middleware import SecurityHeadersMiddleware
from qms.roles import Role
from tests.factories import UserFactory

# What the policy refuses, as it would appear in markup (a JSON data block, from
# json_script, is data that no browser runs).
INLINE = {
    "inline script": re.compile(r'<script\b(?![^>]*\b(src=|type="application/json"))[^>]*>', re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
}


def inline(markup: str) -> list[str]:
    return [
        f"{what}: {found.group(0)[:120]}"
        for what, pattern in INLINE.items()
        for found in pattern.finditer(markup)
    ]


def test_the_policy_allows_only_the_sites_own_scripts_and_styles():
    policy = dict(part.split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split("; "))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert "unsafe" not in settings.CONTENT_SECURITY_POLICY


def test_no_template_has_inline_script_style_or_handler():
    """The policy refuses these: a page using one would silently break."""
    found = {
        str(path): inline(path.read_text())
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
    }
    assert len(found) > 40
    assert {path: what for path, what in found.items() if what} == {}


def test_the_scan_finds_what_the_policy_refuses():
    for markup in (
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
        "<style>p {}</style>",
        '<div class="x" style="height:1px">',
    ):
        assert inline(markup), markup
    assert not inline('<script src="/static/js/forms.js"></script><p>on=1 style: x</p>')
    assert not inline('<script id="trend-data" type="application/json">{"a": 1}</script>')


@pytest.mark.parametrize(
    ("role", "name"),
    [(Role.OFFICER, "qms:home"), (Role.CHAIRMAN, "qms:dashboard"), (Role.VIEWER, "qms:calendar")],
)
def test_a_signed_in_page_has_the_policy_and_is_not_stored(role, name, personas, client_for):
    response = client_for(personas[role]).get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "no-store" in response["Cache-Control"]
    assert inline(response.content.decode()) == []


def test_the_sign_in_page_has_the_policy(db):
    response = Client().get(reverse("login"))
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert inline(response.content.decode()) == []


def test_an_error_page_has_the_policy(personas, client_for):
    response = client_for(personas[Role.OFFICER]).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "no-store" in response["Cache-Control"]


def test_developments_error_pages_keep_their_own_styles(personas, client_for, settings):
    """Django's technical pages of DEBUG style and script themselves inline."""
    settings.DEBUG = True
    response = client_for(personas[Role.OFFICER]).get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "<style" in response.content.decode()
    assert "Content-Security-Policy" not in response


@pytest.mark.parametrize("download", ["pdf", "xlsx", "uploaded file"])
def test_every_download_is_not_stored(download, records, personas, client_for):
    if download == "pdf":
        url = reverse("procedures:dossier_pdf", args=[records["dossier"]["code"], "receipt"])
    elif download == "xlsx":
        url = reverse("nonconformities:export")
    else:
        url = reverse("procedures:revision_attachment", args=[records["draft"]["pk"]])
    response = client_for(personas[Role.VIEWER]).get(url)
    assert response.status_code == 200 and "Content-Disposition" in response
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_a_download_is_not_stored_even_when_nobody_is_signed_in(rf):
    """A download is marked by its Content-Disposition, whoever asked for it."""

    def view(request):
        response = HttpResponse(b"%PDF-1.4")
        response["Content-Disposition"] = 'attachment; filename="a.pdf"'
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert "no-store" in response["Cache-Control"]
    assert "no-store" not in SecurityHeadersMiddleware(lambda r: HttpResponse())(rf.get("/")).get(
        "Cache-Control", ""
    )


def test_the_admin_needs_no_exception(personas, records):
    """Every admin list and add page, for a superuser: the policy header and no
    inline script, style or handler in the markup (its scripts are static files)."""
    revision = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    revision.attachment.save("qt.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.first()
        if first is not None:
            change = f"admin:{meta.app_label}_{meta.model_name}_change"
            urls.append(reverse(change, args=[first.pk]))
    found = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 403:  # a model the admin only lists (no adding)
            continue
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        assert "no-store" in response["Cache-Control"]
        if what := inline(response.content.decode()):
            found[url] = what
    assert len(urls) > 20
    assert found == {}
