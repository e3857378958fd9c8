from django.core.management.base import BaseCommand, CommandError

from qms.models import Signature


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 of every signed record (and signed file) and list those "
        "that no longer match their signature; exits non-zero if any."
    )

    def handle(self, *args, **options) -> None:
        checked, broken = 0, 0
        for signature in Signature.objects.select_related("content_type", "signer").order_by("pk"):
            checked += 1
            problems = signature.problems()
            if problems:
                broken += 1
                kind = signature.content_type.model_class()._meta.verbose_name
                self.stdout.write(
                    f"Chữ ký #{signature.pk} – {kind} {signature.record or signature.object_id} "
                    f"(ký bởi {signature}): {'; '.join(map(str, problems))}"
                )
        if broken:
            raise CommandError(f"{broken}/{checked} chữ ký không còn khớp với nội dung đã ký.")
        self.stdout.write(f"{checked} chữ ký: tất cả khớp với nội dung đã ký.")
