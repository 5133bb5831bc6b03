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

Two ways in, one computation (``eta_of_trip``): ``eta_for`` reads the trip's points with the
ORM (``trip_read``: a page, a socket's first message); a batch being recorded reads them in its
own transaction, in the statement that moves the professional's position
(``tracking.ingest.position_move``: positions as floats, moments in microseconds), and the
broadcast works the ETA out of that ``Trip`` after the commit, with no query. The floats are
the ones ``haversine_km`` makes of the decimals (both correctly rounded), and a span in
microseconds over 10**6 is what ``timedelta.total_seconds`` returns, so both ways give the
same answer for the same points (tests/tracking/test_eta.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from householdsvc.core.geo import haversine_km, path_km
from tracking.models import LocationUpdate


@dataclass(frozen=True)
class Trip:
    """What the ETA at a newest point needs (``trip_read``, ``tracking.ingest.position_move``).

    ``target``: the request's position; ``newest`` and ``first`` (the trip's first point until
    the newest one): (latitude, longitude, recorded_at); ``first_is_newest``: no point before
    it; ``path``: the positions of the window's points in order; ``span_seconds``: from the
    window's first point to its last."""

    target: tuple
    newest: tuple
    first: tuple
    first_is_newest: bool
    path: list
    span_seconds: float


# A trip its caller did not read: ``tracking.events.broadcast_location`` reads it.
NOT_READ = object()


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def window_start(service_request, newest_at: datetime) -> datetime:
    """The earliest moment of the points the speed is measured over (never before setting off)."""
    start = newest_at - timedelta(seconds=settings.ETA_SPEED_WINDOW_SECONDS)
    started_at = service_request.started_at
    return start if started_at is None or started_at <= start else started_at


def trip_read(service_request, *, reported_by_id, newest_id, newest: tuple) -> Trip | None:
    """The ``Trip`` to the ``newest`` point (id, and (latitude, longitude, recorded_at)) of a
    reporter on the request, read with the ORM; None when the request has no position to go to."""
    if service_request.latitude is None or service_request.longitude is None:
        return None
    trip = LocationUpdate.objects.filter(
        request_id=service_request.pk, reported_by_id=reported_by_id, recorded_at__lte=newest[2]
    )
    if service_request.started_at is not None:
        trip = trip.filter(recorded_at__gte=service_request.started_at)
    first = (
        trip.order_by("recorded_at", "id").values_list("id", "latitude", "longitude", "recorded_at").first()
    )
    recent = list(
        trip.filter(recorded_at__gte=window_start(service_request, newest[2]))
        .order_by("recorded_at", "id")
        .values_list("latitude", "longitude", "recorded_at")
    )
    return Trip(
        target=(service_request.latitude, service_request.longitude),
        newest=newest,
        first=newest if first is None else first[1:],
        first_is_newest=first is None or first[0] == newest_id,
        path=recent,
        span_seconds=(recent[-1][2] - recent[0][2]).total_seconds() if len(recent) > 1 else 0,
    )


def eta_for(service_request, newest) -> dict | None:
    """The ETA at ``newest`` (a ``LocationUpdate`` of the request), or None without a target."""
    if newest is None:
        return None
    return eta_of_trip(
        trip_read(
            service_request,
            reported_by_id=newest.reported_by_id,
            newest_id=newest.pk,
            newest=(newest.latitude, newest.longitude, newest.recorded_at),
        )
    )


def eta_of_trip(trip: Trip | None) -> dict | None:
    """The ETA at the trip's newest point (None: the request has no position to go to)."""
    if trip is None:
        return None
    target, newest, first = trip.target, trip.newest, trip.first
    path_length_km = path_km(trip.path)
    span_h = trip.span_seconds / 3600
    speed = max(path_length_km / span_h if span_h > 0 else 0.0, settings.ETA_FLOOR_SPEED_KMH)
    if trip.first_is_newest:
        # Nothing measured yet: the quote's speed, so the first ETA is the promise itself.
        speed = settings.DISPATCH_ETA_SPEED_KMH
    remaining_km = haversine_km(newest[0], newest[1], *target)
    arrives_at = newest[2] + timedelta(hours=remaining_km / speed)
    first_km = haversine_km(first[0], first[1], *target)
    promised_at = first[2] + timedelta(hours=first_km / settings.DISPATCH_ETA_SPEED_KMH)
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
