"""The last free professional of a slot can be booked once: bookings nobody holds yet count as
taking one free professional each, checked under the slots' lock, so the next booking is a 409
``slot_full`` listing the next free slots. On PostgreSQL, bookings racing on separate
connections: exactly as many succeed as professionals are free."""

import threading

import pytest
from django.db import connection

from householdsvc.core.errors import Conflict
from requests_app.models import ServiceRequest, Status
from requests_app.services import service_request_create
from tests.accounts.factories import CustomerFactory, ProfessionalFactory
from tests.requests_app.schedule_helpers import at, local_day, works
from tests.requests_app.test_schedule_booking import book

pytestmark = pytest.mark.usefixtures("site_time_zone")


def test_the_booking_past_the_free_professionals_is_a_409_slot_full(
    client_for, customer, other_customer, service, professional, other_professional
):
    works(professional, ("09:00", "12:00"))
    works(other_professional, ("09:00", "12:00"))
    day, nxt = local_day(3), local_day(4)
    when = at(day, "10:00")

    assert book(client_for(customer), service, when).status_code == 201
    # 10:30 overlaps the 10:00 booking: one professional is left for it.
    assert book(client_for(other_customer), service, at(day, "10:30")).status_code == 201
    third = CustomerFactory(email="erin@example.com")

    response = book(client_for(third), service, when)

    assert response.status_code == 409
    iso, later = day.isoformat(), nxt.isoformat()
    assert response.json() == {
        "code": "slot_full",
        "detail": "Every professional free at that time is already asked for by other bookings; "
        "choose another slot.",
        # Both waiting bookings claim 10:30; only the 10:30 one claims 11:00.
        "next_slots": [
            {"start": f"{iso}T11:00:00+05:30", "end": f"{iso}T12:00:00+05:30", "free_professionals": 1},
            {"start": f"{later}T09:00:00+05:30", "end": f"{later}T10:00:00+05:30", "free_professionals": 2},
            {"start": f"{later}T09:30:00+05:30", "end": f"{later}T10:30:00+05:30", "free_professionals": 2},
            {"start": f"{later}T10:00:00+05:30", "end": f"{later}T11:00:00+05:30", "free_professionals": 2},
            {"start": f"{later}T10:30:00+05:30", "end": f"{later}T11:30:00+05:30", "free_professionals": 2},
        ],
    }
    assert ServiceRequest.objects.filter(customer=third).count() == 0
    # A booking that is cancelled no longer claims anybody.
    ServiceRequest.objects.filter(customer=other_customer).update(status=Status.CANCELLED)
    assert book(client_for(third), service, when).status_code == 201


def test_moving_a_waiting_booking_does_not_count_it_against_itself(
    client_for, customer, service, professional
):
    works(professional, ("09:00", "12:00"))
    day = local_day(3)
    created = book(client_for(customer), service, at(day, "10:00"))
    job = created.json()["id"]

    moved = client_for(customer).post(
        f"/api/v1/requests/{job}/reschedule/", {"scheduled_for": at(day, "10:30").isoformat()}, format="json"
    )

    assert moved.status_code == 200
    assert ServiceRequest.objects.get(pk=job).scheduled_for == at(day, "10:30")


FREE, RACERS = 3, 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_exactly_as_many_succeed_as_are_free(service):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"
    for _ in range(FREE):
        works(ProfessionalFactory(professional_profile__service=service), ("09:00", "12:00"))
    customers = [CustomerFactory() for _ in range(RACERS)]
    when = at(local_day(3), "10:00")
    barrier = threading.Barrier(RACERS)
    outcomes = {}

    def attempt(customer):
        try:
            barrier.wait(timeout=10)
            service_request_create(
                customer=customer,
                service=service,
                description="Deep clean.",
                address="12 MG Road",
                pin_code="560001",
                scheduled_for=when,
            )
            outcomes[customer.pk] = "booked"
        except Conflict as exc:
            outcomes[customer.pk] = exc.code
        except Exception as exc:  # anything else is a failure the assertion shows
            outcomes[customer.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["booked"] * FREE + ["slot_full"] * (RACERS - FREE), outcomes
    assert ServiceRequest.objects.filter(service=service, scheduled_for=when).count() == FREE
