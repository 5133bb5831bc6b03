"""The professional's ETA on a request they are on the way to, worked out on the server and
sent with every ``location`` message (``tracking.events``) and on the request page.

- remaining distance: straight line from the newest point to the request's position;
- speed: at the trip's first point the quote's ``DISPATCH_ETA_SPEED_KMH``; after that the
  path covered over the points of the last ``ETA_SPEED_WINDOW_SECONDS`` before the newest one,
  over that time, but never below ``ETA_FLOOR_SPEED_KMH`` (standing in traffic
  still gets there);
- the first promised time: the first point since setting off, plus its distance at
  ``DISPATCH_ETA_SPEED_KMH`` (the quote's speed). Worked out from the points themselves, so it
  needs no column and is the same for every watcher. When the ETA is later than that by
  ``DELAY_ALERT_MINUTES`` or more, ``late`` is set and the customer is told.
- ``near``: within ``ARRIVAL_RADIUS_M`` of the request's position (the professional's page then
  offers Arrive).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from django.conf import settings
from django.utils import timezone

from householdsvc.core.geo import haversine_km
from tracking.models import LocationUpdate


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def eta_for(service_request, newest) -> dict | None:
    """The ETA at ``newest`` (a ``LocationUpdate`` of the request), or None without a target."""
    if service_request.latitude is None or service_request.longitude is None or newest is None:
        return None
    target = (service_request.latitude, service_request.longitude)
    trip = LocationUpdate.objects.filter(
        request_id=service_request.pk,
        reported_by_id=newest.reported_by_id,
        recorded_at__lte=newest.recorded_at,
    )
    if service_request.started_at is not None:
        trip = trip.filter(recorded_at__gte=service_request.started_at)
    first = trip.order_by("recorded_at", "id").first() or newest
    window_start = newest.recorded_at - timedelta(seconds=settings.ETA_SPEED_WINDOW_SECONDS)
    recent = list(
        trip.filter(recorded_at__gte=window_start)
        .order_by("recorded_at", "id")
        .values_list("latitude", "longitude", "recorded_at")
    )
    path_km = sum(haversine_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(recent))
    span_h = (recent[-1][2] - recent[0][2]).total_seconds() / 3600 if len(recent) > 1 else 0
    speed = max(path_km / span_h if span_h > 0 else 0.0, settings.ETA_FLOOR_SPEED_KMH)
    if first.pk == newest.pk:
        # Nothing measured yet: the quote's speed, so the first ETA is the promise itself.
        speed = settings.DISPATCH_ETA_SPEED_KMH
    remaining_km = haversine_km(newest.latitude, newest.longitude, *target)
    arrives_at = newest.recorded_at + timedelta(hours=remaining_km / speed)
    first_km = haversine_km(first.latitude, first.longitude, *target)
    promised_at = first.recorded_at + timedelta(hours=first_km / settings.DISPATCH_ETA_SPEED_KMH)
    late = arrives_at - promised_at >= timedelta(minutes=settings.DELAY_ALERT_MINUTES)
    return {
        "remaining_km": round(remaining_km, 3),
        "speed_kmh": round(speed, 1),
        "minutes": max(0, round(remaining_km / speed * 60)),
        "arrives_at": arrives_at.isoformat(),
        "arrives_at_clock": _clock(arrives_at),
        "promised_at": promised_at.isoformat(),
        "promised_at_clock": _clock(promised_at),
        "late": late,
        "near": remaining_km * 1000 <= settings.ARRIVAL_RADIUS_M,
    }
