"""An import of the province's file run in the background (procedures.import_jobs)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procedures.models.dossiers import ImportProfile
from qms.uploads import GeneratedName


class ImportJob(models.Model):
    """One uploaded file imported by the worker: who sent it and how, how far the
    import has gone, and what came of it. The file itself is deleted once read to
    the end: the row keeps only its name, the counts and the row errors."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Refused: problems in the file")
        FAILED = "failed", _("Stopped by an error")

    FINISHED = (Status.DONE, Status.REJECTED, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    file = models.FileField(_("file"), upload_to=GeneratedName("imports"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("only check the file"), default=False)
    profile = models.ForeignKey(
        ImportProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column profile"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The last progress the import reported ("check" or "write", rows done, rows in
    # all): written when it ends; while it runs it is in the job's progress file.
    stage = models.CharField(_("stage"), max_length=10, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    # {"created", "skipped", "ignored"} of an import that went through.
    result = models.JSONField(_("result"), null=True, blank=True)
    # [row, column, reason] of a refused file: the first ERRORS_KEPT, and how many.
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of row errors"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    ERRORS_KEPT = 500  # as many as the page shows

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("procedures:import_job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED
