"""Deliveries never lost to a broker that was down: ``notify`` and the account e-mails queue a
delivery's task after the commit and stamp ``queued_at`` once the broker took it. A delivery
still pending and unqueued a minute after it was made (the publish failed) is queued again by
``pending_deliveries_requeue``, which beat runs every minute (CELERY_BEAT_SCHEDULE).

Idempotent: a swept delivery is stamped as it is queued, so the next sweep leaves it alone;
and should two sweeps (or a sweep and a late first publish) both queue it, the task sends only
a delivery that is still pending, under its row lock, so it goes out once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from accounts.models import NotificationDelivery
from accounts.notifications import queue_delivery

logger = logging.getLogger(__name__)

# A delivery this young may still be on its way to the broker from the change that made it.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 500


def pending_deliveries_requeue(*, now=None) -> int:
    """Queue again the pending deliveries older than a minute that never reached the broker;
    how many were queued. Stops at the first failure (the broker is still down: next minute)."""
    now = now or timezone.now()
    stranded = NotificationDelivery.objects.filter(
        state=NotificationDelivery.State.PENDING, queued_at__isnull=True, created_at__lt=now - SWEEP_AFTER
    ).order_by("created_at", "pk")
    queued = 0
    for delivery_id in stranded.values_list("pk", flat=True)[:SWEEP_BATCH]:
        try:
            queue_delivery(delivery_id)
        except Exception:
            logger.warning("Delivery %s could not be queued again; next sweep", delivery_id, exc_info=True)
            break
        queued += 1
    if queued:
        logger.info("Queued %s stranded notification deliveries again", queued)
    return queued
