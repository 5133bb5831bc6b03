"""Notifications to a user: recorded once, delivered through the channels they chose.

The one entry point for every app::

    notify(*, recipient, kind, key, title, body="", request_id=None, url="",
           email_text="", email_html="") -> Notification | None

- ``recipient``: the ``User`` told (None: nothing happens, e.g. no professional yet);
- ``kind``: a ``NotificationKind`` value (the user's preferences are per kind);
- ``key``: what makes it once-only for this recipient, e.g. ``f"request:{id}:{event_id}"``;
  a second call with the same recipient and key records and sends nothing and returns None;
- ``title``/``body``/``url``: the words and the page to open (a path such as ``/requests/7/``);
  ``title`` is also the e-mail's subject and ``body`` the SMS; pass them lazy (``gettext_lazy``,
  ``format_lazy``): they are rendered here in the recipient's language (``language_of``);
- ``email_text``/``email_html``: the e-mail, if richer than body and link (optional).

Call it inside the transaction of the change it is about: the row commits or rolls back with
the change, and the deliveries (e-mail, SMS: Celery tasks that retry; the live bell over the
WebSocket) start only after the commit, so a channel that is down never blocks or undoes it.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from redis.exceptions import RedisError

from accounts import sms
from accounts.language import language_of
from accounts.models import (
    ACCOUNT_KIND,
    Channel,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    User,
)
from householdsvc.core import errors
from householdsvc.core.transactions import on_commit_robust

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = {Channel.IN_APP: True, Channel.EMAIL: True, Channel.SMS: False}


def user_group_name(user_id) -> str:
    """The Channels group of one user's sockets (the bell)."""
    return f"user_{user_id}"


# --- recording ---------------------------------------------------------------------------


def notify(
    *, recipient, kind, key, title, body="", request_id=None, url="", email_text="", email_html=""
) -> Notification | None:
    if recipient is None:
        return None
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    chosen = preferences_for(user=recipient)[kind]
    with translation.override(language_of(recipient)):
        title, body = str(title), str(body)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=str(key)[:200],
            defaults={
                "kind": kind,
                "request_id": request_id,
                "title": title[:200],
                "body": body,
                "url": url,
                "email_text": email_text,
                "email_html": email_html,
                "in_app": chosen[Channel.IN_APP],
            },
        )
        if not created:
            return None
        deliveries = []
        if chosen[Channel.EMAIL] and recipient.email:
            deliveries.append(NotificationDelivery(notification=notification, channel=Channel.EMAIL))
        if chosen[Channel.SMS] and recipient.phone:
            deliveries.append(NotificationDelivery(notification=notification, channel=Channel.SMS))
        NotificationDelivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            on_commit_robust(queue_delivery, delivery.pk)
        if notification.in_app:
            on_commit_robust(push_unread_count, recipient.pk)
    return notification


def queue_delivery(delivery_id) -> None:
    from accounts.tasks import deliver_notification  # the task module imports this one

    if deliver_notification.app.conf.task_always_eager:
        # In-process (``make run``, most tests): Celery's eager retry raises its Retry signal
        # into the caller instead of waiting, so the attempts are made here, one after another.
        deliver_now(delivery_id=delivery_id)
    else:
        # Raises while the broker is down: the row stays unqueued for the sweep.
        deliver_notification.delay(delivery_id)
    NotificationDelivery.objects.filter(pk=delivery_id, queued_at__isnull=True).update(
        queued_at=timezone.now()
    )


def deliver_now(*, delivery_id) -> None:
    for _ in range(settings.NOTIFICATION_MAX_RETRIES + 1):
        try:
            notification_deliver(delivery_id=delivery_id)
            return
        except DeliveryFailed:
            logger.warning("Notification delivery %s failed; trying again", delivery_id, exc_info=True)
    notification_delivery_give_up(delivery_id=delivery_id)


# --- delivering --------------------------------------------------------------------------


class DeliveryFailed(Exception):
    pass


def notification_deliver(*, delivery_id) -> NotificationDelivery | None:
    """Send one delivery if it is still pending; on failure count the attempt, keep the error
    and raise ``DeliveryFailed`` for the task to retry."""
    with transaction.atomic():
        # Locked while sending: a redelivered task (acks_late) waits, then finds it sent.
        delivery = (
            NotificationDelivery.objects.select_for_update(of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state != NotificationDelivery.State.PENDING:
            return delivery
        delivery.attempts += 1
        try:
            _send(delivery)
        except Exception as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:300]
            delivery.save(update_fields=["attempts", "last_error"])
            failure = exc
        else:
            delivery.state = NotificationDelivery.State.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.save(update_fields=["attempts", "state", "sent_at", "last_error"])
            if delivery.notification.kind == ACCOUNT_KIND:
                # Its single-use link is in the user's mailbox now; nobody needs it kept here.
                Notification.objects.filter(pk=delivery.notification_id).update(email_text="")
            return delivery
    raise DeliveryFailed(delivery.last_error) from failure


def notification_delivery_give_up(*, delivery_id) -> None:
    NotificationDelivery.objects.filter(pk=delivery_id, state=NotificationDelivery.State.PENDING).update(
        state=NotificationDelivery.State.FAILED
    )


def _send(delivery: NotificationDelivery) -> None:
    notification = delivery.notification
    recipient = notification.recipient
    link = settings.SITE_URL.rstrip("/") + notification.url if notification.url else ""
    if delivery.channel == Channel.EMAIL:
        text = (
            notification.email_text or "\n\n".join(part for part in (notification.body, link) if part) + "\n"
        )
        message = EmailMultiAlternatives(subject=notification.title, body=text, to=[recipient.email])
        if notification.email_html:
            message.attach_alternative(notification.email_html, "text/html")
        message.send()
    elif delivery.channel == Channel.SMS:
        sms.send_sms(to=recipient.phone, body=f"{notification.title}. {notification.body}"[:320])


def push_unread_count(user_id) -> None:
    """After a commit that changed the user's unread count: the bell's cached count stops
    counting, and the user's open pages are told the new one. Logged, never raised."""
    forget_unread_count(user_id=user_id)
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(
            user_group_name(user_id), {"type": "unread", "unread": unread_count(user_id=user_id)}
        )
    except Exception:
        logger.warning("Could not push the unread count of user %s", user_id, exc_info=True)


# --- reading and marking read ------------------------------------------------------------


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user, in_app=True).order_by("-created_at", "-id")


def _unread(recipient):
    return Notification.objects.filter(recipient_id=recipient, in_app=True, read_at__isnull=True)


def unread_count(*, user_id) -> int:
    return _unread(user_id).count()


def unread_count_column() -> Subquery:
    """``unread_count`` as a column of a query of users (the bell's count of each): the session's
    user is read with it (accounts.backends), so the bell on a page asks nothing more. A count
    of the unread partial index, one row however many there are (``COUNT`` with no group)."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(_unread(OuterRef("pk")).order_by().annotate(unread=count).values("unread"))


# The bell on every page: the count kept in the cache under the user's version, which every
# write that changes the count moves after its commit (push_unread_count). The version and the
# entry are read in one round trip, the version before the count is counted, so a reader racing
# a write can store an old count only under the old version, which no reader accepts any more.
# An entry lives less long than a version, so a lapsed version never revives an old entry.
BELL_COUNT_KEY = "bell:count:{user_id}"
BELL_VERSION_KEY = "bell:version:{user_id}"
BELL_COUNT_SECONDS = 300
BELL_VERSION_SECONDS = 86_400


def cached_unread_count(*, user_id) -> int:
    """``unread_count`` for the nav's bell, from the cache while no write has changed it."""
    count_key, version_key = BELL_COUNT_KEY.format(user_id=user_id), BELL_VERSION_KEY.format(user_id=user_id)
    try:
        found = cache.get_many([count_key, version_key])
    except RedisError:
        return unread_count(user_id=user_id)
    version = found.get(version_key)
    entry = found.get(count_key)
    if entry is not None and entry[0] == version:
        return entry[1]
    count = unread_count(user_id=user_id)
    with contextlib.suppress(RedisError):
        cache.set(count_key, (version, count), BELL_COUNT_SECONDS)
    return count


def forget_unread_count(*, user_id) -> None:
    try:
        cache.set(BELL_VERSION_KEY.format(user_id=user_id), uuid.uuid4().hex, BELL_VERSION_SECONDS)
    except RedisError:
        logger.warning("Could not move the bell version of user %s", user_id, exc_info=True)


def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of the user's notifications read (another user's is a 404)."""
    try:
        notification = notifications_for(user=user).get(pk=int(notification_id))
    except (Notification.DoesNotExist, TypeError, ValueError):
        raise errors.NotFound(gettext("No such notification.")) from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        on_commit_robust(push_unread_count, user.pk)
    return notification


def notifications_mark_all_read(*, user) -> int:
    count = notifications_for(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())
    on_commit_robust(push_unread_count, user.pk)
    return count


# --- preferences -------------------------------------------------------------------------


def preferences_for(*, user) -> dict[str, dict[str, bool]]:
    """Every kind with its channels: the user's choice, or the default."""
    chosen = {kind: dict(DEFAULT_CHANNELS) for kind in NotificationKind.values}
    for row in NotificationPreference.objects.filter(user=user):
        chosen[row.kind] = {Channel.IN_APP: row.in_app, Channel.EMAIL: row.email, Channel.SMS: row.sms}
    return chosen


@transaction.atomic
def preferences_update(*, user: User, changes: dict) -> dict[str, dict[str, bool]]:
    """``changes``: ``{kind: {channel: bool}}`` for some kinds and channels. An unknown kind or
    channel, or a value that is not a boolean, is a 400 and nothing is written."""
    problems: dict[str, list[str]] = {}
    if not isinstance(changes, dict):
        raise errors.ValidationFailed(
            gettext("Invalid input."), errors={"non_field_errors": [gettext("Expected an object.")]}
        )
    for kind, channels in changes.items():
        if kind not in NotificationKind.values:
            problems[str(kind)] = [
                gettext("Unknown kind. Choose from: %(choices)s.")
                % {"choices": ", ".join(NotificationKind.values)}
            ]
        elif not isinstance(channels, dict) or not channels:
            problems[kind] = [gettext('Expected an object of channels, e.g. {"email": false}.')]
        else:
            bad = [
                name
                for name, value in channels.items()
                if name not in Channel.values or not isinstance(value, bool)
            ]
            if bad:
                problems[kind] = [
                    gettext("Channels are %(choices)s, each true or false.")
                    % {"choices": ", ".join(Channel.values)}
                ]
    if problems:
        raise errors.ValidationFailed(gettext("Invalid input."), errors=problems)
    current = preferences_for(user=user)
    for kind, channels in changes.items():
        merged = {**current[kind], **channels}
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={
                "in_app": merged[Channel.IN_APP],
                "email": merged[Channel.EMAIL],
                "sms": merged[Channel.SMS],
            },
        )
    return preferences_for(user=user)
