"""Large files imported in the background: the upload queues a job, the worker runs
it, and the job's page follows its counts, then shows what the upload page shows."""

import os
import re
import signal
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from procedures import import_jobs
from procedures.importer import ImportResult
from procedures.models import Dossier, ImportJob
from qms.roles import Role
from tests.factories import UserFactory
from tests.procedures.test_import import GOOD, csv_bytes

BAD = "PAD-1,QT-TP-05,,direct,x,,,,,"


@pytest.fixture
def in_background(monkeypatch):
    """Every file, however small, is sent to the worker."""
    monkeypatch.setattr(import_jobs, "IN_REQUEST_BYTES", 0)


def upload(client, content: bytes, **data):
    file = SimpleUploadedFile("tinh.csv", content)
    return client.post(reverse("procedures:dossier_import"), {"file": file, **data})


def errors_table(html: str) -> str:
    return re.search(r'<table[^>]*data-testid="import-errors".*?</table>', html, re.S).group()


def test_a_large_file_is_imported_by_a_job_whose_page_shows_the_result(
    effective, personas, client_for, in_background, settings
):
    client = client_for(personas[Role.OFFICER])
    response = upload(client, csv_bytes(*GOOD))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.user, job.file_name) == ("done", personas[Role.OFFICER], "tinh.csv")
    assert job.result == {"created": 3, "skipped": 0, "ignored": []}
    assert (job.stage, job.done, job.total) == ("write", 3, 3)
    assert Dossier.objects.count() == 3
    # the file is not kept once read, nor its progress
    assert not job.file and not any(Path(settings.MEDIA_ROOT, "imports").rglob("*.*"))
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã tạo 3 hồ sơ; 0 hồ sơ đã có trong sổ." in page
    assert "import_job.js" not in page  # nothing left to follow
    progress = client.get(reverse("procedures:import_job_progress", args=[job.pk])).json()
    assert progress["finished"] and (progress["done"], progress["total"]) == (3, 3)


def test_a_dry_run_in_the_background_writes_nothing(effective, personas, client_for, in_background):
    client = client_for(personas[Role.OFFICER])
    job = ImportJob.objects.get(
        pk=upload(client, csv_bytes(*GOOD), dry_run="on").url.split("/")[-2]
    )
    assert job.dry_run and job.result["created"] == 3 and not Dossier.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tệp hợp lệ: sẽ tạo 3 hồ sơ" in page


def test_a_refused_file_shows_its_rows_as_the_upload_page_does(
    effective, personas, client_for, monkeypatch
):
    client = client_for(personas[Role.OFFICER])
    content = csv_bytes(*GOOD, BAD)
    in_request = upload(client, content)
    assert in_request.status_code == 200 and not ImportJob.objects.exists()
    monkeypatch.setattr(import_jobs, "IN_REQUEST_BYTES", 0)
    job = ImportJob.objects.get(pk=upload(client, content).url.split("/")[-2])
    assert (job.status, job.error_count) == ("rejected", len(job.errors))
    assert ["Dòng 5" in str(error) for error in job.errors] and not Dossier.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Chưa nhập hồ sơ nào" in page
    assert errors_table(page) == errors_table(in_request.content.decode())


def test_only_who_sent_the_file_and_the_secretary_see_its_job(
    effective, personas, client_for, in_background
):
    upload(client_for(personas[Role.OFFICER]), csv_bytes(*GOOD))
    job = ImportJob.objects.get()
    colleague = UserFactory(username="motcua2", role=Role.OFFICER.value)
    for url in (job.get_absolute_url(), reverse("procedures:import_job_progress", args=[job.pk])):
        assert client_for(colleague).get(url).status_code == 403
        assert client_for(personas[Role.ISO_SECRETARY]).get(url).status_code == 200


def test_the_counts_show_while_the_import_runs(effective, personas, client_for, monkeypatch):
    client = client_for(personas[Role.OFFICER])
    job = ImportJob.objects.create(
        user=personas[Role.OFFICER], file=SimpleUploadedFile("tinh.csv", b"x"), file_name="a.csv"
    )
    url = reverse("procedures:import_job_progress", args=[job.pk])
    assert client.get(url).json() | {"status_label": ""} == {
        "status": "queued",
        "status_label": "",
        "finished": False,
        "stage": "",
        "done": 0,
        "total": 0,
        "counts": "",
        "stalled": "",
    }
    seen = []

    def importing(name, content, *, progress, **options):
        progress("check", 2000, 5000)
        seen.append(client.get(url).json())
        seen.append(client.get(job.get_absolute_url()).content.decode())
        progress("check", 4000, 4000)
        progress("write", 4000, 4000)
        return ImportResult(created=4000, skipped=0, dry_run=False)

    monkeypatch.setattr(import_jobs, "import_dossiers", importing)
    import_jobs.run_import_job.call(job.pk)
    polled, page = seen
    assert (polled["status"], polled["finished"]) == ("running", False)
    assert (polled["stage"], polled["done"], polled["total"]) == ("check", 2000, 5000)
    assert polled["counts"] == "Kiểm tra các dòng: 2000 trên 5000 dòng"
    assert 'max="5000" value="2000"' in page and "import_job.js" in page
    job.refresh_from_db()
    assert (job.status, job.stage, job.done, job.total) == ("done", "write", 4000, 4000)


def test_a_running_import_silent_for_ten_minutes_is_shown_as_stopped(
    effective, personas, client_for
):
    """A worker killed mid-import (the server restarted) leaves its job running: its
    page says so once the progress file has been silent for ten minutes."""
    client = client_for(personas[Role.OFFICER])
    job = ImportJob.objects.create(
        user=personas[Role.OFFICER], file_name="a.csv", status=ImportJob.Status.RUNNING
    )
    url = reverse("procedures:import_job_progress", args=[job.pk])
    progress = import_jobs.ProgressFile(job.pk)
    progress("check", 2000, 5000)
    assert client.get(url).json()["stalled"] == ""
    eleven_minutes_ago = time.time() - 11 * 60
    os.utime(progress.path, (eleven_minutes_ago, eleven_minutes_ago))
    polled = client.get(url).json()
    assert (polled["status"], polled["done"]) == ("running", 2000)
    assert polled["stalled"].startswith("Không thấy tiến độ của việc nhập từ ")
    assert "không hồ sơ nào của tệp này được ghi" in polled["stalled"]
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="import-stalled" role="status">Không thấy' in page
    progress.remove()  # before the first batch: counted from when the file was sent
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert client.get(url).json()["stalled"]


def test_an_unexpected_error_fails_the_job(effective, personas, client_for, monkeypatch):
    def breaking(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs, "import_dossiers", breaking)
    job = ImportJob.objects.create(
        user=personas[Role.OFFICER], file=SimpleUploadedFile("t.csv", b"x"), file_name="t.csv"
    )
    with pytest.raises(RuntimeError):
        import_jobs.run_import_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at and not job.file
    page = client_for(personas[Role.OFFICER]).get(job.get_absolute_url())
    assert "không hồ sơ nào được nhập" in page.content.decode()
    import_jobs.run_import_job.call(job.pk)  # run again, it does nothing
    job.refresh_from_db()
    assert job.status == "failed"


@pytest.fixture
def signal_handlers():
    """db_worker installs its own handlers of Ctrl-C and SIGTERM: put pytest's back."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_runs_a_queued_import(effective, personas, settings, signal_handlers):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = import_jobs.import_job_start(
        user=personas[Role.OFFICER],
        upload=SimpleUploadedFile("tinh.csv", csv_bytes(*GOOD)),
        dry_run=False,
        profile=None,
    )
    job.refresh_from_db()
    assert job.status == "queued" and not Dossier.objects.exists()
    assert DBTaskResult.objects.get().status == "READY"
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
        stdout=StringIO(),
    )  # fmt: skip
    job.refresh_from_db()
    assert (job.status, job.result["created"], job.done) == ("done", 3, 3)
    assert Dossier.objects.count() == 3
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
