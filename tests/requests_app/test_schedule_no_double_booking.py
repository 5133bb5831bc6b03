"""A professional never holds two overlapping jobs: accepting or being assigned one is a 409,
checked under a lock in the services and, on PostgreSQL, by an exclusion constraint."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from householdsvc.core.errors import Conflict
from requests_app import services
from requests_app.models import ServiceRequest, Status
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import ServiceRequestFactory, offer_to, request_in_state
from tests.requests_app.schedule_helpers import at, local_day, works

# Slots and hours are in the site's time zone: test them in the production default one.
pytestmark = pytest.mark.usefixtures("site_time_zone")


@pytest.fixture
def day():
    return local_day(3)


@pytest.fixture
def carol_works(professional):
    works(professional, ("09:00", "17:00"))
    return professional


def booking(service, when, **fields):
    return ServiceRequestFactory(service=service, scheduled_for=when, **fields)


def offered_anyway(job, professional):
    """An offer made while they were free (they took another job or time off since): the
    schedule's own check at accepting is what then refuses them."""
    offer_to(job, professional)
    return job


def test_accepting_holds_the_slot_for_the_services_time(carol_works, service, day):
    job = booking(service, at(day, "10:00"))

    services.service_request_accept(request_id=job.pk, professional=carol_works)

    job.refresh_from_db()
    assert (job.busy_from, job.busy_until) == (at(day, "10:00"), at(day, "11:00"))


def test_accepting_an_overlapping_job_is_a_409_and_changes_nothing(carol_works, service, day):
    first = booking(service, at(day, "10:00"))
    services.service_request_accept(request_id=first.pk, professional=carol_works)
    overlapping = offered_anyway(booking(service, at(day, "10:30")), carol_works)

    with pytest.raises(Conflict) as refused:
        services.service_request_accept(request_id=overlapping.pk, professional=carol_works)

    assert refused.value.code == "overlapping_job"
    overlapping.refresh_from_db()
    assert (overlapping.status, overlapping.professional_id, overlapping.busy_from) == (
        Status.REQUESTED,
        None,
        None,
    )
    # Back to back is fine.
    after = booking(service, at(day, "11:00"))
    assert (
        services.service_request_accept(request_id=after.pk, professional=carol_works).status
        == Status.ASSIGNED
    )


def test_an_admin_assigning_an_overlapping_job_gets_409(carol_works, service, day, admin_user, client_for):
    first = booking(service, at(day, "10:00"))
    services.service_request_assign(request_id=first.pk, professional=carol_works.pk, actor=admin_user)
    second = booking(service, at(day, "10:30"))

    response = client_for(admin_user).post(
        f"/api/v1/requests/{second.pk}/assign/", {"professional": carol_works.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_job"


def test_accepting_outside_working_hours_or_on_time_off_is_a_409(carol_works, service, day):
    from requests_app.schedule.models import TimeOff

    evening = offered_anyway(booking(service, at(day, "18:00")), carol_works)
    TimeOff.objects.create(professional=carol_works, starts_at=at(day, "12:00"), ends_at=at(day, "14:00"))
    lunch = offered_anyway(booking(service, at(day, "12:30")), carol_works)

    for job in (evening, lunch):
        with pytest.raises(Conflict) as refused:
            services.service_request_accept(request_id=job.pk, professional=carol_works)
        assert refused.value.code == "not_available"


def test_roadside_help_holds_from_accept_to_the_estimated_end(db, customer):
    from tests.accounts.factories import ProfessionalFactory

    roadside = DispatchServiceFactory(time_required_minutes=45)
    operator = ProfessionalFactory(
        professional_profile__service=roadside, professional_profile__position_updated_at=timezone.now()
    )
    job = ServiceRequestFactory(service=roadside, address="", customer=customer)
    before = timezone.now()

    services.service_request_accept(request_id=job.pk, professional=operator)

    job.refresh_from_db()
    assert before <= job.busy_from <= timezone.now()
    assert job.busy_until - job.busy_from == timedelta(minutes=45)
    # A second roadside job now overlaps the first.
    second = ServiceRequestFactory(service=roadside, address="", customer=customer)
    with pytest.raises(Conflict):
        services.service_request_accept(request_id=second.pk, professional=operator)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlapping_holds_even_past_the_services(service, professional, customer, day):
    assert connection.vendor == "postgresql", "the exclusion constraint is PostgreSQL's"
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=customer,
        busy_from=at(day, "10:00"),
        busy_until=at(day, "11:00"),
    )
    other = request_in_state(
        Status.ON_SITE,
        professional=professional,
        service=service,
        customer=customer,
        busy_from=at(day, "12:00"),
        busy_until=at(day, "13:00"),
    )

    with pytest.raises(IntegrityError, match="request_no_overlapping_jobs"), transaction.atomic():
        ServiceRequest.objects.filter(pk=other.pk).update(busy_from=at(day, "10:30"))
    # A finished job no longer holds the time.
    ServiceRequest.objects.filter(pk=other.pk).update(
        status=Status.COMPLETED, final_price=40, busy_from=at(day, "10:30")
    )


RACERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_accepts_of_overlapping_jobs_exactly_one_wins(service, professional, day):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"
    works(professional, ("09:00", "17:00"))
    jobs = [booking(service, at(day, "10:00") + timedelta(minutes=n)) for n in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    outcomes = {}

    def attempt(job):
        try:
            barrier.wait(timeout=10)
            services.service_request_accept(request_id=job.pk, professional=professional)
            outcomes[job.pk] = "won"
        except Conflict as exc:
            outcomes[job.pk] = exc.code
        except Exception as exc:  # anything else is a failure the assertion shows
            outcomes[job.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["overlapping_job"] * (RACERS - 1) + ["won"], outcomes
    assert ServiceRequest.objects.filter(professional=professional, status=Status.ASSIGNED).count() == 1
