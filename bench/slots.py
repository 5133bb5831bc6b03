"""p50/p95 of the slots of one service in one pin code with 1,000 professionals over 14 days
(``requests_app.schedule.slots.slots_for``, the SQL path PostgreSQL uses), against a naive
computation in Python from every job of those professionals, in the same run; the Python path
used on SQLite is printed too. The weekly patterns of working hours are cached (as in
production, until hours change); ``slots_sql_uncached_p95`` moves their version before every
run, so it pays for grouping them too.

The data is the bench's own service in a pin code of its own: 1,000 approved professionals
working two ranges a day, a tenth of them with a day off, each holding two jobs a day over the
window (held jobs are made afresh on every run, so they are always ahead of now) and 30 past
completed ones.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from bench import figure

SERVICE_NAME = "Bench slots cleaning"
PIN_CODE = "999001"
PROFESSIONALS = 1_000
DAYS = 14
PAST_JOBS = 30
SQL_RUNS, PYTHON_RUNS, NAIVE_RUNS = 40, 5, 2


def _ensure_data():
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import ProfessionalProfile, Role, User, VerificationStatus
    from catalog.models import Service, ServiceKind
    from requests_app.models import ServiceRequest, Status
    from requests_app.schedule.models import TimeOff, WorkingHours
    from requests_app.schedule.slots import site_zone

    service, _ = Service.objects.get_or_create(
        name=SERVICE_NAME,
        defaults={
            "base_price": Decimal("500.00"),
            "time_required_minutes": 120,
            "kind": ServiceKind.AT_ADDRESS,
        },
    )
    customer, _ = User.objects.get_or_create(
        email="bench-slots-customer@bench.local",
        defaults={"full_name": "Bench Customer", "role": Role.CUSTOMER},
    )
    have = ProfessionalProfile.objects.filter(service=service, pin_code=PIN_CODE).count()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"bench-slots-{n}@bench.local",
                full_name=f"Bench Pro {n}",
                role=Role.PROFESSIONAL,
                password="!",
            )
            for n in range(have, PROFESSIONALS)
        )
        ProfessionalProfile.objects.bulk_create(
            ProfessionalProfile(
                user=user,
                service=service,
                pin_code=PIN_CODE,
                verification_status=VerificationStatus.APPROVED,
                document="bench/licence.pdf",
            )
            for user in users
        )
        for index, user in enumerate(users, start=have):
            shift = index % 3  # starts at 08:00, 09:00 or 10:00
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    professional=user, weekday=day, starts_at=clock(8 + shift), ends_at=clock(12 + shift)
                )
                for day in range(6)
            )
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    professional=user, weekday=day, starts_at=clock(13 + shift), ends_at=clock(18 + shift)
                )
                for day in range(6)
            )
    pros = list(
        User.objects.filter(professional_profile__service=service, professional_profile__pin_code=PIN_CODE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    zone, today = site_zone(), timezone.localdate()
    with transaction.atomic():
        ServiceRequest.objects.filter(service=service).delete()
        TimeOff.objects.filter(professional_id__in=pros).delete()
        jobs = []
        for index, pro in enumerate(pros):
            shift = index % 3
            for day_number in range(1, DAYS + 1):
                day = today + timedelta(days=day_number)
                for hour in (8 + shift, 14 + shift):
                    start = datetime.combine(day, clock(hour, 30 * (index % 2)), tzinfo=zone).astimezone(UTC)
                    jobs.append((pro, Status.ASSIGNED, start))
            for past in range(PAST_JOBS):
                start = datetime.combine(today - timedelta(days=past + 1), clock(10), tzinfo=zone).astimezone(
                    UTC
                )
                jobs.append((pro, Status.COMPLETED, start))
        ServiceRequest.objects.bulk_create(
            (
                ServiceRequest(
                    service=service,
                    customer=customer,
                    professional_id=pro,
                    description="Bench job",
                    address="Bench street",
                    pin_code=PIN_CODE,
                    scheduled_for=start,
                    busy_from=start,
                    busy_until=start + timedelta(minutes=service.time_required_minutes),
                    status=status,
                    price_estimate=service.base_price,
                    final_price=service.base_price if status == Status.COMPLETED else None,
                    assigned_at=start,
                )
                for pro, status, start in jobs
            ),
            batch_size=5_000,
        )
        day_off = today + timedelta(days=5)
        TimeOff.objects.bulk_create(
            TimeOff(
                professional_id=pro,
                starts_at=datetime.combine(day_off, clock(0), tzinfo=zone),
                ends_at=datetime.combine(day_off + timedelta(days=1), clock(0), tzinfo=zone),
            )
            for pro in pros[::10]
        )
    # Fresh rows, no statistics and no visibility map yet: the planner would guess one row each
    # (a nested loop over 1,000 professionals) and every index-only scan would visit the heap.
    # Autovacuum does this in production a while after a change; here it is done at once.
    with connection.cursor() as cursor:
        for model in (User, ProfessionalProfile, WorkingHours, TimeOff, ServiceRequest):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return service


def naive_slots(service, pin_code, first_day, days, now):
    """Every grid start, every professional: in working hours, on no time off, no held job."""
    from django.conf import settings

    from requests_app.models import HOLDING_STATUSES, ServiceRequest
    from requests_app.schedule.models import TimeOff, WorkingHours
    from requests_app.schedule.slots import horizon_end, site_zone, suitable_professionals

    zone, duration = site_zone(), timedelta(minutes=service.time_required_minutes)
    pros = list(suitable_professionals(service=service, pin_code=pin_code).values_list("pk", flat=True))
    hours, away, held = defaultdict(list), defaultdict(list), defaultdict(list)
    for pro, weekday, start, end in WorkingHours.objects.filter(professional_id__in=pros).values_list(
        "professional_id", "weekday", "starts_at", "ends_at"
    ):
        hours[pro].append((weekday, start, end))
    for pro, start, end in TimeOff.objects.filter(professional_id__in=pros).values_list(
        "professional_id", "starts_at", "ends_at"
    ):
        away[pro].append((start, end))
    for pro, status, start, end in ServiceRequest.objects.filter(professional_id__in=pros).values_list(
        "professional_id", "status", "busy_from", "busy_until"
    ):
        if status in HOLDING_STATUSES and start is not None:
            held[pro].append((start, end))
    limit, found = horizon_end(now), []
    for day_number in range(days):
        day = first_day + timedelta(days=day_number)
        for minute in range(0, 24 * 60, settings.SLOT_STEP_MINUTES):
            local = datetime.combine(day, clock(minute // 60, minute % 60), tzinfo=zone)
            start = local.astimezone(UTC)
            end = start + duration
            local_end = end.astimezone(zone)
            if start < now or start >= limit or local_end.date() != day:
                continue
            free = 0
            for pro in pros:
                fits = any(
                    weekday == day.weekday() and s <= local.time() and e >= local_end.time()
                    for weekday, s, e in hours[pro]
                )
                if (
                    fits
                    and not any(a < end and b > start for a, b in away[pro])
                    and not any(a < end and b > start for a, b in held[pro])
                ):
                    free += 1
            if free:
                found.append((start, free))
    return found


def _timed(func, runs) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run() -> Iterator[str]:
    from django.utils import timezone

    from requests_app.schedule.slot_counts import bump_hours_version
    from requests_app.schedule.slots import slots_for

    service = _ensure_data()
    now = timezone.now()
    first_day = timezone.localdate()
    args = {"service": service, "pin_code": PIN_CODE, "first_day": first_day, "days": DAYS, "now": now}
    sql = slots_for(**args, engine="sql")
    python = slots_for(**args, engine="python")
    naive = naive_slots(service, PIN_CODE, first_day, DAYS, now)
    same = [(slot.start, slot.free_professionals) for slot in sql] == naive
    yield f"# slots: {len(sql)} start times, all three computations agree: {same and sql == python}"
    sql_times = _timed(lambda: slots_for(**args, engine="sql"), SQL_RUNS)
    uncached_times = _timed(lambda: (bump_hours_version(), slots_for(**args, engine="sql")), SQL_RUNS // 2)
    python_times = _timed(lambda: slots_for(**args, engine="python"), PYTHON_RUNS)
    naive_times = _timed(lambda: naive_slots(service, PIN_CODE, first_day, DAYS, now), NAIVE_RUNS)
    naive_p95 = _p95(naive_times)
    yield figure("slots_sql_p50", statistics.median(sql_times), "ms", statistics.median(naive_times))
    yield figure("slots_sql_p95", _p95(sql_times), "ms", naive_p95)
    yield figure("slots_sql_uncached_p95", _p95(uncached_times), "ms", naive_p95)
    yield figure("slots_python_p95", _p95(python_times), "ms", naive_p95)
