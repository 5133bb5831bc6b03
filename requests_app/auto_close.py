"""completed ──by itself after CLOSE_AFTER_DAYS──▶ closed (DESIGN's status machine).

Beat runs ``completed_requests_close`` every hour (CELERY_BEAT_SCHEDULE). A request completed
more than CLOSE_AFTER_DAYS ago that nobody closed is closed by the system: the same ``move`` as
a customer's close, under the row lock, with an event in the trail whose actor is empty (the
system) and a note, and both sides told. Not while money is undecided: a price change waiting
for the customer, or declined and waiting for an admin (DESIGN: decided before it can be paid),
or a payment in flight; those close on a later run once settled. A closed request can still be
paid and reviewed (PAYABLE_STATUSES, REVIEWABLE_STATUSES).

Idempotent: each request is checked again under its lock, so a second run, or two at once,
close it once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests_app.models import Action, PaymentStatus, ServiceRequest, Status
from requests_app.money.models import DECIDED_PRICE_CHANGES, PriceChange
from requests_app.services.guards import move, service_request_lock

logger = logging.getLogger(__name__)

BATCH = 500


def _due(now):
    cutoff = now - timedelta(days=settings.CLOSE_AFTER_DAYS)
    undecided_price = PriceChange.objects.exclude(status__in=DECIDED_PRICE_CHANGES).values("request_id")
    return (
        ServiceRequest.objects.filter(status=Status.COMPLETED, completed_at__lt=cutoff)
        .exclude(payment_status=PaymentStatus.PENDING)
        .exclude(pk__in=undecided_price)
    )


def completed_requests_close(*, now=None) -> int:
    """Close the requests completed more than CLOSE_AFTER_DAYS ago; how many were closed."""
    now = now or timezone.now()
    days = settings.CLOSE_AFTER_DAYS
    closed = 0
    for request_id in list(_due(now).order_by("completed_at", "pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            service_request = service_request_lock(request_id=request_id)
            # Again under the lock: closed, paid for or disputed since the read.
            if not _due(now).filter(pk=request_id).exists():
                continue
            service_request.closed_automatically = True  # the notification's words
            move(
                service_request,
                Action.CLOSE,
                None,
                note=f"Closed by itself {days} days after completion.",
                stamp="closed_at",
            )
            closed += 1
    if closed:
        logger.info("Closed %s completed requests after %s days", closed, days)
    return closed
