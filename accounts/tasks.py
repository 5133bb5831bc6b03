"""Celery tasks of the accounts app: thin wrappers around the services."""

from django.conf import settings

from accounts.delivery_sweep import pending_deliveries_requeue
from accounts.notifications import DeliveryFailed, notification_deliver, notification_delivery_give_up
from householdsvc.core.tasks import robust_task


@robust_task(
    name="accounts.tasks.deliver_notification",
    minutes=1,
    bind=True,
    autoretry_for=(),
    max_retries=None,  # counted below, from the setting
)
def deliver_notification(self, delivery_id: int) -> str:
    """Send one e-mail or SMS of a notification. Idempotent: a delivery already sent is not
    sent again. A failing channel is retried with a growing wait, then marked failed."""
    try:
        delivery = notification_deliver(delivery_id=delivery_id)
    except DeliveryFailed as exc:
        if self.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
            notification_delivery_give_up(delivery_id=delivery_id)
            return "failed"
        wait = settings.NOTIFICATION_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=min(wait, 3600)) from exc
    return delivery.state if delivery is not None else "gone"


@robust_task(name="accounts.tasks.requeue_pending_deliveries", minutes=1)
def requeue_pending_deliveries() -> int:
    """Beat, every minute: deliveries whose task never reached the broker are queued again."""
    return pending_deliveries_requeue()
