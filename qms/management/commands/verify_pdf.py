from django.core.management.base import BaseCommand, CommandError

from qms.pdfsign import verify_pdf


class Command(BaseCommand):
    help = (
        "Verify the digital signatures of a PDF: for each, the signer, the signing time, "
        "whether the document is unchanged since, and the certificate chain up to a "
        "trusted root. Exits non-zero if a signature is missing or fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        with open(file, "rb") as handle:
            reports = verify_pdf(handle.read())
        if not reports:
            raise CommandError(f"{file}: không có chữ ký số.")
        for report in reports:
            self.stdout.write(
                f"Chữ ký {report.field}: {report.signer}, ký lúc {report.signed_at}; "
                f"toàn vẹn: {'có' if report.intact else 'KHÔNG'}; "
                f"chuỗi chứng thư: {'tin cậy' if report.trusted else 'KHÔNG tin cậy'}"
                f"{'' if report.covers_whole else ' (có phần thêm sau chữ ký)'}"
            )
        if not all(report.valid for report in reports):
            raise CommandError(f"{file}: có chữ ký không hợp lệ.")
