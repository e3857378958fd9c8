"""Form 04 before the head issues it (R11): the unit at fault edits or withdraws its
draft; a withdrawn draft stays on record, never printed nor numbered, and the
dossier may get a new one; an issued apology never changes. Every apology form
refused comes back as typed, with the reason beside its field; only an issued
apology moves the dates the desk works to."""

import html
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from procedures import dossier_services
from procedures.models import Apology, Dossier
from procedures.pdf import DOSSIER_FORMS, dossier_pdf
from qms.roles import Role
from qms.signatures import SignedRecordError
from qms.signing import shown_sha256
from tests.factories import PASSWORD
from tests.procedures.test_form_identity import ERAS, in_era, pdf_words

ERA = ERAS[2026]
SATURDAY = date(2026, 10, 17)


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def dossier(effective, officer):
    from tests.procedures.test_dossiers import receive

    return receive(effective.procedure, officer, ERA["received"])


def draft(dossier, user, reason="Chờ xác minh", new_due=ERA["new_due"]):
    with in_era(ERA["day1"]):
        return dossier_services.dossier_apologise(
            dossier=dossier, user=user, reason=reason, new_due_date=new_due
        )


def approve(apology, user):
    with in_era(ERA["day2"]):
        return dossier_services.apology_approve(
            apology=apology, user=user, password=PASSWORD, seen_sha256=shown_sha256(apology)
        )


def field_block(page: str, name: str) -> str:
    """The block of the form field `name` (its label, input, errors) as
    `_form_fields.html` draws it."""
    for block in page.split('<div class="form-field">')[1:]:
        block = block.split("\n</div>", 1)[0]
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name}")


def typed_value(block: str) -> str:
    """What an input or a textarea of a field's block shows."""
    textarea = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", block, re.S)
    if textarea:
        return textarea.group(1)
    return re.search(r'<input[^>]* value="([^"]*)"', block).group(1)


def test_a_draft_is_edited_then_withdrawn_and_a_new_one_issued(dossier, personas, officer):
    specialist, chairman = personas[Role.SPECIALIST], personas[Role.CHAIRMAN]
    first = draft(dossier, officer)
    with in_era(ERA["day1"]):
        # the delay is now TP-HT's: the unit of the step the dossier is at edits
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)
        edited = dossier_services.apology_edit(
            apology=first,
            user=specialist,
            reason="Chờ ý kiến cơ quan phối hợp",
            new_due_date=ERA["new_due"] + timedelta(days=1),
        )
    assert (edited.reason, edited.new_due_date) == (
        "Chờ ý kiến cơ quan phối hợp",
        date(2026, 10, 15),
    )
    assert edited.drafted_by == officer  # the drafter stays; the history names the editor
    assert edited.history.first().history_user == specialist
    # the draft prints as the draft it now is
    assert "Chờ ý kiến cơ quan phối hợp" in pdf_words(dossier_pdf("apology", dossier))
    with in_era(ERA["day1"]):
        dossier_services.apology_withdraw(apology=first, user=specialist)
    first.refresh_from_db()
    assert first.withdrawn_at and first.withdrawn_by == specialist and first.number is None
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert not hasattr(dossier, "apology")  # nothing in force: form 04 is not offered
    assert not DOSSIER_FORMS["apology"][1](dossier)
    # the withdrawn draft can no longer change
    for change in (
        lambda: dossier_services.apology_withdraw(apology=first, user=specialist),
        lambda: dossier_services.apology_edit(
            apology=first, user=specialist, reason="Khác", new_due_date=ERA["new_due"]
        ),
    ):
        with in_era(ERA["day1"]), pytest.raises(ValidationError) as refused:
            change()
        assert "đã được rút" in refused.value.messages[0]
    second = draft(dossier, specialist, reason="Chờ kết quả xác minh")
    approve(second, chairman)
    text = pdf_words(dossier_pdf("apology", Dossier.objects.get(pk=dossier.pk)))
    assert "Chờ kết quả xác minh" in text and "Chờ ý kiến" not in text
    assert "Số: 1/2026/PXL" in text  # the withdrawn draft took no number
    assert list(dossier.apologies.order_by("pk")) == [first, second]  # still on record


def test_only_whoever_may_draft_edits_or_withdraws(dossier, personas, officer):
    apology = draft(dossier, officer)
    for role in (Role.ISO_SECRETARY, Role.CHAIRMAN, Role.AUDITOR):
        with pytest.raises(ValidationError):
            dossier_services.apology_withdraw(apology=apology, user=personas[role])
        with in_era(ERA["day1"]), pytest.raises(ValidationError):
            dossier_services.apology_edit(
                apology=apology, user=personas[role], reason="Khác", new_due_date=ERA["new_due"]
            )
    apology.refresh_from_db()
    assert apology.reason == "Chờ xác minh" and apology.withdrawn_at is None


def test_an_issued_apology_is_never_edited_nor_withdrawn(dossier, personas, officer, client_for):
    apology = approve(draft(dossier, officer), personas[Role.CHAIRMAN])
    with in_era(ERA["day2"]):
        for change in (
            lambda: dossier_services.apology_withdraw(apology=apology, user=officer),
            lambda: dossier_services.apology_edit(
                apology=apology, user=officer, reason="Khác", new_due_date=ERA["new_due"]
            ),
        ):
            with pytest.raises(ValidationError) as refused:
                change()
            assert "phiếu đã ban hành không được sửa hay rút" in refused.value.messages[0]
        client = client_for(officer)
        edit = client.post(
            f"/ho-so/{dossier.code}/xin-loi/sua/",
            {"apology-edit-reason": "Khác", "apology-edit-new_due_date": "15/10/2026"},
        )
        withdraw = client.post(f"/ho-so/{dossier.code}/xin-loi/rut/", follow=True)
    assert edit.status_code == 400
    assert "phiếu đã ban hành không được sửa hay rút" in edit.content.decode()
    assert "phiếu đã ban hành không được sửa hay rút" in withdraw.content.decode()
    stored = Apology.objects.get(pk=apology.pk)
    assert (stored.reason, stored.new_due_date, stored.withdrawn_at) == (
        "Chờ xác minh",
        ERA["new_due"],
        None,
    )
    # nor behind the services' back: the queryset refuses, and the database too
    with pytest.raises(SignedRecordError):
        Apology.objects.filter(pk=apology.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procedures_apology SET withdrawn_at = %s WHERE id = %s",
            [timezone.now(), apology.pk],
        )


def test_the_drafter_edits_and_withdraws_on_the_dossier_page(dossier, officer, client_for):
    draft(dossier, officer)
    client = client_for(officer)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert typed_value(field_block(page, "apology-edit-reason")) == "Chờ xác minh"
    assert typed_value(field_block(page, "apology-edit-new_due_date")) == "14/10/2026"
    with in_era(ERA["day1"]):
        edited = client.post(
            f"/ho-so/{dossier.code}/xin-loi/sua/",
            {
                "apology-edit-reason": "Chờ xác minh thực địa",
                "apology-edit-new_due_date": "15/10/2026",
            },
        )
        assert edited.status_code == 302
        withdrawn = client.post(f"/ho-so/{dossier.code}/xin-loi/rut/", follow=True)
    page = withdrawn.content.decode()
    assert "Đã rút dự thảo phiếu xin lỗi" in page
    listed = re.search(r'data-testid="withdrawn-apologies">(.*?)</ul>', page, re.S).group(1)
    assert "15/10/2026" in listed and "Chờ xác minh thực địa" in listed
    assert 'data-testid="apology-draft"' in page  # a new draft may be written
    assert f"/ho-so/{dossier.code}/in/apology/" not in page  # nothing to print
    assert client.get(f"/ho-so/{dossier.code}/in/apology/").status_code == 404


def test_the_approval_signs_only_the_draft_as_shown(dossier, personas, officer, client_for):
    """A draft edited between the chairman opening the page and signing is refused
    in Vietnamese, and the page then shows the edited draft to sign; a draft
    withdrawn meanwhile is refused too."""
    chairman = personas[Role.CHAIRMAN]
    apology = draft(dossier, officer)
    client = client_for(chairman)
    url = f"/ho-so/{dossier.code}/xin-loi/phe-duyet/"
    opened = client.get(f"/ho-so/{dossier.code}/").content.decode()
    seen = re.search(r'name="approve-seen_sha256" value="([0-9a-f]+)"', opened).group(1)
    with in_era(ERA["day1"]):
        dossier_services.apology_edit(
            apology=apology, user=officer, reason="Lý do đã sửa", new_due_date=ERA["new_due"]
        )
    with in_era(ERA["day2"]):
        stale = client.post(url, {"approve-password": PASSWORD, "approve-seen_sha256": seen})
    page = stale.content.decode()
    assert stale.status_code == 400
    assert "đã thay đổi sau khi bạn mở trang" in html.unescape(page)
    apology.refresh_from_db()
    assert apology.approved_at is None and apology.approval is None
    # the page shown again carries the edited draft and its hash
    shown = re.search(r'name="approve-seen_sha256" value="([0-9a-f]+)"', page).group(1)
    assert "Lý do đã sửa" in page and shown == shown_sha256(apology) != seen
    with in_era(ERA["day1"]):
        dossier_services.apology_withdraw(apology=apology, user=officer)
    with in_era(ERA["day2"]):
        gone = client.post(url, {"approve-password": PASSWORD, "approve-seen_sha256": shown})
    assert gone.status_code == 400 and "đã được rút" in gone.content.decode()
    apology.refresh_from_db()
    assert apology.approved_at is None and apology.number is None


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"reason": "Chờ xác minh thực địa", "new_due_date": "17/10/2026"}, "new_due_date",
         "không phải ngày làm việc"),
        ({"reason": "   ", "new_due_date": "14/10/2026"}, "reason", "Trường này là bắt buộc"),
        ({"reason": "Chờ xác minh", "new_due_date": "05/10/2026"}, "new_due_date",
         "Ngày hẹn mới phải sau"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("form", ["draft", "edit"])
def test_a_refused_apology_form_comes_back_as_typed(
    dossier, officer, client_for, form, sent, field, message
):
    if form == "draft":
        url, prefix = f"/ho-so/{dossier.code}/xin-loi/", "apology"
    else:
        draft(dossier, officer, reason="Lý do cũ")
        url, prefix = f"/ho-so/{dossier.code}/xin-loi/sua/", "apology-edit"
    with in_era(ERA["day1"]):
        response = client_for(officer).post(
            url, {f"{prefix}-{name}": value for name, value in sent.items()}
        )
    assert response.status_code == 400
    page = response.content.decode()
    for name, value in sent.items():
        block = field_block(page, f"{prefix}-{name}")
        if name != "reason" or value.strip():
            assert typed_value(block) == value
        assert (message in block) == (name == field), block
    assert 'class="alert' not in page.split('data-testid="apology-')[0]  # no page message
    apology = getattr(Dossier.objects.get(pk=dossier.pk), "apology", None)
    assert apology is None if form == "draft" else apology.reason == "Lý do cũ"


def test_a_wrong_password_is_told_beside_the_password(dossier, personas, officer, client_for):
    apology = draft(dossier, officer)
    with in_era(ERA["day2"]):
        response = client_for(personas[Role.CHAIRMAN]).post(
            f"/ho-so/{dossier.code}/xin-loi/phe-duyet/",
            {"approve-password": "sai", "approve-seen_sha256": shown_sha256(apology)},
        )
    assert response.status_code == 400
    block = field_block(response.content.decode(), "approve-password")
    assert "Mật khẩu không đúng" in block
    apology.refresh_from_db()
    assert apology.approved_at is None


def test_only_the_issued_apology_moves_the_dates_the_desk_works_to(dossier, personas, officer):
    """A draft, edited or withdrawn, leaves the worklists and reminders on the
    appointment; the issued one puts them on its new date (R11)."""
    due, new_due = dossier.due_date, ERA["new_due"]
    after_due = due + timedelta(days=1)

    def followed() -> dict[str, bool]:
        lists = Dossier.objects.worklist
        return {
            "due_today on the appointment": dossier in lists("due_today", due, due),
            "overdue after it": dossier in lists("overdue", after_due, after_due),
            "due_today on the new date": dossier in lists("due_today", new_due, new_due),
        }

    on_the_appointment = {
        "due_today on the appointment": True,
        "overdue after it": True,
        "due_today on the new date": False,
    }
    apology = draft(dossier, officer)
    assert followed() == on_the_appointment
    with in_era(ERA["day1"]):
        dossier_services.apology_edit(
            apology=apology, user=officer, reason="Khác", new_due_date=new_due + timedelta(days=1)
        )
    assert followed() == on_the_appointment
    with in_era(ERA["day1"]):
        dossier_services.apology_withdraw(apology=apology, user=officer)
    assert followed() == on_the_appointment
    assert Dossier.objects.get(pk=dossier.pk).promised_date is None
    approve(draft(dossier, officer), personas[Role.CHAIRMAN])
    assert followed() == {
        "due_today on the appointment": False,
        "overdue after it": False,
        "due_today on the new date": True,
    }


def test_only_the_unit_at_fault_drafts_edits_and_withdraws(dossier, personas, officer):
    """R11: the unit of the step the dossier is at drafts form 04 (the desk for its
    own steps and for the leadership's); another unit is refused, told which unit
    may."""
    specialist, chairman = personas[Role.SPECIALIST], personas[Role.CHAIRMAN]
    with in_era(ERA["day1"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)  # now at TP-HT
        with pytest.raises(ValidationError) as refused:
            dossier_services.dossier_apologise(
                dossier=dossier, user=officer, reason="Chờ", new_due_date=ERA["new_due"]
            )
        assert "chỉ công chức, viên chức của Bộ phận TP-HT" in refused.value.messages[0]
    apology = draft(dossier, specialist)
    assert apology.drafted_by == specialist
    with in_era(ERA["day1"]):
        for user in (officer, chairman):
            with pytest.raises(ValidationError, match="Bộ phận TP-HT"):
                dossier_services.apology_edit(
                    apology=apology, user=user, reason="Khác", new_due_date=ERA["new_due"]
                )
            with pytest.raises(ValidationError, match="Bộ phận TP-HT"):
                dossier_services.apology_withdraw(apology=apology, user=user)
        # at the leadership's step the desk speaks for the ward: it edits, not TP-HT
        dossier_services.dossier_hand_on(dossier=dossier, user=specialist)
        with pytest.raises(ValidationError, match="Bộ phận BP-MC"):
            dossier_services.apology_edit(
                apology=apology, user=specialist, reason="Khác", new_due_date=ERA["new_due"]
            )
        dossier_services.apology_edit(
            apology=apology, user=officer, reason="Chờ ý kiến", new_due_date=ERA["new_due"]
        )
        dossier_services.apology_withdraw(apology=apology, user=officer)
    apology.refresh_from_db()
    assert apology.reason == "Chờ ý kiến" and apology.withdrawn_by == officer


def test_the_page_offers_the_draft_only_to_the_unit_at_fault(
    dossier, personas, officer, client_for
):
    specialist = personas[Role.SPECIALIST]
    with in_era(ERA["day1"]):
        dossier_services.dossier_hand_on(dossier=dossier, user=officer)  # now at TP-HT
        sent = {"apology-reason": "Chờ xác minh", "apology-new_due_date": "14/10/2026"}
        url = f"/ho-so/{dossier.code}/xin-loi/"
        page = client_for(officer).get(f"/ho-so/{dossier.code}/").content.decode()
        assert 'data-testid="apology-draft"' not in page
        refused = client_for(officer).post(url, sent)
        assert refused.status_code == 400
        assert "chỉ công chức, viên chức của Bộ phận TP-HT" in html.unescape(
            refused.content.decode()
        )
        assert typed_value(field_block(refused.content.decode(), "apology-reason")) == (
            "Chờ xác minh"
        )
        assert not Apology.objects.filter(dossier=dossier).exists()
        client = client_for(specialist)
        offered = client.get(f"/ho-so/{dossier.code}/").content.decode()
        assert 'data-testid="apology-draft"' in offered
        assert client.post(url, sent).status_code == 302
        page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert Apology.objects.get(dossier=dossier).drafted_by == specialist
    assert 'data-testid="apology-edit"' in page and 'data-testid="apology-withdraw"' in page
    page = client_for(officer).get(f"/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="apology-edit"' not in page and 'data-testid="apology-withdraw"' not in page


def test_the_heads_home_lists_the_drafts_waiting_for_their_signature(
    effective, dossier, personas, officer, client_for
):
    """A draft nobody notices runs out of time: the chairman's and the vice-chairmen's
    home page lists each draft they can still sign, with the day by which it must be
    issued, linked to the dossier's approval; issued and withdrawn ones are gone."""
    from tests.procedures.test_dossiers import receive

    waiting = draft(dossier, officer)
    withdrawn = draft(receive(effective.procedure, officer, ERA["received"]), officer)
    issued = draft(receive(effective.procedure, officer, ERA["received"]), officer)
    with in_era(ERA["day1"]):
        dossier_services.apology_withdraw(apology=withdrawn, user=officer)
    approve(issued, personas[Role.CHAIRMAN])
    for role in (Role.CHAIRMAN, Role.VICE_CHAIRMAN):
        with in_era(ERA["day1"]):
            page = client_for(personas[role]).get("/").content.decode()
        card = page.split('data-testid="apologies-to-issue"', 1)[1].split("</ul>", 1)[0]
        assert 'data-testid="apologies-to-issue-count">1<' in card, role
        rows = re.findall(r"<li[^>]*>(.*?)</li>", card, re.S)
        assert len(rows) == 1 and waiting.dossier.code in rows[0]
        assert f'href="/ho-so/{waiting.dossier.code}/#apology-approve"' in rows[0]
        assert effective.procedure.name in rows[0] and str(officer) in rows[0]
        # the appointment is on 08/10/2026: issued on the working day before at the latest
        assert "ban hành chậm nhất ngày 07/10/2026" in html.unescape(rows[0])
        assert withdrawn.dossier.code not in card and issued.dossier.code not in card
    opened = client_for(personas[Role.CHAIRMAN]).get(f"/ho-so/{waiting.dossier.code}/")
    assert 'id="apology-approve"' in opened.content.decode()
    for role in (Role.OFFICER, Role.ISO_SECRETARY, Role.SPECIALIST):
        page = client_for(personas[role]).get("/").content.decode()
        assert 'data-testid="apologies-to-issue"' not in page, role
