"""Slots: start times on the step grid where a suitable professional is free for the whole job.

Both engines (the SQL statement on PostgreSQL, the Python twin used on SQLite) are held to the
same literal expectations, including across a daylight-saving change and a date boundary
between the site's time zone and UTC.
"""

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings

from requests_app.models import Status
from requests_app.schedule import slots
from requests_app.schedule.models import TimeOff
from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import request_in_state
from tests.requests_app.schedule_helpers import at, local_day, works

# Slots and hours are in the site's time zone: test them in the production default one.
pytestmark = pytest.mark.usefixtures("site_time_zone")

ENGINES = ["sql", "python"]


def starts(found):
    return [
        (slot.start.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), slot.free_professionals) for slot in found
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_slots_fit_the_whole_job_inside_working_hours_and_count_who_is_free(
    engine, service, professional, other_professional
):
    # Carol works 09:00-11:00 and 12:00-13:00 (IST); Dave 10:00-12:00. The job takes an hour.
    works(professional, ("09:00", "11:00"), ("12:00", "13:00"))
    works(other_professional, ("10:00", "12:00"))
    day = local_day(3)

    found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)

    iso = day.isoformat()
    # 09:00 IST is 03:30 UTC.
    assert starts(found) == [
        (f"{iso} 03:30", 1),
        (f"{iso} 04:00", 1),
        (f"{iso} 04:30", 2),
        (f"{iso} 05:00", 1),
        (f"{iso} 05:30", 1),
        (f"{iso} 06:30", 1),
    ]
    assert found[0].end == at(day, "10:00")


@pytest.mark.parametrize("engine", ENGINES)
def test_time_off_and_held_jobs_take_their_time_out(engine, service, professional, customer):
    works(professional, ("09:00", "13:00"))
    day = local_day(2)
    TimeOff.objects.create(professional=professional, starts_at=at(day, "09:30"), ends_at=at(day, "10:15"))
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=customer,
        scheduled_for=at(day, "11:30"),
        busy_from=at(day, "11:30"),
        busy_until=at(day, "12:30"),
    )
    # A job that no longer holds the professional (completed) takes nothing.
    request_in_state(
        Status.COMPLETED,
        professional=professional,
        service=service,
        customer=customer,
        busy_from=at(day, "09:00"),
        busy_until=at(day, "13:00"),
    )

    found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)

    iso = day.isoformat()
    # Free 10:15-11:30 (slots 10:30 at 05:00Z) and 12:30-13:00 (too short for an hour).
    assert starts(found) == [(f"{iso} 05:00", 1)]


@pytest.mark.parametrize("engine", ENGINES)
def test_other_pin_codes_services_and_unapproved_professionals_do_not_count(engine, service, professional):
    works(professional, ("09:00", "10:00"))
    elsewhere = ProfessionalFactory(
        professional_profile__service=service, professional_profile__pin_code="110001"
    )
    works(elsewhere, ("09:00", "10:00"))
    pending = ProfessionalFactory(
        professional_profile__service=service, professional_profile__verification_status="pending"
    )
    works(pending, ("09:00", "10:00"))
    day = local_day(1)

    found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)

    assert starts(found) == [(f"{day.isoformat()} 03:30", 1)]


@pytest.mark.parametrize("engine", ENGINES)
@override_settings(TIME_ZONE="Europe/London")
def test_daylight_saving_does_not_shift_a_slot(engine, service, professional):
    # Clocks go forward at 01:00 UTC on Sunday 28 March 2027: 09:00 is 09:00Z on Saturday and
    # 08:00Z on Sunday.
    works(professional, ("09:00", "10:30"))
    now = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)

    found = slots.slots_for(
        service=service, pin_code="560001", first_day=date(2027, 3, 27), days=2, now=now, engine=engine
    )

    assert starts(found) == [
        ("2027-03-27 09:00", 1),
        ("2027-03-27 09:30", 1),
        ("2027-03-28 08:00", 1),
        ("2027-03-28 08:30", 1),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_local_weekday_not_utc_weekday_decides_across_midnight(engine, service, professional):
    # Tuesday 00:00-01:30 IST is Monday 18:30-20:00 UTC.
    works(professional, ("00:00", "01:30"), days=[1])
    now = datetime(2027, 1, 1, tzinfo=UTC)

    found = slots.slots_for(
        service=service, pin_code="560001", first_day=date(2027, 1, 4), days=2, now=now, engine=engine
    )

    assert starts(found) == [("2027-01-04 18:30", 1), ("2027-01-04 19:00", 1)]


@pytest.mark.parametrize("engine", ENGINES)
def test_no_slot_in_the_past_or_past_the_horizon(engine, service, professional):
    works(professional, ("09:00", "10:00"))
    now = datetime(2027, 1, 4, 3, 45, tzinfo=UTC)  # 09:15 IST on Monday 4 January

    found = slots.slots_for(
        service=service, pin_code="560001", first_day=date(2027, 1, 4), days=30, now=now, engine=engine
    )

    # Today's 09:00 is gone; the horizon (14 days) ends at 09:15 IST on the 18th, so its 09:00 is in.
    assert starts(found)[0] == ("2027-01-05 03:30", 1)
    assert starts(found)[-1] == ("2027-01-18 03:30", 1)
    assert len(found) == 14


def hold(professional, service, customer, day, start, end):
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=customer,
        scheduled_for=at(day, start),
        busy_from=at(day, start),
        busy_until=at(day, end),
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_jobs_closer_than_the_job_take_a_start_once(
    engine, service, professional, other_professional, customer
):
    # Carol and Dave work 09:00-15:00 (IST); the job takes an hour. Carol holds 10:00-10:30 and
    # 10:30-11:00 back to back, 11:15-11:45 (a 15-minute gap) and 12:30-13:00: the 10:00 and 10:30
    # starts overlap two of her jobs each, and still take her once. Dave holds 13:00-14:00.
    works(professional, ("09:00", "15:00"))
    works(other_professional, ("09:00", "15:00"))
    day = local_day(2)
    for start, end in (("10:00", "10:30"), ("10:30", "11:00"), ("11:15", "11:45"), ("12:30", "13:00")):
        hold(professional, service, customer, day, start, end)
    hold(other_professional, service, customer, day, "13:00", "14:00")

    found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)

    iso = day.isoformat()
    # 09:00 ends as Carol's first job starts, 13:00 starts as her last one ends: both free.
    # Nobody is free at 12:30 (07:00Z).
    assert starts(found) == [
        (f"{iso} 03:30", 2),
        (f"{iso} 04:00", 1),
        (f"{iso} 04:30", 1),
        (f"{iso} 05:00", 1),
        (f"{iso} 05:30", 1),
        (f"{iso} 06:00", 1),
        (f"{iso} 06:30", 1),
        (f"{iso} 07:30", 1),
        (f"{iso} 08:00", 1),
        (f"{iso} 08:30", 2),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_overlapping_time_off_and_a_job_under_it_take_a_start_once(
    engine, service, professional, other_professional, customer
):
    # Carol works 09:00-15:00 with time off 10:00-13:00, a job 11:00-11:30 under it, and more
    # time off 12:30-13:30 over its end; Dave works 09:00-10:00 and holds nothing.
    works(professional, ("09:00", "15:00"))
    works(other_professional, ("09:00", "10:00"))
    day = local_day(2)
    TimeOff.objects.create(professional=professional, starts_at=at(day, "10:00"), ends_at=at(day, "13:00"))
    hold(professional, service, customer, day, "11:00", "11:30")
    TimeOff.objects.create(professional=professional, starts_at=at(day, "12:30"), ends_at=at(day, "13:30"))

    found = slots.slots_for(service=service, pin_code="560001", first_day=day, days=1, engine=engine)

    iso = day.isoformat()
    # Carol is taken at every start from 09:30 to 13:00, once each; free again at 13:30 (08:00Z).
    assert starts(found) == [(f"{iso} 03:30", 2), (f"{iso} 08:00", 1), (f"{iso} 08:30", 1)]
