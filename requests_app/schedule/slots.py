"""Who is free when: the one query of which professionals are free in [start, end), and the
bookable slots of a service in a pin code.

A slot is a start time on the grid of ``SLOT_STEP_MINUTES`` from local midnight, no earlier
than now and before ``BOOKING_HORIZON_DAYS`` from now, at which at least one suitable
professional (approved, active, of the service, serving the pin code) is free for the
service's whole duration: inside one of their working-hours ranges, on no time off, holding no
job then.

The counting is in ``slot_counts``: professionals grouped by identical weekly pattern, and only
those holding a job or time off in the window subtracted, per pattern, as a difference array
over slot indices (two queries on PostgreSQL; the same from ``values_list`` rows elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Role, VerificationStatus
from requests_app.models import HOLDING_STATUSES, ServiceRequest, Status
from requests_app.schedule.models import TimeOff, WorkingHours
from requests_app.schedule.slot_counts import free_counts


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    free_professionals: int


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def step() -> timedelta:
    return timedelta(minutes=settings.SLOT_STEP_MINUTES)


def horizon_end(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.BOOKING_HORIZON_DAYS)


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` starts in the site's time zone."""
    return datetime.combine(day, time(0), tzinfo=site_zone()).astimezone(UTC)


def is_aligned(start: datetime) -> bool:
    """Whether ``start`` is on the slot grid: a whole multiple of the step after local midnight."""
    local = start.astimezone(site_zone())
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and local.microsecond == 0 and minutes % settings.SLOT_STEP_MINUTES == 0


# --- Who is free ---------------------------------------------------------------------------


def suitable_professionals(*, service, pin_code: str) -> QuerySet:
    """Professionals who may be booked for a household job of ``service`` in ``pin_code``."""
    return get_user_model().objects.filter(
        role=Role.PROFESSIONAL,
        is_active=True,
        professional_profile__verification_status=VerificationStatus.APPROVED,
        professional_profile__service_id=service.pk,
        professional_profile__pin_code=pin_code,
    )


def professionals_free(professionals: QuerySet, *, start: datetime, end: datetime, exclude_request_id=None):
    """``professionals`` (a queryset of users) narrowed to those free in [start, end): a
    working-hours range of that local weekday covers it, no time off overlaps it and they
    hold no job overlapping it. The one place this rule lives, for slots, offers and accepting.
    A range that would run past local midnight is never free (working hours do not)."""
    zone = site_zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if end <= start or local_end.date() != local_start.date():
        return professionals.none()
    hours = WorkingHours.objects.filter(
        professional_id=OuterRef("pk"),
        weekday=local_start.weekday(),
        starts_at__lte=local_start.time(),
        ends_at__gte=local_end.time(),
    )
    away = TimeOff.objects.filter(professional_id=OuterRef("pk"), starts_at__lt=end, ends_at__gt=start)
    jobs = ServiceRequest.objects.filter(
        professional_id=OuterRef("pk"), status__in=HOLDING_STATUSES, busy_from__lt=end, busy_until__gt=start
    )
    if exclude_request_id is not None:
        jobs = jobs.exclude(pk=exclude_request_id)
    return professionals.filter(Exists(hours)).exclude(Exists(away)).exclude(Exists(jobs))


def is_free(professional_id, *, start: datetime, end: datetime, exclude_request_id=None) -> bool:
    one = get_user_model().objects.filter(pk=professional_id)
    return professionals_free(one, start=start, end=end, exclude_request_id=exclude_request_id).exists()


# --- Slots ---------------------------------------------------------------------------------


def slots_for(
    *,
    service,
    pin_code: str,
    first_day: date,
    days: int,
    now: datetime | None = None,
    engine=None,
    professional_ids=None,
) -> list[Slot]:
    """The bookable slots of ``service`` in ``pin_code`` on ``days`` local days from
    ``first_day``, limited to [now, now + horizon). ``engine`` ("sql" or "python") is for
    tests and the benchmark; by default PostgreSQL uses SQL and anything else Python.
    ``professional_ids`` counts those professionals instead of the pin code's (a professional's
    own free times, to propose one)."""
    now = now or timezone.now()
    origin = local_midnight(first_day)
    start = max(origin, now)
    end = min(local_midnight(first_day + timedelta(days=days)), horizon_end(now))
    if end <= start:
        return []
    duration = timedelta(minutes=service.time_required_minutes)
    # A slot starting before ``end`` may run past it: blocks up to then still count.
    blocks_until = end + duration
    if professional_ids is not None:
        pros = list(professional_ids)
    else:
        pros = list(suitable_professionals(service=service, pin_code=pin_code).values_list("pk", flat=True))
    if not pros:
        return []
    engine = engine or ("sql" if connection.vendor == "postgresql" else "python")
    last_day = (end - timedelta(microseconds=1)).astimezone(site_zone()).date()
    counts = free_counts(
        pros,
        engine=engine,
        zone=site_zone(),
        origin=origin,
        start=start,
        end=blocks_until,
        first_day=first_day,
        last_day=last_day,
        duration=duration,
        step=step(),
    )
    slots, step_size = [], step()
    for position in sorted(counts):
        slot_start = origin + position * step_size
        if start <= slot_start < end and is_aligned(slot_start):
            slots.append(Slot(slot_start, slot_start + duration, counts[position]))
    return slots


def next_free_slots(*, service, pin_code: str, after: datetime, limit: int = 5) -> list[Slot]:
    """The first ``limit`` bookable slots starting after ``after`` (for a 409 on a taken slot),
    counting the bookings nobody holds yet as taking one free professional each."""
    now = timezone.now()
    first_day = max(after, now).astimezone(site_zone()).date()
    found = slots_for(
        service=service, pin_code=pin_code, first_day=first_day, days=settings.BOOKING_HORIZON_DAYS + 1
    )
    found = [slot for slot in found if slot.start > after]
    if not found:
        return []
    duration = timedelta(minutes=service.time_required_minutes)
    waiting = list(
        ServiceRequest.objects.filter(
            service_id=service.pk,
            pin_code=pin_code,
            status=Status.REQUESTED,
            professional__isnull=True,
            scheduled_for__lt=found[-1].end,
            scheduled_for__gt=found[0].start - duration,
        ).values_list("scheduled_for", flat=True)
    )
    free = []
    for slot in found:
        left = slot.free_professionals - sum(1 for when in waiting if slot.start - duration < when < slot.end)
        if left > 0:
            free.append(Slot(slot.start, slot.end, left))
            if len(free) == limit:
                break
    return free
