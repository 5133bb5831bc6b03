"""Fixtures for export and scheduled-job tests, including a real Celery worker.

``celery_worker`` starts Celery's testing worker in a thread, consuming from the Redis of
``REDIS_URL`` (each engineer's own db) with ``task_always_eager`` off, so a task goes through
the broker exactly as in production. Tests using it need ``django_db(transaction=True)``: the
worker thread has its own database connection and sees only committed rows.
"""

import csv
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from exports.models import ExportJob, ExportStatus
from householdsvc.celery import app as celery_app


@pytest.fixture
def celery_worker():
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from an earlier run
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = True
        # The worker thread's connection is not ours to reuse; drop it before the flush.
        connection.close()


def wait_for_job(job_id, *, timeout=20.0, until=("completed", "failed")) -> ExportJob:
    """Polls the job until its status is one of ``until`` (the worker runs it meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        job = ExportJob.objects.get(pk=job_id)
        if job.status in until:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"Export {job_id} still {job.status} after {timeout}s")
        time.sleep(0.1)


def read_csv(job) -> list[dict]:
    assert job.status == ExportStatus.COMPLETED
    with job.file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))
