"""Export jobs are never lost to a broker that is down or a worker that dies.

- The outbox: a job is saved pending and its task published after the commit; ``queued_at``
  is set once the broker took it. A pending job still without it (the broker was down) is
  published again by ``export_jobs_requeue``, which beat runs every minute.
- Lost messages: a pending job published more than ``TASK_LOST_AFTER_SECONDS`` ago whose task
  id Redis no longer holds (queued or unacked; a Redis restarted without persistence empties
  both) is given a new task id and published again by the same sweep.
- Lost workers: the worker running a job stamps ``heartbeat_at`` every
  ``TASK_HEARTBEAT_SECONDS``. A whole worker SIGKILLed (main process and pool) leaves its
  message in Redis' unacked set until the visibility timeout; a running job whose stamp is
  older than ``TASK_LOST_AFTER_SECONDS`` is given a new task id and published again by the same
  sweep. When Redis later hands the old message back, ``export_job_run`` sees a task id that is
  no longer the job's and skips it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from exports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

# A job this young may still be on its way to the broker from the request that made it.
OUTBOX_GRACE = dt.timedelta(seconds=30)


def export_job_publish(*, job_id: int, task_id: str) -> None:
    """Puts the job's task on the broker and records that it is there. Raises when the broker
    cannot be reached (the job stays unqueued for the sweep)."""
    # Imported here: exports.tasks imports the services, which import this module. A signature
    # by name alone would not do: in a web process where nothing imported exports.tasks yet, the
    # task is not registered, and Celery then sends it to the broker even when tasks run eagerly
    # in-process (make run), where no worker would ever take it.
    from exports.tasks import run_export

    run_export.apply_async(args=[job_id], task_id=task_id)
    published = ExportJob.objects.filter(pk=job_id, task_id=task_id, queued_at__isnull=True)
    published.update(queued_at=timezone.now())


def _requeue_lost(now: dt.datetime) -> list[int]:
    lost_before = now - dt.timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)
    stale = ExportJob.objects.annotate(seen=Coalesce("heartbeat_at", "started_at")).filter(
        status=ExportStatus.RUNNING, seen__lt=lost_before
    )
    requeued = []
    for job_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().get(pk=job_id)
            seen = job.heartbeat_at or job.started_at
            if job.status != ExportStatus.RUNNING or seen is None or seen >= lost_before:
                continue  # finished or beating again since the read
            logger.warning("Export %s lost its worker (last heartbeat %s); queued again.", job_id, seen)
            job.status = ExportStatus.PENDING
            job.task_id = str(uuid.uuid4())
            job.queued_at = job.heartbeat_at = None
            job.save(update_fields=["status", "task_id", "queued_at", "heartbeat_at"])
            requeued.append(job_id)
    return requeued


def _on_broker(task_ids: list[str]) -> set[str]:
    """The task ids among these whose message Redis still holds, waiting in the queue or
    delivered and not yet acked. Any doubt (another broker, Redis down) counts as held."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        return set(task_ids)  # run in-process (make run, the tests): no broker holds anything
    try:
        with current_app.connection_for_read() as conn:
            if conn.transport.driver_type != "redis":
                return set(task_ids)
            client = conn.default_channel.client
            # The queue before the unacked set: a message delivered in between is then seen in
            # the second read rather than missed by both.
            held = client.lrange(current_app.conf.task_default_queue, 0, -1)
            held += client.hvals(conn.transport_options.get("unacked_key", "unacked"))
    except Exception:
        logger.warning("Could not read the broker's queue; no queued export checked.", exc_info=True)
        return set(task_ids)
    return {task_id for task_id in task_ids if any(task_id.encode() in raw for raw in held)}


def _requeue_vanished(now: dt.datetime) -> list[int]:
    """Pending jobs published a while ago whose message the broker no longer holds (a Redis
    restarted without persistence loses its queue): given a new task id and published again."""
    waited = now - dt.timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)
    queued = dict(
        ExportJob.objects.filter(status=ExportStatus.PENDING, queued_at__lt=waited).values_list(
            "task_id", "pk"
        )
    )
    if not queued:
        return []
    held = _on_broker([task_id for task_id in queued if task_id])
    requeued = []
    for task_id, job_id in queued.items():
        if task_id in held:
            continue
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().get(pk=job_id)
            if job.status != ExportStatus.PENDING or job.task_id != task_id:
                continue  # a worker took it meanwhile
            logger.warning("Export %s: its message is no longer on the broker; queued again.", job_id)
            job.task_id = str(uuid.uuid4())
            job.queued_at = None
            job.save(update_fields=["task_id", "queued_at"])
            requeued.append(job_id)
    return requeued


def export_jobs_requeue(*, now: dt.datetime | None = None) -> dict:
    """The minute's sweep: jobs whose worker was lost go back to pending, pending jobs whose
    message the broker lost are given a new one, and every pending job not yet on the broker
    is published. Returns ``{"lost": n, "queued": m}`` (lost: a worker or a message)."""
    now = now or timezone.now()
    lost = _requeue_lost(now) + _requeue_vanished(now)
    unqueued = ExportJob.objects.filter(
        Q(created_at__lt=now - OUTBOX_GRACE) | Q(pk__in=lost),
        status=ExportStatus.PENDING,
        queued_at__isnull=True,
    ).order_by("created_at")
    queued = 0
    for job_id, task_id in list(unqueued.values_list("pk", "task_id")):
        if not task_id:
            task_id = str(uuid.uuid4())
            ExportJob.objects.filter(pk=job_id).update(task_id=task_id)
        try:
            export_job_publish(job_id=job_id, task_id=task_id)
        except Exception:  # the broker is still down: the next sweep tries again
            logger.warning("Export %s could not be queued; the broker is unavailable.", job_id, exc_info=True)
            break
        queued += 1
    return {"lost": len(lost), "queued": queued}


@contextmanager
def export_job_heartbeat(job_id: int):
    """Stamps the job's ``heartbeat_at`` from a thread of its own while the body runs (the
    export's own connection may be busy with one long COPY)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.TASK_HEARTBEAT_SECONDS):
                try:
                    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("Export %s: heartbeat not recorded.", job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=beat, name=f"export-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
