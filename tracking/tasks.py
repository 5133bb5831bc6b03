"""Celery tasks of the tracking app: thin wrappers around the services."""

from householdsvc.core.tasks import robust_task
from tracking.services import location_partitions_ensure, location_updates_prune


@robust_task(name="tracking.tasks.prune_location_updates", minutes=50, retry_backoff=60)
def prune_location_updates() -> dict:
    # Safe to retry or run twice: it deletes what is past the retention period, batch by batch.
    return {"deleted": location_updates_prune()}


@robust_task(name="tracking.tasks.create_location_partitions", minutes=10, retry_backoff=60)
def create_location_partitions() -> dict:
    # Safe to retry or run twice: a month that exists is left alone.
    return {"created": location_partitions_ensure()}
