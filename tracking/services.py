"""Location ingest: the assigned professional's phone reports GPS points in batches.

One batch is one transaction: the request's row is locked (``FOR NO KEY UPDATE``, which a
transition's ``FOR UPDATE`` waits for and which lets the points' foreign keys through), the
checks run in the project's order — may see the request (404), may report on it (403), its state
allows it (409 ``not_trackable``), the points are valid (400) — then every point not already
recorded is written with one ``bulk_create``, the professional's current position moves to the
newest point, and that point is broadcast to the request's watchers after commit.

Only the assigned professional reports, while the request is ``assigned``, ``en_route`` or
``on_site``. Customers do not: a dispatch request already carries the position to go to, and
nothing in the product reads a customer's track, so collecting it would only be keeping
personal data for nobody (``LocationSource.CUSTOMER`` stays in the model for when something
does). Admins do not either: they have no phone on the road.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile, Role
from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.transactions import on_commit_robust
from requests_app.models import REPORTING_STATUSES
from requests_app.services import service_request_lock
from requests_app.status_words import status_word
from tracking import events
from tracking.models import LocationSource, LocationUpdate
from tracking.validation import CleanPoint, clean_points


def _not_yet_recorded(service_request, user, points: list[CleanPoint]) -> list[CleanPoint]:
    """The points not recorded before, one per moment. A phone that lost the answer to a batch
    sends it again; the request's lock serialises its batches, so one indexed look at the
    batch's time span is enough to make the retry record nothing twice."""
    moments = [point.recorded_at for point in points]
    recorded = set(
        LocationUpdate.objects.filter(
            request_id=service_request.pk,
            reported_by_id=user.pk,
            recorded_at__gte=min(moments),
            recorded_at__lte=max(moments),
        ).values_list("recorded_at", flat=True)
    )
    fresh = []
    for point in points:
        if point.recorded_at not in recorded:
            recorded.add(point.recorded_at)
            fresh.append(point)
    return fresh


def location_batch_record(*, request_id, user, points) -> list[LocationUpdate]:
    """Record a batch of the assigned professional's GPS points on a request.

    ``points`` is a list of mappings ``{latitude, longitude, accuracy, recorded_at}`` as they
    came (numbers or numeric strings, ISO 8601 or datetimes); see ``tracking.validation``.
    Returns the points written, in the order given: a point whose moment (``recorded_at``) is
    already recorded for the request is skipped, so a retried batch is harmless.
    """
    ensure_active(user)
    now = timezone.now()
    with transaction.atomic():
        # The lock keeps the state from changing under the batch: points are never written to
        # a request a concurrent `complete` has just closed to tracking.
        service_request = service_request_lock(request_id=request_id, visible_to=user, no_key=True)
        if user.role != Role.PROFESSIONAL or service_request.professional_id != user.pk:
            raise NotAllowed(
                gettext("Only the professional assigned to this request may report its position.")
            )
        if service_request.status not in REPORTING_STATUSES:
            raise Conflict(
                gettext("Positions are not taken on a request that is %(status)s.")
                % {"status": status_word(service_request.status)},
                code="not_trackable",
            )
        cleaned = _not_yet_recorded(service_request, user, clean_points(points, now=now))
        if not cleaned:
            return []
        created = LocationUpdate.objects.bulk_create(
            [
                LocationUpdate(
                    request_id=service_request.pk,
                    reported_by_id=user.pk,
                    source=LocationSource.PROFESSIONAL,
                    latitude=point.latitude,
                    longitude=point.longitude,
                    accuracy=point.accuracy,
                    recorded_at=point.recorded_at,
                )
                for point in cleaned
            ]
        )
        newest = max(created, key=lambda point: point.recorded_at)
        # Batches can arrive out of order (a phone flushing an old buffer late): the profile
        # keeps the newest fix whatever the order, decided in the UPDATE itself so two
        # concurrent batches cannot overwrite a newer position with an older one.
        ProfessionalProfile.objects.filter(user_id=user.pk).filter(
            Q(position_updated_at__isnull=True) | Q(position_updated_at__lt=newest.recorded_at)
        ).update(
            current_latitude=newest.latitude,
            current_longitude=newest.longitude,
            position_updated_at=newest.recorded_at,
        )
        # robust: a broken channel layer must not turn committed points into an error.
        on_commit_robust(events.broadcast_location, newest)
    return created


def location_updates_prune(*, older_than_days: int | None = None, batch_size: int = 10_000) -> int:
    """Delete the points received more than the retention period ago (LOCATION_RETENTION_DAYS);
    return how many. At ten million rows one DELETE would hold its locks and bloat the WAL for
    minutes, so it goes in batches of ids taken from the received_at index, each its own
    transaction. The professional's latest position lives on their profile and stays."""
    days = settings.LOCATION_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            LocationUpdate.objects.filter(received_at__lt=cutoff)
            .order_by("received_at")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        count, _ = LocationUpdate.objects.filter(id__in=ids).delete()
        deleted += count
