from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError

from qms.models import Signature


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 of every signed record (and signed file), and look for "
        "records whose state says signed but whose signature is gone; list them and "
        "exit non-zero if any."
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
        self.stdout.write(f"{checked} chữ ký: tất cả khớp với nội dung đã ký.")

    def _changed(self):
        for signature in Signature.objects.select_related("content_type", "signer").order_by("pk"):
            found = signature.problems()
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
