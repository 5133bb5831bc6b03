"""Reads: which points each role sees (the SQL filter and its Python twin agree), and the
nearest available professional for a dispatch request."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import VerificationStatus
from requests_app.models import Status
from tests.accounts.factories import CustomerFactory, ProfessionalFactory
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import ServiceRequestFactory
from tests.tracking.factories import LocationUpdateFactory
from tracking.selectors import (
    location_latest,
    location_points_for,
    may_see_point,
    nearest_available_professionals,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s for s in Status if s != Status.REQUESTED])
@pytest.mark.parametrize("role", ["admin_user", "customer", "professional", "other_customer"])
def test_the_websockets_rule_and_the_lists_rule_agree(request, in_state, status, role):
    user = request.getfixturevalue(role)
    service_request = in_state(status)
    now = timezone.now()
    points = [
        LocationUpdateFactory(request=service_request, recorded_at=now - timedelta(minutes=minutes))
        for minutes in (90, 20, 1)
    ]

    listed = set(location_points_for(user=user, service_request=service_request).values_list("pk", flat=True))
    judged = {
        point.pk
        for point in points
        if may_see_point(
            user, service_request, reported_by_id=point.reported_by_id, recorded_at=point.recorded_at
        )
    }

    assert listed == judged
    if role in ("admin_user", "professional"):
        assert len(listed) == 3
    elif role == "customer" and status in (Status.EN_ROUTE, Status.ON_SITE):
        assert len(listed) == 2  # not the one from before Carol set off
    else:
        assert listed == set()


def test_the_latest_point_is_the_newest_recorded_not_the_last_received(in_state, professional):
    service_request = in_state(Status.EN_ROUTE)
    now = timezone.now()
    newest = LocationUpdateFactory(request=service_request, recorded_at=now - timedelta(seconds=5))
    LocationUpdateFactory(request=service_request, recorded_at=now - timedelta(minutes=5))

    assert location_latest(user=professional, service_request=service_request) == newest


# --- Nearest available professional -------------------------------------------------------------

HERE = (Decimal("12.971600"), Decimal("77.594600"))
KM_IN_DEGREES_LATITUDE = Decimal("0.008993")  # 1 km north, on the sphere of haversine_km


def operator(service, km_north, *, radius=50, rating="4.00", **profile):
    """A roadside operator of ``service`` standing ``km_north`` km north of HERE."""
    fields = {
        "service": service,
        "service_radius_km": radius,
        "average_rating": Decimal(rating),
        "is_available": True,
        "current_latitude": (HERE[0] + KM_IN_DEGREES_LATITUDE * Decimal(km_north)).quantize(
            Decimal("0.000001")
        ),
        "current_longitude": HERE[1],
        "position_updated_at": timezone.now(),
        **profile,
    }
    user_fields = {key: fields.pop(key) for key in ("is_active",) if key in fields}
    return ProfessionalFactory(**user_fields, **{f"professional_profile__{k}": v for k, v in fields.items()})


@pytest.fixture
def breakdown():
    service = DispatchServiceFactory(name="Breakdown")
    return ServiceRequestFactory(
        service=service, customer=CustomerFactory(), latitude=HERE[0], longitude=HERE[1], pin_code=""
    )


def test_the_nearest_available_operators_within_their_own_radius_come_first(breakdown):
    service = breakdown.service
    ten_km = operator(service, 10)
    one_km = operator(service, 1)
    far_but_wide = operator(service, 300, radius=400)
    operator(service, 30, radius=20)  # out of their own radius
    operator(service, 1, is_available=False)
    operator(service, 1, verification_status=VerificationStatus.PENDING)
    operator(service, 1, is_active=False)
    operator(DispatchServiceFactory(), 1)  # another service
    operator(service, 0, current_latitude=None, current_longitude=None)
    turned_it_down = operator(service, 2)
    breakdown.rejected_by.add(turned_it_down)

    found = list(nearest_available_professionals(service_request=breakdown))

    assert found == [one_km, ten_km, far_but_wide]
    assert [round(user.distance_km) for user in found] == [1, 10, 300]


def test_a_position_older_than_the_stale_limit_does_not_count(breakdown, settings):
    settings.POSITION_STALE_MINUTES = 10
    fresh = operator(breakdown.service, 2, position_updated_at=timezone.now() - timedelta(minutes=9))
    operator(breakdown.service, 1, position_updated_at=timezone.now() - timedelta(minutes=11))
    operator(breakdown.service, 1, position_updated_at=None)

    assert list(nearest_available_professionals(service_request=breakdown)) == [fresh]


def test_at_the_same_distance_the_better_rated_comes_first(breakdown):
    good = operator(breakdown.service, 3, rating="3.50")
    best = operator(breakdown.service, 3, rating="4.90")
    assert list(nearest_available_professionals(service_request=breakdown)) == [best, good]


def test_a_request_without_a_position_has_nobody_near(breakdown):
    operator(breakdown.service, 1)
    breakdown.latitude = breakdown.longitude = None
    assert list(nearest_available_professionals(service_request=breakdown)) == []


def test_nobody_available_means_nobody_near(breakdown):
    operator(breakdown.service, 1, is_available=False)
    assert list(nearest_available_professionals(service_request=breakdown)) == []


def test_postgresql_orders_by_the_earth_distance_the_gist_index_serves(breakdown, settings):
    settings.DISPATCH_MATCHING_KNN = True
    operator(breakdown.service, 1, radius=25)

    with CaptureQueriesContext(connection) as queries:
        found = list(nearest_available_professionals(service_request=breakdown))

    assert len(found) == 1
    # One statement: the walk, the filters after it and the users read.
    assert len(queries.captured_queries) == 1
    walk = queries.captured_queries[0]["sql"]
    assert "ll_to_earth(12.9716, 77.5946)" in walk
    assert " <-> " in walk


def test_the_portable_search_narrows_by_the_box_of_the_widest_radius_of_the_service(breakdown, settings):
    """SQLite's path (here with the KNN walk off): the box is sized by the widest radius of any
    professional of the service (one index lookup), here the unavailable one's 40 km: an upper
    bound of the candidates' own."""
    settings.DISPATCH_MATCHING_KNN = False
    operator(breakdown.service, 1, radius=25)
    operator(breakdown.service, 5, radius=40, is_available=False)
    operator(DispatchServiceFactory(), 5, radius=900)  # another service's radius does not count

    sql = str(nearest_available_professionals(service_request=breakdown).query)

    # 40 km is 0.36 degrees of latitude either side of HERE.
    assert '"accounts_professionalprofile"."current_latitude" >= 12.6118' in sql
    assert '"accounts_professionalprofile"."current_latitude" <= 13.3313' in sql
