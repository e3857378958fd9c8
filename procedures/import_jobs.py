"""Imports in the background, for files too large to import within one request.

The upload page stores the file and queues a job (`import_job_start`); the worker
(`python manage.py db_worker`, django-tasks' database backend) runs it
(`run_import_job`), and the job's page follows its counts.

Progress is not written to the database while the import runs. The import is one
transaction holding SQLite's write lock from its first row to its commit: another
connection could not write the job's row until the end, and the import's own
connection writes nothing the page could see before then. So the importer's hook
(called every batch of 2,000 rows) replaces a small JSON file beside the uploaded
files, which the page reads, the same on SQLite and PostgreSQL; the job's row gets
the final counts and the outcome once the import has committed or rolled back. The
worker and the site therefore share MEDIA_ROOT, as they must anyway for the file.
"""

import json
import os
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from procedures.importer import ImportRejected, ImportResult, RowError, import_dossiers
from procedures.models import ImportJob, ImportProfile
from qms.dates import short_moment

# Files up to this size are imported within the request, as before: about 1,500
# rows of CSV, a fraction of a second's work. Larger ones go to the worker.
IN_REQUEST_BYTES = 256 * 1024
# The importer's stages (importer.Progress), as the page names them.
STAGES = {"check": gettext_lazy("Checking the rows"), "write": gettext_lazy("Writing")}
# A running import reports every 2,000 rows, a second's work; its last stage (the
# tracking book, history and nonconformities of a million rows) takes a minute or
# two. Silent for this long, its worker has most likely stopped.
STALLED_AFTER = timedelta(minutes=10)


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


class ProgressFile:
    """The importer's progress hook for one job: each call replaces the job's progress
    file whole (written aside, then renamed), so a reader never sees half of one."""

    def __init__(self, job_id: int) -> None:
        self.path = _progress_path(job_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.last: dict = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last = {"stage": stage, "done": done, "total": total}
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps(self.last))
        os.replace(partial, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def job_progress(job: ImportJob) -> dict:
    """How far the job has gone: its row's counts, or those of its progress file
    while it runs; with the sentence the page shows."""
    progress = {"stage": job.stage, "done": job.done, "total": job.total, "stalled": ""}
    if job.status == ImportJob.Status.RUNNING:
        path = _progress_path(job.pk)
        heard = job.created_at
        # None yet before the first batch, or none left as the job ends.
        with suppress(OSError, ValueError):
            heard = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            progress.update(json.loads(path.read_text()))
        if timezone.now() - heard > STALLED_AFTER:
            progress["stalled"] = _(
                "No news from the import since %(moment)s: its worker has probably "
                "stopped (the server restarted?). An import is written whole or not "
                "at all, so nothing of this file was written: send it again, and tell "
                "the ISO secretary if it stops again."
            ) % {"moment": short_moment(heard)}
    stage = STAGES.get(progress["stage"])
    progress["counts"] = (
        _("%(stage)s: %(done)s of %(total)s rows")
        % {"stage": stage, "done": progress["done"], "total": progress["total"]}
        if stage
        else ""
    )
    return progress


@task()
def run_import_job(job_id: int) -> None:
    """Import the job's file, its progress in the progress file, then record the
    outcome and delete the file. A job already started is left alone: a task run
    twice imports once. An unexpected error leaves the job failed, and reaches the
    worker, which keeps its trace with the task's result."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not started:
        return
    job = ImportJob.objects.select_related("user", "profile").get(pk=job_id)
    progress = ProgressFile(job.pk)
    outcome: dict = {"status": ImportJob.Status.FAILED}
    try:
        with job.file.open("rb") as file:
            content = file.read()
        result = import_dossiers(
            job.file_name,
            content,
            user=job.user,
            dry_run=job.dry_run,
            profile=job.profile,
            progress=progress,
        )
    except ImportRejected as rejected:
        outcome = {
            "status": ImportJob.Status.REJECTED,
            "errors": [
                [error.row, error.column, error.reason]
                for error in rejected.errors[: ImportJob.ERRORS_KEPT]
            ],
            "error_count": len(rejected.errors),
        }
    else:
        outcome = {
            "status": ImportJob.Status.DONE,
            "result": {
                "created": result.created,
                "skipped": result.skipped,
                "ignored": result.ignored,
            },
        }
    finally:
        last = progress.last
        job.file.delete(save=False)
        progress.remove()
        ImportJob.objects.filter(pk=job.pk).update(
            **outcome,
            stage=last.get("stage", ""),
            done=last.get("done", 0),
            total=last.get("total", 0),
            file="",
            finished_at=timezone.now(),
        )


@transaction.atomic
def import_job_start(*, user, upload, dry_run: bool, profile: ImportProfile | None) -> ImportJob:
    """Store the uploaded file and queue its import. The database backend writes the
    task's row in this transaction: the worker never finds a task without its job."""
    job = ImportJob.objects.create(
        user=user, file=upload, file_name=upload.name, dry_run=dry_run, profile=profile
    )
    run_import_job.enqueue(job.pk)
    return job


def job_outcome(job: ImportJob) -> dict:
    """The template context of a finished job, as the upload page gives it for a
    file imported within the request (templates/procedures/_import_outcome.html)."""
    if job.status == ImportJob.Status.DONE:
        return {
            "result": ImportResult(
                created=job.result["created"],
                skipped=job.result["skipped"],
                dry_run=job.dry_run,
                ignored=job.result["ignored"],
            )
        }
    if job.status == ImportJob.Status.REJECTED:
        return {
            "errors": [RowError(row, column, reason) for row, column, reason in job.errors],
            "error_count": job.error_count,
        }
    return {}
