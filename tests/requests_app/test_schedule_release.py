"""The assigned professional gives a job back before setting off: it is offered anew to the
others (not to them), a release within LATE_RELEASE_HOURS (24 by default, as CANCEL_FREE_HOURS)
of the slot is counted on their profile and shown to admins, and the customer hears of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ProfessionalProfile
from requests_app import selectors, services
from requests_app.models import RequestEvent, ServiceRequest, Status
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.usefixtures("site_time_zone")


def held(in_state, hours_ahead=None, start=None):
    start = start or timezone.now() + timedelta(hours=hours_ahead)
    return in_state(
        Status.ASSIGNED, scheduled_for=start, busy_from=start, busy_until=start + timedelta(hours=1)
    )


def late_releases(user):
    return ProfessionalProfile.objects.get(user=user).late_releases


def release(client_for, user, job, body=None):
    return client_for(user).post(f"/api/v1/requests/{job.pk}/release/", body or {}, format="json")


def test_an_early_release_is_offered_anew_to_the_others_and_not_counted(
    client_for,
    in_state,
    professional,
    other_professional,
    customer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    job = held(in_state, start=at(local_day(3), "10:00"))
    works(other_professional, ("09:00", "18:00"))

    with django_capture_on_commit_callbacks(execute=True):
        response = release(client_for, professional, job, {"note": "Van broke down."})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["professional"]) == ("requested", None)
    job.refresh_from_db()
    assert (job.status, job.professional_id, job.busy_from, job.busy_until, job.assigned_at) == (
        "requested",
        None,
        None,
        None,
        None,
    )
    event = RequestEvent.objects.get(request=job, action="release")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "release",
        "assigned",
        "requested",
        professional,
        "Released: Van broke down.",
    )
    assert late_releases(professional) == 0
    # The customer hears of it; Dave, in the area, is offered it (the dispatch's round).
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("alice@example.com", f"Your request #{job.pk} is looking for a new professional"),
        ("dave@example.com", f"New job offered: request #{job.pk}"),
    ]
    # Offered anew: Dave may take it, Carol no longer sees it.
    assert selectors.service_request_list(user=other_professional).filter(pk=job.pk).exists()
    assert not selectors.service_request_list(user=professional).filter(pk=job.pk).exists()
    again = client_for(professional).post(f"/api/v1/requests/{job.pk}/accept/")
    assert (again.status_code, again.json()["detail"]) == (403, "You turned this request down.")
    taken = services.service_request_accept(request_id=job.pk, professional=other_professional)
    assert (taken.status, taken.professional_id) == ("assigned", other_professional.pk)


def test_a_release_within_a_day_of_the_slot_is_counted_and_admins_see_the_count(
    client_for, in_state, professional, admin_user, client
):
    first = held(in_state, hours_ahead=5)
    second = held(in_state, hours_ahead=26)
    third = held(in_state, hours_ahead=23)

    for job in (first, second, third):
        assert release(client_for, professional, job).status_code == 200

    assert late_releases(professional) == 2
    notes = list(
        RequestEvent.objects.filter(action="release").order_by("request_id").values_list("note", flat=True)
    )
    assert notes == [
        "Released late: no reason given.",
        "Released: no reason given.",
        "Released late: no reason given.",
    ]
    client.force_login(admin_user)
    page = client.get("/admin/accounts/professionalprofile/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Late releases" in html
    assert '<td class="field-late_releases">2</td>' in html


def test_the_late_window_is_a_setting(client_for, in_state, professional, settings):
    settings.LATE_RELEASE_HOURS = 2
    job = held(in_state, hours_ahead=5)

    assert release(client_for, professional, job).status_code == 200

    assert late_releases(professional) == 0


def test_only_the_assigned_professional_before_setting_off_may_release(
    client_for, in_state, professional, other_professional, customer
):
    job = held(in_state, hours_ahead=30)
    on_the_way = in_state(Status.EN_ROUTE)

    assert release(client_for, other_professional, job).status_code == 404
    assert release(client_for, customer, job).json() == {
        "code": "not_allowed",
        "detail": "Only the professional assigned to this request may do this.",
    }
    refused = release(client_for, professional, on_the_way)
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    too_long = release(client_for, professional, job, {"note": "x" * 256})
    assert too_long.status_code == 400
    assert too_long.json()["errors"] == {"note": ["At most 255 characters."]}
    assert ServiceRequest.objects.get(pk=job.pk).status == "assigned"
    assert not RequestEvent.objects.exists()
    assert late_releases(professional) == 0


def test_the_professional_gives_the_job_back_from_its_page(client, in_state, professional):
    job = held(in_state, hours_ahead=30)
    client.force_login(professional)

    page = client.get(f"/requests/{job.pk}/")
    assert "Give the job back" in page.content.decode()
    response = client.post(f"/requests/{job.pk}/release/", {"note": "Ill."}, follow=True)

    assert response.redirect_chain[-1][0] == "/requests/jobs/"
    assert "You gave the job back; it is offered to other professionals." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.professional_id) == ("requested", None)
    assert RequestEvent.objects.get(request=job, action="release").note == "Released: Ill."
