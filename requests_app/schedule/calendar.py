"""The professional's iCalendar feed: a signed, revocable URL that Google or Apple Calendar
subscribes to, listing their jobs (household slots and roadside jobs) with nothing personal
beyond the job's service, time and area (pin code): no customer, address or phone."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from householdsvc.core.errors import NotFound
from requests_app.models import ServiceRequest, Status
from requests_app.schedule.models import CalendarFeed

SALT = "requests_app.schedule.calendar"
# How far back the feed reaches; ahead it reaches as far as anything is booked.
PAST_DAYS = 30


def _signed(feed: CalendarFeed) -> str:
    return signing.Signer(salt=SALT).sign(f"{feed.professional_id}.{feed.key}")


def calendar_feed_url(*, professional) -> str:
    """The professional's feed URL (made on first use)."""
    feed, _ = CalendarFeed.objects.get_or_create(
        professional=professional, defaults={"key": secrets.token_urlsafe(24)}
    )
    return settings.SITE_URL.rstrip("/") + reverse("requests_app:calendar-feed", args=[_signed(feed)])


def calendar_feed_revoke(*, professional) -> str:
    """A new key: the old URL answers 404 from now on. Returns the new URL."""
    CalendarFeed.objects.update_or_create(
        professional=professional, defaults={"key": secrets.token_urlsafe(24)}
    )
    return calendar_feed_url(professional=professional)


def feed_owner(token: str):
    """The professional a signed feed token belongs to, while it is their current one."""
    try:
        professional_id, key = signing.Signer(salt=SALT).unsign(token).split(".", 1)
        feed = CalendarFeed.objects.select_related("professional").get(professional_id=int(professional_id))
    except (signing.BadSignature, ValueError, CalendarFeed.DoesNotExist) as exc:
        raise NotFound(gettext("No such calendar.")) from exc
    if not secrets.compare_digest(feed.key, key) or not feed.professional.is_active:
        raise NotFound(gettext("No such calendar."))
    return feed.professional


def calendar_for(professional) -> bytes:
    since = timezone.now() - timedelta(days=PAST_DAYS)
    jobs = (
        ServiceRequest.objects.filter(professional_id=professional.pk, busy_until__gt=since)
        .exclude(status=Status.CANCELLED)
        .select_related("service")
        .order_by("busy_from", "id")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//householdsvc//jobs//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "householdsvc jobs")
    for job in jobs:
        event = Event()
        event.add("uid", f"request-{job.pk}@householdsvc")
        kind = "roadside" if job.service.is_dispatch else "household"
        event.add("summary", f"{job.service.name} ({kind})")
        event.add("dtstart", job.busy_from)
        event.add("dtend", job.busy_until)
        event.add("dtstamp", job.updated_at)
        if job.pin_code:
            event.add("location", f"Pin code {job.pin_code}")
        calendar.add_component(event)
    return calendar.to_ical()
