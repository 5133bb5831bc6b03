"""The one preset for the project's Celery tasks (CONVENTIONS: ids in, idempotent, time limits,
acks late): every app's tasks are declared with ``robust_task`` instead of repeating it."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

# Worth another try: the database or the file system hiccupped, not the job itself.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


def robust_task(*, name: str, minutes: int, retry_backoff: int = 30, **options):
    """``@robust_task(name=..., minutes=N)``: a task acked late and handed back to the broker
    when its worker dies (so a killed worker's job is redelivered), stopped softly after N
    minutes and hard a little later, and retried three times with backoff on transient errors.
    Options given here (``bind``, ``retry_backoff_max`` …) are added or override."""
    settings = {
        "name": name,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "soft_time_limit": minutes * 60,
        "time_limit": minutes * 60 + max(60, minutes * 6),
        "autoretry_for": TRANSIENT_ERRORS,
        "max_retries": 3,
        "retry_backoff": retry_backoff,
    }
    settings.update(options)
    return shared_task(**settings)
