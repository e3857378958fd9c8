"""Retention (ISO 9001:2015 7.5.3): nothing is disposed of before its date, a
disposal list is approved by the chairman's signature, and a disposed record leaves
its trace."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from governance import services
from governance.models import DisposalItem, DisposalList, RecordKind, RetentionRule
from procedures import dossier_services
from procedures.models import Dossier
from qms.signatures import SignedRecordError
from qms.signing import chairman_approve
from tests.factories import PASSWORD, page_sha256


@pytest.fixture
def closed_dossier(effective, personas, officer):
    """A dossier received and stopped on 06/03/2023: with the schedule's five
    years, it may be disposed of from 01/01/2029."""
    with time_machine.travel("2023-03-06 09:00 +07:00", tick=False):
        dossier = dossier_services.dossier_receive(
            procedure=effective.procedure,
            user=officer,
            applicant_name="Trần Thị Riêng",
            applicant_phone="0912345678",
            applicant_address="12 Lạch Tray",
            channel="direct",
        )
        Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.WITHDRAWN)
    return dossier


@pytest.fixture
def officer(personas):
    from qms.roles import Role

    return personas[Role.OFFICER]


def approve(disposal, chairman):
    return chairman_approve(
        record=disposal, user=chairman, password=PASSWORD, seen_sha256=page_sha256(disposal)
    )


def test_the_schedule_gives_each_kind_its_years(db):
    assert set(RetentionRule.objects.values_list("kind", flat=True)) == set(RecordKind.values)
    rule = RetentionRule.objects.get(kind=RecordKind.DOSSIER)
    assert rule.disposable_from(date(2023, 3, 6)) == date(2023 + rule.years + 1, 1, 1)


def test_a_list_holds_only_records_whose_date_has_come(closed_dossier, secretary):
    with pytest.raises(ValidationError, match="Chưa có hồ sơ"):
        services.disposal_propose(kind=RecordKind.DOSSIER, user=secretary, day=date(2028, 12, 31))
    disposal = services.disposal_propose(
        kind=RecordKind.DOSSIER, user=secretary, day=date(2029, 1, 1)
    )
    item = disposal.items.get()
    assert (item.object_id, item.disposable_from) == (closed_dossier.pk, date(2029, 1, 1))


def test_nothing_is_disposed_of_before_its_date(closed_dossier, secretary, chairman):
    disposal = services.disposal_propose(
        kind=RecordKind.DOSSIER, user=secretary, day=date(2029, 1, 1)
    )
    # the database refuses a disposal dated before the record's date
    item = disposal.items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DisposalItem.objects.filter(pk=item.pk).update(disposed_on=date(2028, 12, 31))
    with time_machine.travel("2029-01-02 10:00 +07:00", tick=False):
        # not approved yet
        with pytest.raises(ValidationError, match="chưa phê duyệt"):
            services.disposal_execute(disposal=disposal, user=secretary)
        approve(disposal, chairman)
        # the schedule lengthened since the proposal holds the record back
        RetentionRule.objects.filter(kind=RecordKind.DOSSIER).update(years=10)
        with pytest.raises(ValidationError, match="01/01/2034"):
            services.disposal_execute(disposal=disposal, user=secretary)
    # nor before the list's own date, whatever the schedule says
    RetentionRule.objects.filter(kind=RecordKind.DOSSIER).update(years=1)
    with (
        time_machine.travel("2028-12-31 10:00 +07:00", tick=False),
        pytest.raises(ValidationError, match="01/01/2029"),
    ):
        services.disposal_execute(disposal=disposal, user=secretary)
    closed_dossier.refresh_from_db()
    assert closed_dossier.applicant_name == "Trần Thị Riêng"
    assert not DisposalItem.objects.filter(disposed_on__isnull=False).exists()


def test_a_disposal_leaves_its_trace(closed_dossier, secretary, chairman):
    disposal = services.disposal_propose(
        kind=RecordKind.DOSSIER, user=secretary, day=date(2029, 1, 1), reason="Hết hạn"
    )
    approve(disposal, chairman)
    with time_machine.travel("2029-01-03 10:00 +07:00", tick=False):
        assert services.disposal_execute(disposal=disposal, user=secretary) == 1
    item = DisposalItem.objects.get(disposal_list=disposal)
    # what, when, by whom, by whose decision
    assert item.label == f"Hồ sơ {closed_dossier.code}"
    assert (item.disposed_on, item.disposed_by) == (date(2029, 1, 3), secretary)
    assert disposal.approval.signer == chairman
    assert disposal.approval.matches()  # the trace keeps the content signed
    # the citizen's data is gone from the dossier and its history; the row stays
    closed_dossier.refresh_from_db()
    assert closed_dossier.code and closed_dossier.applicant_name == "—"
    assert closed_dossier.applicant_phone == closed_dossier.applicant_address == ""
    erased = Dossier.history.filter(id=closed_dossier.pk).latest("history_id")
    assert (erased.history_user, erased.applicant_phone) == (secretary, "")
    assert erased.history_change_reason == f"Hủy theo danh sách số {disposal.number}"
    with pytest.raises(ValidationError, match="đã được thực hiện"):
        services.disposal_execute(disposal=disposal, user=secretary)
    # the approved list is frozen
    with pytest.raises(SignedRecordError):
        DisposalList.objects.filter(pk=disposal.pk).delete()


def test_the_chairman_approves_on_the_page_and_others_cannot(
    closed_dossier, secretary, chairman, client_for
):
    disposal = services.disposal_propose(
        kind=RecordKind.DOSSIER, user=secretary, day=date(2029, 1, 1)
    )
    url = reverse("governance:disposal_approve", args=[disposal.pk])
    assert client_for(secretary).post(url, {"password": PASSWORD}).status_code == 403
    response = client_for(chairman).post(
        url, {"password": PASSWORD, "seen_sha256": page_sha256(disposal)}, follow=True
    )
    assert "Danh sách hủy đã được phê duyệt" in response.content.decode()
    assert disposal.approval.signer == chairman
