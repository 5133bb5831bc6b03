"""Celery tasks of the exports app: thin wrappers that take ids and call the services.

Every task is acked late and rejected back to the broker when its worker process dies, so a
killed worker's export is delivered again and redone from scratch (``export_job_run`` treats a
job found running as orphaned). Transient database and file-system errors are retried a few
times with backoff; when a task gives up, the job is marked failed with the error.
"""

from django.conf import settings

from exports.outbox import export_job_heartbeat, export_jobs_requeue
from exports.reminders import daily_reminders_send
from exports.reports import monthly_reports_send
from exports.services import export_files_prune, export_job_fail, export_job_run, export_jobs_fail_stale
from householdsvc.core.tasks import TRANSIENT_ERRORS, robust_task

EXPORT_SOFT_TIME_LIMIT = getattr(settings, "EXPORT_TASK_SOFT_TIME_LIMIT", 30 * 60)
EXPORT_TIME_LIMIT = getattr(settings, "EXPORT_TASK_TIME_LIMIT", 35 * 60)


def _give_up(job_id: int, exc: BaseException) -> None:
    export_job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@robust_task(
    bind=True,
    name="exports.tasks.run_export",
    minutes=EXPORT_SOFT_TIME_LIMIT // 60,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
    retry_backoff=3,
    retry_backoff_max=120,
    retry_jitter=True,
)
def run_export(self, job_id: int) -> dict:
    # The job is failed here, in the task body, rather than in an on_failure hook: eager
    # execution (the embedded default) propagates errors before any hook would run.
    try:
        if self.request.is_eager:  # in the web process, inside its request: nobody to sweep
            job = export_job_run(job_id=job_id)
        else:
            with export_job_heartbeat(job_id):
                job = export_job_run(job_id=job_id, task_id=self.request.id)
    except TRANSIENT_ERRORS as exc:
        # Retried through the broker (autoretry_for) until max_retries; run eagerly there is
        # no broker to retry through, so the job fails at once.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            _give_up(job_id, exc)
        raise
    except Exception as exc:  # includes the soft time limit
        _give_up(job_id, exc)
        raise
    # A hard time limit kills the process before anything here can run; prune_export_files
    # fails such stale jobs later.
    return {"job_id": job_id, "status": job.status if job else None}


@robust_task(name="exports.tasks.prune_export_files", minutes=10)
def prune_export_files() -> dict:
    return {"expired": export_files_prune(), "failed_stale": export_jobs_fail_stale()}


@robust_task(name="exports.tasks.send_monthly_reports", minutes=50, retry_backoff=60)
def send_monthly_reports() -> dict:
    # Safe to retry or run twice: each customer's report is recorded as sent with it.
    return {"sent": monthly_reports_send()}


@robust_task(name="exports.tasks.send_daily_reminders", minutes=50, retry_backoff=60)
def send_daily_reminders() -> dict:
    # Safe to retry or run twice: each reminder is recorded as sent with it.
    return {"sent": daily_reminders_send()}


@robust_task(name="exports.tasks.requeue_export_jobs", minutes=1, max_retries=1)
def requeue_export_jobs() -> dict:
    # Every minute (beat): the outbox and the lost-worker sweep (exports.outbox).
    return export_jobs_requeue()
