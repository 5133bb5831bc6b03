"""Account e-mails (password reset, address confirmation, unlock link, an admin's decision):
sent through the notifications' retried path, never straight from the request.

Each is a ``Notification`` of kind ``account`` (never shown in the app, no preferences: the
user cannot turn them off) with one e-mail delivery, written in the caller's transaction. After
the commit the delivery goes to the same retrying task as every notification, and if the broker
was down the beat sweep sends it later (``accounts.delivery_sweep``). So a mail server or a
broker that is down never changes the HTTP answer (a reset says the same whether or not the
address has an account), and the mail is retried until it is sent or gives up after
NOTIFICATION_MAX_RETRIES. Once sent, the text (which holds a single-use link) is wiped.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import ACCOUNT_KIND, Channel, Notification, NotificationDelivery
from accounts.notifications import queue_delivery
from householdsvc.core.transactions import on_commit_robust


def account_mail(*, user, purpose: str, subject: str, body: str) -> NotificationDelivery:
    """Record the e-mail and queue its delivery after the commit. ``purpose`` (``reset``,
    ``confirm``, ``unlock`` …) names it in the admin; every call is its own mail."""
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=user,
            kind=ACCOUNT_KIND,
            key=f"account:{purpose}:{uuid.uuid4().hex}",
            title=str(subject)[:200],
            email_text=body,
            in_app=False,
        )
        delivery = NotificationDelivery.objects.create(notification=notification, channel=Channel.EMAIL)
        on_commit_robust(queue_delivery, delivery.pk)
    return delivery
