"""A signature signs what the signer was shown. Every sign form carries the hash of
the content its page shows; when the record changed after the page was opened, or
the form carries no hash, nothing is signed and the page shows the record as it is
now, with its new hash."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits import services as audit_services
from audits.models import Audit, Programme
from procedures import services as procedure_services
from procedures.models import ProcedureRevision
from qms.models import ManagementReview, Objective, User
from qms.oversight import services
from qms.signatures import content_hash
from qms.signing import shown_sha256
from tests.factories import PASSWORD, issue_revision

SEEN = re.compile(r'name="seen_sha256" value="([0-9a-f]{64})"')
STALE = "đã thay đổi sau khi bạn mở trang: hãy đọc lại nội dung trước khi ký"
NO_HASH = "Biểu mẫu không cho biết bạn đã đọc nội dung nào"


@dataclass
class Signing:
    record: object
    signer: User
    page: str  # where the signer reads the record and finds the sign form
    sign: str  # where the form is posted
    change: Callable[[], None]  # what someone else changes once the page is open
    changed: str  # how the page shows that change
    data: dict  # what the form asks besides the password and the hash


def an_objective(request) -> Signing:
    chairman = request.getfixturevalue("chairman")
    objective = Objective.objects.create(
        year=2023, title="Đúng hạn 100%", measure="on_time_rate", comparison="gte", target=100
    )

    def change():  # the ISO secretary lowers the target in the admin
        objective.title, objective.target = "Đúng hạn 90%", 90
        objective.save()

    return Signing(
        objective,
        chairman,
        reverse("qms:objectives", args=[2023]),
        reverse("qms:objective_approve", args=[objective.pk]),
        change,
        "Đúng hạn 90%",
        {},
    )


def a_programme(request) -> Signing:
    chairman = request.getfixturevalue("chairman")
    programme = Programme.objects.create(year=2024, scope="Tháng 11: toàn hệ thống")

    def change():
        programme.scope = "Tháng 11: chỉ Bộ phận Một cửa"
        programme.save()

    url = reverse("audits:programme", args=[2024])
    return Signing(
        programme,
        chairman,
        url,
        url,
        change,
        "Tháng 11: chỉ Bộ phận Một cửa",
        {},
    )


def a_review(request) -> Signing:
    secretary, chairman = (request.getfixturevalue(name) for name in ("secretary", "chairman"))
    review = services.review_save(
        review=ManagementReview(
            held_on=date(2023, 7, 10),
            period_start=date(2023, 1, 1),
            period_end=date(2023, 6, 30),
            chair=chairman,
            secretary=secretary,
            participants="Lãnh đạo",
        ),
        user=secretary,
    )

    def change():
        stored = ManagementReview.objects.get(pk=review.pk)
        stored.conclusion = "Hệ thống không còn phù hợp"
        services.review_save(review=stored, user=secretary)

    return Signing(
        review,
        secretary,  # hers is the first signature
        reverse("qms:review_detail", args=[review.pk]),
        reverse("qms:review_sign", args=[review.pk]),
        change,
        "Hệ thống không còn phù hợp",
        {},
    )


def an_audit_report(request) -> Signing:
    started, lead, colleague = (
        request.getfixturevalue(name) for name in ("started", "lead", "colleague")
    )
    for item in started.items.all():
        audit_services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    audit_services.report_save(audit=started, user=lead, conclusion="HTQLCL phù hợp")

    def change():  # a team member adds a finding
        audit_services.finding_add(
            audit=started,
            user=colleague,
            clause_number="8.5.1",
            description="Thiếu phiếu kiểm soát",
            requirement="Thông tư 01/2018/TT-VPCP, mẫu 05",
            severity="minor",
            unit=started.units.get(),
        )

    return Signing(
        started,
        lead,
        reverse("audits:detail", args=[started.pk]),
        reverse("audits:report_sign", args=[started.pk]),
        change,
        "Thiếu phiếu kiểm soát",
        {},
    )


def a_revision(request) -> Signing:
    effective, secretary = (request.getfixturevalue(name) for name in ("effective", "secretary"))
    second = issue_revision(effective.procedure, secretary=secretary)

    def change():
        stored = ProcedureRevision.objects.get(pk=second.pk)
        stored.scope = "Chỉ áp dụng tại Bộ phận Một cửa"
        procedure_services.revision_update(
            revision=stored,
            steps=[step.content() | {"unit": step.unit} for step in stored.steps.all()],
            records=[record.content() for record in stored.records.all()],
            user=secretary,
            reason="Sửa phạm vi",
        )
        procedure_services.revision_submit(revision=stored, user=secretary)

    return Signing(
        second,
        request.getfixturevalue("chairman"),
        reverse("procedures:revision_detail", args=[second.pk]),
        reverse("procedures:revision_approve", args=[second.pk]),
        change,
        "Chỉ áp dụng tại Bộ phận Một cửa",
        {
            "decision_number": "2/QĐ-UBND",
            "decision_date": "02/01/2024",
            "effective_from": "02/01/2024",
        },
    )


@pytest.fixture(params=[an_objective, a_programme, a_review, an_audit_report, a_revision])
def signing(request, db) -> Signing:
    return request.param(request)


def seen_on(response) -> str:
    (sha256,) = SEEN.findall(response.content.decode())
    return sha256


def signatures(record):
    return type(record).objects.get(pk=record.pk).signatures.all()


def test_a_record_changed_after_the_page_was_opened_is_not_signed(signing, client_for):
    client = client_for(signing.signer)
    seen = seen_on(client.get(signing.page))
    signing.change()
    sent = signing.data | {"password": PASSWORD, "seen_sha256": seen}
    response = client.post(signing.sign, sent, follow=True)
    assert STALE in response.content.decode()
    assert not signatures(signing.record).exists()

    # the page shows the record as it is now; signing that content is accepted
    assert signing.changed in response.content.decode()
    shown = seen_on(response)
    assert shown != seen
    client.post(signing.sign, sent | {"seen_sha256": shown})
    (signature,) = signatures(signing.record)
    record = type(signing.record).objects.get(pk=signing.record.pk)
    assert signature.signer == signing.signer
    assert signature.content_sha256 == content_hash(record.signed_content())


def test_a_form_without_the_hash_signs_nothing(signing, client_for):
    client = client_for(signing.signer)
    response = client.post(signing.sign, signing.data | {"password": PASSWORD}, follow=True)
    assert NO_HASH in response.content.decode()
    assert not signatures(signing.record).exists()
    stale = {"password": PASSWORD, "seen_sha256": "0" * 64}
    response = client.post(signing.sign, signing.data | stale, follow=True)
    assert STALE in response.content.decode()
    assert not signatures(signing.record).exists()


def test_the_services_refuse_a_missing_or_stale_hash(started, lead):
    """Commands sign through the services, which check the hash themselves."""
    for item in started.items.all():
        audit_services.checklist_answer(
            item=item, user=lead, result="conforming", evidence="Đã xem hồ sơ"
        )
    audit_services.report_save(audit=started, user=lead, conclusion="HTQLCL phù hợp")
    for seen in ("", "0" * 64):
        with pytest.raises(ValidationError, match=STALE):
            audit_services.report_sign(
                audit=started, user=lead, password=PASSWORD, seen_sha256=seen
            )
    assert Audit.objects.get(pk=started.pk).status == Audit.Status.IN_PROGRESS
    assert not started.signatures.exists()


def test_each_objective_row_carries_its_own_hash(chairman, client_for):
    objectives = [
        Objective.objects.create(
            year=2023, title=title, measure=measure, comparison="gte", target=90
        )
        for title, measure in (("Đúng hạn", "on_time_rate"), ("Hài lòng", "satisfaction_rate"))
    ]
    page = client_for(chairman).get(reverse("qms:objectives", args=[2023])).content.decode()
    assert SEEN.findall(page) == [shown_sha256(objective) for objective in objectives]
    assert all(f'id="seen_sha256-{objective.pk}"' in page for objective in objectives)
