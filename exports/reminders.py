"""The daily reminder: one email to each professional with requests waiting for them.

"Waiting for them" means two things, listed apart in the email:
- requests assigned to them that they have not started yet (status ``assigned``): work they
  have committed to;
- open requests offered to them right now (``requested``, their service, their area, not
  turned down by them), exactly as their offers page shows them (``service_request_list``).
A professional with neither gets no email. Each reminder is recorded as sent for the day
(``SentNotification``, this app's sent-once ledger) in the transaction that sends it, so a retried or doubled
run sends nobody a second one the same day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Role, working_professional_q
from exports.models import NotificationKind, SentNotification
from exports.notifications import notification_send_once
from requests_app.models import ServiceRequest, Status
from requests_app.selectors import service_request_list

# The email lists this many of each sort; past that it points to the offers page.
MAX_LISTED = 25


def _candidates(period_key: str):
    """Professionals who may have something waiting and have no reminder for the day yet.

    A cheap superset (assigned work, or an open request of their service anywhere); the
    selector then decides exactly what each one is offered.
    """
    open_of_service = ServiceRequest.objects.filter(
        status=Status.REQUESTED, service_id=OuterRef("professional_profile__service_id")
    )
    assigned = ServiceRequest.objects.filter(status=Status.ASSIGNED, professional_id=OuterRef("pk"))
    already_sent = SentNotification.objects.filter(
        kind=NotificationKind.DAILY_REMINDER, recipient_id=OuterRef("pk"), period_key=period_key
    )
    return (
        get_user_model()
        .objects.filter(role=Role.PROFESSIONAL, is_active=True)
        .filter(Exists(assigned) | (working_professional_q() & Exists(open_of_service)))
        .filter(~Exists(already_sent))
        .select_related("professional_profile")
        .order_by("pk")
    )


def _listed(queryset):
    rows = list(queryset.order_by("scheduled_for", "created_at", "id")[: MAX_LISTED + 1])
    return rows[:MAX_LISTED], len(rows) > MAX_LISTED


def daily_reminder_send(*, professional, day: dt.date) -> bool:
    """One professional's reminder for the day; False if nothing waits or it was already sent."""
    visible = service_request_list(user=professional)
    assigned, more_assigned = _listed(visible.filter(status=Status.ASSIGNED, professional_id=professional.pk))
    offered, more_offered = _listed(visible.filter(status=Status.REQUESTED))
    if not assigned and not offered:
        return False
    more = 0
    if more_assigned or more_offered:
        more = (
            visible.filter(status__in=(Status.ASSIGNED, Status.REQUESTED)).count()
            - len(assigned)
            - len(offered)
        )
    total = len(assigned) + len(offered) + more
    context = {
        "professional": professional,
        "assigned": assigned,
        "offered": offered,
        "more": more,
        "total": total,
        "site_url": settings.SITE_URL,
    }

    def send():
        with translation.override(professional.language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/reminders/daily_subject.txt", context).strip()
            message = render_to_string("emails/reminders/daily.txt", context)
        send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=[professional.email],
        )

    return notification_send_once(
        kind=NotificationKind.DAILY_REMINDER,
        recipient=professional,
        period_key=day.isoformat(),
        item_count=total,
        send=send,
    )


def daily_reminders_send(*, day: dt.date | None = None) -> int:
    """Sends the day's reminders (default: today); returns how many this run sent."""
    day = day or timezone.localdate()
    sent = 0
    for professional in _candidates(day.isoformat()).iterator(chunk_size=500):
        if daily_reminder_send(professional=professional, day=day):
            sent += 1
    return sent
