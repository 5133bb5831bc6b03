from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from householdsvc.core.errors import NotAllowed, ValidationFailed
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.services import service_request_create
from tests.catalog.factories import ServiceFactory
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.django_db


def create(customer, service, **fields):
    fields.setdefault("description", "Please deep-clean the kitchen.")
    return service_request_create(customer=customer, service=service, **fields)


def assert_refused(call, field):
    before = (ServiceRequest.objects.count(), RequestEvent.objects.count())
    with pytest.raises(ValidationFailed) as excinfo:
        call()
    assert field in excinfo.value.errors
    assert (ServiceRequest.objects.count(), RequestEvent.objects.count()) == before


def test_customer_books_a_household_job_at_home_by_default(customer, service):
    service_request = create(customer, service)

    profile = customer.customer_profile
    assert service_request.status == Status.REQUESTED
    assert (service_request.address, service_request.pin_code) == (profile.address, profile.pin_code)
    assert service_request.latitude == profile.latitude
    event = service_request.events.first()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        Action.CREATE,
        "",
        Status.REQUESTED,
        customer,
    )


def test_estimate_comes_from_the_base_price_never_the_caller(customer):
    service = ServiceFactory(base_price=Decimal("55.50"))
    with pytest.raises(TypeError):
        create(customer, service, price_estimate=Decimal("1.00"))
    assert create(customer, service).price_estimate == Decimal("55.50")


def test_a_given_address_is_used_without_the_home_position(customer, service):
    service_request = create(customer, service, address="1 Elsewhere Road", pin_code="400001")
    assert (service_request.address, service_request.pin_code) == ("1 Elsewhere Road", "400001")
    assert service_request.latitude is None


def test_household_job_needs_an_address_and_pin_code(customer, service):
    customer.customer_profile.delete()
    customer.refresh_from_db()
    assert_refused(lambda: create(customer, service), "address")
    assert_refused(lambda: create(customer, service, address="1 Road"), "pin_code")


def test_unknown_service_is_refused(customer, service):
    assert_refused(lambda: create(customer, 987654), "service")


def test_inactive_service_is_refused(customer):
    retired = ServiceFactory(is_active=False)
    assert_refused(lambda: create(customer, retired), "service")


def test_roadside_help_needs_a_position(customer, dispatch_service):
    assert_refused(lambda: create(customer, dispatch_service), "latitude")
    assert_refused(lambda: create(customer, dispatch_service, latitude="12.9"), "longitude")


def test_roadside_help_is_dispatched_to_the_given_position(customer, dispatch_service):
    service_request = create(
        customer, dispatch_service, latitude=12.97159871, longitude="77.5946", vehicle_type="ev"
    )
    assert service_request.latitude == Decimal("12.971599")
    assert service_request.vehicle_type == "ev"
    assert service_request.price_estimate == dispatch_service.base_price


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("91", "10", "latitude"),
        ("10", "-181", "longitude"),
        ("north", "10", "latitude"),
        ("NaN", "1", "latitude"),
    ],
)
def test_position_out_of_range_is_refused(customer, dispatch_service, latitude, longitude, field):
    assert_refused(lambda: create(customer, dispatch_service, latitude=latitude, longitude=longitude), field)


def test_preferred_time_in_the_past_is_refused(customer, service):
    yesterday = timezone.now() - timedelta(days=1)
    assert_refused(lambda: create(customer, service, scheduled_for=yesterday), "scheduled_for")


def test_preferred_time_in_the_future_is_kept(customer, service, professional):
    # A slot (on the grid, within someone's working hours): see test_schedule_booking.py.
    works(professional, ("09:00", "17:00"))
    tomorrow = at(local_day(1), "10:30")
    assert create(customer, service, scheduled_for=tomorrow).scheduled_for == tomorrow


def test_unknown_vehicle_type_is_refused(customer, dispatch_service):
    assert_refused(
        lambda: create(customer, dispatch_service, latitude=1, longitude=1, vehicle_type="spaceship"),
        "vehicle_type",
    )


def test_blank_description_is_refused(customer, service):
    assert_refused(lambda: create(customer, service, description="   "), "description")


@pytest.mark.parametrize("role", ["professional", "admin_user"])
def test_only_customers_book(request, service, role):
    user = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        create(user, service)
    assert not ServiceRequest.objects.exists()


def test_blocked_customer_cannot_book(customer, service):
    customer.is_active = False
    customer.save()
    with pytest.raises(NotAllowed):
        create(customer, service)
    assert not ServiceRequest.objects.exists()
