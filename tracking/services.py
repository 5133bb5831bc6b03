"""Location ingest: the assigned professional's phone reports GPS points in batches.

One batch is one transaction. The request's row is read under a share lock
(``tracking.ingest``: a transition waits for it, other batches do not), the checks run in the
project's order — may see the request (404), may report on it (403), its state allows it (409
``not_trackable``), the points are valid (400) — then the batch is written with one multi-row
``INSERT``, done again with ``ON CONFLICT DO NOTHING`` when a point was already recorded
(a phone that lost the answer sends the batch again: those points are skipped), and last the
professional's current position moves to the newest new point, which is broadcast to the
request's watchers after commit.

A point is the same point when it has the same ``client_id`` (the phone's own id for it,
unique per reporter) and ``recorded_at``; a point without a ``client_id`` (older apps) when it
has the same ``recorded_at`` on the same request. Repeats are counted, not refused.

Only the assigned professional reports, while the request is ``assigned``, ``en_route`` or
``on_site``. Customers do not: a dispatch request already carries the position to go to, and
nothing in the product reads a customer's track, so collecting it would only be keeping
personal data for nobody (``LocationSource.CUSTOMER`` stays in the model for when something
does). Admins do not either: they have no phone on the road.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.transactions import on_commit_robust
from requests_app.models import REPORTING_STATUSES
from requests_app.status_words import status_word
from tracking import events, ingest, partitions
from tracking.models import LocationUpdate
from tracking.validation import CleanPoint, clean_points


@dataclass(frozen=True)
class RecordedBatch:
    rows: list[tuple[int, CleanPoint]]  # the points written (id, point), in the order given
    duplicates: int  # the points skipped as already recorded (before, or earlier in the batch)
    request_id: int = 0
    user_id: int = 0
    received_at: datetime | None = None

    @property
    def accepted(self) -> int:
        return len(self.rows)

    @cached_property
    def points(self) -> list[LocationUpdate]:
        """The points written, in the order given (made when asked: the API answers counts)."""
        return [self.instance(pk, point) for pk, point in self.rows]

    def instance(self, pk: int, point: CleanPoint) -> LocationUpdate:
        return ingest.location_update(
            pk, point, request_id=self.request_id, user_id=self.user_id, now=self.received_at
        )


def location_batch_record(*, request_id, user, points) -> RecordedBatch:
    """Record a batch of the assigned professional's GPS points on a request.

    ``points`` is a list of mappings ``{latitude, longitude, accuracy, recorded_at, client_id}``
    as they came (numbers or numeric strings, ISO 8601 or datetimes; ``accuracy`` and
    ``client_id`` optional); see ``tracking.validation``. A point already recorded is skipped
    and counted in ``duplicates``, so a retried batch is harmless.
    """
    ensure_active(user)
    now = timezone.now()
    skip = ingest.skips_first()
    try:
        return _batch_record(request_id=request_id, user=user, points=points, now=now, skip=skip)
    except IntegrityError as error:
        if skip or not ingest.is_repeat(error):
            raise
    # Some point was recorded before (tracking.ingest): the batch again, skipping those. The
    # first try's transaction is rolled back whole, its broadcast with it.
    return _batch_record(request_id=request_id, user=user, points=points, now=now, skip=True)


def _batch_record(*, request_id, user, points, now, skip: bool) -> RecordedBatch:
    with transaction.atomic():
        service_request = ingest.request_share_lock(request_id=request_id, visible_to=user)
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
        cleaned = clean_points(points, now=now)
        unique = ingest.first_of_each(cleaned)
        rows = ingest.insert_rows(
            request_id=service_request.pk, user_id=user.pk, points=unique, now=now, skip=skip
        )
        result = RecordedBatch(
            rows=rows,
            duplicates=len(cleaned) - len(rows),
            request_id=service_request.pk,
            user_id=user.pk,
            received_at=now,
        )
        if not rows:
            return result
        # The newest point (of several at the same moment, the first given).
        newest_id, newest_point = max(rows, key=lambda row: row[1].recorded_at)
        newest = result.instance(newest_id, newest_point)
        # Last, so the profile row's lock is held from here to the commit only. With it, the
        # points the ETA at the newest needs (no reload of the request after the commit).
        trip = ingest.position_move(
            user_id=user.pk, newest_id=newest_id, newest=newest_point, service_request=service_request
        )
        # robust: a broken channel layer must not turn committed points into an error.
        on_commit_robust(events.broadcast_location, newest, trip=trip)
    return result


def location_updates_prune(*, older_than_days: int | None = None, batch_size: int = 10_000) -> int:
    """Remove the points past the retention period (LOCATION_RETENTION_DAYS); return how many.

    On PostgreSQL, where the table is partitioned by month of ``recorded_at``, whole months
    past the period are dropped (``tracking.partitions``), and old points in the default
    partition deleted. Elsewhere the points received before the cutoff are deleted in batches
    of ids from the received_at index, each its own transaction (one DELETE of millions of
    rows would hold its locks and bloat the WAL for minutes). The professional's latest
    position lives on their profile and stays."""
    days = settings.LOCATION_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    if partitions.is_partitioned():
        deleted, _ = partitions.partitions_drop_before(cutoff)
        return deleted
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


def location_partitions_ensure() -> list[str]:
    """Make this month's partition of the tracking points and the next months' ahead (beat,
    daily); the names made. Nothing on SQLite."""
    return partitions.partitions_ensure()
