"""The assigned professional proposes another time; the customer accepts (the booking moves,
kept with them) or declines (it stays). Each step is an event and an email to the other side.
And the customer moves a booking from the request page, picking one of the listed free slots."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from requests_app import services
from requests_app.models import RequestEvent
from requests_app.schedule.models import TimeOff, TimeProposal
from requests_app.schedule.release import service_request_release
from tests.requests_app.factories import ServiceRequestFactory
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.usefixtures("site_time_zone")


@pytest.fixture
def booked(customer, service, professional):
    works(professional, ("09:00", "12:00"))
    job = ServiceRequestFactory(customer=customer, service=service, scheduled_for=at(local_day(3), "09:00"))
    services.service_request_accept(request_id=job.pk, professional=professional)
    mail.outbox.clear()
    return job


def propose(client_for, user, job, when, note=""):
    body = {"scheduled_for": when.isoformat(), "note": note}
    return client_for(user).post(f"/api/v1/requests/{job.pk}/propose-time/", body, format="json")


def notes(job):
    return list(RequestEvent.objects.filter(request=job, action="edit").values_list("note", flat=True))


def test_proposed_and_accepted_the_booking_moves_and_stays_with_the_professional(
    client_for, customer, professional, booked, django_capture_on_commit_callbacks
):
    new_time = at(local_day(4), "10:30")
    day = local_day(4).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        proposed = propose(client_for, professional, booked, new_time, "A funeral that morning.")
    assert proposed.status_code == 201
    assert (proposed.json()["status"], proposed.json()["note"]) == ("pending", "A funeral that morning.")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["alice@example.com"], f"Your professional proposes another time for request #{booked.pk}")
    ]
    assert "A funeral that morning." in mail.outbox[0].body
    shown = client_for(customer).get(f"/api/v1/requests/{booked.pk}/proposal/")
    assert (shown.status_code, shown.json()["id"]) == (200, proposed.json()["id"])

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(customer).post(f"/api/v1/requests/{booked.pk}/proposal/accept/")

    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["professional"]) == ("assigned", professional.pk)
    booked.refresh_from_db()
    assert (booked.scheduled_for, booked.busy_from, booked.busy_until) == (
        new_time,
        new_time,
        new_time + timedelta(hours=1),
    )
    assert TimeProposal.objects.get().status == "accepted"
    assert notes(booked) == [
        f"Proposed moving it to {day} 10:30.",
        f"Accepted the proposed time: rescheduled to {day} 10:30.",
    ]
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [
        (["carol@example.com"], f"The customer accepted the new time for request #{booked.pk}")
    ]
    assert client_for(customer).get(f"/api/v1/requests/{booked.pk}/proposal/").status_code == 404


def test_declined_the_booking_keeps_its_time(
    client_for, customer, professional, booked, django_capture_on_commit_callbacks
):
    old_time = booked.scheduled_for
    propose(client_for, professional, booked, at(local_day(4), "10:30"))

    with django_capture_on_commit_callbacks(execute=True):
        declined = client_for(customer).post(f"/api/v1/requests/{booked.pk}/proposal/decline/")

    assert declined.status_code == 200
    booked.refresh_from_db()
    assert (booked.scheduled_for, booked.busy_from) == (old_time, old_time)
    assert TimeProposal.objects.get().status == "declined"
    assert notes(booked)[-1] == f"Declined the proposed time {local_day(4).isoformat()} 10:30."
    assert [m.subject for m in mail.outbox] == [
        f"The customer declined the new time for request #{booked.pk}"
    ]


def test_a_new_proposal_replaces_the_one_waiting(client_for, professional, booked):
    propose(client_for, professional, booked, at(local_day(4), "10:30"))
    propose(client_for, professional, booked, at(local_day(5), "09:30"))

    assert list(TimeProposal.objects.order_by("id").values_list("status", flat=True)) == [
        "withdrawn",
        "pending",
    ]


def test_bad_proposals_and_answers_are_refused_and_change_nothing(
    client_for, customer, professional, other_professional, booked, in_state
):
    busy = propose(client_for, professional, booked, at(local_day(4), "11:30"))  # runs past 12:00
    assert busy.json() == {
        "code": "professional_busy",
        "detail": "The professional is not free at that time.",
    }
    off_grid = propose(client_for, professional, booked, at(local_day(4), "10:10"))
    assert off_grid.status_code == 400
    assert list(off_grid.json()["errors"]) == ["scheduled_for"]
    same = propose(client_for, professional, booked, booked.scheduled_for)
    assert same.json()["errors"] == {"scheduled_for": ["That is the booking's time already."]}
    assert propose(client_for, other_professional, booked, at(local_day(4), "10:30")).status_code == 404
    assert propose(client_for, customer, booked, at(local_day(4), "10:30")).json()["code"] == "not_allowed"
    on_the_way = in_state("en_route", scheduled_for=at(local_day(3), "11:00"))
    refused = propose(client_for, professional, on_the_way, at(local_day(4), "10:30"))
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    nothing = client_for(customer).post(f"/api/v1/requests/{booked.pk}/proposal/accept/")
    assert nothing.status_code == 404
    propose(client_for, professional, booked, at(local_day(4), "10:30"))
    by_pro = client_for(professional).post(f"/api/v1/requests/{booked.pk}/proposal/accept/")
    assert by_pro.json()["code"] == "not_allowed"
    assert TimeProposal.objects.get().status == "pending"
    assert notes(booked) == [f"Proposed moving it to {local_day(4).isoformat()} 10:30."]


def test_on_the_pages_the_professional_proposes_and_the_customer_accepts(
    client, customer, professional, booked
):
    client.force_login(professional)
    page = client.get(f"/requests/{booked.pk}/").content.decode()
    offered = re.findall(r'<option value="([^"]+)"', page.split('id="propose-time"')[1])
    # Carol works 09:00-12:00: a one-hour job starts from 09:00 to 11:00; day 3's 09:00 is this job.
    day3 = [value for value in offered if value.startswith(local_day(3).isoformat())]
    assert day3 == [f"{local_day(3).isoformat()}T{hhmm}:00+05:30" for hhmm in ("10:00", "10:30", "11:00")]
    day4 = [value for value in offered if value.startswith(local_day(4).isoformat())]
    assert day4 == [
        f"{local_day(4).isoformat()}T{hhmm}:00+05:30"
        for hhmm in ("09:00", "09:30", "10:00", "10:30", "11:00")
    ]
    client.post(f"/requests/{booked.pk}/propose-time/", {"scheduled_for": day4[3], "note": "Traffic."})

    client.force_login(customer)
    page = client.get(f"/requests/{booked.pk}/").content.decode()
    assert "Your professional proposes moving it" in page and "Traffic." in page
    response = client.post(f"/requests/{booked.pk}/proposal/accept/", follow=True)

    assert "The booking moved to the proposed time." in response.content.decode()
    booked.refresh_from_db()
    assert booked.scheduled_for == at(local_day(4), "10:30")


def test_the_customer_moves_the_booking_to_a_listed_free_slot_from_the_page(client, customer, booked):
    client.force_login(customer)
    page = client.get(f"/requests/{booked.pk}/").content.decode()
    listed = re.findall(r'<option value="([^"]+)"', page.split('id="reschedule"')[1].split("</form>")[0])
    day5 = [value for value in listed if value.startswith(local_day(5).isoformat())]
    assert day5 == [
        f"{local_day(5).isoformat()}T{hhmm}:00+05:30"
        for hhmm in ("09:00", "09:30", "10:00", "10:30", "11:00")
    ]

    response = client.post(f"/requests/{booked.pk}/reschedule/", {"scheduled_for": day5[2]}, follow=True)

    assert "Your booking was moved." in response.content.decode()
    booked.refresh_from_db()
    assert (booked.scheduled_for, booked.status) == (at(local_day(5), "10:00"), "assigned")


def test_accepting_a_time_the_professional_is_no_longer_free_for_is_refused(
    client_for, customer, professional, booked
):
    old_time = booked.scheduled_for
    propose(client_for, professional, booked, at(local_day(4), "10:30"))
    TimeOff.objects.create(
        professional=professional, starts_at=at(local_day(4), "10:00"), ends_at=at(local_day(4), "12:00")
    )

    refused = client_for(customer).post(f"/api/v1/requests/{booked.pk}/proposal/accept/")

    assert refused.json() == {
        "code": "professional_busy",
        "detail": "The professional is not free at that time.",
    }
    booked.refresh_from_db()
    assert booked.scheduled_for == old_time
    assert TimeProposal.objects.get().status == "pending"


def test_a_release_withdraws_the_time_the_professional_proposed(client_for, professional, booked):
    propose(client_for, professional, booked, at(local_day(4), "10:30"))

    service_request_release(request_id=booked.pk, professional=professional)

    assert TimeProposal.objects.get().status == "withdrawn"


def test_the_customer_moving_the_booking_withdraws_the_proposed_time(
    client_for, customer, professional, booked, django_capture_on_commit_callbacks
):
    propose(client_for, professional, booked, at(local_day(4), "10:30"))
    mail.outbox.clear()
    new_time = at(local_day(5), "09:30")

    with django_capture_on_commit_callbacks(execute=True):
        moved = client_for(customer).post(
            f"/api/v1/requests/{booked.pk}/reschedule/",
            {"scheduled_for": new_time.isoformat()},
            format="json",
        )

    assert moved.status_code == 200
    assert TimeProposal.objects.get().status == "withdrawn"
    day4, day5 = local_day(4).isoformat(), local_day(5).isoformat()
    assert notes(booked) == [
        f"Proposed moving it to {day4} 10:30.",
        f"Rescheduled to {day5} 09:30. Moved; the same professional keeps it.",
        f"Withdrew the proposed time {day4} 10:30: the booking was moved.",
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carol@example.com"], f"Job #{booked.pk} was moved")
    ]
    assert f"The time you proposed ({day4} 10:30) is withdrawn." in mail.outbox[0].body
    # Answering it now is a 409, and changes nothing.
    for answer in ("accept", "decline"):
        late = client_for(customer).post(f"/api/v1/requests/{booked.pk}/proposal/{answer}/")
        assert (late.status_code, late.json()["code"]) == (409, "proposal_withdrawn")
    booked.refresh_from_db()
    assert booked.scheduled_for == new_time
    assert TimeProposal.objects.get().status == "withdrawn"
