"""Export jobs are never lost: one asked for while the broker is down is queued by the outbox
sweep once it is back; one whose whole worker was SIGKILLed is queued again once its heartbeat
is older than TASK_LOST_AFTER_SECONDS; one whose message Redis lost (restarted without
persistence) is published again. Real Redis, real ``celery worker`` processes."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from exports.models import ExportJob, ExportStatus
from exports.outbox import export_jobs_requeue
from exports.services import export_job_create
from householdsvc.celery import app as celery_app
from tests.accounts.factories import AdminFactory, CustomerFactory
from tests.catalog.factories import ServiceFactory
from tests.exports.conftest import wait_for_job
from tests.exports.factories import seed_requests
from tests.faults.servers import ROOT, project_env

pytestmark = pytest.mark.django_db(transaction=True)


class Worker:
    """``celery worker`` in a session of its own, so that a SIGKILL to its process group takes
    the main process and its pool at once, as a node failure or the OOM killer does."""

    def __init__(self, env, log):
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.faults.slow_export_app", "worker",
                 "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def kill_whole(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(env):
        worker = Worker(env, tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def worker_env(test_database_url, redis_url, tmp_path, **extra):
    return project_env(
        DATABASE_URL=test_database_url,
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        HS_TEST_SLOW_MARKER=str(tmp_path / "slow-once"),
        **extra,
    )


def test_an_export_asked_for_while_the_broker_is_down_runs_once_it_is_back(
    serve, own_redis, test_database_url, workers, tmp_path
):
    admin = AdminFactory(email="admin@example.com")
    seed_requests(30, service=ServiceFactory(), customer=CustomerFactory())
    (tmp_path / "slow-once").write_text("no trap")
    env = worker_env(test_database_url, own_redis.url, tmp_path)
    server = serve(
        **{k: v for k, v in env.items() if k in ("DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")}
    )
    own_redis.stop()

    started = time.monotonic()
    response = requests.post(
        f"{server.url}/api/v1/exports/",
        json={"kind": "service_requests", "filters": {}},
        headers={"Authorization": f"Bearer {RefreshToken.for_user(admin).access_token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:300]
    assert time.monotonic() - started < 5
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.queued_at) == (ExportStatus.PENDING, None)

    # The broker comes back; a minute later the sweep (beat's, run here in a process on that
    # broker) publishes the job, and a worker runs it.
    own_redis.start()
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    sweep = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from exports.outbox import export_jobs_requeue; print(export_jobs_requeue())"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert sweep.stdout.strip().splitlines()[-1] == "{'lost': 0, 'queued': 1}", sweep.stderr
    workers(env)

    job = wait_for_job(job.pk, timeout=60)
    assert job.status == ExportStatus.COMPLETED, job.error
    assert job.row_count == 30


def test_an_export_whose_whole_worker_was_killed_is_queued_again_and_completes(
    test_database_url, workers, tmp_path, settings
):
    admin = AdminFactory(email="admin@example.com")
    seed_requests(200, service=ServiceFactory(), customer=CustomerFactory())
    env = worker_env(test_database_url, settings.REDIS_URL, tmp_path, TASK_HEARTBEAT_SECONDS="0.5")
    celery_app.control.purge()
    first = workers(env)
    celery_app.conf.task_always_eager = False
    try:
        job = export_job_create(actor=admin, kind="service_requests", filters={})
        first_task = job.task_id

        job = wait_for_job(job.pk, timeout=60, until=("running",))
        deadline = time.monotonic() + 20
        while ExportJob.objects.get(pk=job.pk).heartbeat_at <= job.started_at:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.2)
        first.kill_whole()  # main process and pool child at once: nobody rejects the message
        assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING

        # Still beating a moment ago: not lost yet.
        settings.TASK_LOST_AFTER_SECONDS = 3
        assert export_jobs_requeue() == {"lost": 0, "queued": 0}
        time.sleep(3.5)
        assert export_jobs_requeue() == {"lost": 1, "queued": 1}
    finally:
        celery_app.conf.task_always_eager = True
    (tmp_path / "slow-once").write_text("second attempt at full speed")
    workers(env)

    job = wait_for_job(job.pk, timeout=60)
    assert job.status == ExportStatus.COMPLETED, job.error
    assert job.row_count == 200
    assert job.task_id != first_task


def test_an_export_whose_message_redis_lost_is_queued_again_and_completes(
    test_database_url, workers, tmp_path, settings
):
    # A Redis restarted without persistence (as the soak's is) comes back with an empty queue:
    # a job published before is pending for ever unless the sweep looks for its message.
    admin = AdminFactory(email="admin@example.com")
    seed_requests(20, service=ServiceFactory(), customer=CustomerFactory())
    (tmp_path / "slow-once").write_text("no trap")
    env = worker_env(test_database_url, settings.REDIS_URL, tmp_path)
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    try:
        job = export_job_create(actor=admin, kind="service_requests", filters={})
        first_task = ExportJob.objects.get(pk=job.pk).task_id
        assert ExportJob.objects.get(pk=job.pk).queued_at is not None
        # Waiting longer than TASK_LOST_AFTER_SECONDS, but its message is still there: left alone.
        ExportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
        assert export_jobs_requeue() == {"lost": 0, "queued": 0}

        celery_app.control.purge()  # the queue emptied, as by the restart
        assert export_jobs_requeue() == {"lost": 1, "queued": 1}
        assert export_jobs_requeue() == {"lost": 0, "queued": 0}  # on the broker again
    finally:
        celery_app.conf.task_always_eager = True
    workers(env)

    job = wait_for_job(job.pk, timeout=60)
    assert job.status == ExportStatus.COMPLETED, job.error
    assert job.row_count == 20
    assert job.task_id != first_task


def test_a_dead_worker_s_message_comes_back_just_after_the_task_s_time_limit(settings):
    # Redis hands an unacked message back after the visibility timeout: above the hard time
    # limit (or a long task would be run twice), and not hours above it.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= settings.CELERY_TASK_TIME_LIMIT + 10 * 60
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    # A running job's heartbeat is stamped several times within the time after which it counts
    # as lost, so a slow beat is not taken for a dead worker.
    assert settings.TASK_LOST_AFTER_SECONDS >= 3 * settings.TASK_HEARTBEAT_SECONDS
