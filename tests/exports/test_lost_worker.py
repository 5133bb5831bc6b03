"""A worker process killed in the middle of an export: the job is redelivered and completes.

This starts a real ``celery worker`` (prefork pool, one child) in a subprocess on the same
Redis and test database. Its first attempt SIGKILLs its own child mid-export (see
lost_worker_app). Because the task is acked late and rejected on a lost worker, Redis gets the
message back, a fresh child runs it again, and ``export_job_run`` restarts the orphaned
running job from scratch.
"""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from exports.models import ExportStatus
from exports.services import export_job_create
from householdsvc.celery import app as celery_app
from tests.exports.conftest import read_csv, wait_for_job
from tests.exports.factories import seed_requests
from tests.exports.helpers import assert_requests_csv_matches

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def prefork_worker(tmp_path):
    """A real worker process; yields (process, marker path, log path)."""
    marker, log = tmp_path / "killed.pid", tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "householdsvc.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "HS_TEST_PRIVATE_ROOT": settings.STORAGES["private"]["OPTIONS"]["location"],
        "HS_TEST_KILL_MARKER": str(marker),
    }
    celery_app.control.purge()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.exports.lost_worker_app", "worker",
             "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process, marker, log
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            connection.close()


def test_a_job_whose_worker_dies_mid_way_is_redelivered_and_completes(
    prefork_worker, admin_user, customer, professional, service
):
    process, marker, log = prefork_worker
    seed_requests(400, service=service, customer=customer, professional=professional)
    celery_app.conf.task_always_eager = False
    try:
        job = export_job_create(actor=admin_user, kind="service_requests", filters={})
    finally:
        celery_app.conf.task_always_eager = True

    job = wait_for_job(job.pk, timeout=60)

    worker_output = log.read_text()
    assert marker.exists(), f"the first attempt was never killed:\n{worker_output}"
    assert "WorkerLostError" in worker_output or "SIGKILL" in worker_output, worker_output
    assert worker_output.count(f"run_export[{job.task_id}] received") == 2, "delivered twice"
    assert process.poll() is None, "the worker itself survives the loss of a child"
    assert job.status == ExportStatus.COMPLETED, job.error
    assert job.row_count == 400
    assert_requests_csv_matches(read_csv(job))
    # The second attempt started after the first one: the job was restarted, not resumed.
    assert job.started_at > job.created_at
