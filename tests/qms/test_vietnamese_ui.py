"""Everything a user sees or hears is Vietnamese: the site's pages and the Django admin,
crawled as the ISO secretary, show no English UI words in their text nor in what a
screen reader reads (aria-label, title, placeholder, alt); the list filters' blanks
read "Tất cả"; an audit under way is not worded like a dossier being resolved."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from audits.models import Audit
from procedures.models import Dossier
from qms.models import PlanTask
from qms.roles import Role
from tests.html import parse
from tests.test_permission_matrix import MATRIX, urls_for

# English a page must never show. Whole words, case-sensitive: "Add" as a button or
# label, not "add" inside a permission's stored name.
ENGLISH = (
    "Show counts",
    "Hide counts",
    "Search",
    "Filter",
    "Add",
    "Save",
    "Delete",
    "breadcrumb",
    "Breadcrumbs",
    "Toggle navigation",
    "Toggle theme",
    "Skip to main content",
    "Sidebar",
    "Model name",
    "Select all",
    "Select this object",
    "View selected",
    "Close",
    "Previous",
    "Next",
    "Home",
    "Log out",
    "True",
    "False",
    "Unknown",
    "Changed by",
    "Change reason",
    "Comment",
    "entry",
    "entries",
)
FORBIDDEN = re.compile("|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word in ENGLISH))
HEARD = ("aria-label", "title", "placeholder", "alt")


def what_a_user_meets(element) -> list[str]:
    """The visible text (scripts and styles left out) and the attributes read aloud."""
    found = []
    for child in element.children:
        if isinstance(child, str):
            found.append(child)
        elif child.tag not in ("script", "style", "template"):
            found += [child.attrs[name] for name in HEARD if child.attrs.get(name)]
            found += what_a_user_meets(child)
    return found


def english_on(html: bytes) -> set[str]:
    return {match for text in what_a_user_meets(parse(html)) for match in FORBIDDEN.findall(text)}


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        if first := model._default_manager.order_by("pk").first():
            urls += [
                reverse(f"{info}_change", args=[first.pk]),
                reverse(f"{info}_history", args=[first.pk]),
            ]
    return urls


def site_urls(records) -> list[str]:
    return [
        urls_for(row, records)
        for row in MATRIX
        if row.method == "GET" and Role.ISO_SECRETARY in row.allowed and not row.missing
    ]


def test_the_pages_and_the_admin_show_no_english(records, personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    seen, english = 0, {}
    for url in [*site_urls(records), *admin_urls()]:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        seen += 1
        if words := english_on(response.content):
            english[url] = sorted(words)
    assert seen > 80
    assert english == {}


def test_the_crawl_finds_english_where_there_is_some():
    page = (
        b'<nav aria-label="breadcrumb"><a title="Home">Trang ch\xe1\xbb\xa7</a></nav>'
        b'<img alt="True"><p>Hi\xe1\xbb\x87n s\xe1\xbb\x91 l\xc6\xb0\xe1\xbb\xa3ng</p>'
        b"<script>const Search = 1;</script><p>Show counts</p>"
    )
    assert english_on(page) == {"breadcrumb", "Home", "True", "Show counts"}


@pytest.mark.parametrize(
    "url", ["/ho-so/", "/danh-gia/", "/khong-phu-hop/", "/quy-trinh/", "/ke-hoach/"]
)
def test_every_filter_blank_reads_all(url, personas, client_for):
    page = parse(client_for(personas[Role.ISO_SECRETARY]).get(url).content)
    blanks = [
        option.text
        for form in page.find_all("form", method="get")
        for select in form.find_all("select")
        for option in select.find_all("option", value="")
    ]
    assert blanks
    assert set(blanks) == {"Tất cả"}


def test_an_audit_under_way_has_its_own_word(db):
    dossier = str(Dossier.Status.IN_PROGRESS.label)
    assert dossier == "Đang giải quyết"
    assert str(Audit.Status.IN_PROGRESS.label) == "Đang đánh giá"
    assert str(PlanTask.Status.IN_PROGRESS.label) == "Đang thực hiện"
