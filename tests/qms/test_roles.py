"""Roles are groups with the permissions of ROLE_PERMISSIONS; each sees its own navigation."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from qms.roles import ROLE_PERMISSIONS, Role, sync_role_permissions
from tests.html import parse


def test_every_role_has_its_group_with_permissions(db):
    groups = Group.objects.in_bulk(field_name="name")
    for role in Role:
        assert groups[role.value].permissions.exists(), role


def codenames(role: Role) -> set[str]:
    return set(Group.objects.get(name=role.value).permissions.values_list("codename", flat=True))


def test_the_viewer_reads_everything_and_writes_nothing(db):
    granted = codenames(Role.VIEWER)
    assert {"view_calendarday", "view_procedure", "view_dossier"} <= granted
    assert not any(c.startswith(("add_", "change_", "delete_")) for c in granted)


def test_writes_follow_the_roles(db):
    def writes(role):
        return {c for c in codenames(role) if not c.startswith("view_")}

    assert writes(Role.OFFICER) == {
        "add_dossier",
        "change_dossier",
        "add_complaint",
        "change_complaint",
    }
    assert writes(Role.SPECIALIST) == {"change_dossier"}
    assert writes(Role.AUDITOR) == {
        "change_audit",
        "change_checklistitem",
        "add_nonconformity",
        "change_nonconformity",
    }
    assert writes(Role.CHAIRMAN) == {
        "approve_procedurerevision",
        "approve_apology",  # form 04 is issued by the head (R11)
        "change_dossier",
    }


def test_the_iso_secretary_configures(db):
    codenames = set(
        Group.objects.get(name=Role.ISO_SECRETARY.value).permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"add_calendarday", "change_calendarday", "delete_calendarday", "change_unit"} <= (
        codenames
    )
    assert "delete_user" not in codenames


def test_sync_restores_the_table(db):
    viewer = Group.objects.get(name=Role.VIEWER.value)
    viewer.permissions.clear()
    sync_role_permissions()
    assert viewer.permissions.count() > 0
    assert ROLE_PERMISSIONS.keys() == set(Role)


NAV_LABELS = {"Hồ sơ", "Quy trình", "Điều hành", "Lịch"}
MENU_LABELS = {"Lịch": ["Lịch làm việc", "Tính ngày hẹn trả"]}


@pytest.mark.parametrize("role", list(Role))
def test_navigation_follows_the_role(personas, client_for, role):
    page = client_for(personas[role]).get(reverse("qms:home")).content.decode()
    entries = client_for(personas[role]).get("/").context["navigation"]
    nav = [item["label"] for item in entries]
    assert set(map(str, nav)) >= NAV_LABELS
    menus = {str(item["label"]): item["children"] for item in entries if "children" in item}
    for menu, labels in MENU_LABELS.items():
        assert [str(link["label"]) for link in menus[menu]] == labels
    assert ("Quản trị" in map(str, nav)) == (role == Role.ISO_SECRETARY)
    assert str(role.label) in page


def test_home_requires_login(client, db):
    response = client.get(reverse("qms:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_iso_secretary_opens_the_admin(personas, client_for):
    assert client_for(personas[Role.ISO_SECRETARY]).get("/quan-tri/").status_code == 200
    response = client_for(personas[Role.OFFICER]).get("/quan-tri/")
    assert response.status_code == 302  # not staff: the admin's own login page


def test_the_iso_secretary_cannot_raise_anyone_to_sign(personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    client = client_for(secretary)
    chairman_group = Group.objects.get(name=Role.CHAIRMAN.value)
    own_page = reverse("admin:qms_user_change", args=[secretary.pk])
    form = client.get(own_page).context["adminform"].form
    assert "is_superuser" not in form.fields and "groups" not in form.fields
    officer = personas[Role.OFFICER]
    page = client.get(reverse("admin:qms_user_change", args=[officer.pk]))
    assert chairman_group not in page.context["adminform"].form.fields["groups"].queryset
    chairman_page = reverse("admin:qms_user_change", args=[personas[Role.CHAIRMAN].pk])
    assert client.post(chairman_page, {"username": "x"}).status_code == 403
    secretary.refresh_from_db()
    assert not secretary.is_superuser and secretary.roles == {Role.ISO_SECRETARY}


# The bar's top-level labels, in characters, that fit a 1200 px screen beside the brand
# and the user's button (measured in Chromium for every role of the demo): an item
# more must be grouped into a menu, or the bar overflows and hides the user's button.
NAV_CHARACTERS = 85


@pytest.mark.parametrize("role", list(Role))
def test_the_bar_fits_a_1280_px_screen(personas, client_for, role):
    user = personas[role]
    page = parse(client_for(user).get(reverse("qms:home")).content)
    nav = page.find("nav", class_="navbar")
    assert "navbar-expand-xl" in nav.classes  # expanded from 1200 px: one click to each item
    brand = nav.find("a", class_="navbar-brand")
    assert brand.attrs["href"] == reverse("qms:home") and brand.attrs["title"] == "Trang chủ"
    assert brand.attrs["aria-current"] == "page"  # the brand is the home link
    items = nav.find("ul", **{"data-testid": "main-nav"}).children
    labels = [  # a menu's own label, not its items'
        (item.find_all("button") or item.find_all("a"))[0].text
        for item in items
        if not isinstance(item, str)
    ]
    assert "Trang chủ" not in labels
    assert sum(len(label) for label in labels) <= NAV_CHARACTERS, labels
    button = nav.find("button", **{"data-testid": "current-user"})
    hidden = button.find("span", class_="visually-hidden")
    assert str(role.label) in hidden.text  # heard with the name, read in the menu
    assert button.text.removesuffix(hidden.text).strip() == user.get_full_name()
    assert str(role.label) in nav.find("h6", class_="dropdown-header").text
