"""Who is free when: the one query of which professionals are free in [start, end), and the
bookable slots of a service in a pin code.

A slot is a start time on the grid of ``SLOT_STEP_MINUTES`` from local midnight, no earlier
than now and before ``BOOKING_HORIZON_DAYS`` from now, at which at least one suitable
professional (approved, active, of the service, serving the pin code) is free for the
service's whole duration: inside one of their working-hours ranges, on no time off, holding no
job then.

On PostgreSQL the slots come from one SQL statement: each professional's working ranges for
the days asked become a multirange, their time off and held jobs another, and the
difference is what they have free; each free range counts +1 from its first fitting start to
its last, and a running sum over the grid gives how many are free at each start. Elsewhere
(SQLite, ``make run``) the same sum is made in Python from three queries.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Role, VerificationStatus
from requests_app.models import HOLDING_STATUSES, ServiceRequest
from requests_app.schedule.models import TimeOff, WorkingHours


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

# Times are seconds after ``origin`` (local midnight of the first day) as int4 ranges: range
# arithmetic on integers is cheaper than on timestamps, and a window of days fits easily.
_SLOT_SQL = """
WITH pros AS MATERIALIZED (
    SELECT unnest(%(pros)s::bigint[]) AS id
), days AS (
    SELECT d::date AS day, extract(isodow FROM d)::int - 1 AS weekday
    FROM generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') d
), work AS (
    SELECT h.professional_id AS pro,
           range_agg(int4range(
               (date_part('epoch', (d.day + h.starts_at) AT TIME ZONE %(zone)s) - %(origin)s)::int,
               (date_part('epoch', (d.day + h.ends_at) AT TIME ZONE %(zone)s) - %(origin)s)::int)) AS ranges
    FROM requests_app_workinghours h
    JOIN pros ON pros.id = h.professional_id
    JOIN days d ON h.weekday = d.weekday
    GROUP BY h.professional_id
), blocked AS (
    SELECT pro, range_agg(span) AS ranges FROM (
        SELECT t.professional_id AS pro,
               int4range(greatest(date_part('epoch', t.starts_at) - %(origin)s, -1)::int,
                         least(date_part('epoch', t.ends_at) - %(origin)s, 2e9)::int) AS span
        FROM requests_app_timeoff t JOIN pros ON pros.id = t.professional_id
        WHERE t.starts_at < %(end)s AND t.ends_at > %(start)s
        UNION ALL
        SELECT r.professional_id,
               int4range(greatest(date_part('epoch', r.busy_from) - %(origin)s, -1)::int,
                         least(date_part('epoch', r.busy_until) - %(origin)s, 2e9)::int)
        FROM requests_app_servicerequest r JOIN pros ON pros.id = r.professional_id
        WHERE r.status = ANY(%(holding)s)
          AND r.busy_from IS NOT NULL AND r.busy_from < %(end)s AND r.busy_until > %(start)s
    ) spans GROUP BY pro
), marks AS (
    SELECT (ceil(greatest(lower(span), %(start_s)s)::float8 / %(step)s))::int AS first,
           (floor((upper(span) - %(duration)s)::float8 / %(step)s))::int AS last
    FROM (SELECT unnest(w.ranges - coalesce(b.ranges, '{}'::int4multirange)) AS span
          FROM work w LEFT JOIN blocked b ON b.pro = w.pro) free
)
SELECT mark, sum(delta)::int FROM (
    SELECT first AS mark, 1 AS delta FROM marks WHERE first <= last
    UNION ALL
    SELECT last + 1, -1 FROM marks WHERE first <= last
) deltas GROUP BY mark ORDER BY mark
"""


def _marks_sql(pros, *, origin, start, end, first_day, last_day, duration) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            _SLOT_SQL,
            {
                "first_day": first_day,
                "last_day": last_day,
                "zone": settings.TIME_ZONE,
                "pros": list(pros),
                "holding": list(HOLDING_STATUSES),
                "start": start,
                "end": end,
                "origin": origin.timestamp(),
                "start_s": int((start - origin).total_seconds()),
                "step": int(step().total_seconds()),
                "duration": int(duration.total_seconds()),
            },
        )
        return cursor.fetchall()


def _subtract(ranges, blocks):
    """The parts of sorted, disjoint ``ranges`` that no range of sorted ``blocks`` covers."""
    free = []
    for start, end in ranges:
        for block_start, block_end in blocks:
            if block_end <= start or block_start >= end:
                continue
            if block_start > start:
                free.append((start, block_start))
            start = max(start, block_end)
            if start >= end:
                break
        if start < end:
            free.append((start, end))
    return free


def _marks_python(pros, *, origin, start, end, first_day, last_day, duration) -> list[tuple[int, int]]:
    zone, step_seconds = site_zone(), step().total_seconds()
    hours = defaultdict(list)
    for pro, weekday, starts_at, ends_at in WorkingHours.objects.filter(professional_id__in=pros).values_list(
        "professional_id", "weekday", "starts_at", "ends_at"
    ):
        hours[pro].append((weekday, starts_at, ends_at))
    blocks = defaultdict(list)
    for pro, block_start, block_end in TimeOff.objects.filter(
        professional_id__in=pros, starts_at__lt=end, ends_at__gt=start
    ).values_list("professional_id", "starts_at", "ends_at"):
        blocks[pro].append((block_start, block_end))
    for pro, block_start, block_end in ServiceRequest.objects.filter(
        professional_id__in=pros, status__in=HOLDING_STATUSES, busy_from__lt=end, busy_until__gt=start
    ).values_list("professional_id", "busy_from", "busy_until"):
        blocks[pro].append((block_start, block_end))

    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    deltas: dict[int, int] = defaultdict(int)
    for pro, week in hours.items():
        ranges = sorted(
            (
                datetime.combine(day, starts_at, tzinfo=zone).astimezone(UTC),
                datetime.combine(day, ends_at, tzinfo=zone).astimezone(UTC),
            )
            for day in days
            for weekday, starts_at, ends_at in week
            if weekday == day.weekday()
        )
        for free_start, free_end in _subtract(ranges, sorted(blocks[pro])):
            first = math.ceil((max(free_start, start) - origin).total_seconds() / step_seconds)
            last = math.floor(((free_end - origin) - duration).total_seconds() / step_seconds)
            if first <= last:
                deltas[first] += 1
                deltas[last + 1] -= 1
    return sorted(deltas.items())


def slots_for(
    *, service, pin_code: str, first_day: date, days: int, now: datetime | None = None, engine=None
) -> list[Slot]:
    """The bookable slots of ``service`` in ``pin_code`` on ``days`` local days from
    ``first_day``, limited to [now, now + horizon). ``engine`` ("sql" or "python") is for
    tests and the benchmark; by default PostgreSQL uses SQL and anything else Python."""
    now = now or timezone.now()
    origin = local_midnight(first_day)
    start = max(origin, now)
    end = min(local_midnight(first_day + timedelta(days=days)), horizon_end(now))
    if end <= start:
        return []
    duration = timedelta(minutes=service.time_required_minutes)
    # A slot starting before ``end`` may run past it: blocks up to then still count.
    blocks_until = end + duration
    pros = list(suitable_professionals(service=service, pin_code=pin_code).values_list("pk", flat=True))
    if not pros:
        return []
    engine = engine or ("sql" if connection.vendor == "postgresql" else "python")
    compute = _marks_sql if engine == "sql" else _marks_python
    last_day = (end - timedelta(microseconds=1)).astimezone(site_zone()).date()
    marks = compute(
        pros,
        origin=origin,
        start=start,
        end=blocks_until,
        first_day=first_day,
        last_day=last_day,
        duration=duration,
    )
    slots, free, step_size = [], 0, step()
    for index, (mark, delta) in enumerate(marks):
        free += delta
        following = marks[index + 1][0] if index + 1 < len(marks) else mark
        for position in range(mark, following):
            slot_start = origin + position * step_size
            if free > 0 and start <= slot_start < end and is_aligned(slot_start):
                slots.append(Slot(slot_start, slot_start + duration, free))
    return slots


def next_free_slots(*, service, pin_code: str, after: datetime, limit: int = 5) -> list[Slot]:
    """The first ``limit`` bookable slots starting after ``after`` (for a 409 on a taken slot)."""
    now = timezone.now()
    first_day = max(after, now).astimezone(site_zone()).date()
    found = slots_for(
        service=service, pin_code=pin_code, first_day=first_day, days=settings.BOOKING_HORIZON_DAYS + 1
    )
    return [slot for slot in found if slot.start > after][:limit]
