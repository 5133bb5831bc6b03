"""The customer moves a booking: kept with the professional when they are free then, offered
anew otherwise; refused past the cutoff or onto a slot nobody is free for."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from requests_app import services
from requests_app.models import RequestEvent, Status
from tests.requests_app.factories import ServiceRequestFactory
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.usefixtures("site_time_zone")


@pytest.fixture
def booked(customer, service, professional, django_capture_on_commit_callbacks):
    works(professional, ("09:00", "12:00"))
    job = ServiceRequestFactory(customer=customer, service=service, scheduled_for=at(local_day(3), "09:00"))
    services.service_request_accept(request_id=job.pk, professional=professional)
    return job


def move(client_for, user, job, when):
    return client_for(user).post(
        f"/api/v1/requests/{job.pk}/reschedule/", {"scheduled_for": when.isoformat()}, format="json"
    )


def test_moved_within_the_professionals_hours_it_stays_theirs(
    client_for, customer, professional, booked, django_capture_on_commit_callbacks
):
    new_time = at(local_day(4), "10:30")
    with django_capture_on_commit_callbacks(execute=True):
        response = move(client_for, customer, booked, new_time)

    assert response.status_code == 200
    assert response.json()["status"] == "assigned"
    booked.refresh_from_db()
    assert (booked.professional_id, booked.busy_from, booked.busy_until) == (
        professional.pk,
        new_time,
        new_time + timedelta(hours=1),
    )
    event = RequestEvent.objects.filter(request=booked).latest("id")
    day = local_day(4).isoformat()
    assert event.note == f"Rescheduled to {day} 10:30. Moved; the same professional keeps it."
    assert [m.to for m in mail.outbox if "was moved" in m.subject] == [["carol@example.com"]]


def test_moved_to_when_the_professional_is_busy_it_is_offered_anew(
    client_for, customer, professional, other_professional, booked
):
    works(other_professional, ("14:00", "16:00"))  # only Dave works afternoons
    response = move(client_for, customer, booked, at(local_day(4), "14:00"))

    assert response.status_code == 200
    booked.refresh_from_db()
    assert (booked.status, booked.professional_id, booked.busy_from) == (Status.REQUESTED, None, None)


def test_a_slot_nobody_is_free_for_is_409_with_the_next_slots(client_for, customer, booked):
    response = move(client_for, customer, booked, at(local_day(4), "18:00"))

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    # The next free slots come after the time asked for: the morning after.
    assert response.json()["next_slots"][0]["start"] == f"{local_day(5).isoformat()}T09:00:00+05:30"


def test_past_the_cutoff_it_cannot_be_moved(client_for, customer, service, professional):
    works(professional, ("00:00", "23:30"))
    soon = timezone.now() + timedelta(hours=3)
    job = ServiceRequestFactory(customer=customer, service=service, scheduled_for=soon)

    response = move(client_for, customer, job, at(local_day(4), "10:00"))

    assert response.status_code == 409
    assert response.json()["code"] == "reschedule_too_late"
    job.refresh_from_db()
    assert job.scheduled_for == soon


def test_off_grid_times_are_a_400_and_others_customers_get_404(client_for, customer, other_customer, booked):
    off_grid = move(client_for, customer, booked, at(local_day(4), "10:10"))
    stranger = move(client_for, other_customer, booked, at(local_day(4), "10:30"))

    assert off_grid.status_code == 400
    assert off_grid.json()["errors"] == {
        "scheduled_for": ["Choose a start on the 30-minute grid (e.g. 10:00, 10:30)."]
    }
    assert stranger.status_code == 404


def test_an_admin_moving_it_tells_both_sides(
    client_for, admin_user, customer, professional, booked, django_capture_on_commit_callbacks
):
    new_time = at(local_day(4), "10:30")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = move(client_for, admin_user, booked, new_time)

    assert response.status_code == 200
    day = local_day(4).isoformat()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("alice@example.com", f"Your booking #{booked.pk} was moved"),
        ("carol@example.com", f"Job #{booked.pk} was moved"),
    ]
    to_customer = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert to_customer.body == (
        f"Your booking #{booked.pk} was moved to {day} 10:30. Moved; the same professional keeps it."
    )
    to_professional = next(m for m in mail.outbox if m.to == ["carol@example.com"])
    assert to_professional.body.startswith(f"An admin moved job #{booked.pk} to {day} 10:30.")
    event = RequestEvent.objects.filter(request=booked).latest("id")
    assert (event.actor, event.note) == (
        admin_user,
        f"Rescheduled to {day} 10:30. Moved; the same professional keeps it.",
    )
