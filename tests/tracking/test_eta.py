"""The ETA sent with each position (tracking.eta): remaining distance over the recent speed,
a floor speed when standing, and "running late" once it slips past the first promise."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from requests_app.models import ServiceRequest, Status
from tests.tracking.factories import point_json
from tracking.eta import eta_for
from tracking.models import LocationSource, LocationUpdate
from tracking.services import location_batch_record

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


# --- The ETA a batch broadcasts (read with the batch's own query) is the page's (eta_for) ------


@pytest.fixture
def heard_eta(professional, django_capture_on_commit_callbacks, hear_in_group):
    """``heard_eta(request, points)``: record the batch, and the ETA its watchers are sent."""

    def record(service_request, points):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            location_batch_record(request_id=service_request.pk, user=professional, points=points)
        return hear_in_group(f"request_{service_request.pk}", callbacks[0])["eta"]

    return record


def page_eta(service_request):
    """The ETA the request page shows at the newest point."""
    service_request = ServiceRequest.objects.get(pk=service_request.pk)
    return eta_for(service_request, LocationUpdate.objects.filter(request=service_request).first())


def along_the_meridian(count, *, latitude, newest_seconds_ago=0, step_seconds=20, step="0.001"):
    """``count`` points ``step_seconds`` apart, each ``step`` degrees further north (south when
    negative), oldest first."""
    start = Decimal(latitude)
    return [
        point_json(
            seconds_ago=newest_seconds_ago + step_seconds * (count - 1 - index),
            latitude=f"{start + Decimal(step) * index:.6f}",
            longitude="77.600000",
        )
        for index in range(count)
    ]


@pytest.fixture
def heading_to_the_job(in_state):
    """``heading_to_the_job(status)``: Carol's request in that status, at 12.9, 77.6."""

    def make(status=Status.EN_ROUTE):
        service_request = in_state(status)
        ServiceRequest.objects.filter(pk=service_request.pk).update(
            latitude=Decimal("12.900000"), longitude=Decimal("77.600000")
        )
        return ServiceRequest.objects.get(pk=service_request.pk)

    return make


def test_the_first_batch_promises_the_quote_speed_as_the_page_does(heard_eta, heading_to_the_job):
    service_request = heading_to_the_job()

    eta = heard_eta(service_request, along_the_meridian(1, latitude="12.990000"))

    assert eta == page_eta(service_request)
    assert (eta["speed_kmh"], eta["minutes"], eta["late"]) == (30.0, 20, False)


def test_later_batches_measure_the_speed_over_the_window_as_the_page_does(heard_eta, heading_to_the_job):
    service_request = heading_to_the_job()
    # Twenty minutes ago, then south every 20 s (45 s between the batches); the window is the
    # five minutes before the newest point, 10 s ago.
    heard_eta(service_request, along_the_meridian(1, latitude="13.000000", newest_seconds_ago=1200))
    heard_eta(
        service_request, along_the_meridian(10, latitude="12.990000", newest_seconds_ago=215, step="-0.001")
    )

    eta = heard_eta(
        service_request, along_the_meridian(9, latitude="12.980000", newest_seconds_ago=10, step="-0.001")
    )

    assert eta == page_eta(service_request)
    # 13 steps of 0.001 degrees (111 m) from 295 s to 10 s ago: 18.3 km/h, 8.0 km to go; the
    # first point promised 22 minutes from twenty minutes ago.
    assert (eta["speed_kmh"], eta["minutes"], eta["late"]) == (18.3, 26, True)


def test_before_setting_off_the_whole_track_counts_as_the_page_does(heard_eta, heading_to_the_job):
    service_request = heading_to_the_job(Status.ASSIGNED)
    heard_eta(service_request, along_the_meridian(3, latitude="12.950000", newest_seconds_ago=900))

    eta = heard_eta(service_request, along_the_meridian(4, latitude="12.940000", step="-0.002"))

    assert eta == page_eta(service_request)


def test_a_batch_flushed_late_is_timed_at_its_own_newest_point(heard_eta, heading_to_the_job):
    service_request = heading_to_the_job()
    heard_eta(service_request, along_the_meridian(5, latitude="12.950000"))

    eta = heard_eta(service_request, along_the_meridian(5, latitude="12.960000", newest_seconds_ago=600))

    older = LocationUpdate.objects.filter(request=service_request, latitude=Decimal("12.964000")).get()
    assert eta == eta_for(service_request, older)


def test_a_request_without_a_position_to_go_to_broadcasts_no_eta(heard_eta, en_route_request):
    ServiceRequest.objects.filter(pk=en_route_request.pk).update(latitude=None, longitude=None)

    assert heard_eta(en_route_request, along_the_meridian(2, latitude="12.950000")) is None
