"""Booking takes a slot: the slots endpoint lists them; a booking off the grid, in the past or
past the horizon is a 400; a slot nobody is free for any more is a 409 ``slot_taken`` listing
the next free slots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import ServiceRequest, Status
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import request_in_state
from tests.requests_app.schedule_helpers import at, local_day, works

# Slots and hours are in the site's time zone: test them in the production default one.
pytestmark = pytest.mark.usefixtures("site_time_zone")


def book(client, service, when):
    return client.post(
        "/api/v1/requests/",
        {
            "service": service.pk,
            "description": "Deep clean of a two-bedroom flat.",
            "address": "12 MG Road",
            "pin_code": "560001",
            "scheduled_for": when.isoformat(),
        },
        format="json",
    )


def test_slots_endpoint_lists_free_start_times_with_the_count(client_for, customer, service, professional):
    works(professional, ("09:00", "10:30"))
    day = local_day(4)

    response = client_for(customer).get(
        f"/api/v1/services/{service.pk}/slots/?pin_code=560001&from={day.isoformat()}&days=1"
    )

    assert response.status_code == 200
    iso = day.isoformat()
    assert response.json() == {
        "service": service.pk,
        "pin_code": "560001",
        "time_zone": "Asia/Kolkata",
        "step_minutes": 30,
        "duration_minutes": 60,
        "slots": [
            {"start": f"{iso}T09:00:00+05:30", "end": f"{iso}T10:00:00+05:30", "free_professionals": 1},
            {"start": f"{iso}T09:30:00+05:30", "end": f"{iso}T10:30:00+05:30", "free_professionals": 1},
        ],
    }


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2020-01-01", {"from": ["That day is in the past."]}),
        ("from=tomorrow", {"from": ["Enter a date, YYYY-MM-DD."]}),
        ("days=99", {"days": ["At most 15."]}),
    ],
)
def test_slots_endpoint_refuses_bad_input(client_for, customer, service, query, errors):
    response = client_for(customer).get(f"/api/v1/services/{service.pk}/slots/?pin_code=560001&{query}")
    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_slots_of_a_roadside_service_are_a_404(client_for, customer, db):
    roadside = DispatchServiceFactory()
    response = client_for(customer).get(f"/api/v1/services/{roadside.pk}/slots/?pin_code=560001")
    assert response.status_code == 404


def test_booking_a_free_slot_succeeds(client_for, customer, service, professional):
    works(professional, ("09:00", "12:00"))
    when = at(local_day(2), "10:30")

    response = book(client_for(customer), service, when)

    assert response.status_code == 201, response.json()
    assert ServiceRequest.objects.get().scheduled_for == when


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda: at(local_day(2), "10:10"), "Choose a start on the 30-minute grid (e.g. 10:00, 10:30)."),
        (lambda: at(local_day(20), "10:00"), "Bookings open at most 14 days ahead."),
        (lambda: timezone.now() - timedelta(hours=3), "The preferred time is in the past."),
    ],
)
def test_a_time_off_the_grid_past_or_beyond_the_horizon_is_a_400(
    client_for, customer, service, professional, when, message
):
    works(professional, ("00:00", "23:30"))

    response = book(client_for(customer), service, when())

    assert response.status_code == 400
    assert response.json()["errors"] == {"scheduled_for": [message]}
    assert ServiceRequest.objects.count() == 0


def test_a_slot_taken_meanwhile_is_a_409_with_the_next_free_slots(
    client_for, customer, other_customer, service, professional
):
    works(professional, ("09:00", "12:00"))
    day = local_day(3)
    # Carol, the only professional there, took a job from 10:00 to 11:00 after the page loaded.
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=other_customer,
        scheduled_for=at(day, "10:00"),
        busy_from=at(day, "10:00"),
        busy_until=at(day, "11:00"),
    )

    response = book(client_for(customer), service, at(day, "10:30"))

    assert response.status_code == 409
    iso = day.isoformat()
    nxt = local_day(4).isoformat()
    assert response.json() == {
        "code": "slot_taken",
        "detail": "Nobody is free at that time any more; choose another slot.",
        "next_slots": [
            {"start": f"{iso}T11:00:00+05:30", "end": f"{iso}T12:00:00+05:30", "free_professionals": 1},
            {"start": f"{nxt}T09:00:00+05:30", "end": f"{nxt}T10:00:00+05:30", "free_professionals": 1},
            {"start": f"{nxt}T09:30:00+05:30", "end": f"{nxt}T10:30:00+05:30", "free_professionals": 1},
            {"start": f"{nxt}T10:00:00+05:30", "end": f"{nxt}T11:00:00+05:30", "free_professionals": 1},
            {"start": f"{nxt}T10:30:00+05:30", "end": f"{nxt}T11:30:00+05:30", "free_professionals": 1},
        ],
    }
    assert ServiceRequest.objects.filter(customer=customer).count() == 0


def test_slots_query_count_does_not_grow_with_professionals(
    client_for, customer, service, django_assert_max_num_queries
):
    from tests.accounts.factories import ProfessionalFactory

    for _ in range(15):
        works(ProfessionalFactory(professional_profile__service=service), ("09:00", "17:00"))
    client = client_for(customer)

    # Auth, the service, the candidates, the slots.
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/services/{service.pk}/slots/?pin_code=560001&days=3")
    assert response.status_code == 200
