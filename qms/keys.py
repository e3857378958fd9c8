"""Signing keys: private keys live in a PKCS#11 token and never leave it.

The token is SoftHSM2 on developers' machines, in the tests and in CI, and the
agency's HSM (or its remote-signing service's PKCS#11 module) in production: the
administrator names the module, the token and its PIN in the environment
(`QMS_PKCS11_LIB`, `QMS_PKCS11_TOKEN`, `QMS_PKCS11_PIN`, README "Chữ ký số"). The
database holds only public material: each holder's certificate and its chain
(`SigningKey`), and what a signature was made with (`Signature`).

A holder is a signer (a `User`) or, for the forms the desk issues, the organisation
itself (`holder=None`, its seal). In the token a holder's key is found by its
CKA_ID, which `SigningKey.key_id` records.
"""

import datetime
import os
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from asn1crypto.core import Integer, OctetString
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import short_date

DEMO_CA_LABEL = "DEMO CA"
DEMO_CA_NAME = "DEMO CA – chỉ để thử, không có giá trị pháp lý"
ORGANISATION_LABEL = "organisation"
# The demo's certificates cover its records' history (seeded from 2020 on) and years
# ahead, whatever day seed_demo runs or pretends to run on.
DEMO_VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
DEMO_VALID_UNTIL = datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC)

_lock = threading.Lock()
_library = None


def _lib():
    import pkcs11

    global _library
    if _library is None:
        path = settings.SIGNING_PKCS11_LIB
        if not os.path.exists(path):
            raise ImproperlyConfigured(f"QMS_PKCS11_LIB: không có mô-đun PKCS#11 {path}.")
        _library = pkcs11.lib(path)
    return _library


@contextmanager
def token_session(*, rw: bool = False):
    """A logged-in session on the configured token. One at a time per process: a
    PKCS#11 module's login is shared by all the process's sessions."""
    import pkcs11

    with _lock:
        try:
            token = _lib().get_token(token_label=settings.SIGNING_TOKEN_LABEL)
        except (pkcs11.NoSuchToken, pkcs11.PKCS11Error) as error:
            raise ValidationError(
                _("The signing token %(label)s cannot be reached (%(error)s).")
                % {"label": settings.SIGNING_TOKEN_LABEL, "error": type(error).__name__}
            ) from None
        try:
            session = token.open(rw=rw, user_pin=settings.SIGNING_TOKEN_PIN)
        except pkcs11.PinIncorrect:
            raise ValidationError(
                _("The signing token refused its PIN: the administrator checks QMS_PKCS11_PIN.")
            ) from None
        try:
            yield session
        finally:
            session.close()


def _private_key(session, key_id: bytes):
    import pkcs11
    from pkcs11 import ObjectClass

    try:
        return session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
    except pkcs11.NoSuchKey:
        raise ValidationError(
            _("The signing key is not in the token: the administrator imports it again.")
        ) from None


def sign_with_key(session, key_id: bytes, data: bytes, key_type: str) -> bytes:
    """A signature over SHA-256(`data`) by the token's key `key_id`: ECDSA (DER) or
    RSA PKCS#1 v1.5, as X.509 and CMS write them."""
    from pkcs11 import Mechanism
    from pkcs11.util.ec import encode_ecdsa_signature

    key = _private_key(session, key_id)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    if key_type == "ec":
        return encode_ecdsa_signature(key.sign(digest.finalize(), mechanism=Mechanism.ECDSA))
    return key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)


def key_type(public_key) -> str:
    return "ec" if isinstance(public_key, ec.EllipticCurvePublicKey) else "rsa"


def generate_key(session, label: str) -> tuple[bytes, object]:
    """A new EC P-256 key pair made inside the token (not extractable): its CKA_ID
    and its public key."""
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    key_id = secrets.token_bytes(16)
    params = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
    )
    public, _private = params.generate_keypair(
        store=True,
        label=label,
        id=key_id,
        private_template={Attribute.EXTRACTABLE: False, Attribute.SENSITIVE: True},
    )
    return key_id, serialization.load_der_public_key(encode_ec_public_key(public))


def find_key(session, label: str) -> tuple[bytes, object] | None:
    """The token's public key labelled `label` (its CKA_ID, its key), if any."""
    from pkcs11 import Attribute, ObjectClass

    for public in session.get_objects(
        {Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.LABEL: label}
    ):
        key_id = public[Attribute.ID]
        return key_id, _public_key_of(session, public)
    return None


def _public_key_of(session, public):
    from pkcs11 import KeyType
    from pkcs11.util.ec import encode_ec_public_key
    from pkcs11.util.rsa import encode_rsa_public_key

    if public.key_type == KeyType.EC:
        return serialization.load_der_public_key(encode_ec_public_key(public))
    der = encode_rsa_public_key(public)
    return serialization.load_der_public_key(
        asn1_keys.PublicKeyInfo(
            {
                "algorithm": {"algorithm": "rsa"},
                "public_key": asn1_keys.RSAPublicKey.load(der),
            }
        ).dump()
    )


def store_certificate(session, key_id: bytes, label: str, certificate: x509.Certificate) -> None:
    """Writes `certificate` into the token beside its key (same CKA_ID), as signing
    software that reads the token expects."""
    from pkcs11 import Attribute, CertificateType, ObjectClass

    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.ID: key_id,
            Attribute.SUBJECT: certificate.subject.public_bytes(),
            Attribute.ISSUER: certificate.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: Integer(certificate.serial_number).dump(),
            Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
        }
    )


def import_private_key(session, label: str, private_key) -> bytes:
    """Writes a private key read from a PKCS#12 file into the token (sensitive, not
    extractable) and returns its CKA_ID; the caller drops its copy at once."""
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util.ec import encode_named_curve_parameters

    key_id = secrets.token_bytes(16)
    common = {
        Attribute.CLASS: ObjectClass.PRIVATE_KEY,
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.SIGN: True,
        Attribute.LABEL: label,
        Attribute.ID: key_id,
    }
    public_common = {
        Attribute.CLASS: ObjectClass.PUBLIC_KEY,
        Attribute.TOKEN: True,
        Attribute.VERIFY: True,
        Attribute.LABEL: label,
        Attribute.ID: key_id,
    }
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        curve = {"secp256r1": "secp256r1", "secp384r1": "secp384r1"}[private_key.curve.name]
        params = encode_named_curve_parameters(curve)
        point = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        value = private_key.private_numbers().private_value
        session.create_object(
            {
                **common,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: params,
                Attribute.VALUE: value.to_bytes((private_key.curve.key_size + 7) // 8, "big"),
            }
        )
        session.create_object(
            {
                **public_common,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: params,
                Attribute.EC_POINT: OctetString(point).dump(),
            }
        )
    elif isinstance(private_key, rsa.RSAPrivateKey):
        numbers = private_key.private_numbers()

        def raw(number: int) -> bytes:
            return number.to_bytes((number.bit_length() + 7) // 8, "big")

        session.create_object(
            {
                **common,
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.MODULUS: raw(numbers.public_numbers.n),
                Attribute.PUBLIC_EXPONENT: raw(numbers.public_numbers.e),
                Attribute.PRIVATE_EXPONENT: raw(numbers.d),
                Attribute.PRIME_1: raw(numbers.p),
                Attribute.PRIME_2: raw(numbers.q),
                Attribute.EXPONENT_1: raw(numbers.dmp1),
                Attribute.EXPONENT_2: raw(numbers.dmq1),
                Attribute.COEFFICIENT: raw(numbers.iqmp),
            }
        )
        session.create_object(
            {
                **public_common,
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.MODULUS: raw(numbers.public_numbers.n),
                Attribute.PUBLIC_EXPONENT: raw(numbers.public_numbers.e),
            }
        )
    else:
        raise ValidationError(_("Only RSA and EC keys can be imported."))
    return key_id


# -- certificates ------------------------------------------------------------------


def load_certificates(
    data: bytes, password: str | None = None
) -> tuple[list[x509.Certificate], object]:
    """The certificates (and a PKCS#12 file's private key, else None) of a PEM, DER
    or PKCS#12 file."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data), None
    try:
        return [x509.load_der_x509_certificate(data)], None
    except ValueError:
        pass
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except ValueError:
        raise ValidationError(
            _("The file is not a PEM, DER or PKCS#12 certificate, or its password is wrong.")
        ) from None
    return [c for c in [certificate, *extra] if c is not None], key


def pem(certificates: list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certificates)


def from_pem(text: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(text.encode()) if text else []


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else certificate.subject.rfc4514_string()


def check_usable(certificate: x509.Certificate, *, at: datetime.datetime | None = None) -> None:
    """Refuses a certificate that cannot sign now: expired, not yet valid, or whose
    key usage does not allow signatures (digitalSignature or nonRepudiation)."""
    at = at or timezone.now()
    name = common_name(certificate)
    if at < certificate.not_valid_before_utc:
        raise ValidationError(
            _("The certificate of %(name)s is not valid yet: it starts on %(day)s.")
            % {"name": name, "day": short_date(certificate.not_valid_before_utc)}
        )
    if at > certificate.not_valid_after_utc:
        raise ValidationError(
            _(
                "The certificate of %(name)s expired on %(day)s: the administrator "
                "imports a new one."
            )
            % {"name": name, "day": short_date(certificate.not_valid_after_utc)}
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not (usage.digital_signature or usage.content_commitment):
        raise ValidationError(
            _(
                "The certificate of %(name)s is not for signatures (its key usage does "
                "not allow it)."
            )
            % {"name": name}
        )


def chain_problems(
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    roots: list[x509.Certificate] | None = None,
) -> list[str]:
    """What is wrong with the path from `certificate` up through `chain` to a root
    the organisation trusts (`roots`, by default `trusted_roots()`): empty when
    every link verifies."""
    roots = trusted_roots() if roots is None else roots
    root_keys = {r.public_bytes(serialization.Encoding.DER) for r in roots}
    issuers = {c.subject.public_bytes(): c for c in [*chain, *roots]}
    current = certificate
    for _step in range(8):
        issuer = issuers.get(current.issuer.public_bytes())
        if issuer is None:
            return [_("the issuer of %(name)s is unknown") % {"name": common_name(current)}]
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, Exception):
            return [
                _("the certificate of %(name)s was not issued by %(issuer)s")
                % {"name": common_name(current), "issuer": common_name(issuer)}
            ]
        if issuer.subject == issuer.issuer:
            if issuer.public_bytes(serialization.Encoding.DER) not in root_keys:
                return [_("the root %(name)s is not trusted") % {"name": common_name(issuer)}]
            return []
        current = issuer
    return [_("the certificate chain is too long")]


def trusted_roots() -> list[x509.Certificate]:
    """The roots signatures are checked against: the PEM file QMS_TRUSTED_ROOTS
    names, and the roots imported with a chain (`SigningKey.chain`)."""
    from qms.models import SigningKey

    roots = []
    if settings.SIGNING_TRUSTED_ROOTS:
        with open(settings.SIGNING_TRUSTED_ROOTS, "rb") as file:
            roots += x509.load_pem_x509_certificates(file.read())
    for chain in SigningKey.objects.values_list("chain", flat=True):
        roots += [c for c in from_pem(chain) if c.subject == c.issuer]
    return roots


def verify_raw(certificate: x509.Certificate, signature: bytes, data: bytes) -> bool:
    public = certificate.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


# -- the demo CA ---------------------------------------------------------------------


@dataclass
class Issued:
    key_id: bytes
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def _name(common: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def _signed_by_token(
    session, builder: x509.CertificateBuilder, ca_key_id: bytes
) -> x509.Certificate:
    """`builder` signed by the token's CA key: cryptography signs only with keys it
    holds, so the certificate is built with a throwaway key of the same kind (the
    same signature algorithm in the TBS part) and its signature replaced by the
    token's."""
    throwaway = builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    tbs = throwaway.tbs_certificate_bytes
    signature = sign_with_key(session, ca_key_id, tbs, "ec")
    certificate = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs),
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature_value": signature,
        }
    )
    return x509.load_der_x509_certificate(certificate.dump())


def demo_ca(session) -> tuple[bytes, x509.Certificate]:
    """The demo CA of this token (made on first use): its key in the token, its
    certificate beside it. Clearly a demo: its name says it has no legal value."""
    from pkcs11 import Attribute, ObjectClass

    found = find_key(session, DEMO_CA_LABEL)
    if found:
        key_id, _public = found
        for obj in session.get_objects(
            {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: key_id}
        ):
            return key_id, x509.load_der_x509_certificate(obj[Attribute.VALUE])
    key_id, public = generate_key(session, DEMO_CA_LABEL)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(DEMO_CA_NAME))
        .issuer_name(_name(DEMO_CA_NAME))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(DEMO_VALID_FROM)
        .not_valid_after(DEMO_VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    certificate = _signed_by_token(session, builder, key_id)
    store_certificate(session, key_id, DEMO_CA_LABEL, certificate)
    return key_id, certificate


def issue_demo(
    session,
    *,
    label: str,
    name: str,
    organisation: str,
    valid_from=None,
    valid_until=None,
    key_usage: str = "signature",
) -> Issued:
    """A demo certificate for the holder labelled `label` (its key made in the token
    the first time), issued by the demo CA."""
    ca_id, ca = demo_ca(session)
    found = find_key(session, label)
    key_id, public = found or generate_key(session, label)
    signing = key_usage == "signature"
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation))
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or DEMO_VALID_FROM)
        .not_valid_after(valid_until or DEMO_VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=signing,
                content_commitment=signing,
                key_encipherment=not signing,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False
        )
    )
    certificate = _signed_by_token(session, builder, ca_id)
    store_certificate(session, key_id, label, certificate)
    return Issued(key_id=key_id, certificate=certificate, chain=[ca])


def init_softhsm_token(directory, *, label: str, pin: str) -> str:
    """A SoftHSM2 token labelled `label` in `directory` (made once; the path of its
    configuration file, for SOFTHSM2_CONF): the developers' machines, the tests and
    CI sign with it. Never a production token: that is the agency's HSM."""
    import subprocess
    from pathlib import Path

    directory = Path(directory)
    (directory / "tokens").mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    if not conf.exists():
        conf.write_text(
            f"directories.tokendir = {directory / 'tokens'}\n"
            "objectstore.backend = file\nlog.level = ERROR\n"
        )
    environment = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    listed = subprocess.run(
        ["softhsm2-util", "--show-slots"], env=environment, capture_output=True, text=True
    ).stdout
    labels = {line.split(":", 1)[1].strip() for line in listed.splitlines() if "Label:" in line}
    if label not in labels:
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                pin,
                "--so-pin",
                secrets.token_hex(8),
            ],
            env=environment,
            check=True,
            capture_output=True,
        )
    return str(conf)
