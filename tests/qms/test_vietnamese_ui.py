"""Everything a user sees or hears is Vietnamese: the site's pages and the Django admin,
crawled as the ISO secretary, show no English UI words in their text nor in what a
screen reader reads (aria-label, title, placeholder, alt); the list filters' blanks
read "Tất cả"; an audit under way is not worded like a dossier being resolved."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from audits.models import Audit
from procedures import services as procedure_services
from procedures.forms import StepForm
from procedures.models import Dossier, Procedure, RevisionStep
from qms.dates import short_moment
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
    "None",
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


def test_the_admin_names_groups_by_their_roles(personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    secretary = str(Role.ISO_SECRETARY.label)
    groups = parse(client.get(reverse("admin:auth_group_changelist")).content)
    assert secretary in [cell.text for cell in groups.find_all("th")]
    users = parse(client.get(reverse("admin:qms_user_changelist")).content)
    assert secretary in [
        link.text for link in users.find("nav", id="changelist-filter").find_all("a")
    ]
    viewer = personas[Role.VIEWER]
    form = parse(client.get(reverse("admin:qms_user_change", args=[viewer.pk])).content)
    offered = [option.text for option in form.find("select", name="groups").find_all("option")]
    assert str(Role.VIEWER.label) in offered
    assert not set(offered) & set(Role.values)


def test_the_crawl_finds_english_where_there_is_some():
    page = (
        b'<nav aria-label="breadcrumb"><a title="Home">Trang ch\xe1\xbb\xa7</a></nav>'
        b'<img alt="True"><p>Hi\xe1\xbb\x87n s\xe1\xbb\x91 l\xc6\xb0\xe1\xbb\xa3ng</p>'
        b"<script>const Search = 1;</script><p>Show counts</p>"
    )
    assert english_on(page) == {"breadcrumb", "Home", "True", "Show counts"}


@pytest.mark.parametrize(
    "url",
    ["/ho-so/", "/danh-gia/", "/khong-phu-hop/", "/quy-trinh/", "/ke-hoach/", "/bang-dieu-khien/"],
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


# -- one date-time format, set once (qms/formats/vi) -------------------------------------

# The format argument of a template's |date or |time, and of a module's date_format().
FORMAT_ARGUMENT = {
    "templates/**/*.html": re.compile(r"""\|(?:date|time):["']([^"']*)["']"""),
    "*/**/*.py": re.compile(r"""date_format\([^,()]+,\s*["']([^"']*)["']\)"""),
}


def own_time_format(argument: str) -> bool:
    """A format written out with an hour or a minute, instead of a named one of
    qms/formats/vi ("DATETIME_FORMAT", "TIME_FORMAT")."""
    return not re.fullmatch(r"[A-Z_]+", argument) and bool(re.search(r"[HGhgi]", argument))


def test_no_template_or_module_writes_a_time_format_of_its_own():
    root = Path(settings.BASE_DIR)
    own = [
        f"{path.relative_to(root)}: {argument}"
        for glob, pattern in FORMAT_ARGUMENT.items()
        for path in root.glob(glob)
        if not {".venv", "tests"} & set(path.parts)
        for argument in pattern.findall(path.read_text(encoding="utf-8"))
        if own_time_format(argument)
    ]
    assert own == []
    assert own_time_format("H:i d/m/Y") and not own_time_format("DATETIME_FORMAT")
    assert FORMAT_ARGUMENT["*/**/*.py"].findall('date_format(x, "d/m/Y H:i")') == ["d/m/Y H:i"]


def test_a_moment_reads_day_first_then_hour_everywhere(effective_dossier, personas, client_for):
    received = localtime(effective_dossier.received_at)
    expected = f"{received:%d/%m/%Y %H:%M}"
    page = client_for(personas[Role.OFFICER]).get(f"/ho-so/{effective_dossier.code}/")
    assert parse(page.content).find(**{"data-testid": "received-at"}).text.startswith(expected)
    assert short_moment(effective_dossier.received_at) == expected
    assert date_format(received, "DATETIME_FORMAT") == expected


# -- hours with the Vietnamese decimal comma ---------------------------------------------


def test_a_half_hour_reads_0_5_on_the_revision_page_and_in_its_form(
    effective, secretary, client_for
):
    draft = procedure_services.revision_draft(procedure=effective.procedure, user=secretary)
    RevisionStep.objects.filter(revision=draft, order=1).update(allotment=Decimal("0.50"))
    client = client_for(secretary)
    form = parse(client.get(reverse("procedures:revision_edit", args=[draft.pk])).content)
    assert form.find("input", name="steps-0-allotment").attrs["value"] == "0,5"
    page = parse(client.get(reverse("procedures:revision_detail", args=[draft.pk])).content)
    assert "0,5" in [cell.text for cell in page.find_all("td")]
    typed = StepForm(data={"name": "Thẩm định", "allotment": "0,5"})
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["allotment"] == Decimal("0.5")


# -- an "Actions" heading only over something to do ---------------------------------------


def headings(html: bytes) -> list[str]:
    page = parse(html)
    return [element.text for tag in ("h2", "th") for element in page.find_all(tag)]


def test_the_calendar_has_an_actions_column_only_for_who_can_edit(personas, client_for):
    for role, shown in ((Role.ISO_SECRETARY, True), (Role.VIEWER, False)):
        for url in ("/lich-lam-viec/", "/co-quan-ban-hanh/"):
            html = client_for(personas[role]).get(url).content
            assert ("Thao tác" in headings(html)) is shown, (role, url)
            assert ('<th scope="col"></th>' in html.decode()) is False


def test_the_dossier_page_heads_its_actions_only_when_there_are_some(
    effective_dossier, personas, client_for
):
    url = f"/ho-so/{effective_dossier.code}/"
    assert "Thao tác" in headings(client_for(personas[Role.OFFICER]).get(url).content)
    assert "Thao tác" not in headings(client_for(personas[Role.CHAIRMAN]).get(url).content)


def test_a_nonconformitys_actions_are_not_called_operations(records, personas, client_for):
    page = client_for(personas[Role.ISO_SECRETARY]).get(f"/khong-phu-hop/{records['nc']['pk']}/")
    assert "Các hành động" in headings(page.content)
    assert "Thao tác" not in headings(page.content)


def test_the_admins_scripts_speak_vietnamese_too(personas, client_for):
    """The two-list selector and the calendar read their words from the admin's
    JavaScript catalogue; qms/locale/vi/LC_MESSAGES/djangojs.po fills Django's gaps."""
    catalogue = client_for(personas[Role.ISO_SECRETARY]).get(reverse("admin:jsi18n"))
    text = catalogue.content.decode()
    for vietnamese in ("Chọn tất cả %s", "Bỏ tất cả %s", "Chủ nhật", "T7"):
        assert json.dumps(vietnamese) in text


def test_the_admins_history_reads_like_the_pages(records, personas, client_for):
    procedure = Procedure.objects.get(code=records["procedure"]["code"])
    url = reverse("admin:procedures_procedure_history", args=[procedure.pk])
    page = parse(client_for(personas[Role.ISO_SECRETARY]).get(url).content)
    changes = [item.text for item in page.find("table", id="change-history").find_all("li")]
    assert changes
    assert not [change for change in changes if re.search(r"\d{4}-\d{2}-\d{2}|None", change)]
    assert any(re.search(r"— → \d{2}/\d{2}/\d{4}", change) for change in changes), changes
