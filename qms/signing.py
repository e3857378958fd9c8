"""Signing: the writes that put a signature on a record. A core module (other apps
sign their records through it), so it imports none of them."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.models import ApprovedRecord, Signature, User
from qms.roles import Role
from qms.signatures import content_hash


@transaction.atomic
def signature_sign(
    *, record, user: User, password: str, roles: Iterable[Role], meaning: str
) -> Signature:
    """Sign `record` after re-checking the signer's password and role.

    The signer signs in the first of `roles` they hold; the hash covers
    `record.signed_content()` as it is now.
    """
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    role = next((role for role in roles if user.has_role(role)), None)
    if role is None:
        raise ValidationError(
            _("Only %(roles)s can sign this.")
            % {"roles": ", ".join(str(role.label) for role in roles)}
        )
    return Signature.objects.create(
        record=record,
        signer=user,
        role=role,
        meaning=meaning,
        signed_at=timezone.now(),
        content_sha256=content_hash(record.signed_content()),
    )


@transaction.atomic
def chairman_approve(*, record: ApprovedRecord, user: User, password: str) -> ApprovedRecord:
    """The chairman approves `record` (the audit programme, a quality objective) by
    signing it, once; it is frozen from then on."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    refuse_if_approved(record)
    record.approved_at = timezone.now()
    record._history_user = user
    record.save(update_fields=["approved_at"])
    signature_sign(
        record=record,
        user=user,
        password=password,
        roles=(Role.CHAIRMAN,),
        meaning=Signature.Meaning.APPROVED,
    )
    return record


def refuse_if_approved(record: ApprovedRecord) -> None:
    if record.approval:
        raise ValidationError(_("%(record)s is already approved.") % {"record": record})
