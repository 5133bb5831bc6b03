"""Export jobs: starting one, running it, failing it, and deleting old files.

A job moves pending → running → completed | failed, and a completed one to expired when its
file is deleted after the retention period. The CSV is written to a temporary file first and
stored under the job only together with the status change to completed, so a job is never
"completed" with half a file, and a failed one never keeps one.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from functools import partial

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from exports.models import ExportJob, ExportKind, ExportStatus
from exports.outbox import export_job_publish
from exports.queries import FILTER_FORMS, export_count_queryset, filters_to_json
from exports.writers import write_csv
from householdsvc.core.errors import NotAllowed, ValidationFailed
from householdsvc.core.permissions import is_admin
from householdsvc.core.transactions import on_commit_robust

logger = logging.getLogger(__name__)

FINISHED_STATUSES = (ExportStatus.COMPLETED, ExportStatus.FAILED, ExportStatus.EXPIRED)


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise NotAllowed(gettext("Only admins may export data."))


def export_filters_validate(*, kind, filters) -> dict:
    """The filters for this kind, cleaned into the JSON kept on the job.

    Errors name the field as ``kind`` or ``filters.<name>`` so a form or an API client can
    show each beside its input.
    """
    if kind not in ExportKind.values:
        raise ValidationFailed(
            gettext("Invalid export."),
            errors={
                "kind": [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(ExportKind.values)}]
            },
        )
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise ValidationFailed(
            gettext("Invalid export."), errors={"filters": [gettext("Give the filters as an object.")]}
        )
    form = FILTER_FORMS[kind](data=filters)
    errors = {
        f"filters.{name}": ["Not a filter of this kind of export."]
        for name in filters
        if name not in form.fields
    }
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors["filters" if name == "__all__" else f"filters.{name}"] = list(messages)
    if errors:
        raise ValidationFailed(gettext("Invalid export."), errors=errors)
    return filters_to_json(form.cleaned_data)


def export_job_create(*, actor, kind, filters) -> ExportJob:
    """An admin asks for a CSV: the job is saved pending and its task queued once committed."""
    _require_admin(actor)
    cleaned = export_filters_validate(kind=kind, filters=filters)
    # The task id is chosen here so it is stored with the job in the same transaction.
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=actor, kind=kind, filters=cleaned, task_id=task_id)
        on_commit_robust(_queue_run, job.pk, task_id)
    # Without a broker the task has already run eagerly by now; show its outcome.
    job.refresh_from_db()
    return job


def _queue_run(job_id: int, task_id: str) -> None:
    # A broker that is down leaves the job pending and unqueued: the outbox re-sends it.
    export_job_publish(job_id=job_id, task_id=task_id)


def _delete_leftovers(job_id: int) -> None:
    """Files a dead attempt may have stored before its status change committed."""
    storage = ExportJob.file.field.storage
    folder = f"exports/{job_id}"
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")


class _ProgressRecorder:
    """Writes rows_done as the export goes. On PostgreSQL the main connection is busy with
    COPY, which allows no other statement until it ends, so progress goes through a second
    connection of its own (autocommit, so the admin sees it at once)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._side = None

    def __call__(self, rows_done: int) -> None:
        if connection.vendor != "postgresql":
            ExportJob.objects.filter(pk=self.job_id, status=ExportStatus.RUNNING).update(rows_done=rows_done)
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = ExportJob._meta.db_table
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._side.ops.quote_name(table)} SET rows_done = %s WHERE id = %s AND status = %s",
                [rows_done, self.job_id, ExportStatus.RUNNING],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()


def _start(job_id: int, task_id: str | None = None) -> ExportJob | None:
    """Claims the job for this attempt, or returns None when there is nothing to do."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED_STATUSES:
            return None
        if task_id and job.task_id and task_id != job.task_id:
            # A message the outbox has since replaced (its worker was lost, and Redis gave it
            # back after the visibility timeout): the newer one owns the job.
            logger.info("Export %s: delivery %s superseded by %s; skipped.", job_id, task_id, job.task_id)
            return None
        if job.status == ExportStatus.RUNNING:
            # A redelivery: the worker running it died. Start again from nothing.
            logger.warning("Export %s was left running by a lost worker; restarting it.", job_id)
        job.status = ExportStatus.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.rows_done = 0
        job.rows_total = None
        job.row_count = None
        job.error = ""
        job.file = ""
        job.save()
    _delete_leftovers(job_id)
    logger.info("Export %s started.", job_id)
    return job


def export_job_run(*, job_id: int, task_id: str | None = None) -> ExportJob | None:
    """Writes the job's CSV and stores it, completing the job; called by the Celery task.

    Idempotent: a finished job is left as it is. A job found running was orphaned by a worker
    that died, and is redone from scratch. On an error the partial file is removed and the
    error re-raised with the job still running: the task retries transient errors, and marks
    the job failed (``export_job_fail``) when it gives up.
    """
    job = _start(job_id, task_id)
    if job is None:
        return ExportJob.objects.filter(pk=job_id).first()
    total = export_count_queryset(job.kind, job.filters).count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    progress = _ProgressRecorder(job.pk)
    stored_name = ""
    try:
        with tempfile.TemporaryFile(prefix=f"export-{job.pk}-") as scratch:
            rows = write_csv(job.kind, job.filters, scratch, progress)
            scratch.seek(0)
            filename = f"{job.kind}-{timezone.now():%Y%m%d-%H%M%S}.csv"
            stored_name = job.file.field.storage.save(f"exports/{job.pk}/{filename}", File(scratch))
        with transaction.atomic():
            locked = ExportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ExportStatus.RUNNING:
                # Failed or finished meanwhile (e.g. given up on after a time limit): keep that.
                job.file.field.storage.delete(stored_name)
                return locked
            locked.file.name = stored_name
            locked.status = ExportStatus.COMPLETED
            locked.row_count = locked.rows_done = locked.rows_total = rows
            locked.finished_at = timezone.now()
            locked.save()
            on_commit_robust(_email_requester, locked.pk)
        return locked
    except BaseException:
        if stored_name:
            job.file.field.storage.delete(stored_name)
        raise
    finally:
        progress.close()


def export_job_fail(*, job_id: int, error: str) -> ExportJob | None:
    """Gives up on a job: failed, with the error, and no file. A completed job stays so."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED_STATUSES:
            return job
        job.status = ExportStatus.FAILED
        job.error = error[:10_000] or "Unknown error."
        job.file = ""
        job.finished_at = timezone.now()
        job.save()
        on_commit_robust(_email_requester, job.pk)
    _delete_leftovers(job_id)
    return job


def export_jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Fails jobs still running long after any attempt could (a hard time limit kills the
    process before it can record anything), and jobs still pending as long after they were
    asked for (their task never reached the broker). Returns how many."""
    now = now or timezone.now()
    hard_limit = getattr(settings, "EXPORT_TASK_TIME_LIMIT", 35 * 60)
    cutoff = now - dt.timedelta(seconds=2 * hard_limit)
    stale = {
        "The export stopped (time limit or lost worker) and was given up.": ExportJob.objects.filter(
            status=ExportStatus.RUNNING, started_at__lt=cutoff
        ),
        "The export never started (its task was not queued) and was given up.": ExportJob.objects.filter(
            status=ExportStatus.PENDING, created_at__lt=cutoff
        ),
    }
    failed = 0
    for error, jobs in stale.items():
        for job_id in list(jobs.values_list("pk", flat=True)):
            export_job_fail(job_id=job_id, error=error)
            failed += 1
    return failed


def export_files_prune(*, now: dt.datetime | None = None) -> int:
    """Deletes export files older than the retention period; their jobs become expired."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(status=ExportStatus.COMPLETED, finished_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    pruned = 0
    for job_id in list(old.iterator(chunk_size=500)):
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update().filter(pk=job_id, status=ExportStatus.COMPLETED).first()
            )
            if job is None:
                continue
            name = job.file.name
            job.file = ""
            job.status = ExportStatus.EXPIRED
            job.save(update_fields=["file", "status"])
            # The row no longer points at the file once this commits; only then is it removed.
            transaction.on_commit(partial(job.file.field.storage.delete, name))
        pruned += 1
    return pruned


def _email_requester(job_id: int) -> None:
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    context = {
        "job": job,
        "admin_url": settings.SITE_URL + reverse("admin:exports_exportjob_change", args=[job.pk]),
        "download_url": settings.SITE_URL + reverse("exports:download", args=[job.pk]),
    }
    send_mail(
        subject=render_to_string("emails/exports/finished_subject.txt", context).strip(),
        message=render_to_string("emails/exports/finished.txt", context),
        from_email=None,
        recipient_list=[job.requested_by.email],
    )
