"""An export job that was failed while it ran stays failed: the run's own completion step, or a
redelivered task, never turns it into "completed" nor gives it a file."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from exports import services
from exports.models import ExportJob, ExportStatus
from exports.services import export_job_fail, export_job_run, export_jobs_fail_stale
from exports.tasks import run_export
from tests.exports.factories import ExportJobFactory, seed_requests

STALE_ERROR = "The export stopped (time limit or lost worker) and was given up."


def stored_files(job_id):
    storage = ExportJob.file.field.storage
    try:
        return storage.listdir(f"exports/{job_id}")[1]
    except FileNotFoundError:
        return []


def in_another_connection(func):
    """Run ``func`` in a thread of its own, so on a database connection of its own, as the
    stale-job sweep of another worker would; its transaction commits before this returns."""
    failures = []

    def target():
        try:
            func()
        except BaseException as exc:  # surfaced in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the sweep did not finish"
    if failures:
        raise failures[0]


@pytest.mark.django_db(transaction=True)
def test_a_job_failed_by_the_sweep_while_writing_is_not_then_completed(
    customer, service, monkeypatch, mailoutbox
):
    seed_requests(5, service=service, customer=customer)
    job = ExportJobFactory()
    real_write_csv = services.write_csv
    swept = []

    def write_then_get_swept(kind, filters, out, on_progress):
        rows = real_write_csv(kind, filters, out, on_progress)
        # Meanwhile the periodic sweep decides this attempt has run too long and fails it.
        long_after = timezone.now() + dt.timedelta(days=1)
        in_another_connection(lambda: swept.append(export_jobs_fail_stale(now=long_after)))
        return rows

    monkeypatch.setattr(services, "write_csv", write_then_get_swept)

    returned = export_job_run(job_id=job.pk)

    assert swept == [1]
    job.refresh_from_db()
    assert returned.status == job.status == ExportStatus.FAILED
    assert job.error == STALE_ERROR
    assert not job.file
    assert job.row_count is None
    assert stored_files(job.pk) == []
    # One email: the failure. None saying the export is ready.
    assert len(mailoutbox) == 1
    assert "failed" in mailoutbox[0].subject
    assert "is ready" not in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_job_failed_between_writing_and_storing_keeps_its_failure(customer, service, monkeypatch):
    seed_requests(3, service=service, customer=customer)
    job = ExportJobFactory()
    real_write_csv = services.write_csv

    def write_then_fail(kind, filters, out, on_progress):
        rows = real_write_csv(kind, filters, out, on_progress)
        export_job_fail(job_id=job.pk, error="SoftTimeLimitExceeded: given up")
        return rows

    monkeypatch.setattr(services, "write_csv", write_then_fail)

    result = run_export.apply(args=[job.pk], throw=True).get()

    assert result == {"job_id": job.pk, "status": "failed"}
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "SoftTimeLimitExceeded: given up")
    assert not job.file
    assert stored_files(job.pk) == []


@pytest.mark.django_db
def test_a_failed_job_delivered_again_is_not_redone_nor_completed(customer, service, monkeypatch):
    """acks_late: a worker that dies after failing the job, before acking, gets it redelivered."""
    seed_requests(3, service=service, customer=customer)
    job = ExportJobFactory()
    real_write_csv = services.write_csv

    def boom(kind, filters, out, on_progress):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "write_csv", boom)
    with pytest.raises(RuntimeError):
        run_export.apply(args=[job.pk], throw=True)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "RuntimeError: disk on fire")
    finished_at = job.finished_at

    monkeypatch.setattr(services, "write_csv", real_write_csv)
    result = run_export.apply(args=[job.pk], throw=True).get()

    assert result == {"job_id": job.pk, "status": "failed"}
    job.refresh_from_db()
    assert (job.status, job.error, job.finished_at) == ("failed", "RuntimeError: disk on fire", finished_at)
    assert not job.file
    assert job.row_count is None
    assert stored_files(job.pk) == []
