from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError

from qms import keys
from qms.models import Signature


class Command(BaseCommand):
    help = (
        "Verify every signature: the digital signature over the record's content as it "
        "is now, with its certificate and the chain up to a trusted root (a changed "
        "record whose stored hash was recomputed does not verify); the SHA-256 of every "
        "signed record and file; and records whose state says signed but whose "
        "signature is gone. List the problems and exit non-zero if any. Signatures "
        "from before digital signatures are counted as hash only."
    )

    def handle(self, *args, **options) -> None:
        problems = [*self._changed(), *self._unsigned()]
        for line in problems:
            self.stdout.write(line)
        checked = Signature.objects.count()
        if problems:
            raise CommandError(
                f"{len(problems)} vấn đề trên {checked} chữ ký: bản ghi không còn khớp với "
                "nội dung đã ký."
            )
        hash_only = Signature.objects.filter(signature_value="").count()
        if hash_only:
            self.stdout.write(
                f"{hash_only} chữ ký chỉ có mã băm, trước khi có chữ ký số: kiểm tra được "
                "nội dung, không kiểm tra được người ký."
            )
        self.stdout.write(f"{checked} chữ ký: tất cả khớp với nội dung đã ký.")

    def _changed(self):
        roots = keys.trusted_roots()
        for signature in Signature.objects.select_related("content_type", "signer").order_by("pk"):
            found = signature.problems(roots)
            if found:
                kind = signature.content_type.model_class()._meta.verbose_name
                yield (
                    f"Chữ ký #{signature.pk} – {kind} {signature.record or signature.object_id} "
                    f"(ký bởi {signature}): {'; '.join(map(str, found))}"
                )

    def _unsigned(self):
        """Records that can only be in their state once signed (`requiring_signature`)."""
        for model in apps.get_models():
            if not hasattr(model, "requiring_signature"):
                continue
            kind = ContentType.objects.get_for_model(model)
            signed = set(
                Signature.objects.filter(content_type=kind).values_list("object_id", flat=True)
            )
            for record in model.requiring_signature().exclude(pk__in=signed):
                yield f"{model._meta.verbose_name} {record}: trạng thái đã ký nhưng mất chữ ký"
