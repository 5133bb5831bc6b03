"""A customer's edits that move the job or drop its preferred time: a household job whose
address changes is no longer at the old position (it was offered by distance around it), and
a preferred time can be taken away again. The same rules through the service and the API, each
change in the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from householdsvc.core.errors import ValidationFailed
from requests_app import services
from requests_app.models import Action, RequestEvent
from tests.requests_app.factories import LATITUDE, LONGITUDE, ServiceRequestFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = (Decimal("28.613900"), Decimal("77.209000"))


def edit_note(service_request):
    return RequestEvent.objects.get(request=service_request, action=Action.EDIT).note


@pytest.fixture
def timed_request(customer, service):
    return ServiceRequestFactory(
        customer=customer, service=service, scheduled_for=timezone.now() + timedelta(days=2)
    )


@pytest.fixture
def roadside_request(customer, dispatch_service):
    return ServiceRequestFactory(customer=customer, service=dispatch_service, address="", pin_code="")


# --- Service --------------------------------------------------------------------------------


def test_a_new_address_without_a_position_drops_the_old_position(open_request, customer):
    edited = services.service_request_edit(request_id=open_request.pk, actor=customer, address="Elsewhere 5")

    edited.refresh_from_db()
    assert (edited.address, edited.latitude, edited.longitude) == ("Elsewhere 5", None, None)
    assert edit_note(edited) == "Changed: address, latitude, longitude."


def test_a_new_pin_code_without_a_position_drops_the_old_position(open_request, customer):
    edited = services.service_request_edit(request_id=open_request.pk, actor=customer, pin_code="110001")

    edited.refresh_from_db()
    assert (edited.pin_code, edited.latitude, edited.longitude) == ("110001", None, None)
    assert edit_note(edited) == "Changed: pin_code, latitude, longitude."


def test_a_new_address_with_its_position_takes_that_position(open_request, customer):
    edited = services.service_request_edit(
        request_id=open_request.pk,
        actor=customer,
        address="Elsewhere 5",
        pin_code="110001",
        latitude="28.6139",
        longitude="77.209",
    )

    edited.refresh_from_db()
    assert (edited.latitude, edited.longitude) == ELSEWHERE
    assert edit_note(edited) == "Changed: address, pin_code, latitude, longitude."


def test_resending_the_same_address_keeps_the_position(open_request, customer):
    services.service_request_edit(
        request_id=open_request.pk,
        actor=customer,
        address=open_request.address,
        pin_code=open_request.pin_code,
        remarks="Ring twice.",
    )

    open_request.refresh_from_db()
    assert (open_request.latitude, open_request.longitude) == (LATITUDE, LONGITUDE)
    assert edit_note(open_request) == "Changed: remarks."


def test_a_roadside_job_keeps_its_position_when_its_address_changes(roadside_request, customer):
    services.service_request_edit(
        request_id=roadside_request.pk, actor=customer, address="Near the toll gate"
    )

    roadside_request.refresh_from_db()
    assert (roadside_request.latitude, roadside_request.longitude) == (LATITUDE, LONGITUDE)
    assert edit_note(roadside_request) == "Changed: address."


def test_a_roadside_job_may_be_moved_to_a_new_position(roadside_request, customer):
    services.service_request_edit(
        request_id=roadside_request.pk, actor=customer, latitude=ELSEWHERE[0], longitude=ELSEWHERE[1]
    )

    roadside_request.refresh_from_db()
    assert (roadside_request.latitude, roadside_request.longitude) == ELSEWHERE
    assert edit_note(roadside_request) == "Changed: latitude, longitude."


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"latitude": "28.6"}, "longitude"),
        ({"latitude": "91", "longitude": "77.2"}, "latitude"),
        ({"latitude": "28.6", "longitude": "abc"}, "longitude"),
    ],
)
def test_a_bad_position_is_refused_and_changes_nothing(open_request, customer, fields, error):
    with pytest.raises(ValidationFailed) as excinfo:
        services.service_request_edit(
            request_id=open_request.pk, actor=customer, address="Elsewhere 5", **fields
        )

    assert error in excinfo.value.errors
    address = open_request.address
    open_request.refresh_from_db()
    assert (open_request.address, open_request.latitude, open_request.longitude) == (
        address,
        LATITUDE,
        LONGITUDE,
    )
    assert not RequestEvent.objects.filter(request=open_request).exists()


def test_none_clears_the_preferred_time(timed_request, customer):
    edited = services.service_request_edit(request_id=timed_request.pk, actor=customer, scheduled_for=None)

    edited.refresh_from_db()
    assert edited.scheduled_for is None
    assert edit_note(edited) == "Changed: scheduled_for."


def test_leaving_the_preferred_time_out_keeps_it(timed_request, customer):
    when = timed_request.scheduled_for
    services.service_request_edit(request_id=timed_request.pk, actor=customer, remarks="Ring twice.")

    timed_request.refresh_from_db()
    assert timed_request.scheduled_for == when


def test_a_booking_to_another_address_without_a_position_has_none(customer, service):
    service_request = services.service_request_create(
        customer=customer, service=service, description="Deep clean", address="Elsewhere 5", pin_code="110001"
    )

    assert (service_request.latitude, service_request.longitude) == (None, None)


def test_a_booking_to_the_home_address_as_given_takes_the_home_position(customer, service):
    home = customer.customer_profile

    service_request = services.service_request_create(
        customer=customer,
        service=service,
        description="Deep clean",
        # As a browser sends a textarea back: CRLF line ends, surrounding spaces.
        address=f"  {home.address}\r\n",
        pin_code=home.pin_code,
    )

    assert (service_request.latitude, service_request.longitude) == (home.latitude, home.longitude)


def test_the_home_pin_code_with_another_address_has_no_position(customer, service):
    service_request = services.service_request_create(
        customer=customer,
        service=service,
        description="Deep clean",
        address="Elsewhere 5",
        pin_code=customer.customer_profile.pin_code,
    )

    assert (service_request.latitude, service_request.longitude) == (None, None)


# --- API ------------------------------------------------------------------------------------


def test_patching_the_preferred_time_to_null_clears_it(client_for, customer, timed_request):
    response = client_for(customer).patch(
        f"/api/v1/requests/{timed_request.pk}/", {"scheduled_for": None}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["scheduled_for"] is None
    timed_request.refresh_from_db()
    assert timed_request.scheduled_for is None
    assert edit_note(timed_request) == "Changed: scheduled_for."


def test_patching_the_address_drops_the_old_position(client_for, customer, open_request):
    response = client_for(customer).patch(
        f"/api/v1/requests/{open_request.pk}/",
        {"address": "Elsewhere 5", "pin_code": "110001"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["latitude"], response.json()["longitude"]) == (None, None)
    assert edit_note(open_request) == "Changed: address, pin_code, latitude, longitude."


def test_patching_the_address_with_its_position_takes_that_position(client_for, customer, open_request):
    response = client_for(customer).patch(
        f"/api/v1/requests/{open_request.pk}/",
        {"address": "Elsewhere 5", "latitude": "28.6139", "longitude": "77.209"},
        format="json",
    )

    assert response.status_code == 200, response.content
    open_request.refresh_from_db()
    assert (open_request.latitude, open_request.longitude) == ELSEWHERE


def test_the_edit_schema_says_the_preferred_time_may_be_null_and_takes_a_position():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/v1/requests/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].split("/")[-1]
    properties = schema["components"]["schemas"][name]["properties"]

    assert properties["scheduled_for"].get("nullable") is True
    assert {"latitude", "longitude"} <= set(properties)
