"""Digital signatures: record signatures made with the signer's key in the PKCS#11
token (SoftHSM2 here, tests/conftest.py), verified with certificate and chain by
`verify_signatures`; signed PDFs checked by poppler's pdfsig and by pyHanko."""

import subprocess
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from qms import keys, signing
from qms.history import freeze_history_tables, thaw_history_tables
from qms.models import ManagementReview, Objective, Signature, SigningKey
from qms.oversight import services
from qms.oversight.pdf import review_minutes_pdf
from qms.pdfsign import sign_pdf, verify_pdf
from qms.signatures import content_hash
from tests.factories import PASSWORD, page_sha256, sign_review


def verify() -> str:
    out = StringIO()
    call_command("verify_signatures", stdout=out)
    return out.getvalue()


def approve(chairman, title="100% đúng hạn", target=100):
    record = Objective.objects.create(
        year=2023, title=title, measure="on_time_rate", comparison="gte", target=target
    )
    return signing.chairman_approve(
        record=record, user=chairman, password=PASSWORD, seen_sha256=page_sha256(record)
    )


@pytest.fixture
def review(chairman, secretary):
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
    return sign_review(review, chairman=chairman)


def test_a_signature_is_made_by_the_signers_key_and_verifies(chairman):
    approval = approve(chairman).approval
    assert approval.is_digital and "BEGIN CERTIFICATE" in approval.certificate
    certificate = keys.from_pem(approval.certificate)[0]
    assert keys.common_name(certificate) == chairman.get_full_name()
    assert approval.problems() == []
    assert "1 chữ ký: tất cả khớp" in verify()
    # the private key stays in the token: the database holds public material only
    assert "PRIVATE KEY" not in approval.certificate + approval.chain
    assert not SigningKey.objects.filter(certificate__contains="PRIVATE").exists()


def test_a_changed_record_with_its_hash_recomputed_is_reported(chairman):
    """Whoever owns the database drops the triggers, changes a signed record and
    stores the hash of the new content: the digital signature gives it away."""
    objective = approve(chairman)
    approve(chairman, title="Không đổi", target=95)
    thaw_history_tables(None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE qms_objective SET target = 90 WHERE id = %s", [objective.pk])
            objective.refresh_from_db()
            cursor.execute(
                "UPDATE qms_signature SET content_sha256 = %s WHERE id = %s",
                [content_hash(objective.signed_content()), objective.approval.pk],
            )
        out = StringIO()
        with pytest.raises(CommandError, match="1 vấn đề trên 2 chữ ký"):
            call_command("verify_signatures", stdout=out)
    finally:
        freeze_history_tables(None)
    report = out.getvalue()
    assert objective.title in report and "Không đổi" not in report
    assert "chữ ký số không khớp với chứng thư" in report


def test_the_signature_table_refuses_update_and_delete(chairman):
    approval = approve(chairman).approval
    for sql in (
        "UPDATE qms_signature SET content_sha256 = 'x' WHERE id = %s",
        "DELETE FROM qms_signature WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [approval.pk])
    assert Signature.objects.get(pk=approval.pk).content_sha256 == approval.content_sha256


def test_signatures_from_before_digital_signatures_stay_readable(chairman):
    objective = Objective.objects.create(
        year=2022, title="Cũ", measure="on_time_rate", comparison="gte", target=100
    )
    Signature.objects.create(
        record=objective,
        signer=chairman,
        role="chairman",
        meaning=Signature.Meaning.APPROVED,
        signed_at=datetime(2022, 1, 5, tzinfo=UTC),
        content_sha256=content_hash(objective.signed_content()),
    )
    report = verify()
    assert "1 chữ ký chỉ có mã băm, trước khi có chữ ký số" in report
    assert "1 chữ ký: tất cả khớp" in report


@pytest.mark.parametrize(
    ("validity", "message"),
    [
        ({"valid_until": datetime(2021, 1, 1, tzinfo=UTC)}, "đã hết hạn"),
        (
            {
                "valid_from": datetime(2099, 1, 1, tzinfo=UTC),
                "valid_until": datetime(2100, 1, 1, tzinfo=UTC),
            },
            "chưa có hiệu lực",
        ),
        ({"key_usage": "encipherment"}, "không dùng để ký"),
    ],
)
def test_a_certificate_that_cannot_sign_is_refused(chairman, validity, message):
    signing.enrol_demo(chairman, **validity)
    record = Objective.objects.create(
        year=2023, title="Từ chối", measure="on_time_rate", comparison="gte", target=100
    )
    with pytest.raises(ValidationError, match=message):
        signing.chairman_approve(
            record=record, user=chairman, password=PASSWORD, seen_sha256=page_sha256(record)
        )
    assert not Signature.objects.exists()


def test_an_untrusted_certificate_is_reported(chairman, settings, tmp_path):
    """A certificate whose root is not trusted (here: the trusted roots name only
    another CA) fails the chain check."""
    approve(chairman)
    other = ec.generate_private_key(ec.SECP256R1())
    from cryptography import x509

    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "Khác")])
    root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(other.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .sign(other, hashes.SHA256())
    )
    path = tmp_path / "roots.pem"
    path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    settings.SIGNING_TRUSTED_ROOTS = str(path)
    SigningKey.objects.update(chain="")  # the imported chains no longer vouch for it
    with pytest.raises(CommandError):
        call_command("verify_signatures", stdout=StringIO())


def pdfsig(path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_signed_minutes_verify_with_pdfsig_and_pyhanko_until_a_byte_changes(
    review, chairman, secretary, tmp_path
):
    pdf = review_minutes_pdf(review)
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    out = pdfsig(path)
    assert out.count("Signature is Valid.") == 2, out
    assert f"Signer Certificate Common Name: {secretary.get_full_name()}" in out
    assert f"Signer Certificate Common Name: {chairman.get_full_name()}" in out
    assert "Signature Type: ETSI.CAdES.detached" in out
    reports = verify_pdf(pdf)
    assert [r.signer for r in reports] == [secretary.get_full_name(), chairman.get_full_name()]
    assert all(r.valid for r in reports) and reports[-1].covers_whole
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    # the visible signatures stand in the minutes' own signature blocks
    assert f"Ký số bởi: {secretary.get_full_name()}" in text
    assert f"Ký số bởi: {chairman.get_full_name()}" in text

    command_out = StringIO()
    call_command("verify_pdf", str(path), stdout=command_out)
    assert f"{chairman.get_full_name()}" in command_out.getvalue()
    assert "toàn vẹn: có" in command_out.getvalue()

    # one byte of the first signature's signed range changed
    data = bytearray(pdf)
    at = data.index(b"/Title") + 8
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    out = pdfsig(path)
    assert "Signature is Valid." not in out.split("Signature #2")[0], out
    assert not all(r.intact for r in verify_pdf(bytes(data)))
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("verify_pdf", str(path), stdout=StringIO())


def test_a_pdf_signed_by_the_organisation_seal(organisation, tmp_path):
    from qms.pdf import build_pdf, paragraph

    pdf = sign_pdf(build_pdf([paragraph("Thư xin lỗi")], title="Thư"), holder=None, box=None)
    path = tmp_path / "seal.pdf"
    path.write_bytes(pdf)
    assert "Signature is Valid." in pdfsig(path)
    assert verify_pdf(pdf)[0].valid


def test_import_certificate_from_pkcs12_puts_the_key_in_the_token(chairman, tmp_path):
    """A certificate and its key in a PKCS#12 file: the key goes into the token, the
    certificate and chain into the database; the signer then signs with it."""
    from cryptography import x509

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "CA thử nhập")])
    when = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(7)
        .not_valid_before(when[0])
        .not_valid_after(when[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "Chủ tịch nhập")])
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(8)
        .not_valid_before(when[0])
        .not_valid_after(when[1])
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    path = tmp_path / "chutich.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"ct", key, certificate, [ca], serialization.BestAvailableEncryption(b"mk")
        )
    )
    out = StringIO()
    call_command("import_certificate", str(path), user=chairman.username, password="mk", stdout=out)
    assert "Chủ tịch nhập" in out.getvalue()
    stored = SigningKey.current(chairman)
    assert stored.subject == "Chủ tịch nhập" and "CA thử nhập" not in stored.subject
    approval = approve(chairman).approval
    assert keys.common_name(keys.from_pem(approval.certificate)[0]) == "Chủ tịch nhập"
    assert approval.problems() == []


def test_the_controlled_copy_is_signed_by_its_approver(effective, chairman, tmp_path):
    from procedures.pdf import revision_pdf

    path = tmp_path / "revision.pdf"
    path.write_bytes(revision_pdf(effective))
    out = pdfsig(path)
    assert "Signature is Valid." in out, out
    assert f"Signer Certificate Common Name: {chairman.get_full_name()}" in out


def test_the_apology_carries_the_heads_signature_and_the_seal(
    effective_dossier, personas, organisation, tmp_path
):
    from procedures import dossier_services
    from procedures.pdf import dossier_pdf
    from qms.models import CalendarDay
    from qms.roles import Role

    apology = dossier_services.dossier_apologise(
        dossier=effective_dossier,
        user=personas[Role.OFFICER],
        reason="Chờ xác minh",
        new_due_date=CalendarDay.objects.calendar().add_working_days(effective_dossier.due_date, 2),
    )
    dossier_services.apology_approve(
        apology=apology,
        user=personas[Role.CHAIRMAN],
        password=PASSWORD,
        seen_sha256=signing.shown_sha256(apology),
    )
    path = tmp_path / "apology.pdf"
    path.write_bytes(dossier_pdf("apology", effective_dossier))
    out = pdfsig(path)
    assert out.count("Signature is Valid.") == 2, out
    chairman = personas[Role.CHAIRMAN]
    assert f"Signer Certificate Common Name: {chairman.get_full_name()}" in out
    name = organisation.identities.order_by("valid_from").last().name
    assert f"Signer Certificate Common Name: {name}" in out
