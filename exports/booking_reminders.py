"""Booking reminders, by beat (every few minutes): the customer the evening before a household
booking (from EVENING_REMINDER_HOUR local time, for the bookings of the next local day), the
professional PRO_REMINDER_MINUTES before a job of theirs. Each is sent once per booking and
time through the sent-once ledger (``SentNotification``, period key ``<request id>@<start>``):
a doubled or retried run sends nothing twice, and a booking moved to another time is reminded
again for its new time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.language import language_of
from catalog.models import ServiceKind
from exports.models import NotificationKind
from exports.notifications import notification_send_once
from requests_app.models import ServiceRequest, Status


def _key(service_request) -> str:
    start = timezone.localtime(service_request.scheduled_for)
    return f"{service_request.pk}@{start:%Y-%m-%dT%H:%M}"


def _send_once(kind, recipient, service_request, template) -> bool:
    if recipient is None or not recipient.email:
        return False
    context = {"service_request": service_request, "recipient": recipient, "site_url": settings.SITE_URL}

    def send():
        with translation.override(language_of(recipient)):
            text = render_to_string(template, context)
        subject, _, body = text.partition("\n\n")
        send_mail(subject=subject.strip(), message=body, from_email=None, recipient_list=[recipient.email])

    return notification_send_once(
        kind=kind, recipient=recipient, period_key=_key(service_request), item_count=1, send=send
    )


def _household(queryset):
    return (
        queryset.exclude(service__kind=ServiceKind.DISPATCH)
        .filter(scheduled_for__isnull=False)
        .select_related("service", "customer", "professional")
    )


def booking_reminders_send(*, now: datetime | None = None) -> dict:
    """Sends the reminders due now; returns how many of each this run sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    sent = {"customers": 0, "professionals": 0}
    if local.hour >= settings.EVENING_REMINDER_HOUR:
        tomorrow = local.date() + timedelta(days=1)
        zone = local.tzinfo
        start = datetime.combine(tomorrow, time(0), tzinfo=zone)
        bookings = _household(
            ServiceRequest.objects.filter(
                status__in=(Status.REQUESTED, Status.ASSIGNED),
                scheduled_for__gte=start,
                scheduled_for__lt=start + timedelta(days=1),
            )
        )
        for booking in bookings.order_by("scheduled_for", "pk").iterator(chunk_size=500):
            sent["customers"] += _send_once(
                NotificationKind.BOOKING_EVE,
                booking.customer,
                booking,
                "emails/reminders/booking_customer.txt",
            )
    soon = _household(
        ServiceRequest.objects.filter(
            status=Status.ASSIGNED,
            scheduled_for__gt=now,
            scheduled_for__lte=now + timedelta(minutes=settings.PRO_REMINDER_MINUTES),
        )
    )
    for job in soon.order_by("scheduled_for", "pk").iterator(chunk_size=500):
        sent["professionals"] += _send_once(
            NotificationKind.BOOKING_SOON, job.professional, job, "emails/reminders/booking_professional.txt"
        )
    return sent
