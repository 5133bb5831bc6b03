"""Celery tasks of the tracking app: thin wrappers around the services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tracking.services import location_updates_prune


@shared_task(
    name="tracking.tasks.prune_location_updates",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=60,
)
def prune_location_updates() -> dict:
    # Safe to retry or run twice: it deletes what is past the retention period, batch by batch.
    return {"deleted": location_updates_prune()}
