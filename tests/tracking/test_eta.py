"""The ETA sent with each position (tracking.eta): remaining distance over the recent speed,
a floor speed when standing, and "running late" once it slips past the first promise."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from requests_app.models import ServiceRequest
from tracking.eta import eta_for
from tracking.models import LocationSource, LocationUpdate

pytestmark = pytest.mark.django_db

SET_OFF = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def trip(en_route_request, professional):
    ServiceRequest.objects.filter(pk=en_route_request.pk).update(
        latitude=Decimal("12.900000"), longitude=Decimal("77.600000"), started_at=SET_OFF
    )
    en_route_request.refresh_from_db()

    def at(minutes, latitude):
        return LocationUpdate.objects.create(
            request=en_route_request,
            reported_by=professional,
            source=LocationSource.PROFESSIONAL,
            latitude=Decimal(latitude),
            longitude=Decimal("77.600000"),
            recorded_at=SET_OFF + timedelta(minutes=minutes),
        )

    return en_route_request, at


def test_the_first_point_promises_the_quote_speed_and_is_on_time(trip):
    service_request, at = trip
    first = at(1, "12.990000")  # 10.0 km away at 30 km/h: 20 min

    eta = eta_for(service_request, first)

    assert eta["arrives_at"] == eta["promised_at"]
    assert eta["arrives_at"].startswith("2026-12-01T14:21:00.")
    assert {key: value for key, value in eta.items() if key not in ("arrives_at", "promised_at")} == {
        "remaining_km": 10.008,
        "speed_kmh": 30.0,
        "minutes": 20,
        "arrives_at_clock": "14:21",
        "promised_at_clock": "14:21",
        "late": False,
        "near": False,
    }


def test_moving_fast_the_eta_follows_the_recent_speed(trip):
    service_request, at = trip
    at(1, "12.990000")
    moving = at(3, "12.972000")  # 2 km in 2 minutes: 60 km/h, 8 km to go

    eta = eta_for(service_request, moving)

    assert (eta["speed_kmh"], eta["minutes"], eta["arrives_at_clock"]) == (60.0, 8, "14:11")
    assert (eta["promised_at_clock"], eta["late"]) == ("14:21", False)


def test_standing_still_the_floor_speed_counts_and_the_customer_is_told_it_is_late(trip):
    service_request, at = trip
    at(1, "12.990000")
    at(3, "12.972000")
    standing = at(11, "12.972000")  # nothing else in the last five minutes

    eta = eta_for(service_request, standing)

    assert (eta["speed_kmh"], eta["minutes"], eta["arrives_at_clock"]) == (10.0, 48, "14:59")
    assert eta["late"] is True


def test_within_the_arrival_radius_it_is_near(trip):
    service_request, at = trip
    at(1, "12.990000")
    close = at(12, "12.901000")  # 111 m

    assert eta_for(service_request, close)["near"] is True


def test_without_a_position_to_go_to_there_is_no_eta(trip):
    service_request, at = trip
    point = at(1, "12.990000")
    service_request.latitude = service_request.longitude = None

    assert eta_for(service_request, point) is None
