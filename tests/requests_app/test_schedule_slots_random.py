"""The fast slot count (weekly patterns grouped, only blocked professionals subtracted) gives
exactly what asking ``professionals_free`` about every grid start one by one gives, on a random
fixture: shared and differing patterns, lunch breaks, time off, back-to-back and overlapping
blocks, jobs that hold nobody. Both engines on PostgreSQL; the Python one on SQLite.

Also: the cached weekly patterns move on when working hours change.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from requests_app.models import Status
from requests_app.schedule import services, slots
from requests_app.schedule.models import TimeOff, WorkingHours
from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import request_in_state
from tests.requests_app.schedule_helpers import local_day, works

pytestmark = pytest.mark.usefixtures("site_time_zone")

ENGINES = ["sql", "python"] if connection.vendor == "postgresql" else ["python"]

SHARED = [(("09:00", "13:00"), ("14:00", "18:00")), (("08:00", "12:00"),)]


def naive(service, *, first_day, days, now):
    """Every grid start of every day, asking the one rule of who is free."""
    duration = timedelta(minutes=service.time_required_minutes)
    candidates = slots.suitable_professionals(service=service, pin_code="560001")
    found = []
    start, last = slots.local_midnight(first_day), slots.local_midnight(first_day + timedelta(days=days))
    while start < last:
        if now <= start < slots.horizon_end(now) and slots.is_aligned(start):
            free = slots.professionals_free(candidates, start=start, end=start + duration).count()
            if free:
                found.append((start, free))
        start += timedelta(minutes=settings.SLOT_STEP_MINUTES)
    return found


def make_fixture(seed, service, customer, *, first_day, days):
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    for number in range(10):
        pro = ProfessionalFactory(professional_profile__service=service)
        if number < 6:
            works(pro, *SHARED[number % 2], days=range(6))
        elif number < 9:
            for weekday in rng.sample(range(7), 4):
                start = rng.randrange(6 * 2, 14 * 2)
                hours = (f"{start // 2:02}:{30 * (start % 2):02}", f"{start // 2 + 5:02}:00")
                works(pro, hours, days=[weekday])
        # The tenth has no working hours at all.
        taken_until = datetime.combine(first_day, time(6), tzinfo=zone).astimezone(UTC)
        for _ in range(rng.randrange(0, 6)):
            # Back to back, or a short gap, or a long one: never overlapping (the constraint).
            begin = taken_until + timedelta(minutes=rng.choice([0, 30, 60, 90, 240, 600]))
            length = timedelta(minutes=rng.choice([30, 60, 90, 120]))
            status = rng.choice([Status.ASSIGNED, Status.ASSIGNED, Status.ON_SITE, Status.COMPLETED])
            request_in_state(
                status,
                professional=pro,
                service=service,
                customer=customer,
                scheduled_for=begin,
                busy_from=begin,
                busy_until=begin + length,
            )
            taken_until = begin + length
        if rng.random() < 0.4:
            day = first_day + timedelta(days=rng.randrange(days))
            start = datetime.combine(day, time(rng.randrange(0, 20)), tzinfo=zone)
            TimeOff.objects.create(
                professional=pro, starts_at=start, ends_at=start + timedelta(hours=rng.choice([1, 3, 30]))
            )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_count_equals_asking_about_every_start(engine, seed, service, customer):
    first_day, days = local_day(1), 3
    make_fixture(seed, service, customer, first_day=first_day, days=days)
    now = datetime.now(UTC)

    found = slots.slots_for(
        service=service, pin_code="560001", first_day=first_day, days=days, now=now, engine=engine
    )

    expected = naive(service, first_day=first_day, days=days, now=now)
    assert expected  # the fixture leaves something free
    assert [(slot.start, slot.free_professionals) for slot in found] == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_the_fast_count_equals_the_naive_one_across_a_daylight_saving_change(
    engine, service, customer, settings
):
    settings.TIME_ZONE = "Europe/London"
    # Clocks go forward on Sunday 28 March 2027.
    first_day, days, now = date(2027, 3, 27), 2, datetime(2027, 3, 26, 12, tzinfo=UTC)
    make_fixture(7, service, customer, first_day=first_day, days=days)
    for pro in set(WorkingHours.objects.values_list("professional_id", flat=True)):
        WorkingHours.objects.create(professional_id=pro, weekday=6, starts_at=time(0), ends_at=time(4))

    found = slots.slots_for(
        service=service, pin_code="560001", first_day=first_day, days=days, now=now, engine=engine
    )

    expected = naive(service, first_day=first_day, days=days, now=now)
    assert [(slot.start, slot.free_professionals) for slot in found] == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_changed_working_hours_change_the_slots_at_once(engine, service, professional):
    works(professional, ("09:00", "10:00"))
    day = local_day(2)
    iso = day.isoformat()

    def starts():
        found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)
        return [(slot.start.strftime("%Y-%m-%d %H:%M"), slot.free_professionals) for slot in found]

    assert starts() == [(f"{iso} 03:30", 1)]  # 09:00 IST

    services.working_hours_set(
        professional=professional,
        actor=professional,
        ranges=[(day.weekday(), time(10, 0), time(11, 0))],
    )
    assert starts() == [(f"{iso} 04:30", 1)]

    # An admin's edit of one range (a model save) counts too.
    hours = WorkingHours.objects.get(professional=professional)
    hours.starts_at, hours.ends_at = time(11, 0), time(12, 0)
    hours.save()
    assert starts() == [(f"{iso} 05:30", 1)]

    hours.delete()
    assert starts() == []
