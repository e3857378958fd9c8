"""Signing: the writes that put a signature on a record. A core module (other apps
sign their records through it), so it imports none of them."""

import base64
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms import keys
from qms.history import track
from qms.models import ApprovedRecord, Organisation, Signature, SigningKey, User
from qms.roles import Role
from qms.signatures import content_hash


def shown_sha256(record) -> str:
    """The hash of `record`'s content as its sign form shows it: the signed content
    without what signing fills in itself (`record.FILLED_AT_SIGNING`: the decision
    typed into the approval form, the day an audit's report is signed, a review's
    inputs compiled at signing). Every sign form carries it, and `signature_sign`
    refuses to sign unless the record still hashes to it."""
    content = record.signed_content()
    for name in record.FILLED_AT_SIGNING:
        del content[name]
    return content_hash(content)


@transaction.atomic
def signature_sign(
    *, record, user: User, password: str, roles: Iterable[Role], meaning: str, seen_sha256: str
) -> Signature:
    """Sign `record` after re-checking the signer's password and role, and that its
    content is still the one the signer was shown (`seen_sha256`, the hash their
    sign form carried): otherwise the signature would vouch for what someone changed
    after the page was opened. The caller holds the record's row lock, so nothing
    changes between this check and the commit.

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
    if seen_sha256 != shown_sha256(record):
        raise ValidationError(
            _("%(record)s changed after you opened it: read it again before signing.")
            % {"record": record},
            code="stale",
        )
    content = record.signed_content()
    signature = Signature(
        record=record,
        signer=user,
        role=role,
        meaning=meaning,
        signed_at=timezone.now(),
        content_sha256=content_hash(content),
    )
    digitally_sign([(signature, content)])
    signature.save()
    return signature


def digitally_sign(signatures: Iterable[tuple[Signature, dict]]) -> None:
    """Fills in each unsaved `Signature` the digital signature of its record's
    `content` by its signer's key in the token, and the certificate and chain it was
    made with (refused when a signer's certificate cannot sign now). Many at once
    share one token session (the demo's signatures made in bulk)."""
    signatures = list(signatures)
    keys_by_signer: dict[int, SigningKey] = {}
    for signature, _content in signatures:
        if signature.signer_id not in keys_by_signer:
            keys_by_signer[signature.signer_id] = signing_key(signature.signer)
    with keys.token_session() as session:
        for signature, content in signatures:
            key = keys_by_signer[signature.signer_id]
            value = keys.sign_with_key(
                session, bytes.fromhex(key.key_id), signature.signed_payload(content), key.key_type
            )
            signature.signature_value = base64.b64encode(value).decode("ascii")
            signature.certificate, signature.chain = key.certificate, key.chain


def token_label(holder: User | None) -> str:
    """The label of a holder's key in the token."""
    return f"signer:{holder.username}" if holder else keys.ORGANISATION_LABEL


def signing_key(holder: User | None) -> SigningKey:
    """The certificate `holder` (a signer, or None for the organisation's seal) signs
    with now, refused with the reason when it cannot sign: none imported, expired,
    not yet valid, or not for signatures."""
    key = SigningKey.current(holder)
    if key is None and settings.SIGNING_DEMO_ENROL:
        key = enrol_demo(holder)
    if key is None:
        raise ValidationError(
            _(
                "%(holder)s has no signing certificate yet: the administrator imports it "
                "into the token (manage.py import_certificate)."
            )
            % {"holder": holder or _("The organisation")}
        )
    keys.check_usable(key.cert)
    return key


def holder_name(holder: User | None) -> str:
    if holder is not None:
        return holder.get_full_name()
    organisation = Organisation.objects.filter(pk=Organisation.SINGLETON_PK).first()
    identity = organisation.identities.order_by("valid_from").last() if organisation else None
    return identity.name if identity else _("The organisation")


def enrol_demo(holder: User | None, **validity) -> SigningKey:
    """A certificate from the token's demo CA for `holder` (its key made in the
    token the first time): for seed_demo and the tests, never for real signers."""
    organisation = holder_name(None)
    with keys.token_session(rw=True) as session:
        issued = keys.issue_demo(
            session,
            label=token_label(holder),
            name=holder_name(holder),
            organisation="" if holder is None else organisation,
            **validity,
        )
    return key_record(holder, issued.key_id, issued.certificate, issued.chain)


def key_record(holder: User | None, key_id: bytes, certificate, chain) -> SigningKey:
    return SigningKey.objects.create(
        holder=holder,
        key_id=key_id.hex(),
        certificate=keys.pem([certificate]),
        chain=keys.pem(chain),
        subject=keys.common_name(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


@transaction.atomic
def chairman_approve(
    *, record: ApprovedRecord, user: User, password: str, seen_sha256: str
) -> ApprovedRecord:
    """The chairman approves `record` (the audit programme, a quality objective) by
    signing the content they were shown, once; it is frozen from then on."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    refuse_if_approved(record)
    record.approved_at = timezone.now()
    track(record, user)
    record.save(update_fields=["approved_at"])
    signature_sign(
        record=record,
        user=user,
        password=password,
        roles=(Role.CHAIRMAN,),
        meaning=Signature.Meaning.APPROVED,
        seen_sha256=seen_sha256,
    )
    return record


def refuse_if_approved(record: ApprovedRecord) -> None:
    if record.approval:
        raise ValidationError(_("%(record)s is already approved.") % {"record": record})
