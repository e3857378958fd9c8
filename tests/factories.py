import io
from datetime import date

import factory
from django.contrib.auth.models import Group
from PIL import Image
from pypdf import PdfWriter

from governance.models import TrainingRecord
from qms.management.commands.seed_demo import IDENTITIES
from qms.models import Organisation, OrganisationIdentity, Unit, User
from qms.roles import Role
from qms.signing import shown_sha256

PASSWORD = "test-pass-123"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("id",)
        skip_postgeneration_save = True

    id = Organisation.SINGLETON_PK
    code = "PAD"

    @factory.post_generation
    def identities(self, create, extracted, **kwargs):
        if create:
            # the demo's two identities (R9): before and from 1/7/2025
            for valid_from, identity in (extracted or IDENTITIES).items():
                OrganisationIdentity.objects.get_or_create(
                    organisation=self, valid_from=valid_from, defaults=identity
                )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U-{n:02d}")
    name = factory.LazyAttribute(lambda unit: f"Bộ phận {unit.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, role, **kwargs):
        if create and role:
            self.groups.add(Group.objects.get(name=role))
        if create and role == Role.AUDITOR:
            qualify_auditor(self)


def qualify_auditor(user, certificate: str = "", **fields):
    """The internal-auditor course that lets `user` be planned on an audit."""
    return TrainingRecord.objects.get_or_create(
        person=user,
        kind=TrainingRecord.Kind.INTERNAL_AUDITOR,
        defaults={
            "title": "Đánh giá viên nội bộ TCVN ISO 9001:2015",
            "completed_on": date(2000, 1, 1),
            "certificate_number": certificate or f"ĐGNB-{user.username}",
            **fields,
        },
    )[0]


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.Procedure"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"QT-TEST-{n:02d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = "civil_status"
    unit = factory.SubFactory(UnitFactory, code="TP-HT")
    legal_basis = "Luật Hộ tịch 2014"
    result_document = "Trích lục"


def page_sha256(record) -> str:
    """The content hash the sign form of `record`'s page carries: taken, as the page
    does, from the record as stored."""
    return shown_sha256(type(record).objects.get(pk=record.pk))


def three_day_steps() -> list[dict]:
    """Steps of a 3-working-day procedure run by the desk and TP-HT."""
    desk = UnitFactory(code="BP-MC", is_one_stop_desk=True)
    return [
        {"name": "Tiếp nhận hồ sơ", "unit": desk, "role": "officer", "allotment": "0.5"},
        {
            "name": "Thẩm định hồ sơ",
            "unit": UnitFactory(code="TP-HT"),
            "role": "specialist",
            "allotment": "2",
        },
        {"name": "Ký duyệt", "unit": None, "role": "chairman", "allotment": "0.5"},
    ]


def issue_revision(
    procedure,
    *,
    secretary,
    approver=None,
    steps=None,
    effective_from=None,
    limit_amount=3,
    components=None,
    **content,
):
    """A revision taken through the real lifecycle: drafted, submitted and, when an
    approver is given, approved (signed with PASSWORD) from `effective_from`."""
    from datetime import date

    from procedures import services

    revision = services.revision_draft(procedure=procedure, user=secretary)
    revision.purpose = content.get("purpose", "Mục đích")
    revision.scope = content.get("scope", "Phạm vi")
    revision.references = content.get("references", "Tài liệu viện dẫn")
    revision.change_summary = content.get("change_summary", "")
    revision.limit_unit = content.get("limit_unit", "days")
    revision.limit_amount = limit_amount
    services.revision_update(
        revision=revision,
        steps=steps if steps is not None else three_day_steps(),
        records=[{"name": "Sổ hộ tịch", "keeper": "TP-HT", "retention": "Vĩnh viễn"}],
        components=components,
        user=secretary,
        reason="Soạn thảo",
    )
    services.revision_submit(revision=revision, user=secretary)
    if approver:
        services.revision_approve(
            revision=revision,
            seen_sha256=page_sha256(revision),
            user=approver,
            password=PASSWORD,
            decision_number=f"{revision.number}/QĐ-UBND",
            decision_date=effective_from or date(2023, 1, 1),
            effective_from=effective_from or date(2023, 1, 1),
        )
    revision.refresh_from_db()
    return revision


def sign_review(review, *, chairman):
    """The minutes signed by the meeting's secretary, then approved by `chairman`, in
    the order `review_sign` takes them (with PASSWORD)."""
    from qms.oversight import services

    for user in (review.secretary, chairman):
        services.review_sign(
            review=review, user=user, password=PASSWORD, seen_sha256=page_sha256(review)
        )
    review.refresh_from_db()
    return review


def approve_plan(audit, secretary):
    """`audit`'s plan approved by the ISO secretary, as an audit needs before it starts;
    a plan without a timetable gets the opening meeting as its one row."""
    from datetime import time

    from audits import services
    from audits.models import TimetableRow

    if not audit.timetable.exists():
        TimetableRow.objects.create(
            audit=audit, day=audit.planned_start, start=time(8), auditor=audit.lead_auditor
        )
    return services.audit_plan_approve(audit=audit, user=secretary)


def pdf_bytes() -> bytes:
    """A one-page PDF: an upload must open as the kind it claims to be."""
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str) -> bytes:
    """A small image in Pillow's format `kind` ("PNG", "JPEG")."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, kind)
    return buffer.getvalue()
