"""Helpers of the schedule tests: a professional's working week, and days ahead in site time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from requests_app.schedule.models import WorkingHours


def works(professional, *ranges, days=range(7)):
    """``works(carol, ("09:00", "13:00"), ("14:00", "18:00"))``: those hours every day."""
    for weekday in days:
        for start, end in ranges:
            WorkingHours.objects.create(
                professional=professional,
                weekday=weekday,
                starts_at=time.fromisoformat(start),
                ends_at=time.fromisoformat(end),
            )


def local_day(days_ahead: int) -> date:
    return timezone.localdate() + timedelta(days=days_ahead)


def at(day: date, hhmm: str) -> datetime:
    """The UTC instant of ``hhmm`` on ``day`` in the site's time zone."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(
        UTC
    )
