"""Issue 18, what waits for whom: each role's home page counts what waits for the
user (`qms.oversight.waiting`), and each count links to a list showing exactly
those rows. Checked against a hand-built set (the `records` fixture plus what each
test adds), with the expected numbers written out."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localdate

from audits.models import Audit, Programme
from nonconformities.models import Nonconformity
from procedures import services as procedure_services
from procedures.models import Dossier, Procedure, ProcedureRevision
from qms.models import ManagementReview, Objective
from qms.oversight import services as oversight_services
from qms.oversight.waiting import waiting_for
from qms.roles import Role
from tests.factories import PASSWORD, page_sha256

pytestmark = pytest.mark.django_db


def counts(user) -> dict[str, int]:
    return {item.key: item.count for item in waiting_for(user)}


def listed(response) -> int:
    """How many rows the list page shows (whichever list the page is)."""
    context = response.context
    for name in ("dossiers", "rows", "reviews", "audits", "revisions", "schedule"):
        if name in context:
            return len(list(context[name]))
    if "page" in context:
        return len(context["page"].rows)
    return context["filter"].qs.count()


def assert_each_link_lists_its_count(user, client_for) -> None:
    client = client_for(user)
    for item in waiting_for(user):
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        if item.key.startswith("programme_"):
            assert response.context["programme"].approved_at is None
            continue
        assert listed(response) == item.count, (item.key, item.url)


def test_the_home_page_shows_each_count_linked_to_its_list(records, personas, client_for):
    officer = personas[Role.OFFICER]
    body = client_for(officer).get(reverse("qms:home")).content.decode()
    for item in waiting_for(officer):
        assert f'href="{item.url.replace("&", "&amp;")}"' in body
        assert f'data-testid="waiting-{item.key}"' in body


def test_leaders_count_revisions_apologies_objectives_programmes_and_reviews(
    records, personas, client_for, secretary, chairman
):
    draft = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    assert counts(chairman)["revisions"] == 0  # a draft is not waiting for approval
    procedure_services.revision_submit(revision=draft, user=secretary)
    year = localdate().year
    Objective.objects.create(
        year=year, title="Đúng hạn", measure="on_time_rate", comparison="gte", target=100
    )
    Programme.objects.create(year=year, scope="Toàn bộ hệ thống")
    found = counts(chairman)
    assert found["revisions"] == 1
    assert found["apologies"] == 1  # the `records` draft of form 04
    assert found["objectives"] == 1
    assert found[f"programme_{year}"] == 1
    assert found["reviews"] == 0  # prepared, not yet signed by its secretary
    vice = counts(personas[Role.VICE_CHAIRMAN])
    assert vice["revisions"] == 1 and vice["apologies"] == 1
    assert "objectives" not in vice and "reviews" not in vice  # the chairman's alone
    assert_each_link_lists_its_count(chairman, client_for)
    assert_each_link_lists_its_count(personas[Role.VICE_CHAIRMAN], client_for)
    client = client_for(chairman)
    for key in ("objectives", "reviews"):
        url = next(item.url for item in waiting_for(chairman) if item.key == key)
        assert 'data-testid="filtered"' in client.get(url).content.decode()  # and says so
        assert 'data-testid="filtered"' not in client.get(url.split("?")[0]).content.decode()


def test_the_queue_counts_what_is_due_today_and_overdue_at_the_units_step(
    records, personas, client_for
):
    officer = personas[Role.OFFICER]  # the desk runs the first step of `records`' dossiers
    waiting = Dossier.objects.in_queue_of(officer)
    assert waiting.count() == 2
    first = waiting.order_by("pk").first()
    Dossier.objects.filter(pk=first.pk).update(due_date=localdate(), promised_date=None)
    found = counts(officer)
    assert found["queue"] == 2
    assert found["queue_due_today"] == 1
    assert found["queue_overdue"] == 0  # received today: the desk's half day is not over
    # Received ten days ago, appointment still ahead: late at the desk's step only.
    Dossier.objects.filter(pk=first.pk).update(
        clock_started_at=timezone.now() - timedelta(days=10),
        due_at=timezone.now() + timedelta(days=10),
        due_date=localdate() + timedelta(days=10),
    )
    found = counts(officer)
    assert (found["queue_due_today"], found["queue_overdue"]) == (0, 1)
    assert counts(personas[Role.SPECIALIST])["queue"] == 0  # nothing at TP-HT's step yet
    assert_each_link_lists_its_count(officer, client_for)
    body = client_for(officer).get(reverse("procedures:dossier_queue")).content.decode()
    assert body.count('data-testid="overdue"') == 1  # the queue marks it too
    assert "1. Tiếp nhận hồ sơ" in body  # and names the step


def test_the_auditor_counts_audits_to_prepare_items_left_and_actions_to_verify(
    records, personas, client_for
):
    lead = personas[Role.AUDITOR]
    started = Audit.objects.get(pk=records["audit"]["pk"])
    items = started.items.count()
    assert items > 0
    found = counts(lead)
    assert found["audits_to_prepare"] == 1  # ĐGNB-2023-09, planned
    assert found[f"checklist_{started.pk}"] == items
    started.items.filter(pk=started.items.first().pk).update(result="conform")
    assert counts(lead)[f"checklist_{started.pk}"] == items - 1
    assert found["actions_to_verify"] == 0
    Nonconformity.objects.filter(pk=records["nc"]["pk"]).update(
        stage=Nonconformity.Stage.VERIFICATION
    )
    assert counts(lead)["actions_to_verify"] == 1
    assert_each_link_lists_its_count(lead, client_for)


def test_owners_count_their_corrective_actions(records, personas, client_for):
    assert counts(personas[Role.OFFICER])["my_actions"] == 1
    assert counts(personas[Role.SPECIALIST])["my_actions"] == 0
    assert_each_link_lists_its_count(personas[Role.OFFICER], client_for)


def test_the_iso_secretary_counts_reviews_unread_held_up_ncs_and_reports(
    records, personas, client_for, secretary
):
    code = records["procedure"]["code"]
    Procedure.objects.filter(code=code).update(
        next_review_on=date(2020, 1, 2), legal_basis_changed=False
    )
    found = counts(secretary)
    assert found["procedures_review"] == 1
    Procedure.objects.filter(code=code).update(next_review_on=date(2099, 1, 1))
    assert counts(secretary)["procedures_review"] == 0
    assert found["unread"] == 1  # nobody has read revision 1 of QT-TP-05
    assert found["nc_stuck"] == 0  # its action is due in 2030
    Nonconformity.objects.get(pk=records["nc"]["pk"]).actions.update(due_date=date(2020, 1, 2))
    assert counts(secretary)["nc_stuck"] == 1
    assert found["reports_due"] >= 1  # this year's reports are not submitted
    assert_each_link_lists_its_count(secretary, client_for)


def test_new_revision_is_not_offered_while_one_is_in_preparation(records, secretary, client_for):
    code = records["procedure"]["code"]
    client = client_for(secretary)
    body = client.get(reverse("procedures:detail", args=[code])).content.decode()
    assert 'data-testid="revision-in-preparation"' in body
    assert reverse("procedures:revision_create", args=[code]) not in body
    draft = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    procedure_services.revision_submit(revision=draft, user=secretary)
    body = client.get(reverse("procedures:detail", args=[code])).content.decode()
    assert "badge text-bg-warning" in body  # a submitted revision stands apart from a draft


def test_the_procedure_list_tells_a_submitted_revision_from_a_draft(records, secretary, client_for):
    client = client_for(secretary)
    listed = client.get(reverse("procedures:list")).content.decode()
    assert 'text-bg-secondary" data-testid="in-preparation"' in listed
    draft = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    procedure_services.revision_submit(revision=draft, user=secretary)
    listed = client.get(reverse("procedures:list") + "?status=submitted").content.decode()
    assert 'text-bg-warning" data-testid="in-preparation"' in listed


def test_a_review_waits_for_the_chairman_once_its_secretary_signed(
    records, secretary, chairman, client_for
):
    review = ManagementReview.objects.get(pk=records["review"]["pk"])
    sign = oversight_services.review_sign
    sign(review=review, user=secretary, password=PASSWORD, seen_sha256=page_sha256(review))
    assert counts(chairman)["reviews"] == 1
    assert_each_link_lists_its_count(chairman, client_for)
    review.refresh_from_db()
    sign(review=review, user=chairman, password=PASSWORD, seen_sha256=page_sha256(review))
    assert counts(chairman)["reviews"] == 0


def test_documents_to_read_are_those_of_the_users_unit(records, personas):
    assert counts(personas[Role.SPECIALIST])["to_read"] == 1  # TP-HT runs a step of QT-TP-05
    assert counts(personas[Role.CHAIRMAN])["to_read"] == 0  # no unit


def test_only_who_works_dossiers_is_counted_their_queue(records, personas):
    """The auditor of VH-XH has a unit but works no dossier: no queue counts for him."""
    auditor = personas[Role.AUDITOR]
    assert auditor.unit_id and not auditor.has_perm("procedures.change_dossier")
    assert not [item for item in waiting_for(auditor) if item.key.startswith("queue")]
    assert [item for item in waiting_for(personas[Role.SPECIALIST]) if item.key == "queue"]
