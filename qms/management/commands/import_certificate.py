from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qms import keys
from qms.dates import short_date
from qms.models import User
from qms.signing import key_record, token_label


class Command(BaseCommand):
    help = (
        "Import a signer's (--user) or the organisation's (--organisation) certificate with "
        "its chain from a PEM, DER or PKCS#12 file. A PKCS#12 file's private key goes into "
        "the PKCS#11 token and nowhere else; for a PEM or DER certificate the key must "
        "already be in the token, labelled signer:USERNAME or organisation."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="username of the signer")
        who.add_argument("--organisation", action="store_true")
        parser.add_argument("--password", default="", help="the PKCS#12 file's password")

    @transaction.atomic
    def handle(self, *args, file: str, user: str, organisation: bool, password: str, **options):
        holder = None
        if user:
            holder = User.objects.filter(username=user).first()
            if holder is None:
                raise CommandError(f"Không có tài khoản {user}.")
        with open(file, "rb") as handle:
            data = handle.read()
        try:
            certificates, private_key = keys.load_certificates(data, password or None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        certificate, *chain = certificates
        try:
            keys.check_usable(certificate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        label = token_label(holder)
        with keys.token_session(rw=True) as session:
            if private_key is not None:
                key_id = keys.import_private_key(session, label, private_key)
                del private_key
            else:
                found = keys.find_key(session, label)
                if found is None or found[1] != certificate.public_key():
                    raise CommandError(
                        f"Khóa của chứng thư không có trong token (nhãn {label}): nhập tệp "
                        "PKCS#12 hoặc tạo khóa trong HSM trước."
                    )
                key_id = found[0]
            keys.store_certificate(session, key_id, label, certificate)
            for issuer in chain:
                keys.store_certificate(session, b"", keys.common_name(issuer), issuer)
        key_record(holder, key_id, certificate, chain)
        self.stdout.write(
            f"Đã nhập chứng thư {keys.common_name(certificate)} "
            f"(hiệu lực đến {short_date(certificate.not_valid_after_utc)}) cho "
            f"{holder or 'cơ quan'}, kèm {len(chain)} chứng thư cấp trên."
        )
