"""The rules of each transition beyond who and when: offers by area, refusals, assignment,
final price bounds and edits. Every refusal leaves the request and its trail untouched."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from householdsvc.core.geo import bounding_box, haversine_km
from requests_app import services
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.selectors import (
    professionals_suitable_for,
    service_request_get,
    service_request_list,
)
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory, request_in_state
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.django_db

# Bengaluru centre and two points: ~5 km and ~60 km away.
CENTRE = (Decimal("12.971600"), Decimal("77.594600"))
FIVE_KM = (Decimal("13.016600"), Decimal("77.594600"))
SIXTY_KM = (Decimal("13.511600"), Decimal("77.594600"))


def unchanged(service_request):
    """Snapshot of the row and its trail, to compare after a refusal."""
    return (
        ServiceRequest.objects.values().get(pk=service_request.pk),
        RequestEvent.objects.filter(request_id=service_request.pk).count(),
    )


def roadside_pro(service, *, radius=10, position=CENTRE, pin_code="999000"):
    return ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__pin_code=pin_code,
        professional_profile__position_updated_at=timezone.now(),
        professional_profile__service_radius_km=radius,
        professional_profile__current_latitude=position[0],
        professional_profile__current_longitude=position[1],
    )


# --- Geo maths ----------------------------------------------------------------------------


def test_haversine_matches_a_known_distance():
    # Bengaluru to Chennai is about 290 km as the crow flies.
    assert 285 < haversine_km(12.9716, 77.5946, 13.0827, 80.2707) < 295


def test_bounding_box_encloses_the_circle():
    min_lat, max_lat, min_lng, max_lng = bounding_box(12.97, 77.59, 10)
    assert haversine_km(12.97, 77.59, max_lat, 77.59) >= 10
    assert haversine_km(12.97, 77.59, 12.97, max_lng) >= 10
    assert min_lat < 12.97 < max_lat and min_lng < 77.59 < max_lng


def test_bounding_box_drops_longitude_across_the_antimeridian():
    assert bounding_box(0, 179.95, 50)[2:] == (None, None)


# --- Offers -------------------------------------------------------------------------------


def test_roadside_request_is_offered_within_the_radius_only(dispatch_service):
    operator = roadside_pro(dispatch_service, radius=10)
    near = ServiceRequestFactory(
        service=dispatch_service, pin_code="", latitude=FIVE_KM[0], longitude=FIVE_KM[1]
    )
    far = ServiceRequestFactory(
        service=dispatch_service, pin_code="", latitude=SIXTY_KM[0], longitude=SIXTY_KM[1]
    )

    assert list(service_request_list(user=operator)) == [near]
    with pytest.raises(NotFound):
        services.service_request_accept(request_id=far.pk, professional=operator)
    assert (
        services.service_request_accept(request_id=near.pk, professional=operator).status == Status.ASSIGNED
    )


def test_a_wider_radius_reaches_further(dispatch_service):
    operator = roadside_pro(dispatch_service, radius=70)
    far = ServiceRequestFactory(
        service=dispatch_service, pin_code="", latitude=SIXTY_KM[0], longitude=SIXTY_KM[1]
    )
    assert list(service_request_list(user=operator)) == [far]


def test_same_pin_code_is_offered_without_positions(service):
    pro = ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__pin_code="400001",
        professional_profile__current_latitude=None,
        professional_profile__current_longitude=None,
    )
    request = ServiceRequestFactory(service=service, pin_code="400001", latitude=None, longitude=None)
    assert list(service_request_list(user=pro)) == [request]


def test_a_professional_without_a_pin_code_is_not_offered_requests_without_one(dispatch_service):
    ServiceRequestFactory(service=dispatch_service, pin_code="", latitude=None, longitude=None)
    pro = ProfessionalFactory(
        professional_profile__service=dispatch_service,
        professional_profile__pin_code="",
        professional_profile__current_latitude=None,
        professional_profile__current_longitude=None,
    )
    assert list(service_request_list(user=pro)) == []


def test_other_services_are_not_offered(open_request):
    plumber = ProfessionalFactory(professional_profile__service=ServiceFactory())
    assert list(service_request_list(user=plumber)) == []
    with pytest.raises(NotFound):
        services.service_request_accept(request_id=open_request.pk, professional=plumber)


def test_requests_of_a_retired_service_are_offered_to_nobody(open_request, professional, service):
    service.is_active = False
    service.save()
    assert list(service_request_list(user=professional)) == []


def test_blocked_professional_sees_nothing(open_request, professional):
    professional.is_active = False
    professional.save()
    assert list(service_request_list(user=professional)) == []


def test_pending_professional_is_offered_nothing(open_request, pending_professional):
    assert list(service_request_list(user=pending_professional)) == []
    with pytest.raises(NotFound):
        service_request_get(user=pending_professional, request_id=open_request.pk)


# --- Reject -------------------------------------------------------------------------------


def test_a_rejected_request_is_never_offered_again_to_that_professional(
    open_request, professional, other_professional
):
    services.service_request_reject(
        request_id=open_request.pk, professional=professional, note="Fully booked."
    )

    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED
    assert list(service_request_list(user=professional)) == []
    assert list(service_request_list(user=other_professional)) == [open_request]
    event = open_request.events.get()
    assert (event.action, event.note) == (Action.REJECT, "Fully booked.")
    with pytest.raises(NotAllowed):
        services.service_request_accept(request_id=open_request.pk, professional=professional)
    with pytest.raises(Conflict) as excinfo:
        services.service_request_reject(request_id=open_request.pk, professional=professional)
    assert excinfo.value.code == "already_rejected"
    assert open_request.events.count() == 1


# --- Assign -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pending", "blocked", "other_service", "customer", "unknown"])
def test_admin_cannot_assign_an_unsuitable_professional(
    open_request, admin_user, pending_professional, customer, service, who
):
    candidate = {
        "pending": lambda: pending_professional,
        "blocked": lambda: ProfessionalFactory(professional_profile__service=service, is_active=False),
        "other_service": lambda: ProfessionalFactory(professional_profile__service=ServiceFactory()),
        "customer": lambda: customer,
        "unknown": lambda: 987654,
    }[who]()
    before = unchanged(open_request)
    with pytest.raises(ValidationFailed) as excinfo:
        services.service_request_assign(request_id=open_request.pk, professional=candidate, actor=admin_user)
    assert "professional" in excinfo.value.errors
    assert unchanged(open_request) == before


def test_admin_may_assign_someone_outside_the_area_and_by_id(open_request, admin_user, service):
    elsewhere = ProfessionalFactory(
        professional_profile__service=service, professional_profile__pin_code="110001"
    )
    assigned = services.service_request_assign(
        request_id=open_request.pk, professional=elsewhere.pk, actor=admin_user
    )
    assert (assigned.status, assigned.professional) == (Status.ASSIGNED, elsewhere)
    assert "Assigned to" in assigned.events.get().note


def test_suitable_professionals_are_approved_active_and_of_the_service(
    open_request, professional, other_professional, pending_professional, service
):
    ProfessionalFactory(professional_profile__service=service, is_active=False)
    ProfessionalFactory(professional_profile__service=ServiceFactory())
    elsewhere = ProfessionalFactory(
        professional_profile__service=service, professional_profile__pin_code="110001"
    )
    services.service_request_reject(request_id=open_request.pk, professional=other_professional)

    suitable = list(professionals_suitable_for(service_request=open_request))

    # Same pin code first, those who turned it down last.
    assert suitable == [professional, elsewhere, other_professional]


# --- Complete -----------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["-1", "-0.01", "4000.01", "1e9", "12.345", "NaN", "Infinity", "abc", None])
def test_a_negative_or_absurd_final_price_is_refused(on_site_request, professional, price):
    # The service's base price is 40.00: the bound is 100 times that, 4000.00.
    before = unchanged(on_site_request)
    with pytest.raises(ValidationFailed) as excinfo:
        services.service_request_complete(
            request_id=on_site_request.pk, professional=professional, final_price=price
        )
    assert "final_price" in excinfo.value.errors
    assert unchanged(on_site_request) == before


@pytest.mark.parametrize("price", ["0", "4000.00", "40"])
def test_a_final_price_within_bounds_is_kept(on_site_request, professional, price):
    completed = services.service_request_complete(
        request_id=on_site_request.pk, professional=professional, final_price=price, price_reason="More work."
    )
    assert completed.final_price == Decimal(price)


def test_a_free_service_is_bounded_by_the_ceiling(customer, professional):
    free = ServiceFactory(base_price=Decimal("0"))
    professional.professional_profile.service = free
    professional.professional_profile.save()
    job = request_in_state(Status.ON_SITE, service=free, customer=customer, professional=professional)
    with pytest.raises(ValidationFailed):
        services.service_request_complete(
            request_id=job.pk, professional=professional, final_price="100000.01"
        )
    done = services.service_request_complete(
        request_id=job.pk, professional=professional, final_price="100000", price_reason="More work."
    )
    assert done.final_price == Decimal("100000.00")


# --- Edit ---------------------------------------------------------------------------------


def test_edits_are_recorded_with_the_fields_that_changed(open_request, customer, professional):
    works(professional, ("09:00", "17:00"))  # the new time is a slot someone is free for
    tomorrow = at(local_day(1), "10:30")
    edited = services.service_request_edit(
        request_id=open_request.pk,
        actor=customer,
        description="Also the oven.",
        remarks="Ring twice.",
        scheduled_for=tomorrow,
        pin_code=open_request.pin_code,  # unchanged: not listed
    )
    assert (edited.description, edited.remarks, edited.scheduled_for) == (
        "Also the oven.",
        "Ring twice.",
        tomorrow,
    )
    event = edited.events.get()
    assert (event.action, event.from_status, event.to_status) == (
        Action.EDIT,
        Status.REQUESTED,
        Status.REQUESTED,
    )
    assert event.note == "Changed: description, remarks, scheduled_for."


def test_an_edit_that_changes_nothing_records_nothing(open_request, customer):
    services.service_request_edit(
        request_id=open_request.pk, actor=customer, description=open_request.description
    )
    assert not open_request.events.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"description": "  "}, "description"),
        ({"address": ""}, "address"),
        ({"pin_code": ""}, "pin_code"),
        ({"pin_code": "1" * 13}, "pin_code"),
        ({"scheduled_for": "2020-01-01T10:00:00Z"}, "scheduled_for"),
    ],
)
def test_bad_edits_are_refused(open_request, customer, fields, error):
    if error == "scheduled_for":
        fields = {"scheduled_for": timezone.now() - timedelta(days=2)}
    before = unchanged(open_request)
    with pytest.raises(ValidationFailed) as excinfo:
        services.service_request_edit(request_id=open_request.pk, actor=customer, **fields)
    assert error in excinfo.value.errors
    assert unchanged(open_request) == before


@pytest.mark.parametrize(
    ("lat", "lng", "radius"), [(12.97, 77.59, 10), (60.0, 10.0, 150), (-45.0, -70.0, 500)]
)
def test_bounding_box_holds_every_point_of_the_circle(lat, lng, radius):
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    # Walk the circle's edge: every point on it lies inside the box.
    angular = radius / 6371.0088
    for step in range(360):
        bearing = math.radians(step)
        lat1, lng1 = math.radians(lat), math.radians(lng)
        lat2 = math.asin(
            math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing)
        )
        lng2 = lng1 + math.atan2(
            math.sin(bearing) * math.sin(angular) * math.cos(lat1),
            math.cos(angular) - math.sin(lat1) * math.sin(lat2),
        )
        assert min_lat - 1e-9 <= math.degrees(lat2) <= max_lat + 1e-9
        assert min_lng - 1e-9 <= math.degrees(lng2) <= max_lng + 1e-9
