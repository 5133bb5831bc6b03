"""Tracking points for tests, and the JSON an app would post."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tracking.models import LocationSource, LocationUpdate


class LocationUpdateFactory(factory.django.DjangoModelFactory):
    """A point reported by the request's professional a minute ago, near the request."""

    class Meta:
        model = LocationUpdate

    request = None  # pass the request
    reported_by = factory.LazyAttribute(lambda point: point.request.professional)
    source = LocationSource.PROFESSIONAL
    latitude = Decimal("12.960000")
    longitude = Decimal("77.580000")
    accuracy = 8
    recorded_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))


def point_json(*, seconds_ago=0, latitude="12.965000", longitude="77.590000", accuracy=5, **extra) -> dict:
    """One point as an app sends it (decimal strings, ISO 8601 time)."""
    recorded_at = timezone.now() - timedelta(seconds=seconds_ago)
    return {
        "latitude": latitude,
        "longitude": longitude,
        "accuracy": accuracy,
        "recorded_at": recorded_at.isoformat(),
        **extra,
    }


def track_json(count: int, *, newest_seconds_ago=0) -> list[dict]:
    """``count`` points a few seconds apart, moving north-east, oldest first."""
    return [
        point_json(
            seconds_ago=newest_seconds_ago + 5 * (count - 1 - index),
            latitude=f"{12.9 + index * 0.0001:.6f}",
            longitude=f"{77.5 + index * 0.0001:.6f}",
        )
        for index in range(count)
    ]
